"""A person's preferences: the compact grid, remembered for them."""

import pytest
from django.urls import reverse

from apps.accounts.models import Preferences
from tests.conftest import make_matrix

pytestmark = pytest.mark.django_db


def test_the_compact_grid_is_remembered_for_the_person(client_in, user, team):
    matrix = make_matrix(team=team)
    page = client_in.get(matrix.get_absolute_url()).text
    assert 'class="page page-wide"' in page and 'aria-pressed="false"' in page

    response = client_in.post(
        reverse("preferences"), {"compact_grid": "true"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 204
    assert Preferences.objects.get(user=user).compact_grid is True
    page = client_in.get(matrix.get_absolute_url()).text
    assert 'class="page page-wide compact"' in page and 'aria-pressed="true"' in page

    # Without the page's script: back to the page it came from.
    response = client_in.post(
        reverse("preferences"), {"compact_grid": "false", "next": matrix.get_absolute_url()}
    )
    assert response.status_code == 302 and response.url == matrix.get_absolute_url()
    assert Preferences.objects.get(user=user).compact_grid is False


@pytest.mark.parametrize("data", [{}, {"compact_grid": "maybe"}])
def test_a_bad_choice_is_a_400(client_in, user, data):
    response = client_in.post(reverse("preferences"), data)
    assert response.status_code == 400
    assert not Preferences.objects.filter(user=user).exists()


def test_next_never_leaves_the_site(client_in):
    response = client_in.post(
        reverse("preferences"), {"compact_grid": "true", "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response.url == reverse("matrices:home")
