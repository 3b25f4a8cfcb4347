"""The address a request (or a live stream) came from, for login throttling, the workshop join
limit and the live layer's cap on streams per address."""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The visitor's address, or None when the request has none (a request made in process)."""
    return visitor_address(
        request.META.get("REMOTE_ADDR"), request.META.get("HTTP_X_FORWARDED_FOR", "")
    )


def scope_ip(scope: dict) -> str | None:
    """The same for an ASGI connection (a WebSocket's scope)."""
    client = scope.get("client") or (None,)
    forwarded = ",".join(
        value.decode("latin1")
        for name, value in scope.get("headers", [])
        if name == b"x-forwarded-for"
    )
    return visitor_address(client[0], forwarded)


def visitor_address(peer: str | None, forwarded: str) -> str | None:
    """``peer`` (the socket's), unless it is one of ``TRUSTED_PROXY_IPS``: then the address that
    proxy appended to ``X-Forwarded-For``, its last entry (past any other trusted proxy).

    Entries further left come from the client and can say anything: trusting them would let
    anyone escape login throttling and the join limit by sending a new address with each try.
    And from a peer that is no trusted proxy the header is the client's own, so it is ignored
    whole: a visitor reaching the app server directly cannot name another address.
    """
    peer = peer or None
    if peer is None or not forwarded or not is_trusted_proxy(peer):
        return peer
    for entry in reversed(forwarded.split(",")):
        address = entry.strip()
        if address and not is_trusted_proxy(address):
            return address
    return peer


def is_trusted_proxy(address: str) -> bool:
    return _trusted(tuple(settings.TRUSTED_PROXY_IPS), address)


@lru_cache(maxsize=1024)
def _trusted(networks: tuple[str, ...], address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(network, strict=False) for network in networks)
