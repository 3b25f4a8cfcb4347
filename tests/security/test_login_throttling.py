"""Login throttling with django-axes: a clear page after too many failures, then a cool-off."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from tests.conftest import make_user
from tests.test_settings import manage

pytestmark = pytest.mark.django_db


def attempt(client, username, password="wrong", **extra):  # noqa: S107 - wrong on purpose
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def test_five_failures_lock_the_account_with_a_clear_message(client, settings):
    make_user("carol")
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        response = attempt(client, "carol")
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.text
    response = attempt(client, "carol")
    assert response.status_code == 429
    assert "Too many failed logins" in response.text
    assert "locked for 15 minutes after 5 failed attempts" in response.text
    # Even the right password is refused while locked.
    response = attempt(client, "carol", "pw")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lock_holds_for_one_user_from_one_address_only(client, settings):
    make_user("carol")
    make_user("dave")
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        attempt(client, "carol")
    assert attempt(client, "dave", "pw").status_code == 302
    elsewhere = Client(REMOTE_ADDR="10.0.0.9")
    assert attempt(elsewhere, "carol", "pw").status_code == 302


def test_behind_the_proxy_a_made_up_forwarded_address_does_not_escape_the_lock(client, settings):
    """The proxy appends the address it saw to X-Forwarded-For; the entries before it are the
    client's own and change nothing. Other visitors behind the same proxy are not locked."""
    settings.TRUSTED_PROXY_IPS = ["127.0.0.1"]  # the test client's address
    make_user("carol")
    for n in range(settings.LOGIN_FAILURE_LIMIT):
        attempt(client, "carol", headers={"X-Forwarded-For": f"10.0.0.{n}, 203.0.113.5"})
    again = {"X-Forwarded-For": "10.0.0.99, 203.0.113.5"}
    assert attempt(client, "carol", "pw", headers=again).status_code == 429
    elsewhere = {"X-Forwarded-For": "203.0.113.6"}
    assert attempt(Client(), "carol", "pw", headers=elsewhere).status_code == 302


@pytest.mark.parametrize("trusted", [[], ["10.0.0.0/8"]])
def test_without_the_proxy_a_forwarded_header_does_not_escape_the_lock(client, settings, trusted):
    """A visitor who reaches the app server itself (no trusted proxy in front, or another one
    than the configured proxy) is counted by their own address, whatever X-Forwarded-For says."""
    settings.BEHIND_TLS_PROXY = True
    settings.TRUSTED_PROXY_IPS = trusted
    make_user("carol")
    for n in range(settings.LOGIN_FAILURE_LIMIT):
        attempt(client, "carol", headers={"X-Forwarded-For": f"1.2.3.{n}"})
    again = {"X-Forwarded-For": "1.2.3.99"}
    assert attempt(client, "carol", "pw", headers=again).status_code == 429


def test_after_the_cool_off_the_user_can_log_in_again(client, settings):
    make_user("carol")
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        attempt(client, "carol")
    assert attempt(client, "carol", "pw").status_code == 429
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.first().attempt_time
        - settings.AXES_COOLOFF_TIME
        - timedelta(seconds=1)
    )
    assert attempt(client, "carol", "pw").status_code == 302


def test_a_successful_login_forgets_earlier_failures(client, settings):
    make_user("carol")
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        attempt(client, "carol")
    assert attempt(client, "carol", "pw").status_code == 302
    client.post(reverse("logout"))
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        assert attempt(client, "carol").status_code == 200


def test_the_admin_login_is_throttled_too(client, settings):
    make_user("root", is_staff=True)
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.post(reverse("admin:login"), {"username": "root", "password": "wrong"})
    response = client.post(reverse("admin:login"), {"username": "root", "password": "pw"})
    assert response.status_code == 429


def spray(client, usernames, per_user):
    """``per_user`` wrong passwords for each username, all from the client's address; the
    answers' status codes."""
    return [attempt(client, name).status_code for name in usernames for _ in range(per_user)]


def test_spraying_passwords_across_usernames_from_one_address_is_stopped(client, settings):
    """Four tries against every username stay under the per-username limit; the per-address
    limit stops the spray at its last allowed failure, for every username, with a page that
    says so."""
    per_user = settings.LOGIN_FAILURE_LIMIT - 1
    per_address = settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS
    users = [make_user(f"user{n}").username for n in range(30)]
    statuses = spray(client, users[: per_address // per_user], per_user)
    assert statuses == [200] * (per_address - 1) + [429]
    response = attempt(client, users[-2])
    assert response.status_code == 429
    assert "Logins from this address are paused" in response.text
    assert f"for 15 minutes after {per_address} failed logins from it" in response.text
    # The right password of an untouched account is refused from that address too ...
    assert attempt(client, users[-1], "pw").status_code == 429
    assert "_auth_user_id" not in client.session
    # ... and accepted from any other.
    assert attempt(Client(REMOTE_ADDR="10.0.0.9"), users[-1], "pw").status_code == 302


def test_a_room_behind_one_address_is_not_locked_out_below_the_limit(client, settings):
    """A workshop room shares one address: people mistyping their passwords now and then must
    not lock the others out."""
    assert settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS == 20
    users = [make_user(f"user{n}").username for n in range(11)]
    assert set(spray(client, users[:-1], 1)) == {200}
    assert set(spray(client, users[:9], 1)) == {200}  # 19 failures in all
    assert attempt(client, users[-1], "pw").status_code == 302


def test_the_per_username_lock_still_says_so(client, settings):
    make_user("carol")
    statuses = spray(client, ["carol"], settings.LOGIN_FAILURE_LIMIT)
    assert statuses[-1] == 429
    response = attempt(client, "carol")
    assert "This account is locked for 15 minutes after 5 failed attempts" in response.text


def test_logging_in_to_ones_own_account_does_not_reset_the_address_count(client, settings):
    """A successful login forgets that username's failures only, not the address's others."""
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 10
    make_user("mallory")
    users = [make_user(f"user{n}").username for n in range(5)]
    assert set(spray(client, users[:2], 4)) == {200}
    assert attempt(client, "mallory", "pw").status_code == 302
    client.post(reverse("logout"))
    assert spray(client, users[2:3], 2) == [200, 429]
    assert attempt(client, users[3]).status_code == 429


def test_the_per_address_limit_counts_within_the_cool_off_only(client, settings):
    users = [make_user(f"user{n}").username for n in range(10)]
    assert spray(client, users[:5], 4)[-1] == 429
    assert attempt(client, users[-1], "pw").status_code == 429
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.first().attempt_time
        - settings.AXES_COOLOFF_TIME
        - timedelta(seconds=1)
    )
    assert attempt(client, users[-1], "pw").status_code == 302


def test_attempts_are_kept_in_the_database_for_every_worker(settings):
    assert settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"
    assert settings.AUTHENTICATION_BACKENDS[0].startswith("axes.backends.")


def test_force_login_still_works(client, user):
    client.force_login(user)
    assert client.get(reverse("matrices:home")).status_code == 200


def test_the_limits_come_from_the_environment_and_must_be_positive():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.LOGIN_FAILURE_LIMIT_PER_ADDRESS)",
        LOGIN_FAILURE_LIMIT_PER_ADDRESS="50",
    )
    assert result.stdout.strip().splitlines()[-1] == "50", result.stderr
    result = manage("check", LOGIN_FAILURE_LIMIT_PER_ADDRESS="0")
    assert result.returncode != 0
    assert "LOGIN_FAILURE_LIMIT_PER_ADDRESS must be at least 1" in result.stderr
