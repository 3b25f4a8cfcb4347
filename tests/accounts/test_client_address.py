"""The visitor's address, which login throttling and the workshop join limit count."""

import pytest
from django.test import RequestFactory

from apps.accounts.client_address import client_ip

PROXY = "127.0.0.1"


def request(remote_addr=PROXY, forwarded=None):
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote_addr, headers=headers)


def test_without_a_proxy_the_socket_peer_is_the_visitor_whatever_the_headers(settings):
    settings.BEHIND_TLS_PROXY = False
    assert client_ip(request("203.0.113.5", forwarded="10.0.0.1")) == "203.0.113.5"


@pytest.mark.parametrize(
    ("forwarded", "visitor"),
    [
        ("203.0.113.5", "203.0.113.5"),
        # The client sent an X-Forwarded-For of its own; the proxy appended what it saw.
        ("10.0.0.1, 203.0.113.5", "203.0.113.5"),
        ("1.1.1.1,2.2.2.2,  203.0.113.5 ", "203.0.113.5"),
        # No header (a request straight to the app server): the peer.
        (None, PROXY),
        ("", PROXY),
    ],
)
def test_behind_the_proxy_the_address_the_proxy_appended_is_the_visitors(
    settings, forwarded, visitor
):
    settings.BEHIND_TLS_PROXY = True
    assert client_ip(request(forwarded=forwarded)) == visitor


@pytest.mark.parametrize("behind_proxy", [False, True])
def test_a_request_without_an_address_has_none(settings, behind_proxy):
    """As django-axes expects (it stores the address in a column PostgreSQL types as inet)."""
    settings.BEHIND_TLS_PROXY = behind_proxy
    assert client_ip(request(remote_addr="")) is None


def test_login_throttling_and_the_join_limit_use_it(settings):
    from apps.workshops.views import common

    assert settings.AXES_CLIENT_IP_CALLABLE == "apps.accounts.client_address.client_ip"
    assert common.client_ip is client_ip
