"""Many streams opened and dropped against a real server (uvicorn in a thread, as the browser
tests use it): when every one has gone, nobody is left on the presence list, the cap's counts
are back to nothing, and the log has no traceback, even for the changes that were on their way
to streams whose browsers had just gone."""

import asyncio
import logging
import time
import urllib.request
from urllib.parse import urlencode

import pytest
import websockets

from apps.live import gate, presence
from apps.sharing.services import share_link_create
from tests.asgi_server import AsgiServer
from tests.conftest import make_matrix, make_user

from .conftest import run, session_cookie

STREAMS = 500
AT_ONCE = 50


class Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def server(transactional_db):
    server = AsgiServer().start()
    records = Records()
    for name in ("uvicorn.error", "apps", "django"):
        logging.getLogger(name).addHandler(records)
    yield server, records
    for name in ("uvicorn.error", "apps", "django"):
        logging.getLogger(name).removeHandler(records)
    server.stop()


def post_letter(server, cookie, matrix, activity, role, code) -> int:
    """Set a letter as the page does, through the server: the change is broadcast from its
    request, on the server's own loop (the in-memory channel layer belongs to one loop)."""
    token = "x" * 32
    request = urllib.request.Request(  # noqa: S310 - http, to the test server
        f"{server.url}/m/{matrix.slug}/cells/",
        data=urlencode({"activity": activity, "role": role, "code": code}).encode(),
        headers={"Cookie": f"{cookie}; csrftoken={token}", "X-CSRFToken": token},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - our server
        return response.status


def test_500_streams_open_and_go_and_leave_nothing_behind(server, settings):
    server, records = server
    settings.LIVE_STREAMS_PER_ADDRESS = STREAMS
    owner = make_user("olga")
    matrix = make_matrix(team=owner.personal_team, activities=4, roles=3, phases=1)
    url = f"{server.ws_url}/ws/s/{share_link_create(matrix=matrix, by=owner).token}/"
    cells = [(a.pk, r.pk) for a in matrix.activities.all() for r in matrix.roles.all()]
    cookie = session_cookie(owner)

    async def one(n: int):
        socket = await websockets.connect(url, origin=server.url, compression=None)
        while '"t": "hello"' not in await socket.recv():
            pass
        return socket

    async def scenario():
        sockets = []
        for start in range(0, STREAMS, AT_ONCE):
            sockets += await asyncio.gather(*(one(n) for n in range(start, start + AT_ONCE)))
        opened = len(await presence.store().roster(matrix.pk))
        # Every browser goes at once, half of them without a word (the TCP connection dropped),
        # while changes are on their way to all of them.
        changes = asyncio.gather(
            *(
                asyncio.to_thread(post_letter, server, cookie, matrix, a, r, "C")
                for a, r in cells[:3]
            )
        )
        for n, socket in enumerate(sockets):
            if n % 2:
                socket.transport.abort()
            else:
                await socket.close()
        await changes
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            left = await presence.store().roster(matrix.pk)
            if not left and gate.open_streams() == ({}, {}):
                break
            await asyncio.sleep(0.1)
        return opened, left

    started = time.monotonic()
    opened, left = run(scenario)
    print(f"{STREAMS} streams opened and closed in {time.monotonic() - started:.1f} s")
    assert opened == STREAMS
    assert left == []
    assert gate.open_streams() == ({}, {})
    tracebacks = [r.getMessage() for r in records.records if r.exc_info]
    assert tracebacks == []
