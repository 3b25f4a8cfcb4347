"""Editing a matrix's rows, phases and columns through the htmx endpoints."""

import re

import pytest
from django.urls import reverse

from apps.accounts.models import AccessLevel
from apps.catalog.models import Role, RoleKind
from apps.matrices.models import Activity, Matrix, MatrixRole, Phase, Responsibility
from apps.raci.schemes import RACI, Kind
from tests.conftest import add_member, make_matrix, make_user

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
CONSULTED = RACI.code_for(Kind.CONSULTED)


@pytest.fixture
def matrix(team):
    """Four activities in two phases: "Phase 0" holds 0 and 2, "Phase 1" holds 1 and 3."""
    return make_matrix(team=team, activities=4, roles=4, phases=2)


def url(matrix, rest):
    return f"/m/{matrix.slug}/{rest}"


def phases(matrix):
    return list(matrix.phases.order_by("position", "pk"))


def columns(matrix):
    return list(Role.objects.filter(columns__matrix=matrix).order_by("columns__position", "pk"))


def layout(matrix):
    """The rows as the grid shows them: [(phase name, [activity names in order]), ...]."""
    return [
        (phase.name, [a.name for a in phase.activities.order_by("position", "pk")])
        for phase in phases(matrix)
    ]


def activity(matrix, name):
    return Activity.objects.get(matrix=matrix, name=name)


def snapshot(matrix):
    """Everything a structure edit may change, to show that a refused one changed nothing."""
    return {
        "layout": layout(matrix),
        "descriptions": sorted(matrix.activities.values_list("name", "description")),
        "columns": [role.pk for role in columns(matrix)],
        "cells": sorted(
            Responsibility.objects.filter(activity__matrix=matrix).values_list(
                "activity_id", "role_id", "code"
            )
        ),
        "roles": Role.objects.count(),
        "options": list(
            Matrix.objects.filter(pk=matrix.pk).values_list(
                "accountable_does_work", "overload_percent"
            )
        ),
    }


def post(client, matrix, rest, data=None):
    return client.post(url(matrix, rest), data or {}, **HX)


def assert_grid(response):
    """A structure change answers with the whole grid, retargeted at #grid."""
    assert response.status_code == 200, response.text
    assert response.headers["HX-Retarget"] == "#grid"
    assert response.headers["HX-Reswap"] == "outerHTML"
    assert response.text.lstrip().startswith('<div id="grid"')
    assert "<html" not in response.text


def assert_refused(response, status=400):
    assert response.status_code == status
    assert "HX-Retarget" not in response.headers


# --- Activities ---------------------------------------------------------------------------------


def test_an_activity_is_added_last_in_its_phase(client_in, matrix):
    phase = phases(matrix)[0]
    response = post(client_in, matrix, f"phases/{phase.pk}/activities/", {"name": "Ship it"})
    assert_grid(response)
    assert layout(matrix)[0] == ("Phase 0", ["Activity 0", "Activity 2", "Ship it"])
    assert layout(matrix)[1] == ("Phase 1", ["Activity 1", "Activity 3"])
    assert "Ship it" in response.text


def test_an_activity_is_added_to_an_empty_phase(client_in, matrix):
    empty = Phase.objects.create(matrix=matrix, name="Later", position=5)
    assert_grid(post(client_in, matrix, f"phases/{empty.pk}/activities/", {"name": "Retro"}))
    assert layout(matrix)[-1] == ("Later", ["Retro"])


def test_an_activity_with_a_name_already_used_is_refused(client_in, matrix):
    before = snapshot(matrix)
    phase = phases(matrix)[1]
    response = post(client_in, matrix, f"phases/{phase.pk}/activities/", {"name": "Activity 0"})
    assert_refused(response)
    assert "already" in response.text and "Activity 0" in response.text
    assert snapshot(matrix) == before


def test_an_activity_without_a_name_is_refused(client_in, matrix):
    before = snapshot(matrix)
    phase = phases(matrix)[0]
    for data in ({"name": ""}, {"name": "   "}, {}):
        response = post(client_in, matrix, f"phases/{phase.pk}/activities/", data)
        assert_refused(response)
        assert response.text.strip()
    assert snapshot(matrix) == before


def test_an_activity_cannot_be_added_to_a_phase_of_another_matrix(client_in, team, matrix):
    other_phase = phases(make_matrix(team=team))[0]
    before = snapshot(matrix)
    response = post(client_in, matrix, f"phases/{other_phase.pk}/activities/", {"name": "X"})
    assert response.status_code == 404
    assert snapshot(matrix) == before
    assert not Activity.objects.filter(name="X").exists()


def test_an_activity_is_renamed_and_described(client_in, matrix):
    target = activity(matrix, "Activity 2")
    response = post(
        client_in,
        matrix,
        f"activities/{target.pk}/",
        {"name": "Write the brief", "description": "One page."},
    )
    assert_grid(response)
    target.refresh_from_db()
    assert (target.name, target.description) == ("Write the brief", "One page.")
    assert "Write the brief" in response.text and "One page." in response.text


def test_an_activity_keeps_its_own_name_when_only_the_description_changes(client_in, matrix):
    target = activity(matrix, "Activity 1")
    response = post(
        client_in, matrix, f"activities/{target.pk}/", {"name": "Activity 1", "description": "x"}
    )
    assert_grid(response)
    target.refresh_from_db()
    assert target.description == "x"


def test_renaming_an_activity_to_a_name_already_used_is_refused(client_in, matrix):
    target = activity(matrix, "Activity 2")
    before = snapshot(matrix)
    response = post(
        client_in, matrix, f"activities/{target.pk}/", {"name": "Activity 3", "description": "d"}
    )
    assert_refused(response)
    assert "Activity 3" in response.text
    assert snapshot(matrix) == before


def test_deleting_an_activity_deletes_its_cells(client_in, matrix):
    target = activity(matrix, "Activity 2")
    assert Responsibility.objects.filter(activity=target).count() == 2
    response = post(client_in, matrix, f"activities/{target.pk}/delete/")
    assert_grid(response)
    assert not Activity.objects.filter(pk=target.pk).exists()
    assert not Responsibility.objects.filter(activity_id=target.pk).exists()
    assert layout(matrix)[0] == ("Phase 0", ["Activity 0"])
    assert Responsibility.objects.filter(activity__matrix=matrix).count() == 6
    assert f'id="activity-{target.pk}"' not in response.text


@pytest.mark.parametrize(
    ("name", "offset", "expected"),
    [
        (
            "Activity 2",
            -1,
            [("Phase 0", ["Activity 2", "Activity 0"]), ("Phase 1", ["Activity 1", "Activity 3"])],
        ),
        (
            "Activity 0",
            1,
            [("Phase 0", ["Activity 2", "Activity 0"]), ("Phase 1", ["Activity 1", "Activity 3"])],
        ),
        (
            "Activity 1",
            -1,
            [("Phase 0", ["Activity 0", "Activity 2", "Activity 1"]), ("Phase 1", ["Activity 3"])],
        ),
        (
            "Activity 2",
            1,
            [("Phase 0", ["Activity 0"]), ("Phase 1", ["Activity 2", "Activity 1", "Activity 3"])],
        ),
        (
            "Activity 0",
            -1,
            [("Phase 0", ["Activity 0", "Activity 2"]), ("Phase 1", ["Activity 1", "Activity 3"])],
        ),
        (
            "Activity 3",
            1,
            [("Phase 0", ["Activity 0", "Activity 2"]), ("Phase 1", ["Activity 1", "Activity 3"])],
        ),
    ],
    ids=[
        "up-within-phase",
        "down-within-phase",
        "up-into-previous-phase",
        "down-into-next-phase",
        "first-stays-first",
        "last-stays-last",
    ],
)
def test_shifting_an_activity(client_in, matrix, name, offset, expected):
    target = activity(matrix, name)
    response = post(client_in, matrix, f"activities/{target.pk}/shift/", {"offset": offset})
    assert_grid(response)
    assert layout(matrix) == expected


def test_shifting_an_activity_across_an_empty_phase_lands_in_it(client_in, matrix):
    Phase.objects.filter(matrix=matrix, name="Phase 1").update(position=2)
    Phase.objects.create(matrix=matrix, name="Empty", position=1)
    target = activity(matrix, "Activity 1")
    assert_grid(post(client_in, matrix, f"activities/{target.pk}/shift/", {"offset": -1}))
    assert layout(matrix) == [
        ("Phase 0", ["Activity 0", "Activity 2"]),
        ("Empty", ["Activity 1"]),
        ("Phase 1", ["Activity 3"]),
    ]


@pytest.mark.parametrize("offset", ["2", "0", "-2", "up", ""])
def test_shifting_an_activity_by_anything_but_one_place_is_refused(client_in, matrix, offset):
    target = activity(matrix, "Activity 2")
    before = snapshot(matrix)
    assert_refused(post(client_in, matrix, f"activities/{target.pk}/shift/", {"offset": offset}))
    assert snapshot(matrix) == before


def test_moving_an_activity_into_another_phase_before_an_activity(client_in, matrix):
    moved, before_activity = activity(matrix, "Activity 0"), activity(matrix, "Activity 3")
    phase = phases(matrix)[1]
    response = post(
        client_in,
        matrix,
        "activities/move/",
        {"activity": moved.pk, "phase": phase.pk, "before": before_activity.pk},
    )
    assert_grid(response)
    assert layout(matrix) == [
        ("Phase 0", ["Activity 2"]),
        ("Phase 1", ["Activity 1", "Activity 0", "Activity 3"]),
    ]
    # Its letters travel with it.
    assert Responsibility.objects.filter(activity=moved).count() == 2


def test_moving_an_activity_without_before_puts_it_last(client_in, matrix):
    moved = activity(matrix, "Activity 1")
    phase = phases(matrix)[0]
    response = post(
        client_in, matrix, "activities/move/", {"activity": moved.pk, "phase": phase.pk}
    )
    assert_grid(response)
    assert layout(matrix) == [
        ("Phase 0", ["Activity 0", "Activity 2", "Activity 1"]),
        ("Phase 1", ["Activity 3"]),
    ]


def test_moving_an_activity_within_its_phase(client_in, matrix):
    moved, before_activity = activity(matrix, "Activity 2"), activity(matrix, "Activity 0")
    response = post(
        client_in,
        matrix,
        "activities/move/",
        {"activity": moved.pk, "phase": moved.phase_id, "before": before_activity.pk},
    )
    assert_grid(response)
    assert layout(matrix)[0] == ("Phase 0", ["Activity 2", "Activity 0"])


def test_moving_before_an_activity_of_another_phase_is_refused(client_in, matrix):
    moved, elsewhere = activity(matrix, "Activity 0"), activity(matrix, "Activity 2")
    before = snapshot(matrix)
    response = post(
        client_in,
        matrix,
        "activities/move/",
        {"activity": moved.pk, "phase": phases(matrix)[1].pk, "before": elsewhere.pk},
    )
    assert_refused(response)
    assert response.text.strip()
    assert snapshot(matrix) == before


def test_moving_an_activity_of_another_matrix_is_not_found(client_in, team, matrix):
    other = make_matrix(team=team)
    stranger = other.activities.first()
    before, other_before = snapshot(matrix), snapshot(other)
    response = post(
        client_in,
        matrix,
        "activities/move/",
        {"activity": stranger.pk, "phase": phases(matrix)[0].pk},
    )
    assert response.status_code == 404
    assert snapshot(matrix) == before
    assert snapshot(other) == other_before


def test_moving_into_a_phase_of_another_matrix_is_not_found(client_in, team, matrix):
    other_phase = phases(make_matrix(team=team))[0]
    moved = activity(matrix, "Activity 0")
    before = snapshot(matrix)
    response = post(
        client_in, matrix, "activities/move/", {"activity": moved.pk, "phase": other_phase.pk}
    )
    assert response.status_code == 404
    assert snapshot(matrix) == before


@pytest.mark.parametrize("data", [{}, {"activity": "abc", "phase": "1"}, {"activity": "1"}])
def test_a_move_with_missing_or_invalid_fields_is_refused(client_in, matrix, data):
    before = snapshot(matrix)
    assert_refused(post(client_in, matrix, "activities/move/", data))
    assert snapshot(matrix) == before


# --- Phases -------------------------------------------------------------------------------------


def test_a_phase_is_added_last(client_in, matrix):
    response = post(client_in, matrix, "phases/", {"name": "Launch"})
    assert_grid(response)
    assert [name for name, _ in layout(matrix)] == ["Phase 0", "Phase 1", "Launch"]
    assert "Launch" in response.text


def test_a_phase_with_a_name_already_used_is_refused(client_in, matrix):
    before = snapshot(matrix)
    response = post(client_in, matrix, "phases/", {"name": "Phase 1"})
    assert_refused(response)
    assert "Phase 1" in response.text
    assert snapshot(matrix) == before
    assert_refused(post(client_in, matrix, "phases/", {"name": ""}))
    assert snapshot(matrix) == before


def test_a_phase_is_renamed(client_in, matrix):
    phase = phases(matrix)[0]
    assert_grid(post(client_in, matrix, f"phases/{phase.pk}/", {"name": "Discovery"}))
    phase.refresh_from_db()
    assert phase.name == "Discovery"


def test_renaming_a_phase_to_a_name_already_used_is_refused(client_in, matrix):
    phase = phases(matrix)[0]
    before = snapshot(matrix)
    response = post(client_in, matrix, f"phases/{phase.pk}/", {"name": "Phase 1"})
    assert_refused(response)
    assert "Phase 1" in response.text
    assert snapshot(matrix) == before


def test_phases_shift_up_and_down(client_in, matrix):
    Phase.objects.create(matrix=matrix, name="Phase 2", position=2)
    first, _, third = phases(matrix)
    assert_grid(post(client_in, matrix, f"phases/{third.pk}/shift/", {"offset": -1}))
    assert [name for name, _ in layout(matrix)] == ["Phase 0", "Phase 2", "Phase 1"]
    assert_grid(post(client_in, matrix, f"phases/{first.pk}/shift/", {"offset": 1}))
    assert [name for name, _ in layout(matrix)] == ["Phase 2", "Phase 0", "Phase 1"]
    # The activities stay in their phase.
    assert dict(layout(matrix))["Phase 0"] == ["Activity 0", "Activity 2"]
    assert_refused(post(client_in, matrix, f"phases/{first.pk}/shift/", {"offset": 3}))


def test_an_empty_phase_is_deleted(client_in, matrix):
    empty = Phase.objects.create(matrix=matrix, name="Empty", position=2)
    assert_grid(post(client_in, matrix, f"phases/{empty.pk}/delete/"))
    assert not Phase.objects.filter(pk=empty.pk).exists()
    assert [name for name, _ in layout(matrix)] == ["Phase 0", "Phase 1"]


def test_a_phase_with_activities_is_not_deleted(client_in, matrix):
    phase = phases(matrix)[0]
    before = snapshot(matrix)
    response = post(client_in, matrix, f"phases/{phase.pk}/delete/")
    assert_refused(response)
    assert "Phase 0" in response.text and "activities" in response.text
    assert Phase.objects.filter(pk=phase.pk).exists()
    assert snapshot(matrix) == before


def test_a_phase_of_another_matrix_is_not_found(client_in, team, matrix):
    other_phase = phases(make_matrix(team=team))[0]
    for rest, data in (
        (f"phases/{other_phase.pk}/", {"name": "Mine now"}),
        (f"phases/{other_phase.pk}/shift/", {"offset": 1}),
        (f"phases/{other_phase.pk}/delete/", {}),
    ):
        assert post(client_in, matrix, rest, data).status_code == 404, rest
    other_phase.refresh_from_db()
    assert other_phase.name == "Phase 0"


# --- Columns ------------------------------------------------------------------------------------


def test_a_catalog_role_is_added_as_the_last_column(client_in, matrix):
    sales = Role.objects.get(slug="sales")
    assert sales not in columns(matrix)
    response = post(client_in, matrix, "columns/", {"role": sales.pk})
    assert_grid(response)
    assert columns(matrix)[-1] == sales
    assert len(columns(matrix)) == 5
    assert f'data-role="{sales.pk}"' in response.text


def test_a_role_that_is_already_a_column_is_refused(client_in, matrix):
    sales = Role.objects.get(slug="sales")
    assert_grid(post(client_in, matrix, "columns/", {"role": sales.pk}))
    before = snapshot(matrix)
    response = post(client_in, matrix, "columns/", {"role": sales.pk})
    assert_refused(response)
    assert "Sales" in response.text
    assert snapshot(matrix) == before


def test_a_custom_role_of_another_team_cannot_be_added(client_in, matrix):
    foreign = make_matrix(team=make_user("bob").personal_team)
    foreign_role = columns(foreign)[0]
    before = snapshot(matrix)
    response = post(client_in, matrix, "columns/", {"role": foreign_role.pk})
    assert response.status_code == 404
    assert snapshot(matrix) == before


def test_a_custom_role_of_the_same_team_can_be_added_to_another_matrix(client_in, team, matrix):
    sibling_role = columns(make_matrix(team=team))[0]
    assert_grid(post(client_in, matrix, "columns/", {"role": sibling_role.pk}))
    assert columns(matrix)[-1] == sibling_role


@pytest.mark.parametrize("role", ["", "abc", "999999"])
def test_adding_a_column_needs_an_existing_role(client_in, matrix, role):
    before = snapshot(matrix)
    response = post(client_in, matrix, "columns/", {"role": role})
    assert response.status_code in (400, 404)
    assert snapshot(matrix) == before


def test_removing_a_column_deletes_its_letters_in_this_matrix_only(client_in, team, matrix):
    sales = Role.objects.get(slug="sales")
    other = make_matrix(team=team)
    for m in (matrix, other):
        MatrixRole.objects.create(matrix=m, role=sales, position=10)
        for a in m.activities.all():
            Responsibility.objects.create(activity=a, role=sales, code=CONSULTED)
    response = post(client_in, matrix, f"columns/{sales.pk}/delete/")
    assert_grid(response)
    assert sales not in columns(matrix)
    assert not Responsibility.objects.filter(activity__matrix=matrix, role=sales).exists()
    assert Role.objects.filter(pk=sales.pk).exists()
    # The other matrix keeps its column and letters.
    assert sales in columns(other)
    assert Responsibility.objects.filter(activity__matrix=other, role=sales).count() == 3
    assert f'data-role="{sales.pk}"' not in response.text


def test_removing_a_custom_column_keeps_the_role(client_in, matrix):
    role = columns(matrix)[1]
    assert_grid(post(client_in, matrix, f"columns/{role.pk}/delete/"))
    assert role not in columns(matrix)
    assert Role.objects.filter(pk=role.pk).exists()
    assert not Responsibility.objects.filter(role=role).exists()


def test_removing_a_role_that_is_not_a_column_is_not_found(client_in, matrix):
    sales = Role.objects.get(slug="sales")
    before = snapshot(matrix)
    assert post(client_in, matrix, f"columns/{sales.pk}/delete/").status_code == 404
    assert post(client_in, matrix, f"columns/{sales.pk}/shift/", {"offset": 1}).status_code == 404
    assert snapshot(matrix) == before


def test_columns_shift_left_and_right(client_in, matrix):
    first, second, third, fourth = columns(matrix)
    assert_grid(post(client_in, matrix, f"columns/{third.pk}/shift/", {"offset": -1}))
    assert columns(matrix) == [first, third, second, fourth]
    assert_grid(post(client_in, matrix, f"columns/{first.pk}/shift/", {"offset": 1}))
    assert columns(matrix) == [third, first, second, fourth]
    assert_grid(post(client_in, matrix, f"columns/{fourth.pk}/shift/", {"offset": 1}))
    assert columns(matrix) == [third, first, second, fourth]
    assert_refused(post(client_in, matrix, f"columns/{first.pk}/shift/", {"offset": 5}))
    assert columns(matrix) == [third, first, second, fourth]


def test_a_custom_role_is_created_for_the_team_and_added_as_the_last_column(
    client_in, team, matrix
):
    response = post(
        client_in,
        matrix,
        "roles/new/",
        {"name": "QA Lead", "short_label": "QA", "description": "Owns the test plan."},
    )
    assert_grid(response)
    role = Role.objects.get(name="QA Lead")
    assert role.kind == RoleKind.CUSTOM
    assert role.team == team
    assert role.short_label == "QA"
    assert columns(matrix)[-1] == role
    assert "QA Lead" in response.text


@pytest.mark.parametrize("name", ["product manager", "SALES"])
def test_a_custom_role_named_like_a_catalog_role_is_refused(client_in, matrix, name):
    before = snapshot(matrix)
    response = post(client_in, matrix, "roles/new/", {"name": name, "short_label": "X"})
    assert_refused(response)
    assert name in response.text
    assert snapshot(matrix) == before


def test_a_custom_role_named_like_one_of_the_team_is_refused(client_in, matrix):
    existing = columns(matrix)[0]
    before = snapshot(matrix)
    response = post(
        client_in, matrix, "roles/new/", {"name": existing.name.upper(), "short_label": "X"}
    )
    assert_refused(response)
    assert snapshot(matrix) == before


def test_a_custom_role_needs_a_name_and_a_short_label(client_in, matrix):
    before = snapshot(matrix)
    assert_refused(post(client_in, matrix, "roles/new/", {"name": "QA Lead"}))
    assert_refused(post(client_in, matrix, "roles/new/", {"short_label": "QA"}))
    assert snapshot(matrix) == before


# --- Menus --------------------------------------------------------------------------------------


def test_the_activity_menu_renders_its_forms(client_in, matrix):
    target = activity(matrix, "Activity 2")
    response = client_in.get(url(matrix, f"activities/{target.pk}/menu/"), **HX)
    assert response.status_code == 200
    text = response.text
    assert "<html" not in text
    for rest in ("shift/", "", "delete/"):
        assert f'data-hx-post="{url(matrix, f"activities/{target.pk}/{rest}")}"' in text, rest
    assert 'value="Activity 2"' in text


def test_each_rows_menu_loads_from_its_own_activity(client_in, matrix):
    """One URL on the grid, with the row's id put in when a row's menu opens (static/js/grid):
    the rows carry only their options button."""
    text = client_in.get(url(matrix, "")).text
    pattern = reverse("matrices:activity_menu", args=[matrix.slug, 0])
    assert f'data-menu-url="{pattern}"' in text
    for target in matrix.activities.all():
        row = re.search(rf'<tr id="activity-{target.pk}".*?</tr>', text, re.S).group(0)
        assert f'aria-label="Options for {target.name}"' in row, target.name
        menu = pattern.replace("/0/", f"/{target.pk}/")
        assert client_in.get(menu, **HX).status_code == 200


def test_the_phase_menu_renders_its_forms(client_in, matrix):
    phase = phases(matrix)[1]
    response = client_in.get(url(matrix, f"phases/{phase.pk}/menu/"), **HX)
    assert response.status_code == 200
    text = response.text
    assert "<html" not in text
    for rest in ("shift/", "", "delete/"):
        assert f'data-hx-post="{url(matrix, f"phases/{phase.pk}/{rest}")}"' in text, rest
    assert 'value="Phase 1"' in text


def test_the_menus_are_refused_to_a_viewer(client, team, matrix):
    viewer = make_user("victor")
    add_member(team, viewer, AccessLevel.VIEWER)
    client.force_login(viewer)
    target, phase = activity(matrix, "Activity 0"), phases(matrix)[0]
    assert client.get(url(matrix, f"activities/{target.pk}/menu/"), **HX).status_code == 403
    assert client.get(url(matrix, f"phases/{phase.pk}/menu/"), **HX).status_code == 403


def test_the_menus_of_another_matrix_are_not_found(client_in, team, matrix):
    other = make_matrix(team=team)
    target, phase = other.activities.first(), phases(other)[0]
    assert client_in.get(url(matrix, f"activities/{target.pk}/menu/")).status_code == 404
    assert client_in.get(url(matrix, f"phases/{phase.pk}/menu/")).status_code == 404


# --- Who may change the structure ---------------------------------------------------------------


def _endpoints():
    """Every structure POST by name: a function of the matrix giving its path and data."""

    def first(matrix):
        return matrix.activities.order_by("pk").first()

    return {
        "activity_add": lambda m: (f"phases/{phases(m)[0].pk}/activities/", {"name": "New"}),
        "activity_edit": lambda m: (f"activities/{first(m).pk}/", {"name": "New"}),
        "activity_delete": lambda m: (f"activities/{first(m).pk}/delete/", {}),
        "activity_shift": lambda m: (f"activities/{first(m).pk}/shift/", {"offset": 1}),
        "activity_move": lambda m: (
            "activities/move/",
            {"activity": first(m).pk, "phase": phases(m)[1].pk},
        ),
        "phase_add": lambda m: ("phases/", {"name": "New"}),
        "phase_edit": lambda m: (f"phases/{phases(m)[0].pk}/", {"name": "New"}),
        "phase_delete": lambda m: (f"phases/{phases(m)[0].pk}/delete/", {}),
        "phase_shift": lambda m: (f"phases/{phases(m)[0].pk}/shift/", {"offset": 1}),
        "column_add": lambda m: ("columns/", {"role": Role.objects.get(slug="sales").pk}),
        "column_remove": lambda m: (f"columns/{columns(m)[0].pk}/delete/", {}),
        "column_shift": lambda m: (f"columns/{columns(m)[0].pk}/shift/", {"offset": 1}),
        "role_create": lambda m: ("roles/new/", {"name": "New role", "short_label": "NR"}),
        "edit_options": lambda m: (
            "options/",
            {"accountable_does_work": "on", "overload_percent": 80},
        ),
    }


ENDPOINTS = _endpoints()


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_an_editor_may_use_every_structure_endpoint(client, team, matrix, endpoint):
    editor = make_user("edna")
    add_member(team, editor, AccessLevel.EDITOR)
    client.force_login(editor)
    rest, data = ENDPOINTS[endpoint](matrix)
    if endpoint == "phase_delete":  # only an empty phase can go
        rest = f"phases/{Phase.objects.create(matrix=matrix, name='Empty', position=2).pk}/delete/"
    assert_grid(post(client, matrix, rest, data))


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_viewer_may_not_change_the_structure(client, team, matrix, endpoint):
    viewer = make_user("victor")
    add_member(team, viewer, AccessLevel.VIEWER)
    client.force_login(viewer)
    rest, data = ENDPOINTS[endpoint](matrix)
    before = snapshot(matrix)
    assert post(client, matrix, rest, data).status_code == 403
    assert snapshot(matrix) == before


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_someone_outside_the_team_cannot_change_the_structure(client, matrix, endpoint):
    client.force_login(make_user("mallory"))
    rest, data = ENDPOINTS[endpoint](matrix)
    before = snapshot(matrix)
    assert post(client, matrix, rest, data).status_code == 404
    assert snapshot(matrix) == before


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_an_anonymous_visitor_is_sent_to_log_in(client, matrix, endpoint):
    rest, data = ENDPOINTS[endpoint](matrix)
    before = snapshot(matrix)
    response = post(client, matrix, rest, data)
    assert response.status_code == 302
    assert "/login" in response["Location"]
    assert snapshot(matrix) == before


def test_a_structure_change_without_htmx_redirects_to_the_matrix(client_in, matrix):
    response = client_in.post(url(matrix, "phases/"), {"name": "Launch"})
    assert response.status_code == 302
    assert response["Location"] == matrix.get_absolute_url()
    assert Phase.objects.filter(matrix=matrix, name="Launch").exists()


# --- Cost ---------------------------------------------------------------------------------------

# session, user, matrix + access, activity, savepoint, activity.matrix, phases, the phase's
# activities, renumbering, the structure version, the matrix's version, the history entry,
# release; then the grid: columns, phases, activities and their holders (the structure
# changed, so the cache misses), cells, and the roles the add-column form offers.
QUERIES_SHIFT_WITHIN = 17
# ... and moving into the next phase: its first activity, savepoint, its activities, save,
# renumbering, release (instead of renumbering the first phase).
QUERIES_SHIFT_ACROSS = 20


@pytest.mark.parametrize("size", [20, 300])
@pytest.mark.parametrize(
    ("where", "queries"),
    [("within-phase", QUERIES_SHIFT_WITHIN), ("across-phases", QUERIES_SHIFT_ACROSS)],
)
def test_a_structure_change_costs_the_same_queries_whatever_the_matrix_size(
    client_in, team, django_assert_num_queries, size, where, queries
):
    matrix = make_matrix(team=team, activities=size, roles=12, phases=6)
    band = phases(matrix)[2].activities.order_by("position", "pk")
    # Down from the first of a phase stays in it; down from the last crosses into the next.
    target = band.first() if where == "within-phase" else band.last()
    client_in.get(matrix.get_absolute_url())
    with django_assert_num_queries(queries):
        response = post(client_in, matrix, f"activities/{target.pk}/shift/", {"offset": 1})
    assert_grid(response)
    assert response.text.count('scope="row" class="activity"') == size


def _shift_queries(client, team, phase_count):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    matrix = make_matrix(team=team, activities=24, roles=4, phases=phase_count)
    target = phases(matrix)[0].activities.order_by("position", "pk").first()
    with CaptureQueriesContext(connection) as captured:
        response = post(client, matrix, f"activities/{target.pk}/shift/", {"offset": 1})
    assert_grid(response)
    return len(captured)


def test_a_structure_change_costs_the_same_queries_whatever_the_number_of_phases(client_in, team):
    assert _shift_queries(client_in, team, 2) == _shift_queries(client_in, team, 12)
