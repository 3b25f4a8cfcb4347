"""What a workshop's streams send: the board, redrawn at most every ``WINDOW`` seconds and once per
process for all the boards it serves, as what changed; a participant's ballot when the page asks.

Fifty phones voting in the same second are fifty changes. Each board of a process that hears of
one asks ``board_message`` for a board showing at least that change. The first to ask after a
redraw schedules the next one, at once if the last began ``WINDOW`` seconds ago or more, else at
the end of that window; every ask until the redraw starts reading waits for that same redraw.
However many votes arrive, a board is redrawn at most 1 / WINDOW times a second, and less often
when redraws grow long (``SHARE``), and a vote shows within about WINDOW seconds (a redraw's
length times SHARE in a large room).

A redraw (deltas.py) reads the kept tallies and keeps a snapshot of what each part of the board
shows; a board that shows the snapshot before it is sent the parts that changed (a "delta",
small whatever the room), any other board (new, reconnected, behind) the whole board, rendered
once per process, version and address.
"""

import asyncio
import json
from dataclasses import dataclass
from functools import lru_cache

from django.http import HttpRequest

from apps.live.hop import database_hop
from apps.matrices.selectors import matrix_structure
from apps.workshops.models import Participant, Workshop, WorkshopState
from apps.workshops.regions import ballot_html
from apps.workshops.selectors import group_results

from . import deltas

# The board's redraws and whole renders, and whole ballots, run on threads of their own
# (``thread_sensitive=False``), not on the process's one database thread: a vote queued behind
# a redraw of 50 to 100 ms waited for all of it (the tail of a 300-person room's votes); beside
# it, it waits for the interpreter's lock a few milliseconds at a time.
WINDOW = 0.25  # seconds: at most four redraws of a board a second
# A redraw takes the interpreter from the votes: the next starts no sooner than SHARE times the
# last one's length after it, so that redraws take at most a fifth of the process however large
# the room (a redraw of 100 ms: two a second).
SHARE = 5
KEPT = 64  # workshops remembered (each holds its last snapshot)


@dataclass(frozen=True, slots=True)
class Drawn:
    """A rendered region: the message to send (None: gone) and the counter it shows."""

    text: str | None
    at: int
    closed: bool = False  # the workshop has closed: the last a ballot is sent
    removed: bool = False  # no text because the participant was removed


class _Board:
    """One workshop's board in this process: its last snapshot and the delta that led to it."""

    __slots__ = ("delta", "latest", "loop", "started", "task", "took", "waiting", "wholes")

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop = loop  # a server process has one; the tests start one per scenario
        self.waiting: asyncio.Future | None = None  # the next redraw, until it starts reading
        self.started = float("-inf")  # when the last redraw started (the loop's clock)
        self.took = 0.0  # how long it took (seconds)
        self.latest: deltas.Snapshot | None = None
        self.delta: tuple[int, str] | None = None  # (from version, its text) to the latest
        self.wholes: dict[tuple, asyncio.Future] = {}  # the latest whole, per address
        self.task: asyncio.Task | None = None


_boards: dict[int, _Board] = {}


def site(request: HttpRequest) -> tuple[str, str]:
    return request.scheme, request.get_host()


async def board_message(
    workshop_id: int, request: HttpRequest, version: int, shown: int = -1
) -> Drawn:
    """What a board showing ``shown`` is sent to show at least ``version``: the parts that
    changed if it shows the snapshot before the latest, else the whole board."""
    loop = asyncio.get_running_loop()
    board = _boards.get(workshop_id)
    if board is None or board.loop is not loop:
        board = _boards[workshop_id] = _Board(loop)
        while len(_boards) > KEPT:
            _boards.pop(next(iter(_boards)))
    gone = False
    for _ in range(2):  # the second only if a redraw under way had read too early
        latest = board.latest
        if latest is not None and latest.version >= version:
            break
        if board.waiting is None:
            board.waiting = loop.create_future()
            window = max(WINDOW, SHARE * board.took)
            delay = max(0.0, board.started + window - loop.time())
            board.task = loop.create_task(_redraw(board, delay, workshop_id))
        gone = not await asyncio.shield(board.waiting)
        if gone:
            return Drawn(None, 0)
    latest = board.latest
    if latest is None:
        return Drawn(None, 0)
    if shown == latest.version:
        return Drawn("", latest.version)  # nothing new to send
    if board.delta is not None and board.delta[0] == shown:
        return Drawn(board.delta[1], latest.version)
    return Drawn(await _whole(board, latest, request), latest.version)


async def _whole(board: _Board, snap: deltas.Snapshot, request: HttpRequest) -> str:
    """The whole board of ``snap`` at this address, rendered once for all who ask."""
    key = (snap.version, *site(request))
    future = board.wholes.get(key)
    if future is None:
        future = board.wholes[key] = board.loop.create_future()
        try:
            future.set_result(
                await database_hop(deltas.whole, thread_sensitive=False)(snap, request)
            )
        except Exception as error:
            del board.wholes[key]
            future.set_exception(error)
            future.exception()
            raise
    return await asyncio.shield(future)


async def _redraw(board: _Board, delay: float, workshop_id: int) -> None:
    future = board.waiting
    try:
        await asyncio.sleep(delay)
        board.waiting = None  # from here on, a new change waits for the next redraw
        loop = asyncio.get_running_loop()
        board.started = loop.time()
        previous = board.latest
        snap, delta = await database_hop(deltas.draw, thread_sensitive=False)(workshop_id, previous)
        board.took = loop.time() - board.started
    except asyncio.CancelledError:
        if board.waiting is future:
            board.waiting = None
        future.cancel()
        raise
    except Exception as error:  # whoever waits for it raises it (and the next change retries)
        future.set_exception(error)
        future.exception()  # retrieved, should nobody be waiting any more
        return
    if snap is None:
        board.latest, board.delta = None, None
        future.set_result(False)
        return
    if previous is None or snap.version > previous.version:
        board.latest = snap
        board.delta = (delta["from"], json.dumps(delta)) if delta is not None else None
        board.wholes = {k: f for k, f in board.wholes.items() if k[0] == snap.version}
    future.set_result(True)


def draw_board(workshop_id: int, request: HttpRequest) -> Drawn:
    """The whole board as it is now, read in a fixed number of queries."""
    snap, _ = deltas.draw(workshop_id, None)
    if snap is None:
        return Drawn(None, 0)
    return Drawn(deltas.whole(snap, request), snap.version)


def forget() -> None:
    """Forget every board and result (the tests start each with none)."""
    _boards.clear()
    _results.clear()


# -- Ballots --------------------------------------------------------------------------------------


async def ballot_message(participant_id: int, *, step: int | None, grid: bool) -> Drawn:
    """The participant's ballot as it is now, at ``step`` or as the whole grid; ``text`` is None
    when the participant has been removed (or the workshop deleted)."""
    return await database_hop(draw_ballot, thread_sensitive=False)(participant_id, step, grid)


def draw_ballot(participant_id: int, step: int | None, grid: bool) -> Drawn:
    """The ballot as it is now, read in a fixed number of queries; its stage read first."""
    participant = (
        Participant.objects.select_related("workshop__matrix").filter(pk=participant_id).first()
    )
    if participant is None:  # deleted with its workshop
        return Drawn(None, 0)
    if participant.removed_at is not None:
        return Drawn(None, 0, removed=True)
    workshop = participant.workshop
    html = ballot_html(participant, step=step, grid=grid)
    message = {"t": "ballot", "stage": workshop.stage, "html": html}
    return Drawn(json.dumps(message), workshop.stage, workshop.state == WorkshopState.CLOSED)


# -- Stage changes: one small message for every ballot -----------------------------------------


def stage_text(stage: int, state: str, revealed: bool) -> str:
    """What every ballot of the workshop is sent when what participants see changes: the same
    text for all of them (the page disables or enables its choices and says why itself)."""
    return _stage_text(stage, state, revealed)


@lru_cache(maxsize=256)
def _stage_text(stage: int, state: str, revealed: bool) -> str:
    return json.dumps({"t": "stage", "stage": stage, "state": state, "revealed": revealed})


_results: dict[int, tuple[int, asyncio.Future]] = {}  # workshop -> (stage, its results' text)


async def results_message(workshop_id: int, stage: int) -> str | None:
    """The group's answers once revealed, as data, read once per process and stage for all
    the workshop's ballots: {"t": "results", "stage", "cells": {"<activity>-<role>":
    [majority or null, [[letter, participants], ...]]}} (None: the workshop is gone)."""
    loop = asyncio.get_running_loop()
    kept = _results.get(workshop_id)
    if kept is None or kept[0] < stage or kept[1].get_loop() is not loop:
        future = loop.create_future()
        _results[workshop_id] = (stage, future)
        try:
            future.set_result(await database_hop(draw_results)(workshop_id, stage))
        except Exception as error:
            del _results[workshop_id]
            future.set_exception(error)
            future.exception()
            raise
        return future.result()
    return await asyncio.shield(kept[1])


def draw_results(workshop_id: int, stage: int) -> str | None:
    workshop = Workshop.objects.select_related("matrix").filter(pk=workshop_id).first()
    if workshop is None:
        return None
    scheme = workshop.matrix.scheme_definition
    roles = list(matrix_structure(workshop.matrix).roles)
    results = group_results(workshop, scheme, roles)
    cells = {
        f"{activity}-{role}": [cell.majority, cell.distribution(scheme)]
        for activity, result in results.items()
        for role, cell in result.cells.items()
        if cell.answered
    }
    return json.dumps({"t": "results", "stage": max(stage, workshop.stage), "cells": cells})
