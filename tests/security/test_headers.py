"""Security headers and production settings."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


def production_settings(**env) -> dict:
    """The settings a production process would get, read in a fresh interpreter."""
    script = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k, None) for k in ["
        "'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SESSION_COOKIE_SECURE', "
        "'CSRF_COOKIE_SECURE', 'SECURE_SSL_REDIRECT', 'X_FRAME_OPTIONS', "
        "'SECURE_REFERRER_POLICY', 'SESSION_COOKIE_HTTPONLY', 'ALLOW_SIGNUP']}))"
    )
    base = {k: v for k, v in os.environ.items() if k not in ("HTTPS", "ALLOW_SIGNUP")}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={
            **base,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SECRET_KEY": secrets.token_urlsafe(50),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    import json

    return json.loads(result.stdout)


def test_with_https_on_cookies_are_secure_and_hsts_is_sent():
    values = production_settings(HTTPS="true", DEBUG="false")
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SECURE_REFERRER_POLICY"] == "same-origin"
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["ALLOW_SIGNUP"] is False


def test_pages_forbid_framing_and_leaking_the_referrer(client):
    response = client.get(reverse("login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_with_https_on_the_site_sends_hsts(client, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get(reverse("login"), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
