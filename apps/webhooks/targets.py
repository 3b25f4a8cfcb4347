"""Where a webhook may be sent: never to the server's own network (private, loopback,
link-local, or any address that is not public) unless WEBHOOK_ALLOWED_PRIVATE_NETWORKS names
it. Checked when a webhook is saved and again at every delivery, against the addresses the host
resolves to then; the delivery connects to the address checked, so a name that resolves
differently a moment later (DNS rebinding) does not get around the check."""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings


class UnsafeTarget(ValueError):
    """A URL the server will not send to; the message says why."""


def _allowed_networks():
    return [
        ipaddress.ip_network(net, strict=False) for net in settings.WEBHOOK_ALLOWED_PRIVATE_NETWORKS
    ]


def resolve(url: str) -> tuple[str, int, str, str]:
    """(scheme, port, host, address to connect to) for ``url``, or UnsafeTarget."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise UnsafeTarget("Use an http:// or https:// address.")
    host = parts.hostname
    if not host:
        raise UnsafeTarget("The address names no host.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise UnsafeTarget("The address's port is not a number from 1 to 65535.") from None
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise UnsafeTarget(f"The host {host} cannot be found.") from None
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in found]
    allowed = _allowed_networks()
    for address in addresses:
        if not address.is_global and not any(address in net for net in allowed):
            raise UnsafeTarget(
                f"{host} is a private, loopback or link-local address ({address}); webhooks "
                "are only sent to public addresses."
            )
    return parts.scheme, port, host, str(addresses[0])
