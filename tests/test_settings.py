import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config import settings as project_settings

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={k: v for k, v in {**os.environ, **env}.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "url",
    ["notaurl", "mysql2://", "foo://user@host/db", "postgres://localhost"],
)
def test_it_rejects_a_malformed_or_unsupported_database_url(url):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        project_settings.database_from_url(url)


def test_it_reads_sqlite_and_postgres_urls():
    sqlite = project_settings.database_from_url("sqlite:////tmp/x.sqlite3")
    assert sqlite["ENGINE"] == "django.db.backends.sqlite3"
    assert sqlite["NAME"] == "/tmp/x.sqlite3"
    pg = project_settings.database_from_url("postgres://bob:pw@db.example:5433/raci")
    assert pg["ENGINE"] == "django.db.backends.postgresql"
    assert (pg["NAME"], pg["HOST"], pg["PORT"], pg["USER"]) == ("raci", "db.example", 5433, "bob")


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode():
    from django.db import connection

    if connection.vendor == "sqlite":  # the suite also runs on PostgreSQL
        with connection.cursor() as cursor:
            assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert cursor.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL


@pytest.mark.parametrize(
    "raw,expected", [("1", True), ("TRUE", True), ("on", True), ("no", False), ("0", False)]
)
def test_it_reads_booleans(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert project_settings.env_bool("SOME_FLAG", not expected) is expected


@pytest.mark.parametrize("raw", ["maybe", "2", "yes please"])
def test_it_rejects_a_bad_boolean(monkeypatch, raw):
    monkeypatch.setenv("DEBUG", raw)
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        project_settings.env_bool("DEBUG", False)


def test_it_is_not_in_debug_mode_unless_asked(settings):
    assert "DEBUG" not in os.environ or os.environ["DEBUG"].lower() in {"0", "false", "no", "off"}
    assert project_settings.DEBUG is False


def test_it_fails_loudly_at_startup_on_bad_values():
    result = manage("check", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr
    result = manage("check", DATABASE_URL="mysql-nonsense")
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr
    result = manage("check", CSRF_TRUSTED_ORIGINS="example.com")
    assert result.returncode != 0
    assert "must start with http" in result.stderr


def test_it_passes_the_deployment_checks_in_production_settings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        HTTPS="true",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="raci.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_it_sends_security_headers(client):
    response = client.get("/accounts/login/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def settings_in_a_process(expression: str, **env) -> str:
    """Evaluate ``expression`` (with ``settings`` and ``reverse``) in a new process that is not
    under pytest, with ``env`` added to the environment."""
    environment = {**os.environ, **env, "DJANGO_SETTINGS_MODULE": "config.settings"}
    for name in ("PYTEST_VERSION", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        environment.pop(name, None)
    code = (
        "import django; django.setup(); from django.conf import settings; "
        f"from django.urls import reverse; print({expression})"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


TOOLBAR_ON = (
    "'debug_toolbar' in settings.INSTALLED_APPS, "
    "'debug_toolbar.middleware.DebugToolbarMiddleware' in settings.MIDDLEWARE"
)


@pytest.mark.parametrize(
    ("env", "on"),
    [
        ({"DEBUG": "true", "DEBUG_TOOLBAR": "true"}, True),
        ({"DEBUG": "true"}, False),
        ({"DEBUG": "false", "DEBUG_TOOLBAR": "true"}, False),
        ({"DEBUG": "true", "DEBUG_TOOLBAR": "false"}, False),
    ],
)
def test_the_debug_toolbar_is_shown_only_to_developers_who_ask(env, on):
    assert settings_in_a_process(TOOLBAR_ON, **env) == f"{on} {on}"
    if on:
        assert settings_in_a_process("reverse('djdt:render_panel')", **env).startswith(
            "/__debug__/"
        )


def test_the_debug_toolbar_is_off_under_the_tests(settings):
    assert settings.DEBUG_TOOLBAR is False
    assert "debug_toolbar" not in settings.INSTALLED_APPS
