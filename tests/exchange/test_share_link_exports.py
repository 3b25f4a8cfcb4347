"""A share link's exports: what they say about who holds the roles, which they never show."""

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from apps.people.services import holders_set
from apps.sharing.services import share_link_create
from tests.conftest import make_matrix

pytestmark = pytest.mark.django_db


def people_rows(data: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(data))["People"]
    return [tuple(cell.value for cell in row) for row in sheet.iter_rows()]


@pytest.fixture
def matrix(team):
    return make_matrix(team=team, title="Launch plan")


def test_a_share_links_people_sheet_says_the_holders_are_not_shared(matrix, user):
    role = matrix.roles.first()
    holders_set(matrix=matrix, role=role, users=[user], new_name="Dana (agency)", by=user)
    link = share_link_create(matrix=matrix, by=user)

    response = Client().get(f"/s/{link.token}/export/xlsx/")

    assert response.status_code == 200
    rows = people_rows(response.content)
    assert rows[0] == ("Role", "Person", "Account")
    assert rows[1:] == [
        ("Who holds these roles is seen by the team only; a share link does not show it.",)
        + (None,) * (len(rows[1]) - 1)
    ]
    assert b"Dana" not in response.content


def test_a_members_people_sheet_still_says_when_nobody_holds_a_role(client_in, matrix):
    response = client_in.get(f"/m/{matrix.slug}/export/xlsx/")

    assert people_rows(response.content)[1][0] == "Nobody holds a role of this matrix yet."
