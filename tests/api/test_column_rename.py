"""Renaming a role column through the API: the column's name in its matrix only, one change in
the history that undo takes back, and JSON errors with stable codes."""

import pytest

from apps.history.models import Action, Change
from apps.matrices.models import MatrixRole
from apps.matrices.selectors import matrix_roles

from .conftest import Api

pytestmark = pytest.mark.django_db


def path(world, role=None):
    return f"matrices/{world.matrix.slug}/columns/{(role or world.role).pk}"


def test_it_renames_the_column_here_and_undo_takes_it_back(world):
    api = Api(world.tokens["editor"])
    own = world.role.name
    response = api.patch(path(world), {"name": "Tester"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["name"]) == (world.role.pk, "Tester")
    assert matrix_roles(world.matrix)[0].name == "Tester"
    world.role.refresh_from_db()
    assert world.role.name == own
    grid = api.get(f"matrices/{world.matrix.slug}/grid").json()
    assert "Tester" in str(grid)
    change = Change.objects.get(matrix=world.matrix)
    assert change.action == Action.COLUMN_RENAME
    assert api.post(f"matrices/{world.matrix.slug}/history/undo").status_code == 200
    assert matrix_roles(world.matrix)[0].name == own


def test_a_name_another_column_shows_is_refused_and_nothing_moves(world):
    other = matrix_roles(world.matrix)[1]
    response = Api(world.tokens["editor"]).patch(
        path(world), {"name": other.name.lower(), "index": 2}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "name_taken"
    assert other.name in response.json()["message"]
    assert matrix_roles(world.matrix)[0] == world.role
    assert not MatrixRole.objects.exclude(label="").exists()
    assert not Change.objects.filter(matrix=world.matrix).exists()


@pytest.mark.parametrize("name", ["", "x" * 101])
def test_an_empty_or_too_long_name_is_invalid(world, name):
    response = Api(world.tokens["editor"]).patch(path(world), {"name": name})
    assert (response.status_code, response.json()["code"]) == (422, "invalid_request")
    assert not MatrixRole.objects.exclude(label="").exists()


def test_the_openapi_document_describes_the_rename(world):
    document = Api(None).get("openapi.json").json()
    operation = document["paths"]["/api/v1/matrices/{slug}/columns/{role_id}"]["patch"]
    assert operation["operationId"].endswith("update_column")
    schema = document["components"]["schemas"]["ColumnPatch"]
    assert schema["properties"]["name"]["anyOf"][0]["maxLength"] == 100
