"""One browser's live stream of a matrix: its changes as they commit, who else has it open, and
the cell each of them has focused.

The stream only ever receives changes: they are made through the page's requests, which check
the rules and the access and go through the services. From the browser it takes three small
messages: where its focus is, a request to catch up, and a ping. Anything else is refused.

Every change carries the matrix's version. A browser that sees a gap (a change lost while Redis
restarted, say) asks to catch up and gets every region as it now is; and every ``TICK`` seconds
each stream checks its access again and sends the regions anew if the version has moved past
what it sent, so no browser stays stale for long even when every message was lost.
"""

import asyncio
import json
import logging
import re
import secrets

from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from apps.live.hop import database_hop

from . import presence, watch
from .access import SHARED, VIEW, Audience, audience_for_session, audience_for_token
from .gate import layer_seen_down
from .groups import matrix_group, shared_group, team_group, user_group
from .renders import change_message, sync_message
from .ticks import tick_wait

logger = logging.getLogger(__name__)

TICK = 10  # seconds between a stream's checks of its access, its version and its presence
MAX_MESSAGE = 512  # characters: the largest message a browser has reason to send
FOCUS_INTERVAL = 0.1  # seconds: focus moves are passed on at most ten times a second
SYNC_INTERVAL = 1.0  # seconds: at most one request to catch up a second
MAX_REFUSED = 20  # refused messages before the stream is closed
CELL_ID = re.compile(r"^cell-\d{1,19}-\d{1,19}$")

TEAM_MEMBER, GUEST = "A team member", "Guest"  # how a share link's visitor sees the others

# Close codes the page understands (static/js/live.js): it stops reconnecting on these.
GONE, NO_ACCESS, MISBEHAVED = 4404, 4403, 4400


class MatrixConsumer(AsyncWebsocketConsumer):
    """ws/m/<slug>/ with the session's cookie, or ws/s/<token>/ for a share link's visitors."""

    audience: Audience | None = None
    member: presence.Member | None = None
    focus_flush = None  # set in connect(), which may end before it gets there
    closed = False
    left = False

    async def connect(self):
        await self.accept()
        try:
            self.audience = await self.authorize()
        except Exception:
            # The database is away: the page keeps saying "Reconnecting…" and tries again.
            logger.warning("Could not check the access of a new stream; closing it")
            await self.close(1011)
            return
        if self.audience is None:
            await self.end("This matrix is gone, or you may no longer see it.", NO_ACCESS)
            return
        self.matrix_id = self.audience.matrix_id
        self.sent_version = self.audience.version
        self.checked_version = self.audience.version  # the matrix's, at the last check
        self.refused = 0
        self.synced_at = -SYNC_INTERVAL
        self.focus_sent_at = 0.0
        self.focus_pending = None
        self.focus_flush = None
        self.joined = []
        try:
            for group in self.groups_to_join():
                await self.channel_layer.group_add(group, self.channel_name)
                self.joined.append(group)
            self.member = self.new_member()
            await presence.store().join(self.matrix_id, self.member)
            roster = await presence.store().roster(self.matrix_id)
        except Exception:
            # Redis is away: the page keeps saying "Reconnecting…" and tries again; the next
            # handshakes are refused (gate.py), which says so in the log once.
            layer_seen_down()
            await self.close(1011)
            return
        roster = [self.as_seen(member) for member in roster if self.sees(member)]
        await self.send_json(
            {"t": "hello", "v": self.audience.version, "me": self.member.id, "roster": roster}
        )
        await self.to_presence({"type": "presence.join", "member": self.member.as_dict()})
        self.ticker = asyncio.create_task(self.tick())
        watch.register(self)

    def groups_to_join(self) -> list[str]:
        groups = [matrix_group(self.matrix_id)]
        if self.audience.variant == SHARED:
            groups.append(shared_group(self.matrix_id))
        else:
            groups += [team_group(self.matrix_id), user_group(self.audience.user_id)]
        return groups

    def sees(self, member: dict) -> bool:
        """Whom this stream is told of: everyone, for the team; the team, for a share link's
        visitor (other visitors are nobody's business, and five hundred of them telling each
        other they came would cost the server the square of their number)."""
        return self.audience.variant != SHARED or member.get("user") is not None

    def new_member(self) -> presence.Member:
        audience = self.audience
        member_id = secrets.token_hex(6)
        color = audience.user_id if audience.user_id is not None else int(member_id, 16)
        return presence.Member(
            id=member_id,
            name=audience.name,
            initials=audience.initials,
            color=color % 8,
            user=audience.user_id,
            viewer=audience.variant in (VIEW, SHARED),
        )

    async def authorize(self) -> Audience | None:
        kwargs = self.scope["url_route"]["kwargs"]
        if "token" in kwargs:
            return await database_hop(audience_for_token)(kwargs["token"])
        cookies = self.scope.get("cookies", {})
        session_key = cookies.get(settings.SESSION_COOKIE_NAME)
        return await database_hop(audience_for_session)(session_key, kwargs["slug"])

    async def __call__(self, scope, receive, send):
        # However the stream ends (a handler that raised, the server shutting down), it leaves
        # the presence list: an entry left behind would show a ghost for up to STALE_AFTER.
        try:
            await super().__call__(scope, receive, send)
        finally:
            await self.disconnect(None)

    async def disconnect(self, code):
        if self.left:
            return
        self.left = True
        self.closed = True  # nothing more is sent to a stream that has ended
        watch.unregister(self)
        ticker = getattr(self, "ticker", None)
        if ticker is not None:
            ticker.cancel()
            # Stopped before the leave below: a tick's presence touch still on its way would
            # put this member back after it left, a ghost for STALE_AFTER on every page.
            await asyncio.wait([ticker])
        if self.focus_flush is not None:
            self.focus_flush.cancel()
        # Redis away: the watcher (watch.py) and the gate (gate.py) say so once for all streams.
        try:
            for group in getattr(self, "joined", []):
                await self.channel_layer.group_discard(group, self.channel_name)
        except Exception:
            logger.debug("Could not leave the stream's groups (Redis unreachable)")
        if self.member is not None:
            try:
                await presence.store().leave(self.matrix_id, self.member.id)
                await self.to_presence({"type": "presence.leave", "id": self.member.id})
            except Exception:
                logger.debug("Could not remove %s from the presence list", self.member.id)

    # Channels runs Django's close_old_connections() in a thread before every message it
    # dispatches; these handlers touch the database only through database_hop
    # (apps/live/hop.py), which does that itself. Skipping it keeps a change's fan-out to many
    # streams off that thread.
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

    async def to_group(self, message: dict) -> None:
        await self.channel_layer.group_send(matrix_group(self.matrix_id), message)

    async def to_presence(self, message: dict) -> None:
        """Where this stream's comings, goings and focus are told: to the team only, for a
        share link's visitor (see ``sees``)."""
        if self.audience.variant == SHARED:
            await self.channel_layer.group_send(team_group(self.matrix_id), message)
        else:
            await self.to_group(message)

    async def end(self, reason: str, code: int) -> None:
        await self.send_json({"t": "closed", "reason": reason})
        await self.close(code)

    # -- From the browser ---------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None):
        if self.audience is None:
            return
        message = None
        if text_data is not None and len(text_data) <= MAX_MESSAGE:
            try:
                message = json.loads(text_data)
            except ValueError:
                message = None
        kind = message.get("t") if isinstance(message, dict) else None
        if kind == "focus" and self.valid_focus(message.get("cell")):
            await self.focus(message.get("cell"))
        elif kind == "sync" and self.sync_allowed():
            await self.recheck(force=True)
        elif kind == "ping":
            await self.send_json({"t": "pong"})
        else:
            await self.refuse(kind)

    @staticmethod
    def valid_focus(cell) -> bool:
        return cell is None or (isinstance(cell, str) and CELL_ID.match(cell) is not None)

    async def refuse(self, kind) -> None:
        self.refused += 1
        if self.refused > MAX_REFUSED:
            await self.end("Too many messages this stream does not take.", MISBEHAVED)
            return
        reason = (
            "Changes are made through the page, not this stream."
            if isinstance(kind, str) and kind not in ("focus", "sync", "ping")
            else "That message was not understood."
        )
        await self.send_json({"t": "refused", "reason": reason})

    async def focus(self, cell: str | None) -> None:
        """Pass the focus on at most every FOCUS_INTERVAL; moves in between are merged into the
        last one, so a browser sending a hundred a second slows nobody down."""
        self.member.focus = cell
        loop = asyncio.get_running_loop()
        wait = self.focus_sent_at + FOCUS_INTERVAL - loop.time()
        if wait <= 0:
            await self.send_focus()
        elif self.focus_flush is None:
            self.focus_flush = loop.call_later(wait, lambda: asyncio.ensure_future(self.flush()))

    async def flush(self) -> None:
        self.focus_flush = None
        await self.send_focus()

    async def send_focus(self) -> None:
        self.focus_sent_at = asyncio.get_running_loop().time()
        member = self.member
        try:
            await presence.store().touch(self.matrix_id, member)
            await self.to_presence(
                {"type": "presence.focus", "id": member.id, "cell": member.focus}
            )
        except Exception:
            logger.debug("Could not pass on the focus of %s", member.id)
            layer_seen_down()

    # -- From the group -----------------------------------------------------------------------

    async def matrix_changed(self, event: dict) -> None:
        text = await change_message(event, self.audience.variant)
        self.sent_version = max(self.sent_version, event["version"])
        await self.send(text_data=text)

    async def agreement_changed(self, event: dict) -> None:
        await self.send_json({"t": "agreement"})  # the page reads its agreement panel again

    async def notices_changed(self, event: dict) -> None:
        await self.send_json({"t": "bell"})  # the page reads its bell again

    async def matrix_deleted(self, event: dict) -> None:
        await self.end("This matrix has been deleted.", GONE)

    async def access_check(self, event: dict) -> None:
        await self.recheck()

    async def presence_join(self, event: dict) -> None:
        if event["member"]["id"] != self.member.id:
            await self.send_json({"t": "join", "member": self.as_seen(event["member"])})

    def as_seen(self, member: dict) -> dict:
        """A member as this stream may see them: a share link's visitor learns that someone of
        the team (or another visitor) is there and where their focus is, never who they are
        (the shared page names nobody; the README: holders are seen by the team only)."""
        if self.audience.variant != SHARED:
            return member
        team = member.get("user") is not None
        return {
            "id": member["id"],
            "name": TEAM_MEMBER if team else GUEST,
            "initials": "TM" if team else "G",
            "color": member["color"] if not team else 0,
            "user": None,
            "viewer": member.get("viewer", True) if not team else False,
            "focus": member.get("focus"),
        }

    async def presence_leave(self, event: dict) -> None:
        if event["id"] != self.member.id:
            await self.send_json({"t": "leave", "id": event["id"]})

    async def presence_focus(self, event: dict) -> None:
        if event["id"] != self.member.id:
            await self.send_json({"t": "focus", "id": event["id"], "cell": event["cell"]})

    # -- Every TICK seconds -------------------------------------------------------------------

    async def tick(self) -> None:
        first = True
        while True:
            await tick_wait(TICK, first=first)
            first = False
            if self.left:
                return
            try:
                await presence.store().touch(self.matrix_id, self.member)
                for member_id in await presence.store().expire(self.matrix_id):
                    await self.to_group({"type": "presence.leave", "id": member_id})
            except Exception:
                # The channel layer's Redis is away: say so, and let the page reconnect (and
                # catch up) once it is back, rather than sit deaf on an open socket.
                logger.debug("Presence store unreachable; closing the stream to reconnect")
                layer_seen_down()
                await self.close(1011)
                return
            if not await self.recheck():
                return

    async def recheck(self, force: bool = False, lost: bool = False) -> bool:
        """Check the access again; end the stream if it has gone; send every region as it is
        now if ``force``, or if the matrix has moved past what this stream sent and the change
        it lacks was already there at the previous check (a change that has just committed is
        on its way, and under steady editing one nearly always is: sending every region for it
        would cost a room of streams far more than the change itself), or at once when
        broadcasts may have been ``lost``."""
        try:
            audience = await self.authorize()
        except Exception:
            logger.warning("Could not check the access of a stream; closing it to reconnect")
            await self.close(1011)
            return False
        if audience is None:
            await self.end("You may no longer see this matrix.", NO_ACCESS)
            return False
        if audience.variant != self.audience.variant:
            self.audience = audience
            await self.end("Your access to this matrix has changed. Reload the page.", NO_ACCESS)
            return False
        behind = audience.version > self.sent_version
        overdue = self.sent_version < self.checked_version
        self.checked_version = audience.version
        if force or (behind and (lost or overdue)):
            self.sent_version = max(self.sent_version, audience.version)
            await self.send(
                text_data=await sync_message(self.matrix_id, audience.version, audience.variant)
            )
        return True

    def sync_allowed(self) -> bool:
        """At most one request to catch up a second: each costs a check of the access."""
        now = asyncio.get_running_loop().time()
        if now - self.synced_at < SYNC_INTERVAL:
            return False
        self.synced_at = now
        return True
