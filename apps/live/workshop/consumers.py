"""A workshop's live streams: the facilitator's board and each participant's ballot.

Thin, like the views: each authorises on connect with the views' own helpers, renders the
partials the htmx views render (apps/workshops/regions.py), and sends them. A facilitator
pauses or settles through the page's forms; a participant votes over the ballot's stream
(ballot.py, through the same service as the page's form). From the browser a stream takes a
ping, a request to catch up and (a ballot) which activity the page shows, a vote and the stage
it applied; anything else is refused.

A page opens its stream with the counter it shows (``?v=`` for a board, the workshop's version;
``?stage=`` for a ballot) and gets its region at once if the workshop has moved on since: a page
that was disconnected catches up. Every ``TICK`` seconds each stream checks its access again and
catches up if a change's message was lost.
"""

import asyncio
import json
import logging

from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.http import QueryDict

from apps.live.hop import database_hop
from apps.workshops.models import Workshop

from .. import watch
from ..consumers import GONE, MAX_MESSAGE, MAX_REFUSED, MISBEHAVED, NO_ACCESS, SYNC_INTERVAL
from ..groups import user_group
from ..ticks import tick_wait
from .access import facilitator_for_session, page_request
from .groups import ballots_group, board_group
from .renders import board_message

logger = logging.getLogger(__name__)

TICK = 10  # seconds between a stream's checks of its access and its counter
RECEIPTS_EVERY = 0.25  # seconds: a board says how many ballots have the stage at most so often
MAX_STEP = 10_000
CHANGES_REFUSED = "Votes and changes are made through the page, not this stream."
NOT_UNDERSTOOD = "That message was not understood."


def _counter(query: QueryDict, name: str) -> int:
    """The counter a page says it shows (-1: none, or not a number)."""
    value = query.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else -1


class WorkshopStream(AsyncWebsocketConsumer):
    """What the board and the ballot streams share: the messages they take, the end, the tick."""

    accepted = frozenset({"ping", "sync"})
    ready = False
    closed = False
    ticker: asyncio.Task | None = None
    drawer: asyncio.Task | None = None

    async def connect(self):
        await self.accept()
        self.refused = 0
        self.synced_at = -SYNC_INTERVAL
        self.joined: list[str] = []
        self.query = QueryDict(self.scope.get("query_string", b"").decode("latin1"))
        if not await self.open():
            return
        for group in self.groups_to_join():
            await self.channel_layer.group_add(group, self.channel_name)
            self.joined.append(group)
        self.ready = True
        # After joining: a change committed meanwhile is in what this reads, or in the group.
        await self.catch_up()
        if not self.closed:
            self.ticker = asyncio.create_task(self.tick())
            # Closed with the others if Redis stops answering; caught up if it restarted.
            watch.register(self)

    async def open(self) -> bool:
        """Authorise; end the stream and return False if the session may not have it."""
        raise NotImplementedError

    def groups_to_join(self) -> list[str]:
        raise NotImplementedError

    async def catch_up(self) -> None:
        """Say hello with the counter as it is now; draw if the page is behind it."""
        raise NotImplementedError

    async def recheck(self, lost: bool = False) -> bool:
        """Check the access again (ending the stream if it has gone) and catch up (with
        ``lost``, messages may have been lost: the counters read here make up for them)."""
        raise NotImplementedError

    def session_key(self) -> str | None:
        return self.scope.get("cookies", {}).get(settings.SESSION_COOKIE_NAME)

    async def disconnect(self, code):
        watch.unregister(self)
        for task in (self.ticker, self.drawer, getattr(self, "counter", None)):
            if task is not None:
                task.cancel()
        try:
            for group in getattr(self, "joined", []):
                await self.channel_layer.group_discard(group, self.channel_name)
        except Exception:
            logger.warning("Could not leave a workshop stream's groups (Redis unreachable)")

    # As MatrixConsumer: the handlers reach the database only through database_hop.
    async def dispatch(self, message):
        handler = getattr(self, message["type"].replace(".", "_"), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def send(self, text_data=None, bytes_data=None, close=False):
        if not self.closed:  # group messages may still arrive between close and disconnect
            await super().send(text_data, bytes_data, close)

    async def close(self, code=None, reason=None):
        if not self.closed:
            self.closed = True
            await super().close(code, reason)

    async def send_json(self, content: dict) -> None:
        await self.send(text_data=json.dumps(content))

    async def end(self, reason: str, code: int, **extra) -> None:
        await self.send_json({"t": "closed", "reason": reason, **extra})
        await self.close(code)

    # -- Drawing, in a task of its own so the group's messages never queue up behind it --------

    def draw_soon(self) -> None:
        if self.drawer is None or self.drawer.done():
            self.drawer = asyncio.create_task(self.draw_guarded())

    async def draw_guarded(self) -> None:
        try:
            await self.draw()
        except Exception:
            # The next change, or the tick, tries again.
            logger.exception("Could not draw a workshop stream's region")

    async def draw(self) -> None:
        raise NotImplementedError

    # -- From the browser ---------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None):
        if not self.ready or self.closed:
            return
        message = None
        if text_data is not None and len(text_data) <= MAX_MESSAGE:
            try:
                message = json.loads(text_data)
            except ValueError:
                message = None
        kind = message.get("t") if isinstance(message, dict) else None
        kind = kind if isinstance(kind, str) else None
        if kind == "ping":
            await self.send_json({"t": "pong"})
        elif kind == "sync" and self.sync_allowed():
            await self.sync()
        elif not (
            kind in self.accepted and kind not in ("ping", "sync") and await self.take(message)
        ):
            await self.refuse(kind)

    async def take(self, message: dict) -> bool:
        """Take a message of one of the stream's own kinds; False if it is not valid."""
        return False

    async def sync(self) -> None:
        raise NotImplementedError

    def sync_allowed(self) -> bool:
        """At most one request to catch up a second: each costs a render."""
        now = asyncio.get_running_loop().time()
        if now - self.synced_at < SYNC_INTERVAL:
            return False
        self.synced_at = now
        return True

    async def refuse(self, kind) -> None:
        self.refused += 1
        if self.refused > MAX_REFUSED:
            await self.end("Too many messages this stream does not take.", MISBEHAVED)
            return
        changes = kind is not None and kind not in self.accepted
        await self.send_json(
            {"t": "refused", "reason": CHANGES_REFUSED if changes else NOT_UNDERSTOOD}
        )

    # -- From the group -----------------------------------------------------------------------

    async def access_check(self, event: dict) -> None:
        await self.recheck()

    async def notices_changed(self, event: dict) -> None:
        await self.send_json({"t": "bell"})  # a board hears its facilitator's: the bell

    async def tick(self) -> None:
        first = True
        while not self.closed:
            await tick_wait(TICK, first=first)
            first = False
            try:
                if not await self.recheck():
                    return
            except Exception:
                logger.warning("Could not check a workshop stream; closing it to reconnect")
                await self.close(1011)
                return


class BoardConsumer(WorkshopStream):
    """ws/m/<slug>/workshops/<pk>/: the facilitator's board, for editors of the matrix."""

    async def open(self) -> bool:
        kwargs = self.scope["url_route"]["kwargs"]
        self.request = page_request(self.scope)
        facilitator = None
        if self.request is not None:
            facilitator = await database_hop(facilitator_for_session)(
                self.session_key(), kwargs["slug"], kwargs["pk"]
            )
        if facilitator is None:
            await self.end("This workshop is gone, or you may not run it.", NO_ACCESS)
            return False
        self.facilitator = facilitator
        self.workshop_id = facilitator.workshop_id
        self.sent = _counter(self.query, "v")  # the version the page shows
        self.wanted = self.sent
        self.receipts: dict[int, int] = {}  # open ballot's participant -> the stage it shows
        self.counter: asyncio.Task | None = None
        return True

    def groups_to_join(self) -> list[str]:
        return [board_group(self.workshop_id), user_group(self.facilitator.user_id)]

    async def catch_up(self) -> None:
        version, self.stage = await database_hop(self.current_counters)()
        await self.send_json({"t": "hello", "v": version})
        self.want(version)
        # Each open ballot answers with the stage it shows (ballot.py, stage_ask).
        await self.channel_layer.group_send(ballots_group(self.workshop_id), {"type": "stage.ask"})

    def current_counters(self) -> tuple[int, int]:
        row = Workshop.objects.filter(pk=self.workshop_id).values_list("version", "stage").first()
        return row or (0, 0)

    def current_version(self) -> int:
        return self.current_counters()[0]

    # -- How many ballots have the current stage: each tells the boards the stage it applied --

    async def stage_seen(self, event: dict) -> None:
        self.receipts[event["participant"]] = event["stage"]
        self.count_soon()

    async def stage_gone(self, event: dict) -> None:
        if self.receipts.pop(event["participant"], None) is not None:
            self.count_soon()

    def count_soon(self) -> None:
        if self.counter is None or self.counter.done():
            self.counter = asyncio.create_task(self.send_receipts())

    async def send_receipts(self) -> None:
        await asyncio.sleep(RECEIPTS_EVERY)
        seen = sum(1 for stage in self.receipts.values() if stage >= self.stage)
        await self.send_json(
            {
                "t": "receipts",
                "v": self.sent,
                "stage": self.stage,
                "seen": seen,
                "open": len(self.receipts),
            }
        )

    whole_next = False  # the page asked for the whole board (it knows it is out of step)

    def want(self, version: int, *, force: bool = False) -> None:
        """Have the page shown at least ``version`` (with ``force``, the whole board, even if
        the page shows it: the page asked, it knows it is out of step)."""
        if force:
            self.whole_next = True
            self.sent = min(self.sent, version - 1)
        self.wanted = max(self.wanted, version)
        if self.wanted > self.sent:
            self.draw_soon()

    async def draw(self) -> None:
        while self.wanted > self.sent and not self.closed:
            shown = -1 if self.whole_next else self.sent
            drawn = await board_message(self.workshop_id, self.request, self.wanted, shown)
            if drawn.text is None:
                await self.end("This workshop has been deleted.", GONE)
                return
            if drawn.at <= self.sent and not self.whole_next:
                return
            self.whole_next = False
            self.sent = drawn.at
            if drawn.text:
                await self.send(text_data=drawn.text)

    async def workshop_changed(self, event: dict) -> None:
        if event["stage"] > self.stage:
            self.stage = event["stage"]
            self.count_soon()
        self.want(event["version"])

    async def sync(self) -> None:
        self.want(await database_hop(self.current_version)(), force=True)

    async def recheck(self, lost: bool = False) -> bool:
        kwargs = self.scope["url_route"]["kwargs"]
        facilitator = await database_hop(facilitator_for_session)(
            self.session_key(), kwargs["slug"], kwargs["pk"]
        )
        if facilitator is None:
            await self.end("You may no longer run this workshop.", NO_ACCESS)
            return False
        self.want(facilitator.version)
        return True
