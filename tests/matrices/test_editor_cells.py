"""The cell editor: setting and clearing one letter through the htmx endpoint."""

import random
import re

import pytest
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse

from apps.accounts.models import AccessLevel
from apps.catalog.models import Role
from apps.exchange.seeding import REFERENCE_SLUG
from apps.history.models import Change
from apps.matrices.changes import change_made
from apps.matrices.models import Activity, Matrix, Responsibility
from apps.matrices.selectors import cell_change_grid, grid_data, matrix_grid, matrix_structure
from apps.matrices.services import responsibility_annotate, responsibility_assign
from apps.raci.schemes import DACI, RACI, RASCI, Kind
from tests.conftest import add_member, make_matrix, make_user

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
ACCOUNTABLE = RACI.code_for(Kind.ACCOUNTABLE)
RESPONSIBLE = RACI.code_for(Kind.RESPONSIBLE)
CONSULTED = RACI.code_for(Kind.CONSULTED)
INFORMED = RACI.code_for(Kind.INFORMED)
SUPPORT = RASCI.code_for(Kind.SUPPORT)


def assign_url(matrix):
    return f"/m/{matrix.slug}/cells/"


def columns(matrix):
    return list(Role.objects.filter(columns__matrix=matrix).order_by("columns__position", "pk"))


def rows(matrix):
    return list(matrix.activities.order_by("phase__position", "position", "pk"))


def cells(matrix):
    """Every letter of the matrix, as {(activity id, role id): code}."""
    return {
        (a, r): code
        for a, r, code in Responsibility.objects.filter(activity__matrix=matrix).values_list(
            "activity_id", "role_id", "code"
        )
    }


def oob_part(text, element_id):
    """The out-of-band element with that id, which must travel inside a <template>."""
    return re.search(
        rf'<template>\s*<\w+[^>]*\bid="{element_id}"[^>]*\bdata-hx-swap-oob="true"[^>]*>',
        text,
    )


@pytest.fixture
def matrix(team):
    return make_matrix(team=team, activities=3, roles=4, phases=2)


def test_assigning_a_letter_stores_it_and_answers_with_the_cell_and_its_effects(client_in, matrix):
    activity, role = rows(matrix)[0], columns(matrix)[2]
    response = client_in.post(
        assign_url(matrix),
        {"activity": activity.pk, "role": role.pk, "code": CONSULTED},
        **HX,
    )
    assert response.status_code == 200
    assert cells(matrix)[activity.pk, role.pk] == CONSULTED
    text = response.text
    # The cell itself comes first, swapped in place of the clicked cell.
    assert re.match(
        rf'\s*<td id="cell-{activity.pk}-{role.pk}" class="l-{CONSULTED}">{CONSULTED}</td>', text
    )
    for element_id in (f"status-{activity.pk}", f"colsum-{role.pk}", "summary"):
        assert oob_part(text, element_id), element_id
    # Of the workload, only the role's row: the other roles' rows do not change.
    assert oob_part(text, f"workload-{role.pk}")
    assert 'id="workload"' not in text and text.count('id="workload-') == 1
    assert "<html" not in text
    assert 'id="grid"' not in text


def test_clearing_a_cell_deletes_the_letter(client_in, matrix):
    activity, role = rows(matrix)[0], columns(matrix)[1]
    assert cells(matrix)[activity.pk, role.pk] == RESPONSIBLE
    response = client_in.post(
        assign_url(matrix), {"activity": activity.pk, "role": role.pk, "code": ""}, **HX
    )
    assert response.status_code == 200
    assert not Responsibility.objects.filter(activity=activity, role=role).exists()
    assert f'<td id="cell-{activity.pk}-{role.pk}"></td>' in response.text


def test_a_lowercase_letter_is_stored_uppercase(client_in, matrix):
    activity, role = rows(matrix)[1], columns(matrix)[3]
    response = client_in.post(
        assign_url(matrix),
        {"activity": activity.pk, "role": role.pk, "code": INFORMED.lower()},
        **HX,
    )
    assert response.status_code == 200
    assert cells(matrix)[activity.pk, role.pk] == INFORMED
    assert f'class="l-{INFORMED}">{INFORMED}</td>' in response.text


def test_setting_a_cell_twice_keeps_one_row_with_the_latest_letter(client_in, matrix):
    activity, role = rows(matrix)[0], columns(matrix)[2]
    for code in (CONSULTED, INFORMED):
        response = client_in.post(
            assign_url(matrix), {"activity": activity.pk, "role": role.pk, "code": code}, **HX
        )
        assert response.status_code == 200
    stored = Responsibility.objects.filter(activity=activity, role=role)
    assert list(stored.values_list("code", flat=True)) == [INFORMED]


def test_replacing_an_existing_letter_updates_it(client_in, matrix):
    activity, role = rows(matrix)[0], columns(matrix)[1]
    client_in.post(
        assign_url(matrix), {"activity": activity.pk, "role": role.pk, "code": CONSULTED}, **HX
    )
    assert Responsibility.objects.filter(activity=activity, role=role).count() == 1
    assert cells(matrix)[activity.pk, role.pk] == CONSULTED


@pytest.mark.parametrize("code", ["Z", SUPPORT], ids=["not-a-letter", "rasci-only"])
def test_an_unknown_letter_is_refused_with_a_message_naming_it(client_in, matrix, code):
    assert not RACI.has(code)
    activity, role = rows(matrix)[0], columns(matrix)[2]
    before = cells(matrix)
    response = client_in.post(
        assign_url(matrix), {"activity": activity.pk, "role": role.pk, "code": code}, **HX
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert f'"{code}"' in response.text
    assert cells(matrix) == before


def test_a_rasci_matrix_accepts_its_support_letter(client_in, team):
    matrix = make_matrix(team=team)
    matrix.scheme = RASCI.key
    matrix.save()
    activity, role = rows(matrix)[0], columns(matrix)[2]
    response = client_in.post(
        assign_url(matrix), {"activity": activity.pk, "role": role.pk, "code": SUPPORT}, **HX
    )
    assert response.status_code == 200
    assert cells(matrix)[activity.pk, role.pk] == SUPPORT


def test_a_cell_of_another_matrix_is_not_found(client_in, matrix):
    other = make_matrix(team=make_user("bob").personal_team)
    activity, role = rows(matrix)[0], columns(matrix)[2]
    other_activity, other_role = rows(other)[0], columns(other)[2]
    before, other_before = cells(matrix), cells(other)
    for posted in (
        {"activity": other_activity.pk, "role": role.pk},
        {"activity": activity.pk, "role": other_role.pk},
        {"activity": other_activity.pk, "role": other_role.pk},
    ):
        response = client_in.post(assign_url(matrix), {**posted, "code": CONSULTED}, **HX)
        assert response.status_code == 404, posted
    assert cells(matrix) == before
    assert cells(other) == other_before


def test_a_role_that_is_not_a_column_is_not_found(client_in, matrix):
    sales = Role.objects.get(slug="sales")
    activity = rows(matrix)[0]
    before = cells(matrix)
    response = client_in.post(
        assign_url(matrix), {"activity": activity.pk, "role": sales.pk, "code": CONSULTED}, **HX
    )
    assert response.status_code == 404
    assert cells(matrix) == before


def test_ids_that_do_not_exist_are_not_found(client_in, matrix):
    activity, role = rows(matrix)[0], columns(matrix)[2]
    missing_activity = Activity.objects.order_by("-pk").first().pk + 1000
    missing_role = Role.objects.order_by("-pk").first().pk + 1000
    before = cells(matrix)
    for posted in (
        {"activity": missing_activity, "role": role.pk},
        {"activity": activity.pk, "role": missing_role},
    ):
        response = client_in.post(assign_url(matrix), {**posted, "code": CONSULTED}, **HX)
        assert response.status_code == 404, posted
    assert cells(matrix) == before


def test_an_unknown_matrix_is_not_found(client_in, matrix):
    activity, role = rows(matrix)[0], columns(matrix)[2]
    response = client_in.post(
        "/m/no-such-matrix/cells/",
        {"activity": activity.pk, "role": role.pk, "code": CONSULTED},
        **HX,
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    "posted",
    [
        {"activity": "abc"},
        {"role": "abc"},
        {"activity": ""},
        {"role": None},
        {"activity": "0"},
        {"code": "AB"},
    ],
    ids=["activity-abc", "role-abc", "activity-empty", "role-missing", "activity-zero", "code-2"],
)
def test_missing_or_invalid_fields_are_a_bad_request(client_in, matrix, posted):
    activity, role = rows(matrix)[0], columns(matrix)[2]
    data = {"activity": activity.pk, "role": role.pk, "code": CONSULTED, **posted}
    data = {key: value for key, value in data.items() if value is not None}
    before = cells(matrix)
    response = client_in.post(assign_url(matrix), data, **HX)
    assert response.status_code == 400
    assert response.text.strip()
    assert cells(matrix) == before


def test_a_viewer_may_not_change_a_cell(client, team, matrix):
    viewer = make_user("victor")
    add_member(team, viewer, AccessLevel.VIEWER)
    client.force_login(viewer)
    activity, role = rows(matrix)[0], columns(matrix)[2]
    before = cells(matrix)
    response = client.post(
        assign_url(matrix), {"activity": activity.pk, "role": role.pk, "code": CONSULTED}, **HX
    )
    assert response.status_code == 403
    assert cells(matrix) == before


def test_an_editor_of_the_team_may_change_a_cell(client, team, matrix):
    editor = make_user("edna")
    add_member(team, editor, AccessLevel.EDITOR)
    client.force_login(editor)
    activity, role = rows(matrix)[0], columns(matrix)[2]
    response = client.post(
        assign_url(matrix), {"activity": activity.pk, "role": role.pk, "code": CONSULTED}, **HX
    )
    assert response.status_code == 200
    assert cells(matrix)[activity.pk, role.pk] == CONSULTED


def test_someone_outside_the_team_gets_404(client, matrix):
    client.force_login(make_user("mallory"))
    activity, role = rows(matrix)[0], columns(matrix)[2]
    before = cells(matrix)
    response = client.post(
        assign_url(matrix), {"activity": activity.pk, "role": role.pk, "code": CONSULTED}, **HX
    )
    assert response.status_code == 404
    assert cells(matrix) == before


def test_a_reference_template_cannot_be_edited(client_in):
    template = Matrix.objects.get(slug=REFERENCE_SLUG)
    activity, role = rows(template)[0], columns(template)[0]
    before = cells(template)
    response = client_in.post(
        assign_url(template), {"activity": activity.pk, "role": role.pk, "code": ""}, **HX
    )
    assert response.status_code == 403
    assert cells(template) == before


def test_an_anonymous_visitor_is_sent_to_log_in(client, matrix):
    activity, role = rows(matrix)[0], columns(matrix)[2]
    before = cells(matrix)
    response = client.post(
        assign_url(matrix), {"activity": activity.pk, "role": role.pk, "code": CONSULTED}
    )
    assert response.status_code == 302
    assert "/login" in response["Location"]
    assert cells(matrix) == before


def test_the_endpoint_only_accepts_post(client_in, matrix):
    assert client_in.get(assign_url(matrix)).status_code == 405


def test_a_post_without_the_csrf_token_is_refused(user, matrix):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    page = client.get(matrix.get_absolute_url())
    headers = r"<body data-hx-headers='\{\"X-CSRFToken\": \"([^\"]+)\"\}'"
    token = re.search(headers, page.text).group(1)
    activity, role = rows(matrix)[0], columns(matrix)[2]
    data = {"activity": activity.pk, "role": role.pk, "code": CONSULTED}

    refused = client.post(assign_url(matrix), data, **HX)
    assert refused.status_code == 403
    assert (activity.pk, role.pk) not in cells(matrix)

    accepted = client.post(assign_url(matrix), data, HTTP_X_CSRFTOKEN=token, **HX)
    assert accepted.status_code == 200
    assert cells(matrix)[activity.pk, role.pk] == CONSULTED


def test_clearing_the_only_accountable_role_shows_an_error_and_setting_it_back_clears_it(
    client_in, matrix
):
    activity, owner = rows(matrix)[0], columns(matrix)[0]
    assert cells(matrix)[activity.pk, owner.pk] == ACCOUNTABLE
    # Someone informed, so that the activity has no finding at all.
    Responsibility.objects.create(activity=activity, role=columns(matrix)[3], code=INFORMED)
    status = rf'class="row-status st-(\w+)" id="status-{activity.pk}"'
    error_count = r'class="count count-error" data-count="(\d+)"'

    page = client_in.get(matrix.get_absolute_url()).text
    assert re.search(status, page).group(1) == "ok"
    errors_before = int(re.search(error_count, page).group(1))

    cleared = client_in.post(
        assign_url(matrix), {"activity": activity.pk, "role": owner.pk, "code": ""}, **HX
    ).text
    assert re.search(status, cleared).group(1) == "error"
    assert int(re.search(error_count, cleared).group(1)) == errors_before + 1
    assert re.search(r'<section id="summary" class="summary summary-error"', cleared)

    restored = client_in.post(
        assign_url(matrix),
        {"activity": activity.pk, "role": owner.pk, "code": ACCOUNTABLE},
        **HX,
    ).text
    assert re.search(status, restored).group(1) == "ok"
    assert int(re.search(error_count, restored).group(1)) == errors_before


def test_the_column_summary_counts_the_new_letter(client_in, matrix):
    role = columns(matrix)[2]
    for activity in rows(matrix)[:2]:
        response = client_in.post(
            assign_url(matrix),
            {"activity": activity.pk, "role": role.pk, "code": CONSULTED},
            **HX,
        )
    colsum = re.search(rf'id="colsum-{role.pk}".*?</td>', response.text, re.S).group(0)
    assert re.search(rf'letter-{CONSULTED}" aria-hidden="true">{CONSULTED}</span>2<', colsum)


def test_a_post_without_htmx_redirects_to_the_matrix(client_in, matrix):
    activity, role = rows(matrix)[0], columns(matrix)[2]
    response = client_in.post(
        assign_url(matrix), {"activity": activity.pk, "role": role.pk, "code": CONSULTED}
    )
    assert response.status_code == 302
    assert response["Location"] == matrix.get_absolute_url()
    assert cells(matrix)[activity.pk, role.pk] == CONSULTED


@pytest.mark.parametrize("size", [20, 300])
def test_a_cell_update_costs_the_same_queries_whatever_the_matrix_size(
    client_in, team, django_assert_num_queries, size
):
    matrix = make_matrix(team=team, activities=size, roles=12, phases=6)
    activity, role = rows(matrix)[size // 2], columns(matrix)[5]
    client_in.get(matrix.get_absolute_url())
    # session, user, matrix + access, cells, upsert (or delete), the matrix's version, history.
    # The columns, phases and activities come from the structure cache, which the page request
    # above filled.
    for code in (CONSULTED, INFORMED, ""):
        with django_assert_num_queries(7):
            response = client_in.post(
                assign_url(matrix),
                {"activity": activity.pk, "role": role.pk, "code": code},
                **HX,
            )
        assert response.status_code == 200


@pytest.mark.parametrize("scheme", [RACI, RASCI, DACI], ids=lambda scheme: scheme.key)
@pytest.mark.parametrize("seed", range(4))
def test_a_cell_update_shows_the_same_findings_and_counts_as_the_whole_grid(team, scheme, seed):
    """The cell update checks only the rows whose letters have findings (and the changed one);
    what it shows must equal a check of the whole matrix, whatever the letters."""
    chance = random.Random(seed)
    matrix = make_matrix(team=team, activities=9, roles=6, phases=3, fill=False)
    matrix.scheme = scheme.key
    matrix.accountable_does_work = seed % 2 == 1
    matrix.overload_percent = (25, 50, 75, 100)[seed]
    matrix.save()
    # Letters of every scheme, so that some cells hold letters unknown to this one.
    codes = sorted({*RACI.codes, *RASCI.codes, *DACI.codes})
    Responsibility.objects.bulk_create(
        Responsibility(activity=activity, role=role, code=chance.choice(codes))
        for activity in rows(matrix)
        for role in columns(matrix)
        if chance.random() < (0.1, 0.3, 0.5, 0.8)[rows(matrix).index(activity) % 4]
    )
    for activity in rows(matrix):
        for role in chance.sample(columns(matrix), 2):
            data = grid_data(matrix)
            code = chance.choice([*scheme.codes, ""])
            if code:
                data.codes[activity.pk, role.pk] = code
            else:
                data.codes.pop((activity.pk, role.pk), None)
            whole = matrix_grid(matrix, data)
            grid, row, column = cell_change_grid(matrix, data, activity, role)
            assert grid.findings == whole.findings
            assert grid.summary == whole.summary and grid.status == whole.status
            assert grid.activity_count == whole.activity_count
            assert row.findings == whole.row(activity.pk).findings
            assert row.cells == whole.row(activity.pk).cells
            assert column == whole.column(role.pk)
            assert grid.columns == whole.columns


def test_the_structure_lists_the_rows_in_the_grid_order(team):
    matrix = make_matrix(team=team, activities=7, roles=3, phases=3)
    structure = matrix_structure(matrix)
    grid = matrix_grid(matrix)
    assert [a.pk for a in structure.rows] == [row.activity.pk for row in grid.rows]
    assert [s.id for s in structure.row_subjects] == [a.pk for a in structure.rows]
    assert structure.activity_by_pk == {a.pk: a for a in structure.activities}
    assert list(structure.role_by_pk) == [role.pk for role in columns(matrix)]


CELL_EDITS = {
    "set": lambda **cell: responsibility_assign(**cell, code=CONSULTED),
    "change": lambda **cell: responsibility_assign(**cell, code=INFORMED),
    "clear": lambda **cell: responsibility_assign(**cell, code=""),
    "note": lambda **cell: responsibility_annotate(**cell, note="Signs off the budget"),
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("edit", CELL_EDITS)
def test_a_cell_changes_only_together_with_its_history_entry(team, monkeypatch, edit):
    """Undo relies on the history: if its entry cannot be written, the cell stays as it was."""
    matrix = make_matrix(team=team, activities=2, roles=6, fill=False)
    cell = {"matrix": matrix, "activity": rows(matrix)[0], "role": columns(matrix)[0]}
    if edit != "set":
        responsibility_assign(**cell, code=ACCOUNTABLE)
    stored = list(Responsibility.objects.values_list("activity", "role", "code", "note"))
    changes = Change.objects.count()

    def history_fails(**kwargs):
        raise DatabaseError("disk full")

    change_made.connect(history_fails, dispatch_uid="test_history_fails")
    try:
        with pytest.raises(DatabaseError):
            CELL_EDITS[edit](**cell)
    finally:
        change_made.disconnect(dispatch_uid="test_history_fails")
    assert list(Responsibility.objects.values_list("activity", "role", "code", "note")) == stored
    assert Change.objects.count() == changes


def test_assigning_the_same_cell_twice_leaves_one_row_with_the_second_letter(matrix):
    activity, role = rows(matrix)[0], columns(matrix)[2]
    responsibility_assign(matrix=matrix, activity=activity, role=role, code=CONSULTED)
    responsibility_assign(matrix=matrix, activity=activity, role=role, code=INFORMED)
    stored = Responsibility.objects.filter(activity=activity, role=role)
    assert list(stored.values_list("code", flat=True)) == [INFORMED]


@pytest.mark.parametrize("size", [20, 300])
def test_a_note_costs_the_same_queries_whatever_the_matrix_size(
    client_in, team, django_assert_num_queries, size
):
    matrix = make_matrix(team=team, activities=size, roles=12, phases=6)
    activity, owner = rows(matrix)[size // 2], columns(matrix)[0]
    client_in.get(matrix.get_absolute_url())
    # session, user, matrix + access, the cell before, its update, the matrix's version, history,
    # the cell as stored; the activity and the role come from the structure cache, which the
    # page request filled.
    with django_assert_num_queries(8):
        response = client_in.post(
            reverse("matrices:annotate", args=[matrix.slug]),
            {"activity": activity.pk, "role": owner.pk, "note": "Signs off the budget"},
            **HX,
        )
    assert response.status_code == 200
    assert re.match(
        rf'\s*<td id="cell-{activity.pk}-{owner.pk}" class="l-{ACCOUNTABLE} n"', response.text
    )
    assert 'data-note="Signs off the budget"' in response.text
