"""The workshop load test: participants join, then vote and poll at once for a fixed time.

Each participant is a thread with its own session, as a phone in the room would be: it joins
with the code and a name, opens the ballot, then until the time is up votes on a random cell
every ``think_ms`` (0.5 to 1.5 times, at random: a quick human) and polls the ballot every
two seconds as the page does. All start together after joining. Every vote the server
acknowledged (200) is checked against the database at the end.
"""

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from . import queries
from .client import BenchError
from .stats import summary

POLL_SECONDS = 2.0
NONE_VALUE = "none"  # what the ballot sends for "no part" (apps.workshops.forms.NONE_VALUE)


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


def prepare(*, user, matrix) -> dict:
    """Open a workshop on every activity of ``matrix``; count a vote's and a poll's queries."""
    reason = available()
    if reason:
        return {"skipped": reason}
    from apps.matrices.models import MatrixRole
    from apps.workshops.services import workshop_start

    workshop = workshop_start(matrix=matrix, activities=matrix.activities.all(), by=user)
    info = {
        "pk": workshop.pk,
        "code": workshop.code,
        "stage": workshop.stage,
        "activities": list(matrix.activities.values_list("pk", flat=True)),
        "roles": list(MatrixRole.objects.filter(matrix=matrix).values_list("role", flat=True)),
        "codes": [*matrix.scheme_definition.codes, NONE_VALUE],
    }
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

    vote.poll = lambda: counted(
        lambda: client.get(f"/w/{code}/live/", {"stage": workshop["stage"]})
    )
    return vote


@dataclass
class Participant:
    name: str
    join_ms: list[float] = field(default_factory=list)
    vote_ms: list[float] = field(default_factory=list)
    poll_ms: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    # Cell -> the code of the last vote the server acknowledged.
    acknowledged: dict[tuple[int, int], str] = field(default_factory=dict)
    # Cells whose last attempt failed without an answer: the server may or may not have it.
    uncertain: set[tuple[int, int]] = field(default_factory=set)
    votes_ok: int = 0


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
            joined = ballot.status == 200 and session.csrf is not None
            if not joined:
                me.errors[f"ballot {ballot.status}"] += 1
    except OSError as error:
        me.errors[f"join {type(error).__name__}"] += 1
    start.wait(timeout=300)
    if not joined:
        return
    deadline = clock["deadline"]
    next_vote = time.monotonic() + rng.uniform(0, 0.2)
    next_poll = time.monotonic() + rng.uniform(0, POLL_SECONDS)
    while True:
        now = time.monotonic()
        due = min(next_vote, next_poll)
        if due >= deadline or now >= deadline:
            break
        if due > now:
            time.sleep(due - now)
        if next_poll <= next_vote:
            # A late answer delays the next poll and vote; nobody clicks faster to catch up.
            next_poll = max(next_poll + POLL_SECONDS, now)
            try:
                answer = session.get(f"/w/{code}/live/?stage={workshop['stage']}")
                me.poll_ms.append(answer.ms)
                if answer.status not in (200, 204):
                    me.errors[f"poll {answer.status}"] += 1
            except OSError as error:
                me.errors[f"poll {type(error).__name__}"] += 1
            continue
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
            me.acknowledged[cell] = "" if letter == NONE_VALUE else letter
            me.uncertain.discard(cell)
        else:
            me.errors[f"vote {answer.status}"] += 1
    session.close()


def run(*, server, workshop: dict, participants: int, seconds: float, think_ms: int) -> dict:
    if workshop.get("skipped"):
        return {"skipped": workshop["skipped"]}
    workshop = {**workshop, "think_ms": think_ms}
    people = [Participant(name=f"Participant {i + 1}") for i in range(participants)]
    clock: dict = {}

    def go():  # runs once, when every participant has joined (or failed to)
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
    elapsed = time.monotonic() - clock.get("start", time.monotonic())
    votes = [ms for me in people for ms in me.vote_ms]
    polls = [ms for me in people for ms in me.poll_ms]
    joins = [ms for me in people for ms in me.join_ms]
    errors = sum((me.errors for me in people), Counter())
    requests = len(votes) + len(polls)
    if not votes:
        raise BenchError(f"no vote was answered in the workshop load: {dict(errors)}")
    return {
        "participants": participants,
        "duration_s": round(elapsed, 1),
        "think_ms": think_ms,
        "requests": requests,
        "rps": round(requests / elapsed, 1),
        "votes_rps": round(len(votes) / elapsed, 1),
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "join": summary(joins) if joins else None,
        "vote": summary(votes),
        "poll": summary(polls) if polls else None,
        "all": summary(votes + polls),
        "acknowledged": {
            me.name: {"cells": me.acknowledged, "uncertain": me.uncertain, "votes": me.votes_ok}
            for me in people
        },
    }


def verify(workshop: dict, acknowledged: dict) -> dict:
    """Compare each participant's last acknowledged vote per cell with the database."""
    from apps.workshops.models import Vote

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
    return {
        "votes_acknowledged": sum(mine["votes"] for mine in acknowledged.values()),
        "cells_checked": checked,
        "votes_stored": sum(len(v) for k, v in stored.items() if k in acknowledged),
        "lost_votes": lost,
    }
