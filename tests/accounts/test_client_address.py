"""The visitor's address, which login throttling, the workshop join limit and the live layer's
cap on streams per address count."""

import os
import subprocess
import sys

import pytest
from django.test import RequestFactory

from apps.accounts.client_address import client_ip, scope_ip
from tests.test_settings import manage

PROXY = "127.0.0.1"


def request(remote_addr=PROXY, forwarded=None):
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote_addr, headers=headers)


@pytest.mark.parametrize("peer", ["203.0.113.5", PROXY])
def test_without_a_trusted_proxy_the_socket_peer_is_the_visitor_whatever_the_headers(
    settings, peer
):
    settings.TRUSTED_PROXY_IPS = []
    assert client_ip(request(peer, forwarded="10.0.0.1")) == peer


@pytest.mark.parametrize(
    ("forwarded", "visitor"),
    [
        ("203.0.113.5", "203.0.113.5"),
        # The client sent an X-Forwarded-For of its own; the proxy appended what it saw.
        ("10.0.0.1, 203.0.113.5", "203.0.113.5"),
        ("1.1.1.1,2.2.2.2,  203.0.113.5 ", "203.0.113.5"),
        # Two trusted proxies in a row: the address the first of them saw.
        ("10.0.0.1, 203.0.113.5, 127.0.0.1", "203.0.113.5"),
        # No header (a request straight to the app server): the peer.
        (None, PROXY),
        ("", PROXY),
    ],
)
def test_from_a_trusted_proxy_the_address_it_appended_is_the_visitors(settings, forwarded, visitor):
    settings.TRUSTED_PROXY_IPS = [PROXY]
    assert client_ip(request(forwarded=forwarded)) == visitor


def test_from_anyone_else_the_forwarded_header_is_ignored(settings):
    """A visitor who reaches the app server directly cannot name another address."""
    settings.TRUSTED_PROXY_IPS = ["10.1.0.0/16"]
    assert client_ip(request("203.0.113.5", forwarded="1.2.3.4")) == "203.0.113.5"
    assert client_ip(request("10.1.2.3", forwarded="1.2.3.4")) == "1.2.3.4"


def test_a_streams_address_is_read_the_same_way(settings):
    scope = {"client": (PROXY, 5000), "headers": [(b"x-forwarded-for", b"1.2.3.4, 203.0.113.5")]}
    settings.TRUSTED_PROXY_IPS = []
    assert scope_ip(scope) == PROXY
    settings.TRUSTED_PROXY_IPS = [PROXY]
    assert scope_ip(scope) == "203.0.113.5"
    assert scope_ip({"headers": []}) is None


@pytest.mark.parametrize("trusted", [[], [PROXY]])
def test_a_request_without_an_address_has_none(settings, trusted):
    """As django-axes expects (it stores the address in a column PostgreSQL types as inet)."""
    settings.TRUSTED_PROXY_IPS = trusted
    assert client_ip(request(remote_addr="")) is None


@pytest.mark.parametrize(
    ("env", "trusted"),
    [
        ({}, "[]"),
        ({"BEHIND_TLS_PROXY": "true"}, "['127.0.0.1', '::1']"),
        ({"BEHIND_TLS_PROXY": "true", "TRUSTED_PROXY_IPS": ""}, "[]"),
        ({"TRUSTED_PROXY_IPS": "10.0.0.2, 10.1.0.0/16"}, "['10.0.0.2', '10.1.0.0/16']"),
    ],
)
def test_the_setting_trusts_no_proxy_unless_told(env, trusted):
    """Unset, only the proxy on this host, and only behind a TLS proxy (BEHIND_TLS_PROXY)."""
    environ = {k: v for k, v in os.environ.items() if k not in ("TRUSTED_PROXY_IPS", "HTTPS")}
    environ.update({"BEHIND_TLS_PROXY": "false", "DJANGO_SETTINGS_MODULE": "config.settings"})
    environ.update(env)
    code = "from django.conf import settings; print(settings.TRUSTED_PROXY_IPS)"
    result = subprocess.run(
        [sys.executable, "-c", code], env=environ, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == trusted


def test_a_bad_trusted_proxy_fails_loudly_at_startup():
    result = manage("check", TRUSTED_PROXY_IPS="127.0.0.1, nginx")
    assert result.returncode != 0
    assert "TRUSTED_PROXY_IPS entry 'nginx' is not an IP address" in result.stderr


def test_login_throttling_and_the_join_limit_use_it(settings):
    from apps.workshops.views import common

    assert settings.AXES_CLIENT_IP_CALLABLE == "apps.accounts.client_address.client_ip"
    assert common.client_ip is client_ip
