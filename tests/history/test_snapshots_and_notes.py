"""Named snapshots, comparing them, and notes on cells."""

import json

import pytest

from apps.accounts.models import AccessLevel
from apps.history.models import Action, Change, Snapshot
from apps.matrices.models import Responsibility
from apps.raci.schemes import RACI, Kind
from tests.conftest import add_member, make_matrix, make_user
from tests.history.test_history import HX, assign, first, undo_last, url

A = RACI.code_for(Kind.ACCOUNTABLE)
C = RACI.code_for(Kind.CONSULTED)


@pytest.fixture
def matrix(team):
    return make_matrix(team=team, activities=4, roles=3, phases=2)


def snap(client, matrix, name):
    return client.post(url(matrix, "history:snapshots"), {"name": name})


# -- Snapshots ----------------------------------------------------------------------------------


def test_a_snapshot_keeps_the_matrix_under_its_name(client_in, user, matrix):
    response = snap(client_in, matrix, "As agreed on 20 November")
    assert response.status_code == 302
    snapshot = Snapshot.objects.get(matrix=matrix)
    assert snapshot.name == "As agreed on 20 November"
    assert snapshot.by == user
    assert snapshot.document["format"] == "raci-builder/matrix"
    assert len(list(snapshot.document["matrix"]["phases"])) == 2
    page = client_in.get(url(matrix, "history:snapshots"))
    assert "As agreed on 20 November" in page.text


@pytest.mark.parametrize(
    ("name", "message"),
    [("", "This field is required."), ("x" * 121, "at most 120 characters")],
)
def test_a_bad_snapshot_name_is_refused_with_a_message(client_in, matrix, name, message):
    response = snap(client_in, matrix, name)
    assert response.status_code == 400
    assert message in response.text
    assert not Snapshot.objects.exists()


def test_a_snapshot_name_is_unique_within_the_matrix(client_in, matrix):
    snap(client_in, matrix, "To be")
    response = snap(client_in, matrix, "To be")
    assert response.status_code == 400
    assert "already a snapshot called" in response.text
    assert Snapshot.objects.count() == 1


def test_compare_shows_letters_added_changed_and_removed_since_a_snapshot(client_in, matrix):
    snap(client_in, matrix, "Before")
    activities = list(matrix.activities.order_by("position"))
    _, role = first(matrix)
    roles = list(matrix.roles.order_by("columns__position"))
    assign(client_in, matrix, activities[0], role, C)  # changed: A -> C
    assign(client_in, matrix, activities[1], roles[2], C)  # added
    assign(client_in, matrix, activities[2], roles[0], "")  # removed
    snapshot = Snapshot.objects.get()
    page = client_in.get(url(matrix, "history:compare"), {"old": snapshot.pk})
    assert page.status_code == 200
    counts = page.context["comparison"].counts
    assert (counts["added"], counts["changed"], counts["removed"]) == (1, 1, 1)
    assert 'class="cell diff-changed"' in page.text
    assert 'class="cell diff-added"' in page.text
    assert 'class="cell diff-removed"' in page.text


def test_compare_of_two_snapshots_and_of_identical_states(client_in, matrix):
    snap(client_in, matrix, "One")
    activity, role = first(matrix)
    assign(client_in, matrix, activity, role, C)
    snap(client_in, matrix, "Two")
    one, two = Snapshot.objects.get(name="One"), Snapshot.objects.get(name="Two")
    page = client_in.get(url(matrix, "history:compare"), {"old": one.pk, "new": two.pk})
    assert page.context["comparison"].counts["changed"] == 1
    page = client_in.get(url(matrix, "history:compare"), {"old": two.pk})
    assert "no differences" in page.text


def test_compare_without_a_choice_takes_the_newest_snapshot_or_asks_for_one(client_in, matrix):
    response = client_in.get(url(matrix, "history:compare"), follow=True)
    assert "Take a snapshot first" in response.text
    snap(client_in, matrix, "Only")
    page = client_in.get(url(matrix, "history:compare"))
    assert page.context["old_label"] == "Only"
    assert page.context["new_label"] == "Now"


def test_a_snapshot_of_another_matrix_or_a_bad_id_is_404(client_in, team, matrix):
    other = make_matrix(team=team)
    snap(client_in, other, "Elsewhere")
    foreign = Snapshot.objects.get()
    assert client_in.get(url(matrix, "history:compare"), {"old": foreign.pk}).status_code == 404
    assert client_in.get(url(matrix, "history:compare"), {"old": "x"}).status_code == 404
    download = url(matrix, "history:snapshot_download", foreign.pk)
    assert client_in.get(download).status_code == 404


def test_a_snapshot_downloads_as_json_that_imports(client_in, matrix):
    snap(client_in, matrix, "Keep")
    snapshot = Snapshot.objects.get()
    response = client_in.get(url(matrix, "history:snapshot_download", snapshot.pk))
    assert response["Content-Type"].startswith("application/json")
    assert json.loads(response.content) == snapshot.document
    from apps.raci.exchange.jsonfile import read_json

    assert read_json(response.content).activity_count == 4


def test_a_viewer_sees_snapshots_but_may_not_take_or_delete_them(client, team, matrix):
    Snapshot.objects.create(matrix=matrix, name="Kept", document={})
    viewer = make_user("viewer")
    add_member(team, viewer, AccessLevel.VIEWER)
    client.force_login(viewer)
    page = client.get(url(matrix, "history:snapshots"))
    assert page.status_code == 200
    assert "Take snapshot" not in page.text
    assert snap(client, matrix, "Mine").status_code == 403
    delete = url(matrix, "history:snapshot_delete", Snapshot.objects.get().pk)
    assert client.post(delete).status_code == 403
    assert Snapshot.objects.count() == 1


def test_an_editor_deletes_a_snapshot_after_confirming(client_in, matrix):
    snap(client_in, matrix, "Old")
    snap(client_in, matrix, "Kept")
    old, kept = Snapshot.objects.get(name="Old"), Snapshot.objects.get(name="Kept")
    page = client_in.get(url(matrix, "history:snapshots")).text
    assert 'data-hx-confirm="Delete the snapshot “Old”? This cannot be undone."' in page
    # Through htmx (after the confirmation) the page is reloaded; without it, redirected.
    response = client_in.post(
        url(matrix, "history:snapshot_delete", old.pk), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == url(matrix, "history:snapshots")
    response = client_in.post(url(matrix, "history:snapshot_delete", kept.pk))
    assert response.status_code == 302 and response.url == url(matrix, "history:snapshots")
    assert not Snapshot.objects.exists()


@pytest.mark.parametrize("size", [5, 60])
def test_the_compare_page_costs_the_same_queries_whatever_the_size(
    client_in, team, size, django_assert_num_queries
):
    matrix = make_matrix(team=team, activities=size, roles=4)
    snap(client_in, matrix, "Then")
    pk = Snapshot.objects.get().pk
    # session, user, matrix, the snapshot, the matrix's cells now (its structure is cached),
    # the choices
    with django_assert_num_queries(6):
        client_in.get(url(matrix, "history:compare"), {"old": pk})


# -- Notes on cells -----------------------------------------------------------------------------


def annotate(client, matrix, activity, role, note):
    return client.post(
        url(matrix, "matrices:annotate"),
        {"activity": activity.pk, "role": role.pk, "note": note},
        **HX,
    )


def test_a_note_is_saved_shown_on_the_cell_and_recorded(client_in, matrix):
    activity, role = first(matrix)
    response = annotate(client_in, matrix, activity, role, "Signs off the budget")
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#cell-{activity.pk}-{role.pk}"
    # The cell carries its note; one shared tooltip shows it on hover and focus.
    assert 'data-note="Signs off the budget">' in response.text
    assert Responsibility.objects.get(activity=activity, role=role).note == "Signs off the budget"
    change = Change.objects.get()
    assert change.action == Action.CELL
    assert change.summary.startswith(f"Note on {role.name}")
    page = client_in.get(matrix.get_absolute_url())
    assert f'id="cell-{activity.pk}-{role.pk}" class="l-A n" data-note="Signs off the budget"' in (
        page.text
    )


def test_a_note_survives_a_letter_change_and_goes_with_a_cleared_letter(client_in, matrix):
    activity, role = first(matrix)
    annotate(client_in, matrix, activity, role, "Why")
    assign(client_in, matrix, activity, role, C)
    assert Responsibility.objects.get(activity=activity, role=role).note == "Why"
    assign(client_in, matrix, activity, role, "")
    undo_last(client_in, matrix)
    cell = Responsibility.objects.get(activity=activity, role=role)
    assert (cell.code, cell.note) == (C, "Why")


def test_undo_brings_back_the_previous_note(client_in, matrix):
    activity, role = first(matrix)
    annotate(client_in, matrix, activity, role, "First")
    annotate(client_in, matrix, activity, role, "Second")
    undo_last(client_in, matrix)
    assert Responsibility.objects.get(activity=activity, role=role).note == "First"


def test_a_note_on_an_empty_cell_is_refused(client_in, matrix):
    activity, role = first(matrix)
    Responsibility.objects.filter(activity=activity, role=role).delete()
    response = annotate(client_in, matrix, activity, role, "Why")
    assert response.status_code == 400
    assert "letter before adding a note" in response.text
    assert not Change.objects.exists()


def test_a_note_too_long_is_refused_and_changes_nothing(client_in, matrix):
    activity, role = first(matrix)
    response = annotate(client_in, matrix, activity, role, "x" * 501)
    assert response.status_code == 400
    assert "at most 500 characters" in response.text
    assert Responsibility.objects.get(activity=activity, role=role).note == ""


def test_a_note_is_escaped_in_the_page(client_in, matrix):
    activity, role = first(matrix)
    annotate(client_in, matrix, activity, role, '"><img src=x onerror=alert(1)>')
    page = client_in.get(matrix.get_absolute_url())
    assert "<img src=x" not in page.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in page.text


def test_a_viewer_may_not_write_notes_but_can_read_them(client, team, matrix):
    activity, role = first(matrix)
    Responsibility.objects.filter(activity=activity, role=role).update(note="Read me")
    viewer = make_user("viewer")
    add_member(team, viewer, AccessLevel.VIEWER)
    client.force_login(viewer)
    assert annotate(client, matrix, activity, role, "Mine").status_code == 403
    page = client.get(matrix.get_absolute_url())
    assert 'data-note="Read me"' in page.text
    # The read-only grid takes the keyboard too (one tab stop, the arrow keys), and the
    # shared tooltip shows a focused cell's note: checked in the browser tests.
    assert 'aria-readonly="true"' in page.text and 'id="note-tip"' in page.text


def test_a_cell_of_another_matrix_is_404(client_in, team, matrix):
    other = make_matrix(team=team)
    activity, role = first(other)
    assert annotate(client_in, matrix, activity, role, "x").status_code == 404
