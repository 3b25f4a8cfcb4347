"""Self sign-up: off by default (staff create users); on with ALLOW_SIGNUP."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from config import settings as project_settings
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

GOOD = {
    "username": "newbie",
    "email": "",
    "password1": "a long enough pass phrase",
    "password2": "a long enough pass phrase",
}


def test_signup_is_off_unless_the_setting_says_otherwise(monkeypatch):
    monkeypatch.delenv("ALLOW_SIGNUP", raising=False)
    assert project_settings.env_bool("ALLOW_SIGNUP", False) is False
    assert project_settings.ALLOW_SIGNUP is False


def test_with_signup_off_the_page_is_a_404_and_creates_nobody(client, settings):
    settings.ALLOW_SIGNUP = False
    assert client.get(reverse("signup")).status_code == 404
    assert client.post(reverse("signup"), GOOD).status_code == 404
    assert not get_user_model().objects.filter(username="newbie").exists()
    assert "Create an account" not in client.get(reverse("login")).text


def test_with_signup_on_a_visitor_creates_an_account_and_gets_a_personal_team(client, settings):
    settings.ALLOW_SIGNUP = True
    assert client.get(reverse("signup")).status_code == 200
    response = client.post(reverse("signup"), GOOD)
    assert response.status_code == 302 and response.url == reverse("matrices:home")
    user = get_user_model().objects.get(username="newbie")
    assert user.personal_team.memberships.get().user == user
    assert not user.is_staff
    # Signed in.
    assert client.get(reverse("matrices:home")).status_code == 200


@pytest.mark.parametrize(
    "change,message",
    [
        ({"username": "taken"}, "A user with that username already exists."),
        ({"password2": "something else"}, "The two password fields didn"),
        ({"password1": "123", "password2": "123"}, "This password is too short"),
        ({"email": "not-an-email"}, "Enter a valid email address."),
    ],
)
def test_signup_explains_bad_input_and_creates_nobody(client, settings, change, message):
    settings.ALLOW_SIGNUP = True
    make_user("taken")
    count = get_user_model().objects.count()
    response = client.post(reverse("signup"), {**GOOD, **change})
    assert response.status_code == 400
    assert message in response.text
    assert get_user_model().objects.count() == count


def test_signup_ignores_a_next_url_on_another_site(client, settings):
    settings.ALLOW_SIGNUP = True
    response = client.post(reverse("signup"), {**GOOD, "next": "https://evil.example/"})
    assert response.status_code == 302 and response.url == reverse("matrices:home")


def test_with_signup_on_the_login_page_offers_it(client, settings):
    settings.ALLOW_SIGNUP = True
    assert "Create an account" in client.get(reverse("login")).text
