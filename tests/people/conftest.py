from types import SimpleNamespace

import pytest
from django.test import Client

from apps.accounts.models import AccessLevel
from apps.accounts.services import team_create
from apps.people import services
from apps.raci.schemes import RACI, Kind
from tests.conftest import add_member, make_matrix, make_user

A = RACI.code_for(Kind.ACCOUNTABLE)
R = RACI.code_for(Kind.RESPONSIBLE)
C = RACI.code_for(Kind.CONSULTED)
HX = {"HTTP_HX_REQUEST": "true"}


def columns(matrix):
    return list(matrix.roles.order_by("columns__position"))


def rows(matrix):
    return list(matrix.activities.order_by("phase__position", "position"))


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(db):
    """A team of three (Ana owns it, Ed edits, Vi views) and a matrix of 6 activities and 4
    role columns, each activity with an A on the first column and an R on the second."""
    ana = make_user("ana", first_name="Ana", last_name="Lopez")
    ed, vi, stranger = make_user("ed"), make_user("vi"), make_user("sam")
    team = team_create(name="Product", owner=ana)
    add_member(team, ed, AccessLevel.EDITOR)
    add_member(team, vi, AccessLevel.VIEWER)
    matrix = make_matrix(team=team, activities=6, roles=4, phases=2, title="Launch plan")
    return SimpleNamespace(
        ana=ana,
        ed=ed,
        vi=vi,
        stranger=stranger,
        team=team,
        matrix=matrix,
        roles=columns(matrix),
        rows=rows(matrix),
    )


def hold(world, role, *, users=(), name="", people=()):
    services.holders_set(
        matrix=world.matrix, role=role, users=users, new_name=name, people=people, by=world.ana
    )
