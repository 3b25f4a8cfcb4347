"""The change history: what is recorded, undo of every kind of change, the history page."""

import pytest
from django.urls import reverse

from apps.accounts.models import AccessLevel
from apps.catalog.models import Role
from apps.exchange.selectors import matrix_document
from apps.history.models import Action, Change
from apps.matrices.models import Activity, Phase, Responsibility
from apps.raci.exchange.jsonfile import to_data
from apps.raci.schemes import RACI, Kind
from tests.conftest import add_member, make_matrix, make_user

HX = {"HTTP_HX_REQUEST": "true"}
A = RACI.code_for(Kind.ACCOUNTABLE)
R = RACI.code_for(Kind.RESPONSIBLE)
C = RACI.code_for(Kind.CONSULTED)


@pytest.fixture
def matrix(team):
    return make_matrix(team=team, activities=4, roles=3, phases=2)


def state(matrix):
    """Everything a user sees of the matrix, as the JSON export holds it."""
    matrix.refresh_from_db()
    data = to_data(matrix_document(matrix))
    data.pop("exported_at")
    data["matrix"].pop("findings", None)
    return data


def url(matrix, name, *args):
    return reverse(name, args=[matrix.slug, *args])


def first(matrix):
    activity = matrix.activities.order_by("position").first()
    role = Role.objects.filter(columns__matrix=matrix).order_by("columns__position").first()
    return activity, role


def assign(client, matrix, activity, role, code):
    return client.post(
        url(matrix, "matrices:assign"),
        {"activity": activity.pk, "role": role.pk, "code": code},
        **HX,
    )


def undo_last(client, matrix):
    return client.post(url(matrix, "history:undo_last"))


# -- Recording ---------------------------------------------------------------------------------


def test_a_cell_change_is_recorded_with_who_when_before_and_after(client_in, user, matrix):
    activity, role = first(matrix)
    assert Responsibility.objects.get(activity=activity, role=role).code == A
    assign(client_in, matrix, activity, role, C)
    change = Change.objects.get(matrix=matrix)
    assert change.by == user
    assert change.at is not None
    assert change.action == Action.CELL
    assert (change.activity_id, change.role_id) == (activity.pk, role.pk)
    assert change.letters == (A, C)
    assert change.summary == f"{role.name} on “{activity.name}”: {A} → {C}"


def test_setting_the_letter_a_cell_already_holds_records_nothing(client_in, matrix):
    activity, role = first(matrix)
    assign(client_in, matrix, activity, role, A)
    assert not Change.objects.exists()


def test_a_refused_change_records_nothing(client_in, matrix):
    activity, role = first(matrix)
    response = assign(client_in, matrix, activity, role, "X")
    assert response.status_code == 400
    assert not Change.objects.exists()


# -- Undo, for every kind of change -------------------------------------------------------------


def _role_outside(matrix):
    return Role.objects.create(slug=f"extra-{matrix.pk}", name="Extra", team=matrix.team)


CHANGES = {
    "cell-set": lambda m: (
        "matrices:assign",
        (),
        {"activity": first(m)[0].pk, "role": first(m)[1].pk, "code": C},
    ),
    "cell-clear": lambda m: (
        "matrices:assign",
        (),
        {"activity": first(m)[0].pk, "role": first(m)[1].pk, "code": ""},
    ),
    "activity-add": lambda m: (
        "matrices:activity_add",
        (m.phases.first().pk,),
        {"name": "New activity", "description": "d"},
    ),
    "activity-edit": lambda m: (
        "matrices:activity_edit",
        (first(m)[0].pk,),
        {"name": "Renamed", "description": "new text"},
    ),
    "activity-delete": lambda m: ("matrices:activity_delete", (first(m)[0].pk,), {}),
    "activity-shift-down": lambda m: ("matrices:activity_shift", (first(m)[0].pk,), {"offset": 1}),
    "activity-shift-across": lambda m: (
        "matrices:activity_shift",
        (m.activities.filter(phase=m.phases.order_by("position").first()).last().pk,),
        {"offset": 1},
    ),
    "activity-move": lambda m: (
        "matrices:activity_move",
        (),
        {
            "activity": first(m)[0].pk,
            "phase": m.phases.order_by("position").last().pk,
            "before": "",
        },
    ),
    "phase-add": lambda m: ("matrices:phase_add", (), {"name": "Later"}),
    "phase-rename": lambda m: ("matrices:phase_edit", (m.phases.first().pk,), {"name": "Now"}),
    "phase-delete": lambda m: (
        "matrices:phase_delete",
        (Phase.objects.create(matrix=m, name="Empty", position=9).pk,),
        {},
    ),
    "phase-shift": lambda m: ("matrices:phase_shift", (m.phases.first().pk,), {"offset": 1}),
    "column-add": lambda m: ("matrices:column_add", (), {"role": _role_outside(m).pk}),
    "column-remove": lambda m: ("matrices:column_remove", (first(m)[1].pk,), {}),
    "column-shift": lambda m: ("matrices:column_shift", (first(m)[1].pk,), {"offset": 1}),
    "column-rename": lambda m: ("matrices:column_rename", (first(m)[1].pk,), {"name": "Tester"}),
    "details": lambda m: ("matrices:edit_details", (), {"title": "New", "description": "Why"}),
    "options": lambda m: (
        "matrices:edit_options",
        (),
        {"accountable_does_work": "on", "overload_percent": 30},
    ),
    "scheme": lambda m: ("matrices:change_scheme", (), {"scheme": "daci", "confirm": "on"}),
}


@pytest.mark.parametrize("kind", CHANGES)
def test_undo_puts_the_matrix_back_as_it_was(client_in, matrix, kind):
    if kind == "phase-delete":
        CHANGES[kind](matrix)  # the empty phase exists before the "before" state is read
        name, args, data = "matrices:phase_delete", (matrix.phases.get(name="Empty").pk,), {}
    else:
        name, args, data = None, None, None
    before = state(matrix)
    if name is None:
        name, args, data = CHANGES[kind](matrix)
        before = state(matrix)  # the factories may create a role outside the matrix
    response = client_in.post(url(matrix, name, *args), data, **HX)
    assert response.status_code in (200, 204), response.content
    assert state(matrix) != before
    assert Change.objects.filter(matrix=matrix).count() == 1

    response = undo_last(client_in, matrix)
    assert response.status_code == 302
    assert state(matrix) == before
    undo = Change.objects.filter(matrix=matrix).first()
    assert undo.reverts is not None
    assert undo.summary.startswith("Undo: ")
    assert undo.reverts.undone


def test_undo_of_an_undo_does_the_change_again(client_in, matrix):
    activity, role = first(matrix)
    assign(client_in, matrix, activity, role, C)
    undo_last(client_in, matrix)
    undo = Change.objects.filter(matrix=matrix).first()
    client_in.post(url(matrix, "history:undo", undo.pk))
    assert Responsibility.objects.get(activity=activity, role=role).code == C


def test_undo_last_skips_undos_and_what_they_undid(client_in, matrix):
    activity, role = first(matrix)
    assign(client_in, matrix, activity, role, C)  # A -> C
    assign(client_in, matrix, activity, role, R)  # C -> R
    undo_last(client_in, matrix)  # back to C
    undo_last(client_in, matrix)  # back to A, not forward to R
    assert Responsibility.objects.get(activity=activity, role=role).code == A


def redo_last(client, matrix, **extra):
    return client.post(url(matrix, "history:redo_last"), **extra)


def code_of(activity, role):
    cell = Responsibility.objects.filter(activity=activity, role=role).first()
    return cell.code if cell else ""


def test_redo_does_again_what_the_last_undos_undid_in_their_order(client_in, matrix):
    """As in a spreadsheet: undo twice, redo twice, undo again. Each step is a change in the
    history with its own entry, and the page says what it did."""
    activity, role = first(matrix)
    assign(client_in, matrix, activity, role, C)  # A -> C
    assign(client_in, matrix, activity, role, R)  # C -> R
    undo_last(client_in, matrix)
    undo_last(client_in, matrix)
    assert code_of(activity, role) == A
    response = redo_last(client_in, matrix, follow=True)
    assert code_of(activity, role) == C
    assert f"Redone: {role.name} on “{activity.name}”: {A} → {C}" in response.text
    redo = Change.objects.filter(matrix=matrix).first()
    assert redo.summary.startswith("Redo: ") and redo.by.username == "alice"
    redo_last(client_in, matrix)
    assert code_of(activity, role) == R
    response = redo_last(client_in, matrix, follow=True)
    assert "nothing to redo" in response.text
    assert code_of(activity, role) == R
    # Undo takes back the redone change, and redo brings it again.
    undo_last(client_in, matrix)
    assert code_of(activity, role) == C
    redo_last(client_in, matrix)
    assert code_of(activity, role) == R
    assert Change.objects.filter(matrix=matrix).count() == 8


def test_a_change_made_after_an_undo_ends_what_can_be_redone(client_in, matrix):
    (a1, a2), role = list(matrix.activities.order_by("position")[:2]), first(matrix)[1]
    assign(client_in, matrix, a1, role, C)
    undo_last(client_in, matrix)
    assign(client_in, matrix, a2, role, C)
    before, count = state(matrix), Change.objects.count()
    response = redo_last(client_in, matrix, follow=True)
    assert "nothing to redo" in response.text
    assert state(matrix) == before and Change.objects.count() == count


def test_a_viewer_may_not_redo(client, matrix):
    viewer = make_user("viewer")
    add_member(matrix.team, viewer, access=AccessLevel.VIEWER)
    editor = Change.objects.create(
        matrix=matrix, action=Action.DETAILS, summary="Renamed", before={"title": matrix.title}
    )
    Change.objects.create(
        matrix=matrix, action=Action.DETAILS, summary="Undo: x", reverts=editor, is_undo=True
    )
    client.force_login(viewer)
    count = Change.objects.count()
    assert redo_last(client, matrix).status_code == 403
    assert Change.objects.count() == count


def test_a_chosen_older_change_can_be_undone_alone(client_in, matrix):
    (a1, a2), role = list(matrix.activities.order_by("position")[:2]), first(matrix)[1]
    assign(client_in, matrix, a1, role, C)
    assign(client_in, matrix, a2, role, C)
    older = Change.objects.get(activity_id=a1.pk)
    client_in.post(url(matrix, "history:undo", older.pk))
    assert Responsibility.objects.get(activity=a1, role=role).code == A
    assert Responsibility.objects.get(activity=a2, role=role).code == C


def test_undoing_a_change_twice_is_refused_with_a_message(client_in, matrix):
    activity, role = first(matrix)
    assign(client_in, matrix, activity, role, C)
    change = Change.objects.get()
    client_in.post(url(matrix, "history:undo", change.pk))
    before = state(matrix)
    response = client_in.post(url(matrix, "history:undo", change.pk), follow=True)
    assert "already been undone" in response.text
    assert state(matrix) == before


def test_undo_of_a_cell_whose_activity_is_gone_says_so_and_changes_nothing(client_in, matrix):
    activity, role = first(matrix)
    assign(client_in, matrix, activity, role, C)
    cell_change = Change.objects.get()
    client_in.post(url(matrix, "matrices:activity_delete", activity.pk), **HX)
    before, count = state(matrix), Change.objects.count()
    response = client_in.post(url(matrix, "history:undo", cell_change.pk), follow=True)
    assert "has since been deleted" in response.text
    assert state(matrix) == before
    assert Change.objects.count() == count


def test_undo_with_nothing_to_undo_says_so(client_in, matrix):
    response = client_in.post(url(matrix, "history:undo_last"), follow=True)
    assert "nothing to undo" in response.text


def test_undo_goes_back_to_the_page_it_came_from_but_never_off_site(client_in, matrix):
    activity, role = first(matrix)
    assign(client_in, matrix, activity, role, C)
    response = client_in.post(url(matrix, "history:undo_last"), {"next": matrix.get_absolute_url()})
    assert response.url == matrix.get_absolute_url()
    assign(client_in, matrix, activity, role, C)
    response = client_in.post(url(matrix, "history:undo_last"), {"next": "https://evil.example/"})
    assert response.url == url(matrix, "history:list")


def test_a_change_of_another_matrix_cannot_be_undone_through_this_one(client_in, team, matrix):
    other = make_matrix(team=team)
    activity, role = first(other)
    assign(client_in, other, activity, role, C)
    response = client_in.post(url(matrix, "history:undo", Change.objects.get().pk))
    assert response.status_code == 404
    assert Responsibility.objects.get(activity=activity, role=role).code == C


def test_a_viewer_sees_the_history_but_may_not_undo(client, team, matrix):
    viewer = make_user("viewer")
    add_member(team, viewer, AccessLevel.VIEWER)
    Change.objects.create(matrix=matrix, action=Action.DETAILS, summary="Something", before={})
    client.force_login(viewer)
    page = client.get(url(matrix, "history:list"))
    assert page.status_code == 200
    assert "Something" in page.text
    assert "Undo" not in page.text
    assert client.post(url(matrix, "history:undo_last")).status_code == 403
    assert client.post(url(matrix, "history:undo", Change.objects.get().pk)).status_code == 403


def test_a_non_member_gets_404_for_the_history(client, matrix):
    client.force_login(make_user("stranger"))
    assert client.get(url(matrix, "history:list")).status_code == 404
    assert client.post(url(matrix, "history:undo_last")).status_code == 404


# -- The history page ---------------------------------------------------------------------------


def test_the_history_filters_by_activity_and_by_role(client_in, matrix):
    (a1, a2) = list(matrix.activities.order_by("position")[:2])
    roles = list(Role.objects.filter(columns__matrix=matrix).order_by("columns__position"))
    assign(client_in, matrix, a1, roles[2], C)
    assign(client_in, matrix, a2, roles[2], C)
    assign(client_in, matrix, a2, roles[0], R)
    page = client_in.get(url(matrix, "history:list"), {"activity": a2.pk})
    assert [c.activity_id for c in page.context["page"].object_list] == [a2.pk, a2.pk]
    page = client_in.get(url(matrix, "history:list"), {"role": roles[2].pk})
    assert {c.activity_id for c in page.context["page"].object_list} == {a1.pk, a2.pk}
    page = client_in.get(url(matrix, "history:list"), {"activity": a2.pk, "role": roles[0].pk})
    assert len(page.context["page"].object_list) == 1


def test_a_filter_on_something_not_in_the_matrix_is_404(client_in, team, matrix):
    other = make_matrix(team=team)
    assert client_in.get(url(matrix, "history:list"), {"activity": "x"}).status_code == 404
    foreign = other.activities.first().pk
    assert client_in.get(url(matrix, "history:list"), {"activity": foreign}).status_code == 404


def test_names_in_the_history_are_escaped(client_in, matrix):
    activity, role = first(matrix)
    Activity.objects.filter(pk=activity.pk).update(name="<script>alert(1)</script>")
    assign(client_in, matrix, activity, role, C)
    page = client_in.get(url(matrix, "history:list"))
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;" in page.text


@pytest.mark.parametrize("size", [5, 80])
def test_the_history_page_costs_the_same_queries_whatever_the_size(
    client_in, team, size, django_assert_num_queries
):
    matrix = make_matrix(team=team, activities=size, roles=4)
    role = Role.objects.filter(columns__matrix=matrix).first()
    for activity in matrix.activities.all():
        assign(client_in, matrix, activity, role, C)
    # session, user, matrix; count, page of changes (the filter's activities and roles come
    # from the structure cache, which the cell updates above filled)
    with django_assert_num_queries(5):
        response = client_in.get(url(matrix, "history:list"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(size, 50)


def test_a_cell_change_costs_no_extra_query_for_the_history(
    client_in, matrix, django_assert_num_queries
):
    """The cell update reads the cell it changes from the grid it fetched anyway."""
    activity, role = first(matrix)
    # session, user, matrix; grid: columns, phases, activities, holders, cells; upsert; version;
    # history
    with django_assert_num_queries(11):
        assign(client_in, matrix, activity, role, C)


def test_undo_from_the_matrix_page_returns_to_the_matrix_page(client_in, matrix):
    activity, role = first(matrix)
    assign(client_in, matrix, activity, role, "C")
    page = client_in.get(matrix.get_absolute_url()).text
    assert '<input type="hidden" name="next" value="' + matrix.get_absolute_url() in page
    response = client_in.post(url(matrix, "history:undo_last"), {"next": matrix.get_absolute_url()})
    assert response.status_code == 302
    assert response["Location"] == matrix.get_absolute_url()
