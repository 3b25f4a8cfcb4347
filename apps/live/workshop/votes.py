"""Votes over a ballot's open stream (BallotConsumer), the way a room of phones votes.

A vote is checked against what the stream read when it opened (the workshop's activities, the
matrix's roles, the scheme's letters: ``Frame``), then saved and counted in one database hop
(apps/workshops/votes.py, ``vote_record``), acknowledged with the workshop's version after it,
and told to the boards from here, without a thread hop (``BoardNotices``). The protocol
(docs/workshop.md, "Votes over the stream"):

    client -> {"t": "vote", "n": 1..2**31, "a": activity id, "r": role id, "c": letter or ""}
    server -> {"t": "voted", "n", "a", "r", "c", "v": the workshop's version after the vote}
           or {"t": "vote-refused", "n", "status": 400|403|409|429, "reason": a sentence}
"""

import asyncio
import logging
from dataclasses import dataclass

from apps.matrices.selectors import matrix_structure
from apps.workshops.changes import WorkshopChange
from apps.workshops.models import NONE, Participant
from apps.workshops.votes import vote_record

from .groups import board_group

logger = logging.getLogger(__name__)

MAX_N = 2**31
VOTES_PER_SECOND = 20  # per stream: a person taps far slower; a script is answered 429
COALESCE = 0.05  # seconds: the boards hear of the votes of a workshop at most 20 times a second

BAD_CELL = "That activity or role is not part of this workshop."
TOO_FAST = "Too many votes at once; wait a moment and try again."


@dataclass(frozen=True, slots=True)
class Frame:
    """What a ballot's votes are checked against, read when its stream opens (and again on
    its tick): read once, not per vote."""

    workshop_id: int
    participant_id: int
    activities: frozenset[int]
    roles: frozenset[int]
    letters: frozenset[str]


def frame_of(participant: Participant) -> Frame:
    """``participant``'s frame (its workshop and matrix loaded with it): two queries at most,
    the roles from the matrix's structure cache."""
    workshop = participant.workshop
    matrix = workshop.matrix
    activities = frozenset(workshop.activities.values_list("pk", flat=True))
    roles = frozenset(role.pk for role in matrix_structure(matrix).roles)
    letters = frozenset((*matrix.scheme_definition.codes, NONE))
    return Frame(workshop.pk, participant.pk, activities, roles, letters)


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def parse(message: dict) -> int | None:
    """The vote's number ``n``, or None if the message is not a vote at all (refused as any
    message the stream does not understand)."""
    n = message.get("n")
    if not _whole(n) or not 1 <= n <= MAX_N or set(message) - {"t", "n", "a", "r", "c"}:
        return None
    return n


def check(frame: Frame, message: dict) -> tuple[int, int, str] | None:
    """(activity, role, letter) of a vote that names a cell of this workshop, else None."""
    a, r, c = message.get("a"), message.get("r"), message.get("c")
    if not (_whole(a) and _whole(r) and isinstance(c, str)):
        return None
    if a not in frame.activities or r not in frame.roles or c not in frame.letters:
        return None
    return a, r, c


def record(frame: Frame, activity: int, role: int, code: str) -> WorkshopChange:
    """The database hop: one short transaction (run through apps/live/hop.py's database_hop)."""
    return vote_record(
        workshop_id=frame.workshop_id,
        participant_id=frame.participant_id,
        activity_id=activity,
        role_id=role,
        code=code,
    )


class Rate:
    """A token bucket: ``per_second`` votes a second, in bursts of as many."""

    __slots__ = ("at", "per_second", "tokens")

    def __init__(self, per_second: float = VOTES_PER_SECOND):
        self.per_second = per_second
        self.tokens = float(per_second)
        self.at = asyncio.get_running_loop().time()

    def take(self) -> bool:
        now = asyncio.get_running_loop().time()
        self.tokens = min(self.per_second, self.tokens + (now - self.at) * self.per_second)
        self.at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class BoardNotices:
    """Tells a workshop's boards of the votes this process took, coalesced: the latest version
    once every ``COALESCE`` seconds at most, however many votes arrived meanwhile (the board
    redraws from the counters, so one notice of the latest version says it all)."""

    def __init__(self):
        # workshop -> (the loop whose task will send it, the latest change to send)
        self.pending: dict[int, tuple[asyncio.AbstractEventLoop, WorkshopChange]] = {}
        self.tasks: set[asyncio.Task] = set()  # held until done (a loop keeps weak references)

    async def vote_counted(self, layer, change: WorkshopChange) -> None:
        loop = asyncio.get_running_loop()
        waiting = self.pending.get(change.workshop_id)
        if waiting is not None and waiting[0] is loop:
            if change.version > waiting[1].version:
                self.pending[change.workshop_id] = (loop, change)
            return
        # None waiting in this loop (a test's loop that ended may have left one behind).
        self.pending[change.workshop_id] = (loop, change)
        task = loop.create_task(self._flush(layer, change.workshop_id))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _flush(self, layer, workshop_id: int) -> None:
        await asyncio.sleep(COALESCE)
        _, change = self.pending.pop(workshop_id)
        try:
            await self._send(layer, change)
        except Exception:  # the boards catch up by the version on their next tick
            logger.warning("Could not tell the boards of workshop %s of its votes", workshop_id)

    async def _send(self, layer, change: WorkshopChange) -> None:
        workshop_id = change.workshop_id
        await layer.group_send(
            board_group(workshop_id),
            {
                "type": "workshop.changed",
                "workshop": workshop_id,
                "version": change.version,
                "stage": change.stage,
                "state": change.state,
                "revealed": change.revealed,
                "what": str(change.what),
                "participant": change.participant_id,
            },
        )


notices = BoardNotices()
