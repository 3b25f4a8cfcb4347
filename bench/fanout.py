"""Fan-out: a roomful of browsers watching one matrix while it is edited.

``watchers`` real WebSocket clients (asyncio and the ``websockets`` library, in a process of
their own so that their work does not delay the editor's clock) open the matrix's stream, half
as its editor and half as a viewer (two renders per change per server process, as in a room).
Once every one has its hello and the presence messages of their arrival have died down, the
server's memory is read; then an editor changes a cell ``rate`` times a second for ``seconds``
seconds through the cell update (``POST /m/<slug>/cells/``, as the grid sends it), one request
after the other.

- **Fan-out latency** of an edit: from its acknowledgement (the last byte of its HTTP response)
  to the moment the last watcher has its change message. Negative when every watcher heard of
  the change before the editor had the answer (the broadcast leaves at the commit).
- **Memory per idle connection**: the resident memory of the server's processes (gunicorn's
  master and workers) with every watcher connected and quiet, less before, divided by their
  number.
- **Lost and out of order**: each watcher must receive the change message of every edit made
  after its hello, each version once, in increasing order. A catch-up (``sync``) counts as
  neither, but is reported: it means the server noticed a loss and repaired it.

Both processes timestamp with ``time.monotonic()`` (CLOCK_MONOTONIC, one clock for the machine).
"""

import asyncio
import itertools
import json
import multiprocessing
import re
import time
from dataclasses import dataclass, field

from .client import BenchError, Session
from .stats import percentile

CHANGE = re.compile(r'^\{"t": "change", "v": (\d+)')
CONNECT_BATCH = 25  # connections opened at once
WARM = 10  # connections opened and closed before the memory is read
QUIET = 1.0  # seconds without a message after the last hello: the arrivals' presence is over
LATE = 15.0  # seconds after the last edit a watcher may take to receive it


@dataclass
class Plan:
    watchers: int
    seconds: float
    rate: float  # edits per second


FULL = Plan(watchers=300, seconds=30, rate=5)
QUICK = Plan(watchers=50, seconds=5, rate=5)


# -- The watchers, in a process of their own -------------------------------------------------------


@dataclass
class Watched:
    hello: int | None = None
    changes: list[tuple[int, float]] = field(default_factory=list)  # (version, receipt time)
    syncs: list[int] = field(default_factory=list)
    messages: int = 0
    error: str = ""
    closed: int | None = None
    size: int = 0  # characters of the last change message


async def _watch(url: str, origin: str, cookie: str, me: Watched, hello: asyncio.Event, done):
    import websockets

    try:
        async with websockets.connect(
            url,
            origin=origin,
            additional_headers={"Cookie": cookie},
            open_timeout=60,
            ping_interval=None,
            max_size=None,
        ) as socket:
            async for text in socket:
                now = time.monotonic()
                me.messages += 1
                match = CHANGE.match(text)
                if match:
                    me.changes.append((int(match.group(1)), now))
                    me.size = len(text)
                else:
                    message = json.loads(text)
                    if message["t"] == "hello":
                        me.hello = message["v"]
                        hello.set()
                    elif message["t"] == "sync":
                        me.syncs.append(message["at"])
                if done is not None and done(me):
                    return
    except Exception as error:  # reported, never raised: one failure is a figure
        me.error = f"{type(error).__name__}: {error}"[:200]
        close = getattr(error, "rcvd", None)
        me.closed = getattr(close, "code", None)
    finally:
        hello.set()


async def _warm(url: str, origin: str, cookies: list[str]) -> None:
    """A few streams opened and closed, so that what the first ones cost the server once
    (imports, caches, the database connection) is not counted per connection."""
    watched = [Watched() for _ in range(WARM)]
    hellos = [asyncio.Event() for _ in watched]
    tasks = [
        asyncio.create_task(_watch(url, origin, cookies[i % len(cookies)], me, hello, None))
        for i, (me, hello) in enumerate(zip(watched, hellos, strict=True))
    ]
    await asyncio.wait_for(asyncio.gather(*(h.wait() for h in hellos)), 60)
    await asyncio.sleep(QUIET)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await asyncio.sleep(QUIET)


async def _watchers(pipe, url: str, origin: str, cookies: list[str], count: int) -> None:
    loop = asyncio.get_running_loop()
    await _warm(url, origin, cookies)
    pipe.send({"warm": True})
    await loop.run_in_executor(None, pipe.recv)  # the server's memory has been read
    watched = [Watched() for _ in range(count)]
    final: dict = {}

    def done(me: Watched) -> bool:
        target = final.get("version")
        if target is None:
            return False
        last = max([v for v, _ in me.changes[-1:]] + [a for a in me.syncs[-1:]] + [-1])
        return last >= target

    tasks = []
    start = time.monotonic()
    for first in range(0, count, CONNECT_BATCH):
        hellos = []
        for i in range(first, min(count, first + CONNECT_BATCH)):
            hello = asyncio.Event()
            hellos.append(hello)
            cookie = cookies[i % len(cookies)]
            tasks.append(asyncio.create_task(_watch(url, origin, cookie, watched[i], hello, done)))
        await asyncio.wait_for(asyncio.gather(*(h.wait() for h in hellos)), 120)
    connected = time.monotonic() - start
    # Wait for the arrivals' presence messages (each newcomer is announced to all) to end.
    while True:
        before = sum(me.messages for me in watched)
        await asyncio.sleep(QUIET)
        if sum(me.messages for me in watched) == before:
            break
    pipe.send(
        {
            "ready": True,
            "connect_s": round(connected, 2),
            "failed": [me.error for me in watched if me.hello is None],
        }
    )
    cpu = time.process_time()
    command = await loop.run_in_executor(None, pipe.recv)
    final["version"] = command["final"]
    await asyncio.wait(tasks, timeout=LATE)
    cpu = time.process_time() - cpu
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    sizes = [me.size for me in watched if me.size]
    pipe.send(
        {
            "watched": [vars(me) for me in watched],
            "cpu_s": cpu,
            "message_bytes": max(sizes) if sizes else None,
        }
    )


def _watchers_process(pipe, url, origin, cookies, count) -> None:
    asyncio.run(_watchers(pipe, url, origin, cookies, count))


# -- The run ---------------------------------------------------------------------------------------


def prepare(*, user, matrix) -> dict:
    """A viewer of ``matrix``'s team, with a password, for half of the watchers."""
    import secrets

    from django.contrib.auth import get_user_model

    from apps.accounts.models import AccessLevel, Membership

    password = secrets.token_urlsafe(24)
    viewer = get_user_model().objects.create_user("bench-viewer", password=password)
    Membership.objects.create(team=matrix.team, user=viewer, access=AccessLevel.VIEWER)
    return {"slug": matrix.slug, "viewer": ("bench-viewer", password)}


def run(*, server, plan: Plan, info: dict, editor: tuple[str, str], cell: tuple[int, int], codes):
    """Connect the watchers, edit, and gather the figures (see the module's docstring)."""
    slug = info["slug"]
    cookies = []
    sessions = []
    for username, password in (editor, info["viewer"]):
        session = server.session(timeout=30)
        session.login(username, password)
        cookies.append("; ".join(f"{k}={v}" for k, v in session.cookies.items()))
        sessions.append(session)
    editing = sessions[0]
    editing.refresh_csrf(f"/m/{slug}/")
    url = f"ws://127.0.0.1:{server.port}/ws/m/{slug}/"
    origin = f"http://127.0.0.1:{server.port}"

    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    process = context.Process(
        target=_watchers_process, args=(theirs, url, origin, cookies, plan.watchers), daemon=True
    )
    process.start()
    try:
        if not ours.poll(120):
            raise BenchError("the first streams did not open within 120 s")
        ours.recv()
        rss_before = server.rss_bytes()
        ours.send({"go": True})
        if not ours.poll(300):
            raise BenchError("the watchers did not connect within 300 s")
        ready = ours.recv()
        if ready["failed"]:
            raise BenchError(
                f"{len(ready['failed'])} watchers could not connect: {ready['failed'][:3]}"
            )
        rss_after = server.rss_bytes()
        cpu = server.cpu_seconds()
        edits = _edit(editing, slug, cell, codes, plan)
        final = max((e["version"] for e in edits if e["version"] is not None), default=0)
        ours.send({"final": final})
        if not ours.poll(LATE + 60):
            raise BenchError("the watchers did not report")
        report = ours.recv()
        cpu = server.cpu_seconds() - cpu
        watched = report["watched"]
    finally:
        process.join(timeout=10)
        if process.is_alive():
            process.kill()
        for session in sessions:
            session.close()
    figures = _figures(edits, watched)
    delivered = sum(len(me["changes"]) for me in watched) or 1
    return {
        "watchers": plan.watchers,
        "seconds": plan.seconds,
        "edits_per_second": plan.rate,
        "connect_s": ready["connect_s"],
        "server_rss_mb": {
            "before": round(rss_before / 2**20, 1),
            "connected": round(rss_after / 2**20, 1),
        },
        "memory_per_connection_kb": round((rss_after - rss_before) / plan.watchers / 1024, 1),
        # CPU from the first edit until every watcher had the last: the server's (all its
        # processes) and the watchers' own, per change message delivered.
        "server_cpu_us_per_message": round(cpu / delivered * 1e6, 1),
        "watchers_cpu_us_per_message": round(report["cpu_s"] / delivered * 1e6, 1),
        "message_bytes": report.get("message_bytes"),
        **figures,
    }


def _edit(session: Session, slug: str, cell, codes, plan: Plan) -> list[dict]:
    """``plan.rate`` edits a second, each sent when due or as soon as the previous answered."""
    edits = []
    count = max(1, int(plan.seconds * plan.rate))
    start = time.monotonic()
    for turn in range(count):
        due = start + turn / plan.rate
        wait = due - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        data = {"activity": cell[0], "role": cell[1], "code": codes[turn % len(codes)]}
        sent = time.monotonic()
        answer = session.post(f"/m/{slug}/cells/", data, headers={"HX-Request": "true"})
        acknowledged = time.monotonic()
        version = None
        for name, value in answer.headers.items():
            if name.lower() == "x-matrix-change":
                version = int(value)
        edits.append(
            {"status": answer.status, "version": version, "sent": sent, "ack": acknowledged}
        )
    return edits


def _figures(edits: list[dict], watched: list[dict]) -> dict:
    ok = [e for e in edits if e["status"] == 200 and e["version"] is not None]
    versions = sorted(e["version"] for e in ok)
    receipts: dict[int, list[float]] = {v: [] for v in versions}
    lost = out_of_order = duplicates = syncs = 0
    for me in watched:
        syncs += len(me["syncs"])
        got = [v for v, _ in me["changes"]]
        expected = [v for v in versions if me["hello"] is not None and v > me["hello"]]
        lost += len(set(expected) - set(got))
        duplicates += len(got) - len(set(got))
        out_of_order += sum(1 for a, b in itertools.pairwise(got) if b <= a)
        for v, t in me["changes"]:
            if v in receipts:
                receipts[v].append(t)
    acks = {e["version"]: e["ack"] for e in ok}
    last_ms = [(max(ts) - acks[v]) * 1000 for v, ts in receipts.items() if ts]
    every_ms = [(t - acks[v]) * 1000 for v, ts in receipts.items() for t in ts]
    edit_ms = [(e["ack"] - e["sent"]) * 1000 for e in ok]

    def pcts(values):
        if not values:
            return None
        return {f"p{p}_ms": round(percentile(values, p), 1) for p in (50, 95, 99)} | {
            "max_ms": round(max(values), 1)
        }

    return {
        "edits": len(edits),
        "edit_errors": len(edits) - len(ok),
        "edit": pcts(edit_ms),
        "fanout_last": pcts(last_ms),
        "fanout_each": pcts(every_ms),
        "messages_expected": sum(
            len([v for v in versions if me["hello"] is not None and v > me["hello"]])
            for me in watched
        ),
        "lost": lost,
        "out_of_order": out_of_order,
        "duplicates": duplicates,
        "catch_ups": syncs,
        "watcher_errors": sorted({me["error"] for me in watched if me["error"]})[:5],
    }
