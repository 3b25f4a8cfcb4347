"""The workshop load's participants: asyncio clients in processes of their own (bench/load.py
starts them and reads their figures).

Each participant, as a phone in the room: joins over HTTP (the join form and its CSRF token, its
name, the ballot page), holds the ballot's live stream (``ws/w/<code>/``), and once everyone is
in, votes on a random cell every ``think_ms`` (0.5 to 1.5 times, at random) until the time is up,
by one of two ways:

- ``http``: a POST to ``/w/<code>/cast/`` each, as the ballot did before votes went over the
  stream (and as it still does when its stream is down);
- ``ws``: over the ballot's open stream, ``{"t": "vote", "n": <seq>, "a": <activity>, "r":
  <role>, "c": <letter or "">}``, acknowledged with ``{"t": "voted", "n": ...}`` or refused
  with ``{"t": "vote-refused", "n": ..., "status": ..., "reason": ...}``.

A vote's time is from its sending to its answer. Every message of every stream is counted; the
receipt times of stage messages (anything carrying ``"stage"``) and of the board's (``"v"``) are
kept for the stage-change and board figures. Each process reports its own CPU seconds during the
voting: the harness's share of the machine.
"""

import asyncio
import json
import random
import re
import resource
import time
from collections import Counter
from dataclasses import dataclass, field

from .aclient import AsyncSession, csrf_token

NONE_VALUE = "none"  # what the ballot's form sends for "no part" (apps.workshops.forms)
STAGE = re.compile(r'id="ballot"[^>]*data-stage="(\d+)"')
BOARD_CATCH_UP = 5.0  # seconds the board may take, after the last change, to show it
JOINING_AT_ONCE = 16  # joins in flight per process: a room arrives over a minute, not at once


def process_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Participant:
    name: str
    view: str = ""  # "grid" for the whole grid, "" for one activity at a time
    cookie: str = ""
    stage: int = 0
    join_ms: list[float] = field(default_factory=list)
    vote_ms: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    # Cell -> the code of the last vote the server acknowledged.
    acknowledged: dict = field(default_factory=dict)
    # Cells whose last attempt got no answer: the server may or may not have it.
    uncertain: set = field(default_factory=set)
    votes_ok: int = 0
    last_ack: float = 0.0
    stream_error: str = ""
    hello: bool = False
    kinds: Counter = field(default_factory=Counter)
    stages: list = field(default_factory=list)  # (stage, receipt time)
    boards: list = field(default_factory=list)  # (version, receipt time), the board's stream

    def report(self) -> dict:
        out = dict(vars(self))
        out["errors"] = dict(self.errors)
        out["kinds"] = dict(self.kinds)
        out["acknowledged"] = [[a, r, c] for (a, r), c in self.acknowledged.items()]
        out["uncertain"] = [list(cell) for cell in self.uncertain]
        return out


class Room:
    """The participants of one process, and the board's stream when it is this process's."""

    def __init__(self, spec: dict):
        self.spec = spec
        self.people = [Participant(name, view) for name, view in spec["people"]]
        self.board = Participant("board") if spec.get("board_cookie") else None
        self.sockets: dict[str, object] = {}
        self.waiting: dict[tuple[str, int], tuple[asyncio.Future, float]] = {}
        self.go = asyncio.Event()
        self.stop = asyncio.Event()
        self.deadline = 0.0

    # -- Joining ----------------------------------------------------------------------------------

    async def join(self, me: Participant, gate: asyncio.Semaphore) -> AsyncSession | None:
        code = self.spec["code"]
        session = AsyncSession("127.0.0.1", self.spec["port"], timeout=60)
        async with gate:
            try:
                form = await session.get(f"/w/{code}/")
                answer = await session.post(
                    f"/w/{code}/", {"name": me.name, "csrfmiddlewaretoken": csrf_token(form.text)}
                )
                me.join_ms.append(form.ms + answer.ms)
                if answer.status != 302:
                    me.errors[f"join {answer.status}"] += 1
                    return None
                ballot = await session.get(f"/w/{code}/vote/")
                session.csrf = csrf_token(ballot.text)
                stage = STAGE.search(ballot.text)
                if ballot.status != 200 or session.csrf is None or stage is None:
                    me.errors[f"ballot {ballot.status}"] += 1
                    return None
            except (OSError, TimeoutError, ValueError) as error:
                me.errors[f"join {type(error).__name__}"] += 1
                return None
        me.stage = int(stage.group(1))
        me.cookie = session.cookie_header
        return session

    # -- The streams ------------------------------------------------------------------------------

    async def hold(self, me: Participant, path: str, opened: asyncio.Event) -> None:
        import websockets

        url = f"ws://127.0.0.1:{self.spec['port']}{path}"
        try:
            async with websockets.connect(
                url,
                origin=f"http://127.0.0.1:{self.spec['port']}",
                additional_headers={"Cookie": me.cookie},
                open_timeout=60,
                ping_interval=None,
                max_size=None,
                compression=None,
            ) as socket:
                self.sockets[me.name] = socket
                receiving = asyncio.create_task(self.receive(socket, me, opened))
                stopping = asyncio.create_task(self.stop.wait())
                await asyncio.wait({receiving, stopping}, return_when=asyncio.FIRST_COMPLETED)
                for task in (receiving, stopping):
                    task.cancel()
                if receiving.done() and not receiving.cancelled() and receiving.exception():
                    raise receiving.exception()
                if not self.stop.is_set():
                    me.stream_error = me.stream_error or "closed by the server"
        except Exception as error:  # reported, never raised: one failure is a figure
            me.stream_error = f"{type(error).__name__}: {error}"[:200]
        finally:
            self.sockets.pop(me.name, None)
            opened.set()
            for (name, _seq), (future, _) in list(self.waiting.items()):
                if name == me.name and not future.done():
                    future.set_exception(ConnectionError("the stream closed"))

    async def receive(self, socket, me: Participant, opened: asyncio.Event) -> None:
        async for text in socket:
            now = time.monotonic()
            message = json.loads(text)
            kind = message.get("t", "?")
            me.kinds[kind] += 1
            if kind == "hello":
                me.hello = True
                opened.set()
            elif kind in ("voted", "vote-refused"):
                waiting = self.waiting.pop((me.name, message.get("n")), None)
                if waiting is not None and not waiting[0].done():
                    waiting[0].set_result(message)
            elif kind == "closed":
                me.stream_error = f"closed: {message.get('reason')}"
            if "stage" in message and kind != "hello":
                me.stages.append((message["stage"], now))
            if kind == "board" or (me is self.board and "v" in message):
                me.boards.append((message.get("v"), now))

    # -- Voting -----------------------------------------------------------------------------------

    async def vote_loop(self, me: Participant, session: AsyncSession) -> None:
        spec = self.spec
        rng = random.Random(me.name)  # noqa: S311 (a load pattern, not security)
        await self.go.wait()
        next_vote = time.monotonic() + rng.uniform(0, 0.2)
        seq = 0
        while next_vote < self.deadline:
            now = time.monotonic()
            if next_vote > now:
                await asyncio.sleep(next_vote - now)
            # A late answer delays the next vote; nobody taps faster to catch up.
            next_vote = max(next_vote, now) + rng.uniform(0.5, 1.5) * spec["think_ms"] / 1000
            cell = (rng.choice(spec["activities"]), rng.choice(spec["roles"]))
            letter = rng.choice(spec["codes"])
            seq += 1
            if spec["mode"] == "ws":
                ok = await self.vote_over_stream(me, seq, cell, letter)
            else:
                ok = await self.vote_over_http(me, session, cell, letter)
            if ok:
                me.votes_ok += 1
                me.last_ack = time.monotonic()
                me.acknowledged[cell] = "" if letter == NONE_VALUE else letter
                me.uncertain.discard(cell)

    async def vote_over_http(self, me, session, cell, letter) -> bool:
        data = {"activity": cell[0], "role": cell[1], "code": letter}
        try:
            answer = await session.post(
                f"/w/{self.spec['code']}/cast/", data, headers={"HX-Request": "true"}
            )
        except (OSError, TimeoutError, ValueError) as error:
            me.errors[f"vote {type(error).__name__}"] += 1
            me.uncertain.add(cell)
            return False
        me.vote_ms.append(answer.ms)
        if answer.status != 200:
            me.errors[f"vote {answer.status}"] += 1
            me.uncertain.add(cell)  # refused: the cell keeps whatever it had
            return False
        return True

    async def vote_over_stream(self, me, seq, cell, letter) -> bool:
        socket = self.sockets.get(me.name)
        if socket is None:
            me.errors["vote: no stream"] += 1
            return False
        code = "" if letter == NONE_VALUE else letter
        message = {"t": "vote", "n": seq, "a": cell[0], "r": cell[1], "c": code}
        future = asyncio.get_running_loop().create_future()
        start = time.perf_counter()
        self.waiting[me.name, seq] = (future, start)
        try:
            await socket.send(json.dumps(message))
            answer = await asyncio.wait_for(future, 30)
        except Exception as error:
            self.waiting.pop((me.name, seq), None)
            me.errors[f"vote {type(error).__name__}"] += 1
            me.uncertain.add(cell)
            return False
        me.vote_ms.append((time.perf_counter() - start) * 1000)
        if answer.get("t") != "voted":
            me.errors[f"vote refused {answer.get('status')}"] += 1
            me.uncertain.add(cell)
            return False
        return True


async def run(pipe, spec: dict) -> None:
    room = Room(spec)
    loop = asyncio.get_running_loop()
    gate = asyncio.Semaphore(JOINING_AT_ONCE)
    sessions = await asyncio.gather(*(room.join(me, gate) for me in room.people))
    holders, openings = [], []
    code = spec["code"]
    for me, session in zip(room.people, sessions, strict=True):
        if session is None:
            continue
        view = "&view=grid" if me.view == "grid" else ""
        opened = asyncio.Event()
        openings.append(opened)
        path = f"/ws/w/{code}/?stage={me.stage}{view}"
        holders.append(asyncio.create_task(room.hold(me, path, opened)))
    if room.board is not None:
        room.board.cookie = spec["board_cookie"]
        opened = asyncio.Event()
        openings.append(opened)
        path = f"/ws/m/{spec['slug']}/workshops/{spec['pk']}/?v=0"
        holders.append(asyncio.create_task(room.hold(room.board, path, opened)))
    await asyncio.wait_for(asyncio.gather(*(o.wait() for o in openings)), 300)
    pipe.send({"ready": sum(1 for s in sessions if s is not None)})

    go = await loop.run_in_executor(None, pipe.recv)  # everyone, in every process, is in
    room.deadline = go["deadline"]
    cpu_start = process_cpu_s()
    voters = [
        asyncio.create_task(room.vote_loop(me, session))
        for me, session in zip(room.people, sessions, strict=True)
        if session is not None
    ]
    room.go.set()
    await asyncio.gather(*voters)
    cpu_voting = process_cpu_s() - cpu_start
    pipe.send({"voted": True, "cpu_s": cpu_voting})

    # The stage changes are over: report, once the board shows the workshop's last version (or
    # after BOARD_CATCH_UP seconds: then the figures say it was left stale).
    last = await loop.run_in_executor(None, pipe.recv)
    if room.board is not None and last.get("version") is not None:
        deadline = time.monotonic() + BOARD_CATCH_UP
        while time.monotonic() < deadline and not any(
            (v or 0) >= last["version"] for v, _ in room.board.boards[-3:]
        ):
            await asyncio.sleep(0.05)
    room.stop.set()
    await asyncio.gather(*holders, return_exceptions=True)
    for session in sessions:
        if session is not None:
            await session.close()
    pipe.send(
        {
            "people": [me.report() for me in room.people],
            "board": room.board.report() if room.board else None,
            "cpu_s": cpu_voting,
            "cpu_total_s": process_cpu_s(),
        }
    )


def process_main(pipe, spec: dict) -> None:
    try:
        import uvloop

        uvloop.run(run(pipe, spec))
    except ImportError:
        asyncio.run(run(pipe, spec))
