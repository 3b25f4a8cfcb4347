from types import SimpleNamespace

import pytest
from django.test import Client

from apps.accounts.models import AccessLevel
from apps.accounts.services import team_create
from apps.matrices.services import responsibility_assign
from apps.people import services as people
from apps.raci.schemes import RACI, Kind
from tests.conftest import add_member, make_matrix, make_user

A = RACI.code_for(Kind.ACCOUNTABLE)
R = RACI.code_for(Kind.RESPONSIBLE)
C = RACI.code_for(Kind.CONSULTED)
I = RACI.code_for(Kind.INFORMED)  # noqa: E741
HX = {"HTTP_HX_REQUEST": "true"}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(db):
    """Ana owns the team, Ed edits, Vi views; Sam is a stranger. A matrix of 4 activities and 3
    columns (an A on the first, an R on the second of each row): Ana holds the first column, Vi
    the second, Dana (no account) the third."""
    ana = make_user("ana", first_name="Ana", last_name="Lopez", email="ana@example.com")
    ed = make_user("ed", email="ed@example.com")
    vi = make_user("vi", first_name="Vi", email="vi@example.com")
    stranger = make_user("sam", email="sam@example.com")
    team = team_create(name="Product", owner=ana)
    add_member(team, ed, AccessLevel.EDITOR)
    add_member(team, vi, AccessLevel.VIEWER)
    matrix = make_matrix(team=team, activities=4, roles=3, phases=1, title="Launch plan")
    roles = list(matrix.roles.order_by("columns__position"))
    rows = list(matrix.activities.order_by("phase__position", "position"))
    people.holders_set(matrix=matrix, role=roles[0], users=[ana], by=ed)
    people.holders_set(matrix=matrix, role=roles[1], users=[vi], by=ed)
    people.holders_set(matrix=matrix, role=roles[2], new_name="Dana (agency)", by=ed)
    responsibility_assign(matrix=matrix, activity=rows[3], role=roles[2], code=C, by=ed)
    persons = {p.display_name: p for p in team.people.select_related("user")}
    return SimpleNamespace(
        ana=ana,
        ed=ed,
        vi=vi,
        stranger=stranger,
        team=team,
        matrix=matrix,
        roles=roles,
        rows=rows,
        ana_p=persons["Ana Lopez"],
        vi_p=persons["Vi"],
        dana=persons["Dana (agency)"],
    )
