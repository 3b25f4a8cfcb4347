"""ws/bell/: the bell's stream, for a signed-in page that has no other stream to carry it.

A matrix's page and a workshop's board already hear their user's group (consumers.py,
workshop/consumers.py) and pass its rings on; every other page of a signed-in person opens this
one instead. It sends only ``{"t": "bell"}``, the word that the person's unread notices changed
(the page then reads its bell as it reads it on load), never a notice's text: a stream whose
session has ended meanwhile learns no notice. It checks the session on connect, on every
``access.check`` of its user (signed out, made inactive, a new password) and every ``TICK``
seconds, and takes a ping from the browser; anything else is refused, and too much of it ends
the stream.
Like every stream it passes the gate (gate.py): same origin, the per-visitor caps, Redis up.
"""

import asyncio
import json
import logging

from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from apps.live.hop import database_hop

from . import watch
from .access import session_user
from .consumers import MAX_MESSAGE, MAX_REFUSED, MISBEHAVED, NO_ACCESS
from .gate import layer_seen_down
from .groups import user_group
from .ticks import tick_wait

logger = logging.getLogger(__name__)

# Seconds between two checks of the session (two queries). A sign-out, a deactivation or a new
# password end the stream at once (access.check, receivers.py); this catches a session that
# merely expired, whose stream meanwhile learns no more than that something rang.
TICK = 300


def _user_id(session_key: str | None) -> int | None:
    user = session_user(session_key)
    return user.pk if user.is_authenticated else None


class BellConsumer(AsyncWebsocketConsumer):
    user_id: int | None = None
    group: str | None = None
    ticker: asyncio.Task | None = None
    closed = False
    refused = 0

    async def connect(self):
        await self.accept()
        try:
            self.user_id = await self.authorize()
        except Exception:
            logger.warning("Could not check the session of a bell's stream; closing it")
            await self.close(1011)
            return
        if self.user_id is None:
            await self.end("Sign in to hear of your notices.", NO_ACCESS)
            return
        try:
            await self.channel_layer.group_add(user_group(self.user_id), self.channel_name)
        except Exception:
            layer_seen_down()
            await self.close(1011)
            return
        self.group = user_group(self.user_id)
        await self.send_json({"t": "hello"})
        self.ticker = asyncio.create_task(self.tick())
        watch.register(self)

    async def authorize(self) -> int | None:
        session_key = self.scope.get("cookies", {}).get(settings.SESSION_COOKIE_NAME)
        return await database_hop(_user_id)(session_key)

    async def disconnect(self, code):
        self.closed = True
        watch.unregister(self)
        if self.ticker is not None:
            self.ticker.cancel()
        if self.group is not None:
            try:
                await self.channel_layer.group_discard(self.group, self.channel_name)
            except Exception:
                logger.debug("Could not leave the bell's group (Redis unreachable)")
            self.group = None

    async def send(self, text_data=None, bytes_data=None, close=False):
        if not self.closed:
            await super().send(text_data, bytes_data, close)

    async def close(self, code=None, reason=None):
        if not self.closed:
            self.closed = True
            await super().close(code, reason)

    async def send_json(self, content: dict) -> None:
        await self.send(text_data=json.dumps(content))

    async def end(self, reason: str, code: int) -> None:
        await self.send_json({"t": "closed", "reason": reason})
        await self.close(code)

    async def receive(self, text_data=None, bytes_data=None):
        if self.user_id is None:
            return
        message = None
        if text_data is not None and len(text_data) <= MAX_MESSAGE:
            try:
                message = json.loads(text_data)
            except ValueError:
                message = None
        if isinstance(message, dict) and message.get("t") == "ping":
            await self.send_json({"t": "pong"})
            return
        self.refused += 1
        if self.refused > MAX_REFUSED:
            await self.end("Too many messages this stream does not take.", MISBEHAVED)
            return
        await self.send_json({"t": "refused", "reason": "That message was not understood."})

    # -- From the group -----------------------------------------------------------------------

    async def notices_changed(self, event: dict) -> None:
        await self.send_json({"t": "bell"})

    async def access_check(self, event: dict) -> None:
        await self.recheck()

    async def recheck(self, lost: bool = False) -> bool:
        """The session still this user's, or the stream ends; after Redis lost what it carried
        (``lost``, watch.py), a ring: the page reads its bell again."""
        try:
            user_id = await self.authorize()
        except Exception:
            logger.warning("Could not check the session of a bell's stream; closing it")
            await self.close(1011)
            return False
        if user_id != self.user_id:
            await self.end("You are signed out.", NO_ACCESS)
            return False
        if lost:
            await self.send_json({"t": "bell"})
        return True

    async def tick(self) -> None:
        first = True
        while not self.closed:
            await tick_wait(TICK, first=first)
            first = False
            if not await self.recheck():
                return
