"""The ladder's steps (bench/ladder_urls.py) do what they say, and bench/queries.py counts data
statements only."""

import pytest
from django.urls import clear_url_caches

from apps.history.models import Change
from apps.matrices.models import Responsibility
from bench import queries
from tests.conftest import make_matrix

pytestmark = pytest.mark.django_db


@pytest.fixture
def ladder(settings):
    settings.ROOT_URLCONF = "bench.ladder_urls"
    clear_url_caches()
    yield
    clear_url_caches()


def test_each_step_answers_and_the_writing_steps_write(ladder, client_in, team):
    matrix = make_matrix(team=team, activities=2, roles=6, fill=False)
    activity = matrix.activities.first()
    role = matrix.roles.order_by("columns__position").first()
    cell = {"activity": activity.pk, "role": role.pk, "code": "C"}
    assert client_in.get("/healthz").status_code == 200
    assert client_in.get("/bench/ladder/signed-in/").status_code == 200
    assert client_in.post("/bench/ladder/posted/", cell).status_code == 200
    assert client_in.post(f"/bench/ladder/checked/{matrix.slug}/", cell).status_code == 200
    assert client_in.post(f"/bench/ladder/written/{matrix.slug}/", cell).status_code == 200
    assert Responsibility.objects.get(activity=activity, role=role).code == "C"
    assert not Change.objects.filter(matrix=matrix).exists()
    cleared = {**cell, "code": ""}
    assert client_in.post(f"/bench/ladder/recorded/{matrix.slug}/", cleared).status_code == 200
    assert not Responsibility.objects.filter(activity=activity, role=role).exists()
    assert Change.objects.filter(matrix=matrix).count() == 1


def test_the_steps_sign_in_first(ladder, client):
    response = client.get("/bench/ladder/signed-in/")
    assert response.status_code == 302


def test_transaction_control_is_not_counted():
    captured = [
        {"sql": "BEGIN IMMEDIATE"},
        {"sql": 'SELECT "x" FROM "y"'},
        {"sql": 'INSERT INTO "y" VALUES (1)'},
        {"sql": "SAVEPOINT s1"},
        {"sql": "RELEASE SAVEPOINT s1"},
        {"sql": " commit"},
        {"sql": "ROLLBACK"},
    ]
    assert queries.count(captured) == 2
