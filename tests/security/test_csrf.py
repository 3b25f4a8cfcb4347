"""CSRF: every htmx request carries the token from <body data-hx-headers>; without it, 403."""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from apps.matrices.models import Responsibility
from apps.sharing.models import ShareLink
from tests.conftest import make_matrix

pytestmark = pytest.mark.django_db


@pytest.fixture
def strict(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def page_token(client, url) -> str:
    """The token as base.html hands it to htmx, in the body's data-hx-headers."""
    text = client.get(url).text
    headers = re.search(r"<body data-hx-headers='([^']+)'", text).group(1)
    return json.loads(headers)["X-CSRFToken"]


def htmx_posts(matrix):
    activity = matrix.activities.first()
    role = matrix.roles.first()
    phase = matrix.phases.first()
    return [
        (
            reverse("matrices:assign", args=[matrix.slug]),
            {"activity": activity.pk, "role": role.pk, "code": "C"},
        ),
        (reverse("matrices:activity_add", args=[matrix.slug, phase.pk]), {"name": "New one"}),
        (reverse("matrices:phase_add", args=[matrix.slug]), {"name": "Later"}),
        (reverse("matrices:edit_details", args=[matrix.slug]), {"title": "Renamed"}),
        (reverse("sharing:create", args=[matrix.slug]), {}),
    ]


def test_htmx_posts_without_the_token_are_refused_and_change_nothing(strict, team):
    matrix = make_matrix(team=team, fill=False)
    strict.get(matrix.get_absolute_url())  # sets the CSRF cookie
    for url, data in htmx_posts(matrix):
        response = strict.post(url, data, headers={"HX-Request": "true"})
        assert response.status_code == 403, url
    assert not Responsibility.objects.filter(activity__matrix=matrix).exists()
    assert matrix.activities.count() == 3 and matrix.phases.count() == 2
    assert not ShareLink.objects.exists()


def test_htmx_posts_with_the_pages_token_in_the_header_go_through(strict, team):
    matrix = make_matrix(team=team, fill=False)
    token = page_token(strict, matrix.get_absolute_url())
    for url, data in htmx_posts(matrix):
        response = strict.post(url, data, headers={"HX-Request": "true", "X-CSRFToken": token})
        assert response.status_code == 200, (url, response.status_code)
    assert Responsibility.objects.filter(activity__matrix=matrix, code="C").exists()
    assert ShareLink.objects.filter(matrix=matrix).exists()


def test_a_wrong_token_is_refused(strict, team):
    matrix = make_matrix(team=team, fill=False)
    strict.get(matrix.get_absolute_url())
    url, data = htmx_posts(matrix)[0]
    response = strict.post(url, data, headers={"HX-Request": "true", "X-CSRFToken": "x" * 64})
    assert response.status_code == 403


def test_team_forms_need_the_token(strict, user):
    response = strict.post(reverse("teams:create"), {"name": "Sneaky"})
    assert response.status_code == 403
    token = page_token(strict, reverse("teams:list"))
    response = strict.post(reverse("teams:create"), {"name": "Fine", "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_login_needs_the_token():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
