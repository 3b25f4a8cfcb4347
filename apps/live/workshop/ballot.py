"""A participant's ballot stream (ws/w/<code>/): votes in, stage changes out.

Votes travel over the stream the page already holds open (votes.py: one database hop each,
acknowledged with the workshop's version, told to the boards from here). A stage change (pause,
reopen, close, reveal, a removal) reaches every ballot as one small message, the same text for
all (renders.stage_text), and once revealed the group's answers follow as data read once per
process (renders.results_message); the page updates itself. The page acknowledges each stage it
applied (``{"t": "seen", "stage": N}``), and the boards count those receipts (consumers.py).
A whole ballot is drawn only when the page asks for it (``sync``).
"""

import asyncio
import logging

from apps.live.hop import database_hop
from apps.workshops.changes import What
from apps.workshops.models import Workshop, WorkshopState
from apps.workshops.votes import VoteRefused

from ..consumers import GONE, NO_ACCESS
from .access import participant_in_session
from .consumers import MAX_STEP, WorkshopStream, _counter
from .groups import ballots_group, board_group
from .renders import ballot_message, results_message, stage_text
from .votes import BAD_CELL, TOO_FAST, Rate, check, frame_of, notices, parse, record

logger = logging.getLogger(__name__)

NOT_SAVED = "Your vote could not be saved just now; try again."


def opening(session_key: str | None, code: str):
    """The session's participant in the workshop ``code`` and what its votes are checked
    against (None, None: not a participant; the participant and None: removed)."""
    participant = participant_in_session(session_key, code)
    if participant is None or participant.removed_at is not None:
        return participant, None
    return participant, frame_of(participant)


class BallotConsumer(WorkshopStream):
    """ws/w/<code>/: a participant's ballot, for the session that joined as them."""

    accepted = frozenset({"ping", "sync", "view", "vote", "seen"})
    voter: asyncio.Task | None = None
    seen: int | None = None  # the last stage the page said it applied

    async def open(self) -> bool:
        code = self.scope["url_route"]["kwargs"]["code"]
        participant, frame = await database_hop(opening)(self.session_key(), code)
        if participant is None:
            await self.end("This browser has not joined the workshop.", NO_ACCESS)
            return False
        if frame is None:
            await self.end_removed()
            return False
        self.frame = frame
        self.participant_id = participant.pk
        self.workshop_id = participant.workshop_id
        self.sent = _counter(self.query, "stage")  # the stage the page shows
        self.wanted = self.sent
        step = _counter(self.query, "step")
        self.step = step if 1 <= step <= MAX_STEP else None
        self.grid = self.query.get("view") == "grid"
        self.rate = Rate()
        self.votes: asyncio.Queue = asyncio.Queue()
        return True

    def groups_to_join(self) -> list[str]:
        return [ballots_group(self.workshop_id)]

    async def end_removed(self) -> None:
        await self.end("The facilitator removed you from this workshop.", NO_ACCESS, removed=True)

    async def end_closed(self) -> None:
        await self.end("The workshop has closed.", GONE)

    async def disconnect(self, code):
        if self.voter is not None:
            self.voter.cancel()
        if self.seen is not None:
            try:
                await self.channel_layer.group_send(
                    board_group(self.workshop_id),
                    {"type": "stage.gone", "participant": self.participant_id},
                )
            except Exception:
                logger.warning("Could not tell the boards that a ballot closed")
        await super().disconnect(code)

    # -- Stages ----------------------------------------------------------------------------------

    def current_stage(self) -> tuple[int, str, bool]:
        row = (
            Workshop.objects.filter(pk=self.workshop_id)
            .values_list("stage", "state", "revealed")
            .first()
        )
        return row or (0, WorkshopState.CLOSED, False)

    async def catch_up(self) -> None:
        stage, state, revealed = await database_hop(self.current_stage)()
        await self.send_json({"t": "hello", "stage": stage})
        if stage > self.sent:
            await self.send_stage(stage, state, revealed)
        elif state == WorkshopState.CLOSED:
            await self.end_closed()

    async def send_stage(self, stage: int, state: str, revealed: bool) -> None:
        """The small message every ballot gets, then the group's answers if they are shown."""
        if stage <= self.sent or self.closed:
            return
        self.sent = max(self.sent, stage)
        await self.send(text_data=stage_text(stage, state, revealed))
        if revealed:
            results = await results_message(self.workshop_id, stage)
            if results is not None:
                await self.send(text_data=results)
        if state == WorkshopState.CLOSED:
            await self.end_closed()

    async def workshop_changed(self, event: dict) -> None:
        removed = {event["participant"], *event.get("participants", ())}
        if event["what"] == What.REMOVED and self.participant_id in removed:
            await self.end_removed()
            return
        await self.send_stage(event["stage"], event["state"], event["revealed"])

    async def stage_ask(self, event: dict) -> None:
        """A board opened: it asks each ballot which stage it shows."""
        if self.seen is not None:
            await self.tell_seen()

    async def tell_seen(self) -> None:
        await self.channel_layer.group_send(
            board_group(self.workshop_id),
            {"type": "stage.seen", "participant": self.participant_id, "stage": self.seen},
        )

    # -- A whole ballot, when the page asks for one ------------------------------------------------

    def want(self, stage: int, *, force: bool = False) -> None:
        if force:
            self.sent = min(self.sent, stage - 1)
        self.wanted = max(self.wanted, stage)
        if self.wanted > self.sent:
            self.draw_soon()

    async def draw(self) -> None:
        while self.wanted > self.sent and not self.closed:
            drawn = await ballot_message(self.participant_id, step=self.step, grid=self.grid)
            if drawn.text is None:
                if drawn.removed:
                    await self.end_removed()
                else:
                    await self.end("This workshop has been deleted.", GONE)
                return
            await self.send(text_data=drawn.text)
            self.sent = max(self.sent, drawn.at)
            if drawn.closed:
                await self.end_closed()
                return
            if drawn.at < self.wanted:
                return  # drawn before the change it was asked for: the tick tries again

    async def sync(self) -> None:
        stage, _, _ = await database_hop(self.current_stage)()
        self.want(stage, force=True)

    # -- From the page ---------------------------------------------------------------------------

    async def take(self, message: dict) -> bool:
        kind = message.get("t")
        if kind == "vote":
            return await self.take_vote(message)
        if kind == "seen":
            stage = message.get("stage")
            if (
                not isinstance(stage, int)
                or isinstance(stage, bool)
                or set(message) - {"t", "stage"}
            ):
                return False
            if stage != self.seen and 0 <= stage <= self.sent:
                self.seen = stage
                await self.tell_seen()
            return True
        return self.take_view(message)

    def take_view(self, message: dict) -> bool:
        """Which activity the page shows (``step``), or the whole grid: the next ballot sent
        is drawn so."""
        step, grid = message.get("step"), message.get("grid", False)
        if not isinstance(grid, bool) or set(message) - {"t", "step", "grid"}:
            return False
        if step is not None and not (
            isinstance(step, int) and not isinstance(step, bool) and 1 <= step <= MAX_STEP
        ):
            return False
        self.step, self.grid = step, grid
        return True

    async def take_vote(self, message: dict) -> bool:
        n = parse(message)
        if n is None:
            return False  # not a vote: refused like any message the stream does not take
        if not self.rate.take():
            await self.refuse_vote(n, 429, TOO_FAST)
            return True
        self.votes.put_nowait((n, message))
        if self.voter is None or self.voter.done():
            self.voter = asyncio.create_task(self.vote_in_turn())
        return True

    async def vote_in_turn(self) -> None:
        """The stream's votes one after the other, in the order they came (the last one wins),
        while its other messages keep flowing."""
        while not self.votes.empty() and not self.closed:
            n, message = self.votes.get_nowait()
            await self.cast(n, message)

    async def cast(self, n: int, message: dict) -> None:
        cell = check(self.frame, message)
        if cell is None:
            await self.refuse_vote(n, 400, BAD_CELL)
            return
        try:
            change = await database_hop(record)(self.frame, *cell)
        except VoteRefused as refused:
            await self.refuse_vote(n, refused.status, refused.reason)
            return
        except Exception:
            logger.exception("Could not save a vote sent over a ballot's stream")
            await self.refuse_vote(n, 503, NOT_SAVED)
            return
        a, r, c = cell
        await self.send_json({"t": "voted", "n": n, "a": a, "r": r, "c": c, "v": change.version})
        await notices.vote_counted(self.channel_layer, change)

    async def refuse_vote(self, n: int, status: int, reason: str) -> None:
        await self.send_json({"t": "vote-refused", "n": n, "status": status, "reason": reason})

    # -- The tick --------------------------------------------------------------------------------

    async def recheck(self, lost: bool = False) -> bool:
        code = self.scope["url_route"]["kwargs"]["code"]
        participant, frame = await database_hop(opening)(self.session_key(), code)
        if participant is None or participant.pk != self.participant_id:
            await self.end("This browser has left the workshop.", NO_ACCESS)
            return False
        if frame is None:
            await self.end_removed()
            return False
        self.frame = frame  # the matrix's roles may have changed
        workshop = participant.workshop
        await self.send_stage(workshop.stage, workshop.state, workshop.revealed)
        return True
