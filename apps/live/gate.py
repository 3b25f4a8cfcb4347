"""What every WebSocket handshake passes before a stream's consumer sees it (config/asgi.py), for
the matrix's streams and the workshop's alike:

- ``SameOrigin``: the page that opens it is one of this site's, compared as Django compares a
  form's Origin (scheme, host and port; or an entry of CSRF_TRUSTED_ORIGINS);
- ``StreamLimits``: at most ``LIVE_STREAMS_PER_ADDRESS`` open streams per visitor's address and
  ``LIVE_STREAMS_PER_SESSION`` per browser session, in each server process; one more is
  accepted and closed at once with ``TOO_MANY``, which the page says in words. It also drops
  what a stream sends after its connection has ended (a change's message that crossed the
  close), which the server would otherwise refuse with a traceback;
- ``LayerGate``: while the channel layer's Redis does not answer, a handshake is refused (503)
  before a consumer starts, with one line in the log per outage, not a traceback per page;
- ``no_such_stream``: the route of every path no stream has, refused as a page answers 404.

A refusal answers the handshake with an HTTP status where the server can (ASGI's
``websocket.http.response``, which uvicorn has), and closes it otherwise.
"""

import asyncio
import json
import logging
from collections import Counter
from io import BytesIO
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.handlers.asgi import ASGIRequest
from django.utils.http import is_same_domain

from apps.accounts.client_address import scope_ip

from . import presence

logger = logging.getLogger(__name__)

TOO_MANY = 4429  # close code: too many streams open (static/js/connection.js says so)
TOO_MANY_REASON = (
    "Too many live pages are open from this browser or network. Close some; this page "
    "reconnects by itself."
)


async def refuse(scope, receive, send, status: int, text: str) -> None:
    """Answer a handshake with ``status`` (or close it, where the server cannot say that)."""
    message = await receive()
    if message["type"] != "websocket.connect":
        return
    await answer(scope, send, status, text)


async def answer(scope, send, status: int, text: str) -> None:
    if "websocket.http.response" in scope.get("extensions", {}):
        await send(
            {
                "type": "websocket.http.response.start",
                "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8")],
            }
        )
        await send({"type": "websocket.http.response.body", "body": text.encode()})
    else:
        await send({"type": "websocket.close", "code": 1008 if status < 500 else 1013})


async def no_such_stream(scope, receive, send) -> None:
    """The last route (apps/live/routing.py): a path no stream has."""
    await refuse(scope, receive, send, 404, "No such stream.")


# -- The page's origin ----------------------------------------------------------------------------


def _request(scope: dict) -> ASGIRequest:
    """The handshake as Django reads a request: its host (checked against ALLOWED_HOSTS), and
    whether it came over HTTPS (with SECURE_PROXY_SSL_HEADER behind a TLS proxy)."""
    scheme = {"wss": "https", "ws": "http"}.get(scope.get("scheme", "ws"), "http")
    return ASGIRequest({**scope, "type": "http", "method": "GET", "scheme": scheme}, BytesIO())


def _parts(origin: str) -> tuple[str, str, int] | None:
    try:
        parsed = urlsplit(origin)
        port = parsed.port
    except ValueError:
        return None
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        return None
    return parsed.scheme, parsed.hostname, port or (443 if parsed.scheme == "https" else 80)


def origin_allowed(scope: dict) -> bool:
    """Whether the Origin header names this site exactly, as Django's CSRF check has it for a
    form: the handshake's own scheme, host and port, or one of CSRF_TRUSTED_ORIGINS."""
    origin = next((v for k, v in scope.get("headers", []) if k == b"origin"), b"").decode("latin1")
    claimed = _parts(origin)
    if claimed is None:
        return False  # no Origin (not a browser's page), or not one a page can have
    request = _request(scope)
    try:
        own = _parts(f"{'https' if request.is_secure() else 'http'}://{request.get_host()}")
    except DisallowedHost:
        own = None
    if claimed == own:
        return True
    for trusted in settings.CSRF_TRUSTED_ORIGINS:
        if "*" in trusted:
            scheme, _, pattern = trusted.partition("://")
            if claimed[0] == scheme and is_same_domain(urlsplit(origin).netloc, pattern[1:]):
                return True
        elif _parts(trusted) == claimed:
            return True
    return False


class SameOrigin:
    """A page of another site (or of another port or scheme of this host) may not open a
    stream with our visitors' cookies."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and not origin_allowed(scope):
            await refuse(scope, receive, send, 403, "This page may not open the site's streams.")
            return
        await self.app(scope, receive, send)


# -- Open streams per address and per session --------------------------------------------------


_open_by_address: Counter = Counter()
_open_by_session: Counter = Counter()


def open_streams() -> tuple[Counter, Counter]:
    """This process's open streams, by address and by session (the tests look)."""
    return _open_by_address, _open_by_session


class StreamLimits:
    """Counts the open streams of each address and session (run inside CookieMiddleware)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            await self.app(scope, receive, send)
            return
        address = scope_ip(scope) or "unknown"
        session = scope.get("cookies", {}).get(settings.SESSION_COOKIE_NAME) or None
        if _open_by_address[address] >= settings.LIVE_STREAMS_PER_ADDRESS or (
            session is not None and _open_by_session[session] >= settings.LIVE_STREAMS_PER_SESSION
        ):
            await self.too_many(receive, send)
            return
        _open_by_address[address] += 1
        if session is not None:
            _open_by_session[session] += 1
        try:
            await self.app(scope, *self.guarded(receive, send))
        finally:
            for counter, key in ((_open_by_address, address), (_open_by_session, session)):
                if key is not None:
                    counter[key] -= 1
                    if counter[key] <= 0:
                        del counter[key]

    @staticmethod
    async def too_many(receive, send) -> None:
        """Accepted only to say why, in the close code the page reads (and in words)."""
        if (await receive())["type"] != "websocket.connect":
            return
        await send({"type": "websocket.accept"})
        await send(
            {
                "type": "websocket.send",
                "text": json.dumps({"t": "closed", "reason": TOO_MANY_REASON}),
            }
        )
        await send({"type": "websocket.close", "code": TOO_MANY})

    @staticmethod
    def guarded(receive, send):
        """``receive`` and ``send`` that note when the connection has ended, and then drop
        what the stream still sends: a group's message may reach a consumer after its browser
        has gone and before it hears so, and the server refuses such a send with an error."""
        ended = False

        async def guarded_receive():
            nonlocal ended
            message = await receive()
            if message["type"] == "websocket.disconnect":
                ended = True
            return message

        async def guarded_send(message):
            nonlocal ended
            if ended:
                return
            if message["type"] == "websocket.close":
                ended = True
            try:
                await send(message)
            except OSError:  # the browser went away while it was being sent
                ended = True

        return guarded_receive, guarded_send


# -- The channel layer ----------------------------------------------------------------------------

RECHECK_UP = 1.0  # seconds a "Redis answers" holds before the next handshake asks again
RECHECK_DOWN = 0.5  # seconds between two questions while it does not answer
ASK_TIMEOUT = 1.0  # seconds a question may take


class _Layer:
    """What a process knows of its Redis, per event loop (one in a server process)."""

    def __init__(self):
        self.up = True
        self.asked_at = float("-inf")
        self.question: asyncio.Future | None = None


_layers: dict[asyncio.AbstractEventLoop, _Layer] = {}
_outage = False  # for the log: one line when an outage starts, one when it ends


async def layer_available() -> bool:
    """Whether the channel layer's Redis answers (always, without Redis: memory does not go)."""
    if not settings.REDIS_URL:
        return True
    loop = asyncio.get_running_loop()
    layer = _layers.setdefault(loop, _Layer())
    if loop.time() - layer.asked_at < (RECHECK_UP if layer.up else RECHECK_DOWN):
        return layer.up
    if layer.question is None:
        layer.question = loop.create_task(_ask(layer))
    return await asyncio.shield(layer.question)


async def _ask(layer: _Layer) -> bool:
    try:
        await asyncio.wait_for(presence.store().ping(), ASK_TIMEOUT)
        up = True
    except Exception:
        up = False
    layer.up, layer.asked_at, layer.question = up, asyncio.get_running_loop().time(), None
    note_layer(up)
    return up


def note_layer(up: bool, closed: int = 0) -> None:
    """Say in the log when an outage starts (here, or in the watcher that closes the streams
    it finds Redis gone under, ``closed``) and when it ends: once each, whatever the pages do."""
    global _outage
    if up and _outage:
        _outage = False
        logger.warning("Redis answers again: live streams open again")
    elif not up and not _outage:
        _outage = True
        if closed:
            logger.warning(
                "Redis does not answer: %d live streams closed; new ones are refused until it does",
                closed,
            )
        else:
            logger.warning("Redis does not answer: live streams are refused until it does")


def reset() -> None:
    """Forget what is known of Redis (the tests switch between a Redis that answers and not)."""
    global _outage
    _outage = False
    _layers.clear()


def layer_seen_down() -> None:
    """Told by a stream that found Redis away: the next handshake asks again."""
    for layer in _layers.values():
        layer.asked_at = float("-inf")


def is_layer_error(error: BaseException) -> bool:
    """Whether ``error`` is Redis (or the connection to it) failing."""
    from redis.exceptions import RedisError

    return isinstance(error, RedisError | OSError | TimeoutError)


class LayerGate:
    """Refuses handshakes while Redis is away, and ends cleanly a stream that Redis failed
    under before the watcher (watch.py) or the gate noticed: its handshake answered 503, or the
    stream closed with 1011, which the page retries, instead of a traceback and a 500."""

    away = "Live updates are away; try again shortly."

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            await self.app(scope, receive, send)
            return
        if not await layer_available():
            await refuse(scope, receive, send, 503, self.away)
            return
        answered = False

        async def watched_send(message):
            nonlocal answered
            answered = True
            await send(message)

        try:
            await self.app(scope, receive, watched_send)
        except Exception as error:
            if not settings.REDIS_URL or not is_layer_error(error):
                raise
            layer_seen_down()
            if await layer_available():  # Redis answers: this was something else
                logger.warning("A stream failed on Redis", exc_info=error)
            if answered:
                await send({"type": "websocket.close", "code": 1011})
            else:
                await answer(scope, send, 503, self.away)


class QuietWhileAway(logging.Filter):
    """channels_redis logs a traceback every second while Redis is away, for as long as its
    subscriber is; the log says once that it is away instead (``note_layer``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if error is not None and is_layer_error(error):
            note_layer(False)
            layer_seen_down()
            return False
        return True
