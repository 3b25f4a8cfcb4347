"""Objects of another team cannot be reached by naming them in a form field."""

import pytest
from django.urls import reverse

from apps.accounts.models import AccessLevel
from apps.accounts.services import team_create
from apps.catalog.models import Role, RoleKind
from apps.matrices.models import Matrix
from tests.conftest import add_member, make_matrix, make_user

pytestmark = pytest.mark.django_db


def test_a_viewer_cannot_create_a_matrix_in_a_team_they_only_view(client_in, user):
    viewed = team_create(name="Viewed", owner=make_user())
    add_member(viewed, user, AccessLevel.VIEWER)
    response = client_in.post(
        reverse("matrices:create"),
        {"title": "Sneaky", "team": viewed.pk, "template": ""},
    )
    assert response.status_code == 400
    assert not Matrix.objects.filter(title="Sneaky").exists()


def test_a_stranger_cannot_create_a_matrix_in_another_team(client_in):
    other = team_create(name="Other", owner=make_user())
    response = client_in.post(reverse("matrices:create"), {"title": "Sneaky", "team": other.pk})
    assert response.status_code == 400
    assert not Matrix.objects.filter(title="Sneaky").exists()


def test_another_teams_custom_role_cannot_become_a_column(client_in, team):
    matrix = make_matrix(team=team)
    owner = make_user()
    theirs = Role.objects.create(
        slug="theirs",
        name="Theirs",
        short_label="T",
        kind=RoleKind.CUSTOM,
        team=owner.personal_team,
    )
    response = client_in.post(
        reverse("matrices:column_add", args=[matrix.slug]),
        {"role": theirs.pk},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 404
    assert not matrix.roles.filter(pk=theirs.pk).exists()


def test_a_cell_of_another_matrix_cannot_be_set_through_mine(client_in, team):
    mine = make_matrix(team=team)
    other = make_matrix(team=make_user().personal_team, fill=False)
    response = client_in.post(
        reverse("matrices:assign", args=[mine.slug]),
        {
            "activity": other.activities.first().pk,
            "role": other.roles.first().pk,
            "code": "A",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 404
    assert not other.activities.first().responsibilities.exists()
