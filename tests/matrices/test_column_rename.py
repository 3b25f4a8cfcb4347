"""Renaming a role column: in its matrix only (the role, maybe the catalog's and shown by other
matrices, keeps its name), bounded, unique in the matrix, one change in the history."""

import pytest

from apps.catalog.models import Role
from apps.exchange.selectors import matrix_document
from apps.history.models import Action, Change
from apps.history.services import change_undo
from apps.matrices.models import MatrixRole
from apps.matrices.selectors import matrix_grid, matrix_roles
from apps.matrices.services import (
    EditError,
    NameTaken,
    column_add,
    column_remove,
    column_rename,
    matrix_duplicate,
    responsibility_assign,
)
from apps.people.selectors import responsibilities
from apps.people.services import holders_set
from tests.conftest import make_matrix

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def matrix(team):
    matrix = make_matrix(team=team, activities=2, roles=3)
    # Its first column shows a catalog role, which every team's matrices share.
    catalog = Role.objects.catalog().exclude(columns__matrix=matrix).first()
    MatrixRole.objects.filter(matrix=matrix, position=0).update(role=catalog)
    return matrix


def first_role(matrix):
    return matrix.columns.order_by("position").first().role


def shown(matrix):
    return [role.name for role in matrix_roles(matrix)]


def rename(client, matrix, role, name):
    return client.post(f"/m/{matrix.slug}/columns/{role.pk}/rename/", {"name": name}, **HX)


def test_a_catalog_column_is_renamed_in_this_matrix_only(client_in, team, matrix):
    role = first_role(matrix)
    catalog_name = role.name
    other = make_matrix(team=team, activities=1, roles=0)
    MatrixRole.objects.create(matrix=other, role=role, position=0)

    response = rename(client_in, matrix, role, "  Product   lead ")
    assert response.status_code == 200, response.text
    assert "Product lead" in response.text
    assert shown(matrix)[0] == "Product lead"
    role.refresh_from_db()
    assert role.name == catalog_name  # the catalog keeps it
    assert shown(other) == [catalog_name]  # and so does every other matrix
    # The findings, the grid and the exports call the column by its new name.
    assert matrix_grid(matrix).columns[0].role.name == "Product lead"
    assert matrix_document(matrix).roles[0].name == "Product lead"


def test_it_is_one_change_in_the_history_and_undo_puts_the_name_back(client_in, user, matrix):
    role = first_role(matrix)
    old = role.name
    column_rename(matrix=matrix, role=role, name="Tester", by=user)
    change = Change.objects.get(matrix=matrix)
    assert change.action == Action.COLUMN_RENAME
    assert change.summary == f"Renamed the column “{old}” to “Tester”"
    assert (change.role_id, change.before["name"], change.after["name"]) == (role.pk, old, "Tester")
    change_undo(change=change, by=user)
    assert shown(matrix)[0] == old
    assert MatrixRole.objects.get(matrix=matrix, role=role).label == ""


def test_the_roles_own_name_clears_the_label(client_in, matrix):
    role = first_role(matrix)
    column_rename(matrix=matrix, role=role, name="Tester")
    assert rename(client_in, matrix, role, role.name).status_code == 200
    assert MatrixRole.objects.get(matrix=matrix, role=role).label == ""


def test_the_same_name_records_nothing(matrix):
    role = first_role(matrix)
    column_rename(matrix=matrix, role=role, name=role.name)
    assert not Change.objects.filter(matrix=matrix).exists()


def test_another_columns_name_is_refused_whatever_its_case(client_in, matrix):
    first, second = matrix_roles(matrix)[:2]
    with pytest.raises(NameTaken, match=f'already a column called "{second.name}"'):
        column_rename(matrix=matrix, role=first, name=second.name.upper())
    column_rename(matrix=matrix, role=second, name="Tester")
    response = rename(client_in, matrix, first, "tester")
    assert response.status_code == 400
    assert response.text == 'There is already a column called "Tester" in this matrix.'
    assert shown(matrix)[0] == first.name
    assert Change.objects.filter(matrix=matrix).count() == 1


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_an_empty_or_too_long_name_is_refused(client_in, matrix, name):
    role = first_role(matrix)
    assert rename(client_in, matrix, role, name).status_code == 400
    with pytest.raises(EditError):
        column_rename(matrix=matrix, role=role, name=name)
    assert not Change.objects.filter(matrix=matrix).exists()
    assert MatrixRole.objects.get(matrix=matrix, role=role).label == ""


def test_a_role_named_like_a_renamed_column_is_not_added_beside_it(matrix):
    outside = Role.objects.catalog().exclude(columns__matrix=matrix).first()
    column_rename(matrix=matrix, role=first_role(matrix), name=outside.name)
    with pytest.raises(NameTaken):
        column_add(matrix=matrix, role=outside)


def test_removing_a_renamed_column_and_undoing_brings_its_name_back(user, matrix):
    role = first_role(matrix)
    column_rename(matrix=matrix, role=role, name="Tester", by=user)
    column_remove(matrix=matrix, role=role, by=user)
    removal = Change.objects.filter(matrix=matrix).first()
    assert removal.summary == "Removed the column “Tester”"
    change_undo(change=removal, by=user)
    assert shown(matrix)[0] == "Tester"


def test_a_copy_of_the_matrix_keeps_the_columns_names(user, matrix):
    column_rename(matrix=matrix, role=first_role(matrix), name="Tester")
    copy = matrix_duplicate(matrix=matrix, by=user)
    assert shown(copy)[0] == "Tester"


def test_the_column_menu_offers_the_rename_with_a_label(client_in, matrix):
    role = first_role(matrix)
    column_rename(matrix=matrix, role=role, name="Tester")
    page = client_in.get(f"/m/{matrix.slug}/").text
    assert f'<label for="column-name-{role.pk}">Name in this matrix</label>' in page
    assert f"Renamed from {role.name}; other matrices keep that name." in page


def test_my_responsibilities_call_the_column_by_its_name_here(user, matrix):
    role = first_role(matrix)
    activity = matrix.activities.first()
    responsibility_assign(matrix=matrix, activity=activity, role=role, code="R", by=user)
    holders_set(matrix=matrix, role=role, users=[user], by=user)
    column_rename(matrix=matrix, role=role, name="Tester")
    assert [entry.role.name for entry in responsibilities(viewer=user, user=user)] == ["Tester"]
