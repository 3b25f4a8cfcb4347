"""A workshop room in process, for ``python -m bench.profile`` (room-votes, bench/profile.py):
participants with votes already counted, their ballot streams and the facilitator's board driven
through the whole ASGI application (as tests/live does), and the parts of the vote path timed
on their own: the vote's database hop, a board redraw as what changed, the whole board, a stage
change.

Times are CPU seconds of this process (``time.process_time``), which runs the server's side and
the few in-process clients; figures are per event.
"""

import asyncio
import contextlib
import json
import secrets
import time
from collections import Counter

ORIGIN = "http://127.0.0.1"


def crowd(workshop, people: int) -> list:
    """``people`` participants, each with three roles voted per activity, counted in the
    tallies as the vote's transaction counts them (written in bulk: thousands of votes)."""
    from apps.matrices.selectors import matrix_structure
    from apps.workshops.models import ActivityTally, Participant, Tally, Vote

    activities = list(workshop.activities.values_list("pk", flat=True))
    roles = [r.pk for r in matrix_structure(workshop.matrix).roles]
    everyone = Participant.objects.bulk_create(
        Participant(workshop=workshop, name=f"P{i}", token=secrets.token_urlsafe(32))
        for i in range(people)
    )
    everyone = list(Participant.objects.filter(workshop=workshop).order_by("pk"))
    votes, cells = [], Counter()
    for p, person in enumerate(everyone):
        for a, activity in enumerate(activities):
            picks = {roles[(p + a) % len(roles)]: "A", roles[(p * 3 + a + 1) % len(roles)]: "R"}
            picks.setdefault(roles[(a + 2) % len(roles)], "C")
            for role, code in picks.items():
                votes.append(
                    Vote(participant=person, activity_id=activity, role_id=role, code=code)
                )
                cells[activity, role, code] += 1
    Vote.objects.bulk_create(votes, batch_size=2000)
    Tally.objects.bulk_create(
        Tally(workshop=workshop, activity_id=a, role_id=r, code=c, count=n)
        for (a, r, c), n in cells.items()
    )
    ActivityTally.objects.bulk_create(
        ActivityTally(workshop=workshop, activity_id=a, answered=len(everyone)) for a in activities
    )
    Participant.objects.filter(workshop=workshop).update(answered=len(activities))
    return everyone


def cookie_of(client) -> str:
    from django.conf import settings

    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


class Stream:
    def __init__(self, path: str, cookie: str, query: str = ""):
        from asgiref.testing import ApplicationCommunicator

        from config.asgi import application

        headers = [(b"origin", ORIGIN.encode()), (b"cookie", cookie.encode()),
                   (b"host", b"127.0.0.1")]  # fmt: skip
        scope = {"type": "websocket", "path": path, "query_string": query.encode(),
                 "headers": headers}  # fmt: skip
        self.app = ApplicationCommunicator(application, scope)

    async def open(self):
        await self.app.send_input({"type": "websocket.connect"})
        if (await self.app.receive_output(5))["type"] != "websocket.accept":
            raise RuntimeError(f"the stream {self.app.scope['path']} was refused")
        return self

    async def next(self, timeout=5) -> dict:
        output = await asyncio.wait_for(self.app.output_queue.get(), timeout)
        if output["type"] == "websocket.close":
            return {"t": "__closed__"}
        return json.loads(output["text"])

    async def until(self, kind: str, timeout=5) -> dict:
        while True:
            message = await self.next(timeout)
            if message["t"] == kind:
                return message

    async def send(self, message: dict) -> None:
        await self.app.send_input({"type": "websocket.receive", "text": json.dumps(message)})

    async def close(self) -> None:
        await self.app.send_input({"type": "websocket.disconnect", "code": 1000})
        with contextlib.suppress(Exception):  # ending the bench's own stream
            await self.app.wait(2)


def sessions(workshop, participants, user) -> tuple[list[str], str]:
    """The cookies of browsers that joined ``workshop`` as ``participants`` (of the crowd, who
    have answered everything: their votes change a cell or two, as most votes of a room do) and
    of its facilitator."""
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import Client

    from apps.workshops.access import SESSION_KEY

    cookies = []
    for participant in participants:
        session = SessionStore()
        session[SESSION_KEY] = {workshop.code: participant.token}
        session.create()
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={session.session_key}")
    facilitator = Client(HTTP_HOST="127.0.0.1")
    facilitator.force_login(user)
    return cookies, cookie_of(facilitator)


async def votes_with_a_board(workshop, cookies, roles, people: int, votes: int) -> dict:
    """Participants vote over their streams at the room's pace (each person once a second:
    ``people`` votes a second, from as many streams as ``cookies``), a facilitator's board open:
    CPU per vote, the board's redraws and the bytes it was sent included."""
    from channels.db import database_sync_to_async

    board = await Stream(
        f"/ws/m/{workshop.matrix.slug}/workshops/{workshop.pk}/", cookies[1]
    ).open()
    ballots = [await Stream(f"/ws/w/{workshop.code}/", c).open() for c in cookies[0]]
    for ballot in ballots:
        await ballot.until("hello")
    await board.until("board", timeout=60)  # the whole board, once
    activities = await database_sync_to_async(
        lambda: list(workshop.activities.values_list("pk", flat=True))
    )()
    board_messages, board_bytes = [], 0

    async def drain():
        nonlocal board_bytes
        while True:
            output = await board.app.output_queue.get()
            if output["type"] == "websocket.send":
                board_bytes += len(output["text"])
                board_messages.append(json.loads(output["text"])["t"])

    each = max(1, votes // len(ballots))
    pace = len(ballots) / people  # seconds between one stream's votes

    async def voter(k: int, ballot: Stream):
        await asyncio.sleep(pace * k / len(ballots))  # spread over the second
        for i in range(each):
            started = time.perf_counter()
            n = k * each + i + 1
            a, r = activities[n % len(activities)], roles[(n // len(activities)) % len(roles)]
            vote = {"t": "vote", "n": n, "a": a, "r": r, "c": "RACI"[n % 4]}
            await ballot.send(vote)
            ack = await ballot.next(30)
            while ack["t"] not in ("voted", "vote-refused"):
                ack = await ballot.next(30)
            if ack.get("n") != n or ack["t"] != "voted":
                raise RuntimeError(f"vote {n} was answered {ack}")
            await asyncio.sleep(max(0.0, pace - (time.perf_counter() - started)))

    drainer = asyncio.create_task(drain())
    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(voter(k, ballot) for k, ballot in enumerate(ballots)))
    await asyncio.sleep(0.5)  # the last redraw
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    drainer.cancel()
    for stream in (*ballots, board):
        await stream.close()
    done = each * len(ballots)
    return {
        "votes": done,
        "seconds": wall,
        "cpu_ms_per_vote": cpu * 1000 / done,
        "board_messages": Counter(board_messages),
        "board_kb_per_message": board_bytes / 1024 / max(1, len(board_messages)),
    }


def timed(call, runs: int) -> float:
    """CPU milliseconds per call of ``call``, the mean of ``runs``."""
    call()
    cpu = time.process_time()
    for _ in range(runs):
        call()
    return (time.process_time() - cpu) * 1000 / runs
