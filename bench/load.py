"""The workshop load test: a room of participants votes while the board follows, pushed.

The participants are asyncio clients in one or more processes of their own (bench/participants.py):
each joins over HTTP, holds its ballot's live stream, and votes every ``think_ms`` (0.5 to 1.5
times, at random: a quick human) until the time is up, by a POST each (``mode="http"``) or over
its open stream (``mode="ws"``). The facilitator's board holds its own stream. Around the voting,
the server's processes' CPU seconds and the harness's own are read (bench/cpu.py): what a vote
costs, and how much of the machine the load generator itself took.

Every vote the server acknowledged is checked against the database at the end; every stream
must have opened and stayed open; and the board must end showing the last version. With
``stage_changes``, the facilitator then pauses, reopens and reveals, and each change's arrival
at every ballot is timed, in both views (whole grid, one activity).

``capacity`` runs the load at growing room sizes to find the largest room the server takes
with a vote p95 of at most ``P95_LIMIT_MS`` and no vote lost.
"""

import itertools
import multiprocessing
import os
import sys
import time
from collections import Counter

from . import queries
from .client import BenchError
from .stats import percentile, summary

NONE_VALUE = "none"  # what the ballot sends for "no part" (apps.workshops.forms.NONE_VALUE)
P95_LIMIT_MS = 250  # a vote's p95 in the largest room the server takes (issue: live workshops)


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
    from apps.workshops.models import MAX_PARTICIPANTS_LIMIT, Workshop
    from apps.workshops.services import workshop_start

    workshop = workshop_start(matrix=matrix, activities=matrix.activities.all(), by=user)
    # The server is measured, not the room's own cap (300 by default): rooms above it would
    # fail on their refused joins.
    Workshop.objects.filter(pk=workshop.pk).update(max_participants=MAX_PARTICIPANTS_LIMIT)
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


# -- The room: participants in processes of their own (bench/participants.py) ----------------------


VOTE_MODES = ("http", "ws")
STAGE_WAIT = 3.0  # seconds a stage change is given to reach every ballot before the next


class Harness:
    """``processes`` processes of asyncio participants (bench/participants.py), started and led
    here."""

    def __init__(self, specs: list[dict]):
        from . import participants

        context = multiprocessing.get_context("spawn")
        self.pipes, self.processes = [], []
        for spec in specs:
            mine, theirs = context.Pipe()
            process = context.Process(
                target=participants.process_main, args=(theirs, spec), daemon=True
            )
            process.start()
            self.pipes.append(mine)
            self.processes.append(process)

    def gather(self, seconds: float, what: str) -> list:
        out = []
        for pipe, process in zip(self.pipes, self.processes, strict=True):
            deadline = time.monotonic() + seconds
            while not pipe.poll(0.5):
                if not process.is_alive():
                    raise BenchError(f"a harness process died while {what}")
                if time.monotonic() > deadline:
                    raise BenchError(f"the harness took more than {seconds:g} s {what}")
            out.append(pipe.recv())
        return out

    def send(self, message) -> None:
        for pipe in self.pipes:
            pipe.send(message)

    def close(self) -> None:
        for process in self.processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()


def split(items: list, parts: int) -> list[list]:
    """``items`` dealt round-robin into ``parts`` lists (none empty when there are enough)."""
    return [items[n::parts] for n in range(parts)]


def run(
    *,
    server,
    workshop: dict,
    participants: int,
    seconds: float,
    think_ms: int,
    facilitator: tuple[str, str],
    mode: str = "http",
    processes: int = 1,
    stage_changes: bool = False,
) -> dict:
    """The room: ``participants`` voting for ``seconds`` (by ``mode``), the board following;
    then, with ``stage_changes``, the facilitator pauses, reopens and reveals, and each change's
    arrival at every ballot is timed (half the ballots show the whole grid, half one activity)."""
    from .cpu import Window, figures

    if workshop.get("skipped"):
        return {"skipped": workshop["skipped"]}
    if mode not in VOTE_MODES:
        raise BenchError(f"vote mode {mode!r}: one of {VOTE_MODES}")
    board = server.session(timeout=30)
    board.login(*facilitator)
    board.refresh_csrf(f"/m/{workshop['slug']}/workshops/{workshop['pk']}/")
    people = [(f"Participant {i + 1}", "grid" if i % 2 else "") for i in range(participants)]
    common = {
        "port": server.port,
        "code": workshop["code"],
        "slug": workshop["slug"],
        "pk": workshop["pk"],
        "activities": workshop["activities"],
        "roles": workshop["roles"],
        "codes": workshop["codes"],
        "think_ms": think_ms,
        "mode": mode,
    }
    parts = split(people, max(1, min(processes, participants)))
    specs = [{**common, "people": part} for part in parts]
    specs[0]["board_cookie"] = "; ".join(f"{k}={v}" for k, v in board.cookies.items())
    harness = Harness(specs)
    try:
        started = time.monotonic()
        ready = harness.gather(600, "joining and opening the streams")
        connect_s = time.monotonic() - started
        start = time.monotonic() + 0.2
        cpu_before = server.cpu_seconds()
        harness.send({"deadline": start + seconds})
        voted = harness.gather(seconds + 120, "voting")
        end = time.monotonic()
        cpu_after = server.cpu_seconds()
        changes = stage_run(board, workshop) if stage_changes else []
        harness.send({"version": workshop_version(workshop["pk"])})
        reports = harness.gather(120, "reporting")
    finally:
        harness.close()
        board.close()
    elapsed = end - start
    everyone = [p for report in reports for p in report["people"]]
    board_report = reports[0]["board"]
    votes = [ms for p in everyone for ms in p["vote_ms"]]
    joins = [ms for p in everyone for ms in p["join_ms"]]
    errors = sum((Counter(p["errors"]) for p in everyone), Counter())
    if not votes:
        raise BenchError(f"no vote was answered in the workshop load: {dict(errors)}")
    acknowledged_votes = sum(p["votes_ok"] for p in everyone)
    last_ack = max((p["last_ack"] for p in everyone), default=0.0)
    cost = figures(
        server=Window(cpu_before, cpu_after, elapsed),
        harness_cpu_s=sum(v["cpu_s"] for v in voted),
        votes=acknowledged_votes,
        cores=os.cpu_count(),
    )
    return {
        "participants": participants,
        "joined": sum(r["ready"] for r in ready),
        "mode": mode,
        "harness_processes": len(specs),
        "duration_s": round(elapsed, 1),
        "think_ms": think_ms,
        "requests": len(votes),
        "rps": round(len(votes) / elapsed, 1),
        "votes_rps": round(acknowledged_votes / elapsed, 1),
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "join": summary(joins) if joins else None,
        "vote": summary(votes),
        "all": summary(votes),
        "cost": cost,
        "streams": streams_figures(everyone, board_report, connect_s, start, end, last_ack),
        "stage_changes": stage_figures(everyone, changes),
        "acknowledged": {
            p["name"]: {
                "cells": {(a, r): c for a, r, c in p["acknowledged"]},
                "uncertain": {tuple(cell) for cell in p["uncertain"]},
                "votes": p["votes_ok"],
            }
            for p in everyone
        },
    }


def workshop_version(pk: int) -> int | None:
    from apps.workshops.models import Workshop

    return Workshop.objects.filter(pk=pk).values_list("version", flat=True).first()


def stage_run(board, workshop: dict) -> list[dict]:
    """Pause, reopen, reveal: each change's time and the stage it set, ``STAGE_WAIT`` apart."""
    from apps.workshops.models import Workshop

    base = f"/m/{workshop['slug']}/workshops/{workshop['pk']}"
    steps = [
        ("pause", f"{base}/state/", {"state": "paused"}),
        ("open", f"{base}/state/", {"state": "open"}),
        ("reveal", f"{base}/reveal/", {"revealed": "on"}),
    ]
    out = []
    for name, path, data in steps:
        sent = time.monotonic()
        answer = board.post(path, data, headers={"HX-Request": "true"})
        if answer.status != 200:
            raise BenchError(f"the facilitator's {name} answered {answer.status}")
        stage = Workshop.objects.filter(pk=workshop["pk"]).values_list("stage", flat=True)[0]
        out.append({"change": name, "sent": sent, "stage": stage})
        time.sleep(STAGE_WAIT)
    return out


def stage_figures(everyone: list[dict], changes: list[dict]) -> dict:
    """For each change and each view: how long it took to reach the ballots (ms, p50/p95/max),
    and how many it never reached within ``STAGE_WAIT``."""
    out = {}
    for change in changes:
        for view in ("grid", ""):
            delays, missed = [], 0
            for p in everyone:
                if p["view"] != view or not p["hello"]:
                    continue
                got = [t for stage, t in p["stages"] if stage >= change["stage"]]
                if got and min(got) - change["sent"] <= STAGE_WAIT:
                    delays.append((min(got) - change["sent"]) * 1000)
                else:
                    missed += 1
            key = f"{change['change']} ({'whole grid' if view else 'one activity'})"
            out[key] = {
                "ballots": len(delays) + missed,
                "missed": missed,
                **(
                    {
                        "p50_ms": round(percentile(delays, 50), 1),
                        "p95_ms": round(percentile(delays, 95), 1),
                        "max_ms": round(max(delays), 1),
                    }
                    if delays
                    else {}
                ),
            }
    return out


def streams_figures(everyone, board, connect_s, start, end, last_ack) -> dict:
    failed = [p["stream_error"] for p in everyone if p["stream_error"] or not p["hello"]]
    out = {
        "connect_s": round(connect_s, 2),
        "ballots": len(everyone),
        "ballots_failed": len(failed),
        "ballot_errors": sorted(set(failed))[:3],
        "ballot_messages": sum(sum(p["kinds"].values()) for p in everyone),
    }
    if board is not None:
        boards = board["boards"]
        times = [t for _, t in boards if t >= start]
        gaps = [(b - a) * 1000 for a, b in itertools.pairwise(times)]
        out["board"] = {
            "error": board["stream_error"],
            "redraws": len(boards),
            "redraws_per_s": round(len(times) / max(1e-9, end - start), 2),
            "interval_p50_ms": round(percentile(gaps, 50), 1) if gaps else None,
            "interval_p95_ms": round(percentile(gaps, 95), 1) if gaps else None,
            "last_version": boards[-1][0] if boards else None,
            # The last board message's receipt after the last acknowledged vote.
            "last_after_last_vote_ms": round((boards[-1][1] - last_ack) * 1000, 1)
            if boards and last_ack
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
    mode: str = "http",
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
            mode=mode,
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
            "server_cpu_ms_per_vote": result.get("cost", {}).get("server_cpu_ms_per_vote"),
            "harness_cores_used": result.get("cost", {}).get("harness", {}).get("cores_used"),
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
        "mode": mode,
        "tried": {str(k): v for k, v in sorted(tried.items())},
    }
