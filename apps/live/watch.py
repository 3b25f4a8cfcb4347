"""Each process watches the Redis its streams depend on, once for all of them.

A stream cannot tell by itself that Redis went away: its socket to the browser stays open, and
the process's one pub/sub connection drops without a word to the consumers, which then hear
nothing. Each stream's own check (consumers.TICK, 10 s) would notice, but a page would look live
and be deaf until then. So while a process has streams, it asks Redis every ``WATCH`` seconds:

- no answer: every stream of the process is closed (1011). The pages show "Reconnecting…",
  retry, and once Redis is back they reconnect and catch up by version;
- another server answering (a Redis that restarted between two checks, with a new run id):
  what was published meanwhile is lost, so every stream checks its version at once and sends
  the regions anew if the matrix moved.

Without REDIS_URL the channel layer is this process's memory, which cannot go away alone.
"""

import asyncio
import logging

from django.conf import settings

from . import gate, presence

logger = logging.getLogger(__name__)

WATCH = 2.0  # seconds between two questions to Redis, per process

# The open streams that Redis carries, and the task that watches for them, per event loop (one
# in a server process; the tests run several).
_streams: dict[asyncio.AbstractEventLoop, set] = {}
_watchers: dict[asyncio.AbstractEventLoop, asyncio.Task] = {}


def register(stream) -> None:
    """Watch Redis for ``stream`` (a consumer with ``close(code)`` and ``recheck()``)."""
    if not settings.REDIS_URL:
        return
    loop = asyncio.get_running_loop()
    _streams.setdefault(loop, set()).add(stream)
    watcher = _watchers.get(loop)
    if watcher is None or watcher.done():
        _watchers[loop] = loop.create_task(_watch(_streams[loop]))


def unregister(stream) -> None:
    try:
        streams = _streams.get(asyncio.get_running_loop())
    except RuntimeError:
        return
    if streams is not None:
        streams.discard(stream)


async def _watch(streams: set) -> None:
    server = None
    while streams:
        await asyncio.sleep(WATCH)
        try:
            current = await presence.store().server_id()
        except Exception:
            gate.note_layer(False, closed=len(streams))
            gate.layer_seen_down()
            server = None
            for stream in list(streams):
                streams.discard(stream)
                await stream.close(1011)
            continue
        gate.note_layer(True)
        if server is not None and current != server:
            logger.warning("Redis restarted; %d streams catch up", len(streams))
            await asyncio.gather(*(stream.recheck(lost=True) for stream in list(streams)))
        server = current
