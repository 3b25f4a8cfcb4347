"""The workshop load test: a room of participants votes while the board follows, pushed.

Each participant is a thread with its own session, as a phone in the room would be: it joins
with the code and a name and opens the ballot; then, as the page does, it holds the ballot's
live stream open (``ws/w/<code>/``) instead of polling, and votes on a random cell every
``think_ms`` (0.5 to 1.5 times, at random: a quick human) until the time is up. The
facilitator's board holds its own stream (``ws/m/<slug>/workshops/<pk>/``) and is redrawn as
the votes come in. The streams, a few hundred WebSockets, live in a process of their own (asyncio
and the ``websockets`` library), so that their work does not slow the voters' threads.

Every vote the server acknowledged (200) is checked against the database at the end; every
stream must have opened and stayed open; and the board must end showing the last vote.

``capacity`` runs the load at growing room sizes to find the largest room the server takes
with a vote p95 of at most ``P95_LIMIT_MS`` and no vote lost.
"""

import asyncio
import itertools
import json
import multiprocessing
import random
import re
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from . import queries
from .client import BenchError
from .stats import percentile, summary

NONE_VALUE = "none"  # what the ballot sends for "no part" (apps.workshops.forms.NONE_VALUE)
STAGE = re.compile(r'id="ballot"[^>]*data-stage="(\d+)"')
P95_LIMIT_MS = 250  # a vote's p95 in the largest room the server takes (issue: live workshops)
BOARD_CATCH_UP = 5.0  # seconds the board may take, after the last vote, to show it


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def available() -> str | None:
    """Why the load test cannot run (no workshop app yet), or None."""
    try:
        from django.urls import NoReverseMatch, reverse

        from apps.workshops import services  # noqa: F401
    except ImportError:
        return "the workshop app is not installed"
    try:
        reverse("workshops:vote", kwargs={"code": "ACDEFH"})
    except NoReverseMatch:
        return "the workshop app has no vote URL"
    return None


def start(*, user, matrix) -> dict:
    """Open a workshop on every activity of ``matrix``: what the load needs to know of it."""
    from apps.matrices.models import MatrixRole
    from apps.workshops.services import workshop_start

    workshop = workshop_start(matrix=matrix, activities=matrix.activities.all(), by=user)
    return {
        "pk": workshop.pk,
        "code": workshop.code,
        "slug": matrix.slug,
        "stage": workshop.stage,
        "version": workshop.version,
        "activities": list(matrix.activities.values_list("pk", flat=True)),
        "roles": list(MatrixRole.objects.filter(matrix=matrix).values_list("role", flat=True)),
        "codes": [*matrix.scheme_definition.codes, NONE_VALUE],
    }


def prepare(*, user, matrix) -> dict:
    """A workshop for the load; a vote's and a poll's queries counted in process."""
    reason = available()
    if reason:
        return {"skipped": reason}
    info = start(user=user, matrix=matrix)
    vote = in_process_voter(info)
    vote(0)  # warm
    info["queries"] = {"vote": vote(1), "poll": vote.poll()}
    return info


def in_process_voter(workshop: dict, name: str = "Measurer"):
    """A participant in this process (not part of the load): ``vote(turn)`` returns queries."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    code = workshop["code"]
    answer = client.post(f"/w/{code}/", {"name": name})
    if answer.status_code != 302:
        raise BenchError(f"joining in process answered {answer.status_code}")

    def counted(call) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = call()
        if response.status_code not in (200, 204):
            raise BenchError(f"{response.request['PATH_INFO']} answered {response.status_code}")
        return queries.count(captured.captured_queries)

    def vote(turn: int) -> int:
        data = {
            "activity": workshop["activities"][turn % len(workshop["activities"])],
            "role": workshop["roles"][turn % len(workshop["roles"])],
            "code": workshop["codes"][turn % len(workshop["codes"])],
        }
        return counted(
            lambda: client.post(f"/w/{code}/cast/", data, headers={"HX-Request": "true"})
        )

    # The ballot over HTTP, kept for clients that do not take the stream; pages do not poll.
    vote.poll = lambda: counted(
        lambda: client.get(f"/w/{code}/live/", {"stage": workshop["stage"]})
    )
    return vote


# -- The streams, in a process of their own --------------------------------------------------------


@dataclass
class Stream:
    url: str
    cookie: str
    hello: bool = False
    kinds: dict = field(default_factory=dict)  # message kind -> how many
    boards: list[tuple[int, float]] = field(default_factory=list)  # (version, receipt time)
    error: str = ""


async def _hold(stream: Stream, origin: str, opened: asyncio.Event, stop: asyncio.Event):
    import websockets

    try:
        async with websockets.connect(
            stream.url,
            origin=origin,
            additional_headers={"Cookie": stream.cookie},
            open_timeout=60,
            ping_interval=None,
            max_size=None,
        ) as socket:
            receiving = asyncio.create_task(_receive(socket, stream, opened))
            stopping = asyncio.create_task(stop.wait())
            await asyncio.wait({receiving, stopping}, return_when=asyncio.FIRST_COMPLETED)
            for task in (receiving, stopping):
                task.cancel()
            if receiving.done() and not receiving.cancelled() and receiving.exception():
                raise receiving.exception()
            if not stop.is_set():
                stream.error = stream.error or "closed by the server"
    except Exception as error:  # reported, never raised: one failure is a figure
        stream.error = f"{type(error).__name__}: {error}"[:200]
    finally:
        opened.set()


async def _receive(socket, stream: Stream, opened: asyncio.Event) -> None:
    async for text in socket:
        now = time.monotonic()
        message = json.loads(text)
        kind = message.get("t", "?")
        stream.kinds[kind] = stream.kinds.get(kind, 0) + 1
        if kind == "hello":
            stream.hello = True
            opened.set()
        elif kind == "board":
            stream.boards.append((message["v"], now))
        elif kind == "closed":
            stream.error = f"closed: {message.get('reason')}"


async def _streams(pipe, origin: str, specs: list[tuple[str, str]]) -> None:
    loop = asyncio.get_running_loop()
    streams = [Stream(url, cookie) for url, cookie in specs]
    stop = asyncio.Event()
    tasks, started = [], time.monotonic()
    for first in range(0, len(streams), 25):
        batch = []
        for stream in streams[first : first + 25]:
            opened = asyncio.Event()
            batch.append(opened)
            tasks.append(asyncio.create_task(_hold(stream, origin, opened, stop)))
        await asyncio.wait_for(asyncio.gather(*(o.wait() for o in batch)), 120)
    pipe.send({"connect_s": round(time.monotonic() - started, 2)})
    await loop.run_in_executor(None, pipe.recv)  # the end of the voting
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    pipe.send([vars(stream) for stream in streams])


def _streams_process(pipe, origin, specs) -> None:
    asyncio.run(_streams(pipe, origin, specs))


class Streams:
    """The participants' ballot streams and the board's, held open in another process."""

    def __init__(self, server, specs: list[tuple[str, str]]):
        context = multiprocessing.get_context("spawn")
        self.pipe, theirs = context.Pipe()
        origin = f"http://127.0.0.1:{server.port}"
        self.process = context.Process(
            target=_streams_process, args=(theirs, origin, specs), daemon=True
        )
        self.process.start()

    def opened(self) -> float:
        if not self.pipe.poll(300):
            raise BenchError("the workshop's streams did not open within 300 s")
        return self.pipe.recv()["connect_s"]

    def close(self) -> list[dict]:
        self.pipe.send("stop")
        try:
            if not self.pipe.poll(60):
                raise BenchError("the workshop's streams did not report")
            return self.pipe.recv()
        finally:
            self.process.join(timeout=10)
            if self.process.is_alive():
                self.process.kill()


# -- The participants ------------------------------------------------------------------------------


@dataclass
class Participant:
    name: str
    cookie: str = ""
    stage: int = 0
    join_ms: list[float] = field(default_factory=list)
    vote_ms: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    # Cell -> the code of the last vote the server acknowledged.
    acknowledged: dict[tuple[int, int], str] = field(default_factory=dict)
    # Cells whose last attempt failed without an answer: the server may or may not have it.
    uncertain: set[tuple[int, int]] = field(default_factory=set)
    votes_ok: int = 0
    last_ack: float = 0.0


def _participant(server, workshop, me: Participant, start: threading.Barrier, clock: dict):
    code = workshop["code"]
    session = server.session(timeout=30)
    rng = random.Random(me.name)  # noqa: S311 (load pattern, not security)
    joined = False
    try:
        form = session.get(f"/w/{code}/")
        answer = session.post(
            f"/w/{code}/", {"name": me.name, "csrfmiddlewaretoken": form.csrf_token() or ""}
        )
        me.join_ms.append(form.ms + answer.ms)
        if answer.status != 302:
            me.errors[f"join {answer.status}"] += 1
        else:
            ballot = session.get(f"/w/{code}/vote/")
            session.csrf = ballot.csrf_token()
            stage = STAGE.search(ballot.text)
            joined = ballot.status == 200 and session.csrf is not None and stage is not None
            if joined:
                me.stage = int(stage.group(1))
                me.cookie = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
            else:
                me.errors[f"ballot {ballot.status}"] += 1
    except OSError as error:
        me.errors[f"join {type(error).__name__}"] += 1
    try:
        start.wait(timeout=600)  # everyone has joined and every stream is open
    except threading.BrokenBarrierError:
        me.errors["never started"] += 1
        return
    if not joined:
        return
    deadline = clock["deadline"]
    next_vote = time.monotonic() + rng.uniform(0, 0.2)
    while next_vote < deadline:
        now = time.monotonic()
        if next_vote > now:
            time.sleep(next_vote - now)
        # A late answer delays the next vote; nobody clicks faster to catch up.
        next_vote = max(next_vote, now) + rng.uniform(0.5, 1.5) * workshop["think_ms"] / 1000
        cell = (rng.choice(workshop["activities"]), rng.choice(workshop["roles"]))
        letter = rng.choice(workshop["codes"])
        data = {"activity": cell[0], "role": cell[1], "code": letter}
        try:
            answer = session.post(f"/w/{code}/cast/", data, headers={"HX-Request": "true"})
        except OSError as error:
            me.errors[f"vote {type(error).__name__}"] += 1
            me.uncertain.add(cell)
            continue
        me.vote_ms.append(answer.ms)
        if answer.status == 200:
            me.votes_ok += 1
            me.last_ack = time.monotonic()
            me.acknowledged[cell] = "" if letter == NONE_VALUE else letter
            me.uncertain.discard(cell)
        else:
            me.errors[f"vote {answer.status}"] += 1
    session.close()


def run(
    *,
    server,
    workshop: dict,
    participants: int,
    seconds: float,
    think_ms: int,
    facilitator: tuple[str, str],
) -> dict:
    """The room: ``participants`` voting for ``seconds``, the board following."""
    if workshop.get("skipped"):
        return {"skipped": workshop["skipped"]}
    workshop = {**workshop, "think_ms": think_ms}
    people = [Participant(name=f"Participant {i + 1}") for i in range(participants)]
    board = server.session(timeout=30)
    board.login(*facilitator)
    board_cookie = "; ".join(f"{k}={v}" for k, v in board.cookies.items())
    board.close()
    ws = f"ws://127.0.0.1:{server.port}"
    clock: dict = {}
    streams: list = []

    def go():  # runs once, when every participant has joined (or failed to)
        try:
            open_streams()
        except Exception as error:
            clock["error"] = error
            clock["start"] = clock["deadline"] = time.monotonic()  # nobody votes

    def open_streams():
        specs = [
            (f"{ws}/ws/w/{workshop['code']}/?stage={me.stage}", me.cookie)
            for me in people
            if me.cookie
        ]
        specs.append(
            (f"{ws}/ws/m/{workshop['slug']}/workshops/{workshop['pk']}/?v=0", board_cookie)
        )
        streams.append(Streams(server, specs))
        clock["connect_s"] = streams[0].opened()
        clock["start"] = time.monotonic()
        clock["deadline"] = clock["start"] + seconds

    start = threading.Barrier(participants, action=go)
    threads = [
        threading.Thread(target=_participant, args=(server, workshop, me, start, clock))
        for me in people
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if "error" in clock:
        if streams:
            streams[0].close()
        raise BenchError(f"the workshop's streams failed: {clock['error']}") from clock["error"]
    elapsed = time.monotonic() - clock.get("start", time.monotonic())
    last_ack = max((me.last_ack for me in people), default=0.0)
    time.sleep(min(BOARD_CATCH_UP, 1.0))  # the board's last redraw, under way
    held = streams[0].close() if streams else []
    votes = [ms for me in people for ms in me.vote_ms]
    joins = [ms for me in people for ms in me.join_ms]
    errors = sum((me.errors for me in people), Counter())
    if not votes:
        raise BenchError(f"no vote was answered in the workshop load: {dict(errors)}")
    ballots, board_stream = held[:-1], (held[-1] if held else None)
    return {
        "participants": participants,
        "duration_s": round(elapsed, 1),
        "think_ms": think_ms,
        "requests": len(votes),
        "rps": round(len(votes) / elapsed, 1),
        "votes_rps": round(len(votes) / elapsed, 1),
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "join": summary(joins) if joins else None,
        "vote": summary(votes),
        "all": summary(votes),
        "streams": _streams_figures(ballots, board_stream, clock, last_ack),
        "acknowledged": {
            me.name: {"cells": me.acknowledged, "uncertain": me.uncertain, "votes": me.votes_ok}
            for me in people
        },
    }


def _streams_figures(ballots: list[dict], board: dict | None, clock: dict, last_ack: float):
    failed = [s["error"] for s in ballots if s["error"] or not s["hello"]]
    out = {
        "connect_s": clock.get("connect_s"),
        "ballots": len(ballots),
        "ballots_failed": len(failed),
        "ballot_errors": sorted(set(failed))[:3],
        "ballot_messages": sum(sum(s["kinds"].values()) for s in ballots),
    }
    if board is not None:
        times = [t for _, t in board["boards"] if t >= clock.get("start", 0)]
        gaps = [(b - a) * 1000 for a, b in itertools.pairwise(times)]
        out["board"] = {
            "error": board["error"],
            "redraws": len(board["boards"]),
            "redraws_per_s": round(len(times) / max(1e-9, clock["deadline"] - clock["start"]), 2)
            if "start" in clock
            else None,
            "interval_p50_ms": round(percentile(gaps, 50), 1) if gaps else None,
            "interval_p95_ms": round(percentile(gaps, 95), 1) if gaps else None,
            "last_version": board["boards"][-1][0] if board["boards"] else None,
            # The last redraw's receipt after the last acknowledged vote.
            "last_after_last_vote_ms": round((board["boards"][-1][1] - last_ack) * 1000, 1)
            if board["boards"] and last_ack
            else None,
        }
    return out


def verify(workshop: dict, acknowledged: dict, streams: dict | None = None) -> dict:
    """Compare each participant's last acknowledged vote per cell with the database; and the
    board's last version with the workshop's."""
    from apps.workshops.models import Vote, Workshop

    stored: dict[str, dict] = {}
    rows = Vote.objects.filter(participant__workshop_id=workshop["pk"]).values_list(
        "participant__name", "activity_id", "role_id", "code"
    )
    for name, activity, role, code in rows:
        stored.setdefault(name, {})[activity, role] = code
    checked = lost = 0
    for name, mine in acknowledged.items():
        theirs = stored.get(name, {})
        for cell, code in mine["cells"].items():
            if cell in mine["uncertain"]:
                continue
            checked += 1
            lost += theirs.get(cell) != code
    out = {
        "votes_acknowledged": sum(mine["votes"] for mine in acknowledged.values()),
        "cells_checked": checked,
        "votes_stored": sum(len(v) for k, v in stored.items() if k in acknowledged),
        "lost_votes": lost,
    }
    board = (streams or {}).get("board")
    if board is not None:
        version = Workshop.objects.filter(pk=workshop["pk"]).values_list("version", flat=True)
        out["board_stale"] = board["last_version"] != version.first()
    return out


def passed(result: dict) -> bool:
    """The room is taken: vote p95 within the limit, nothing lost, every stream held."""
    streams = result.get("streams", {})
    return (
        result["vote"]["p95_ms"] <= P95_LIMIT_MS
        and result["errors"] == 0
        and result["lost_votes"] == 0
        and streams.get("ballots_failed", 0) == 0
        and not result.get("board_stale", False)
    )


def capacity(
    *,
    server,
    new_workshop,
    facilitator: tuple[str, str],
    seconds: float,
    think_ms: int,
    first: int = 100,
    most: int = 800,
    least: int = 10,
    step: int = 25,
) -> dict:
    """The largest room, to within ``step`` participants (from ``least`` to ``most``), that
    ``passed``."""
    tried: dict[int, dict] = {}

    def attempt(size: int) -> bool:
        workshop = new_workshop()
        result = run(
            server=server,
            workshop=workshop,
            participants=size,
            seconds=seconds,
            think_ms=think_ms,
            facilitator=facilitator,
        )
        result.update(verify(workshop, result.pop("acknowledged"), result["streams"]))
        ok = passed(result)
        tried[size] = {
            "vote_p50_ms": result["vote"]["median_ms"],
            "vote_p95_ms": result["vote"]["p95_ms"],
            "votes_rps": result["votes_rps"],
            "errors": result["errors"],
            "lost_votes": result["lost_votes"],
            "ballots_failed": result["streams"]["ballots_failed"],
            "board_redraws_per_s": result["streams"].get("board", {}).get("redraws_per_s"),
            "board_stale": result.get("board_stale"),
            "passed": ok,
        }
        log(f"  room of {size}: {tried[size]}")
        return ok

    # Double (or halve) from ``first`` to a room that passes and one that fails, then halve the
    # gap between them down to ``step``.
    passing, failing = 0, most + 1
    size = first
    while least <= size <= most:
        if attempt(size):
            passing, size = size, size * 2
        else:
            failing = size
            if passing:
                break
            size //= 2
        if passing and failing <= most:
            break
    while passing and failing - passing > step:
        size = (passing + failing) // 2 // step * step or passing + step
        if size in tried or size >= failing:
            break
        if attempt(size):
            passing = size
        else:
            failing = size
    best = passing
    return {
        "largest_room": best,
        "p95_limit_ms": P95_LIMIT_MS,
        "seconds": seconds,
        "think_ms": think_ms,
        "tried": {str(k): v for k, v in sorted(tried.items())},
    }
