"""A block of cells changed in one step: a selection typed over or cleared, a pasted block, a
fill. One request, one history entry, one undo step, all or nothing."""

import json

import pytest
from django.urls import reverse

from apps.history.models import Action, Change
from apps.history.services import change_undo
from apps.matrices.forms import BLOCK_MAX_CELLS
from apps.matrices.models import Responsibility
from tests.conftest import add_member, make_matrix, make_user

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def block_url(matrix):
    return reverse("matrices:assign_block", args=[matrix.slug])


def grid_of(matrix):
    activities = list(matrix.activities.order_by("phase__position", "position", "pk"))
    roles = [column.role for column in matrix.columns.select_related("role").order_by("position")]
    return activities, roles


def letters(matrix):
    return {
        (a, r): code
        for a, r, code in Responsibility.objects.filter(activity__matrix=matrix).values_list(
            "activity_id", "role_id", "code"
        )
    }


def post(client, matrix, cells, **extra):
    return client.post(block_url(matrix), {"cells": json.dumps(cells), **extra}, **HX)


def test_a_block_is_one_step_in_the_history_and_undone_in_one(client_in, team):
    matrix = make_matrix(team=team, activities=4, roles=4)
    activities, roles = grid_of(matrix)
    before = letters(matrix)
    cells = [[a.pk, r.pk, "c"] for a in activities[:3] for r in roles[2:]]
    response = post(client_in, matrix, cells, summary="Pasted {cells}")
    assert response.status_code == 200
    after = letters(matrix)
    assert all(after[a.pk, r.pk] == "C" for a in activities[:3] for r in roles[2:])
    change = Change.objects.get(matrix=matrix)
    assert change.action == Action.CELLS and change.summary == "Pasted 6 cells"
    matrix.refresh_from_db()
    assert response["X-Matrix-Change"] == str(matrix.version)
    # The answer holds every changed cell, each in a template of its own, and what they change.
    for a in activities[:3]:
        for r in roles[2:]:
            assert f'<template><td id="cell-{a.pk}-{r.pk}" class="l-C">C</td></template>' in (
                response.text
            )
    assert 'id="summary"' in response.text
    change_undo(change=change, by=None)
    assert letters(matrix) == before


@pytest.mark.parametrize(
    ("summary", "said", "undone"),
    [
        ("Filled down {cells}", "Filled down 6 cells", "Undo: 6 cells put back as they were"),
        ("Pasted {cells}", "Pasted 6 cells", "Undo: 6 cells put back as they were"),
    ],
)
def test_a_block_and_its_undo_count_the_cells_that_changed(client_in, team, summary, said, undone):
    """A fill down over 4 x 2 cells sends all 8; the top row's 2 already hold their letters:
    the history says 6, as its undo does."""
    matrix = make_matrix(team=team, activities=4, roles=2, fill=False)
    activities, roles = grid_of(matrix)
    top = {roles[0].pk: "A", roles[1].pk: "R"}
    post(client_in, matrix, [[activities[0].pk, r, code] for r, code in top.items()])
    cells = [[a.pk, r, code] for a in activities for r, code in top.items()]
    assert post(client_in, matrix, cells, summary=summary).status_code == 200
    change = Change.objects.filter(matrix=matrix).first()
    assert change.summary == said
    assert len(change.after["cells"]) == 6
    change_undo(change=change, by=None)
    assert Change.objects.filter(matrix=matrix).first().summary.startswith(undone)


def test_a_block_summary_is_taken_as_words(client_in, team):
    """The words come from the browser: braces other than the count stay as they are."""
    matrix = make_matrix(team=team, activities=1, roles=2, fill=False)
    activities, roles = grid_of(matrix)
    cells = [[activities[0].pk, roles[0].pk, "C"]]
    assert post(client_in, matrix, cells, summary="{0.__class__} {cells}").status_code == 200
    assert Change.objects.get(matrix=matrix).summary == "{0.__class__} 1 cell"


def test_clearing_a_block_keeps_nothing_and_the_history_says_so(client_in, team):
    matrix = make_matrix(team=team, activities=3, roles=3)
    activities, roles = grid_of(matrix)
    cells = [[a.pk, r.pk, ""] for a in activities for r in roles]
    assert post(client_in, matrix, cells).status_code == 200
    assert letters(matrix) == {}
    assert Change.objects.get(matrix=matrix).summary == "Cleared 6 cells"  # the 6 that held one


def test_a_letter_the_scheme_lacks_refuses_the_whole_block(client_in, team):
    matrix = make_matrix(team=team, activities=3, roles=3)
    activities, roles = grid_of(matrix)
    before = letters(matrix)
    cells = [[activities[0].pk, roles[0].pk, "C"], [activities[1].pk, roles[2].pk, "S"]]
    response = post(client_in, matrix, cells)
    assert response.status_code == 400
    assert '"S" is not a letter of RACI' in response.text and "Nothing was changed" in response.text
    assert roles[2].name in response.text and activities[1].name in response.text
    assert letters(matrix) == before
    assert not Change.objects.filter(matrix=matrix).exists()


@pytest.mark.parametrize(
    "cells",
    [
        "not json",
        json.dumps([]),
        json.dumps([[1, 2]]),
        json.dumps([[1, 2, 3]]),
        json.dumps([["x", 2, "A"]]),
        json.dumps([[2**70, 2, "A"]]),
        json.dumps([[1, 2, "AB"]]),
        json.dumps({"cells": []}),
        "[" * 100_000 + "]" * 100_000,
    ],
)
def test_a_malformed_block_is_a_400_and_changes_nothing(client_in, team, cells):
    matrix = make_matrix(team=team, activities=2, roles=2)
    before = letters(matrix)
    response = client_in.post(block_url(matrix), {"cells": cells}, **HX)
    assert response.status_code == 400
    assert letters(matrix) == before


def test_a_block_larger_than_the_limit_is_refused(client_in, team):
    matrix = make_matrix(team=team, activities=1, roles=1)
    activity, role = grid_of(matrix)[0][0], grid_of(matrix)[1][0]
    cells = [[activity.pk, role.pk, "A"]] * (BLOCK_MAX_CELLS + 1)
    response = post(client_in, matrix, cells)
    assert response.status_code == 400
    assert f"{BLOCK_MAX_CELLS:,}" in response.text


def test_a_cell_named_twice_or_outside_the_matrix_refuses_the_block(client_in, team):
    matrix = make_matrix(team=team, activities=2, roles=2)
    other = make_matrix(team=team, activities=1, roles=1)
    (a, *_), (r, *_) = grid_of(matrix)
    (oa, *_), (orole, *_) = grid_of(other)
    before = letters(matrix)
    twice = post(client_in, matrix, [[a.pk, r.pk, "C"], [a.pk, r.pk, "I"]])
    assert twice.status_code == 400 and "twice" in twice.text
    elsewhere = post(client_in, matrix, [[a.pk, r.pk, "C"], [oa.pk, orole.pk, "I"]])
    assert elsewhere.status_code == 400 and "no longer in this matrix" in elsewhere.text
    assert letters(matrix) == before


def test_a_viewer_may_not_change_a_block(client, team):
    matrix = make_matrix(team=team, activities=2, roles=2)
    viewer = make_user("viewer")
    add_member(team, viewer, "viewer")
    client.force_login(viewer)
    (a, *_), (r, *_) = grid_of(matrix)
    assert post(client, matrix, [[a.pk, r.pk, "C"]]).status_code == 403


def test_a_large_block_answers_with_the_whole_grid(client_in, team):
    matrix = make_matrix(team=team, activities=60, roles=8, phases=3)
    activities, roles = grid_of(matrix)
    cells = [[a.pk, r.pk, "I"] for a in activities for r in roles[1:]]  # 420 cells
    response = post(client_in, matrix, cells)
    assert response.status_code == 200
    assert '<template><div id="grid"' in response.text


@pytest.mark.parametrize("size", [20, 300])
def test_a_pasted_block_costs_the_same_queries_whatever_its_size(
    client_in, team, django_assert_num_queries, size
):
    """A 300 x 12 block in one request, in a fixed number of queries."""
    matrix = make_matrix(team=team, activities=size, roles=12, phases=6)
    activities, roles = grid_of(matrix)
    client_in.get(matrix.get_absolute_url())  # fills the structure cache
    cells = [
        [a.pk, r.pk, "CRAI"[(i + j) % 4]]
        for i, a in enumerate(activities)
        for j, r in enumerate(roles)
    ]
    # session, user, matrix + access; the cells before; delete, upsert; the matrix's version,
    # history; then the answer: the matrix, its grid's cells, the roles the add-column form
    # offers (a large block answers with the grid).
    with django_assert_num_queries(11 if size == 300 else 10):
        response = post(client_in, matrix, cells)
    assert response.status_code == 200
    assert len(letters(matrix)) == size * 12
