import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from apps.accounts.models import AccessLevel, Membership
from apps.exchange.seeding import SAMPLE_SLUG, sample_matrix_ensure
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_it_gives_every_new_user_a_personal_team_they_own():
    user = make_user("bob")
    team = user.personal_team
    membership = Membership.objects.get(team=team, user=user)
    assert membership.access == AccessLevel.OWNER
    assert "bob" in team.name


def test_it_creates_a_local_admin_once_with_a_fresh_password(capsys):
    sample_matrix_ensure()
    call_command("ensure_local_admin")
    first = capsys.readouterr().out
    password = re.search(r"Password: (\S+)", first).group(1)
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(password)
    # The admin sees the sample matrix.
    assert admin.teams.filter(matrices__slug=SAMPLE_SLUG).exists()

    call_command("ensure_local_admin")
    second = capsys.readouterr().out
    assert "Password" not in second
    assert get_user_model().objects.filter(is_superuser=True).count() == 1


def test_two_local_admin_passwords_differ(capsys):
    call_command("ensure_local_admin")
    one = re.search(r"Password: (\S+)", capsys.readouterr().out).group(1)
    get_user_model().objects.all().delete()
    call_command("ensure_local_admin")
    two = re.search(r"Password: (\S+)", capsys.readouterr().out).group(1)
    assert one != two


def test_anonymous_users_are_sent_to_login(client):
    for url in ["/", "/roles/", f"/m/{SAMPLE_SLUG}/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/?next=")


def test_it_logs_in_and_out(client):
    make_user("carol")
    response = client.post("/accounts/login/", {"username": "carol", "password": "pw"})
    assert response.status_code == 302 and response.url == "/"
    assert client.get("/").status_code == 200
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_a_wrong_password_is_refused_with_a_message(client):
    make_user("dave")
    response = client.post("/accounts/login/", {"username": "dave", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.text
