"""The cell editor: setting and clearing one letter through the htmx endpoint."""

import re

import pytest
from django.test import Client

from apps.accounts.models import AccessLevel
from apps.catalog.models import Role
from apps.catalog.seeding import REFERENCE_SLUG
from apps.matrices.models import Activity, Matrix, Responsibility
from apps.matrices.services import responsibility_assign
from apps.raci.schemes import RACI, RASCI, Kind
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
        rf'<template>\s*<\w+[^>]*\bid="{element_id}"[^>]*\bhx-swap-oob="true"[^>]*>',
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
        rf'\s*<td [^>]*\bid="cell-{activity.pk}-{role.pk}"[^>]*\bdata-code="{CONSULTED}"', text
    )
    for element_id in (f"status-{activity.pk}", f"colsum-{role.pk}", "summary", "workload"):
        assert oob_part(text, element_id), element_id
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
    cell = re.search(rf'<td [^>]*\bid="cell-{activity.pk}-{role.pk}"[^>]*>', response.text)
    assert cell and "data-code" not in cell.group(0) and "is-empty" in cell.group(0)


def test_a_lowercase_letter_is_stored_uppercase(client_in, matrix):
    activity, role = rows(matrix)[1], columns(matrix)[3]
    response = client_in.post(
        assign_url(matrix),
        {"activity": activity.pk, "role": role.pk, "code": INFORMED.lower()},
        **HX,
    )
    assert response.status_code == 200
    assert cells(matrix)[activity.pk, role.pk] == INFORMED
    assert f'data-code="{INFORMED}"' in response.text


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
    token = re.search(r"<body hx-headers='\{\"X-CSRFToken\": \"([^\"]+)\"\}'", page.text).group(1)
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
    status = rf'id="status-{activity.pk}"[^>]*>\s*<span class="status status-(\w+)"'
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
    # session, user, matrix + access, cells, upsert, history. The columns, phases and activities
    # come from the structure cache, which the page request above filled.
    with django_assert_num_queries(6):
        response = client_in.post(
            assign_url(matrix),
            {"activity": activity.pk, "role": role.pk, "code": CONSULTED},
            **HX,
        )
    assert response.status_code == 200


def test_assigning_the_same_cell_twice_leaves_one_row_with_the_second_letter(matrix):
    activity, role = rows(matrix)[0], columns(matrix)[2]
    responsibility_assign(matrix=matrix, activity=activity, role=role, code=CONSULTED)
    responsibility_assign(matrix=matrix, activity=activity, role=role, code=INFORMED)
    stored = Responsibility.objects.filter(activity=activity, role=role)
    assert list(stored.values_list("code", flat=True)) == [INFORMED]
