"""Sending one delivery: a JSON POST signed with HMAC-SHA256 over the timestamp and the body,
to the address checked by targets.resolve, without following redirects."""

import hashlib
import hmac
import http.client
import json
import socket
import ssl
import time
from urllib.parse import urlsplit

from django.conf import settings

from .targets import UnsafeTarget, resolve

SIGNATURE_HEADER = "X-Raci-Signature"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def encode(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to a given address, checking the certificate against the URL's host name."""

    def __init__(self, host, address, port, **kwargs):
        super().__init__(host, port, context=ssl.create_default_context(), **kwargs)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(*, url: str, secret: str, event: str, delivery_id: int, body: bytes) -> int:
    """POST the body; return the response's status code. Raises UnsafeTarget for an address
    refused, OSError (and http.client errors) when nothing answered."""
    scheme, port, host, address = resolve(url)
    timeout = settings.WEBHOOK_TIMEOUT_SECONDS
    if scheme == "https":
        connection = _PinnedHTTPSConnection(host, address, port, timeout=timeout)
    else:
        connection = http.client.HTTPConnection(address, port, timeout=timeout)
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    default_port = 443 if scheme == "https" else 80
    headers = {
        "Host": host if port == default_port else f"{host}:{port}",
        "Content-Type": "application/json",
        "User-Agent": "RACI-Builder-Webhooks/1",
        "X-Raci-Event": event,
        "X-Raci-Delivery": str(delivery_id),
        SIGNATURE_HEADER: signature(secret, int(time.time()), body),
    }
    try:
        connection.request("POST", target, body=body, headers=headers)
        response = connection.getresponse()
        response.read(64 * 1024)  # a little of the body, never more: nobody reads it
        return response.status
    finally:
        connection.close()


__all__ = ["SIGNATURE_HEADER", "UnsafeTarget", "encode", "post", "signature"]
