"""The address a request came from, for login throttling and the workshop join limit."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The visitor's address, or None when the request has none (a request made in process).

    Behind the reverse proxy (``BEHIND_TLS_PROXY``) the socket's peer is the proxy, and the
    visitor's address is the one the proxy appended to ``X-Forwarded-For``: its last entry.
    Entries before it come from the client and can say anything; trusting the first would let
    anyone escape login throttling and the join limit by sending a new address with each try.
    One proxy in front of the app is assumed, as in the README's production setup.
    """
    if settings.BEHIND_TLS_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR") or None
