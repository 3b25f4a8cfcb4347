"""Two people pressing a key on the same cell at the same moment, again and again: the server's
order decides, both browsers end with the same letter, whoever's letter was replaced is told,
every time, and the history says what each change replaced.

In one server process the requests are handled one after the other; behind a proxy, two
processes handle them at the same moment. The second test runs that case (PostgreSQL and Redis:
DATABASE_URL=postgres://... REDIS_URL=redis://...), with a second server process beside the
tests' own."""

import os
import re
import socket
import subprocess
import sys
import time

import pytest
from django.db import connection
from playwright.sync_api import expect

from apps.history.models import Change
from apps.matrices.models import Responsibility

from .conftest import focus_cell

pytestmark = pytest.mark.browser

SAMPLE = "/m/product-roles/"
ROUNDS = 8


@pytest.fixture
def editors(login, server):
    pages = {}
    for name in ("ana", "ben"):
        page = login(name, sample_access="editor")
        errors = []
        page.on("pageerror", lambda error, e=errors: e.append(str(error)))
        page.goto(server.url + SAMPLE)
        expect(page.locator("#live[data-state='live']")).to_be_attached()
        page.errors = errors
        pages[name] = page
    for page in pages.values():
        expect(page.locator("#presence .avatar")).to_have_count(1)
    return pages


PRESS_AT = """([id, key, at]) => {
  // Press the key at the wall-clock time `at` (ms), which both pages share: about a
  // millisecond apart, as two people on one cell.
  const td = document.getElementById(id);
  setTimeout(() => {
    td.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true }));
  }, Math.max(0, at - Date.now()));
}"""


def stored_after_both(cell_id: str) -> str:
    """The cell's letter once both changes are in the history."""
    activity, role = map(int, cell_id.split("-")[1:])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if Change.objects.filter(activity_id=activity, role_id=role).count() >= 2:
            return Responsibility.objects.get(activity_id=activity, role_id=role).code
        time.sleep(0.02)
    raise AssertionError(f"both changes to {cell_id} never arrived")


def press_together(ana, ben, ids):
    """For each cell, Ana presses R and Ben C at the same moment: both browsers end with the
    letter stored, and the one whose letter was replaced is told who set what."""
    for cell_id in ids:
        for page in (ana, ben):
            focus_cell(page, cell_id)
            page.evaluate(
                "() => { const n = document.getElementById('live-notice');"
                " n.textContent = ''; n.hidden = true; }"
            )
        at = time.time() * 1000 + 250
        ana.evaluate(PRESS_AT, [cell_id, "r", at])
        ben.evaluate(PRESS_AT, [cell_id, "c", at])
        final = stored_after_both(cell_id)
        for page in (ana, ben):
            expect(page.locator(f"#{cell_id}")).to_have_text(final, timeout=3000)
            expect(page.locator(f"#{cell_id}")).not_to_have_class(re.compile(r"\bpending\b"))
        loser, winner = (ana, "ben") if final == "C" else (ben, "ana")
        expect(loser.locator("#live-notice")).to_have_text(
            re.compile(rf"{winner} set this to {final}", re.I), timeout=3000
        )
        # The second change replaced the first one's letter, not the empty cell both saw.
        activity, role = map(int, cell_id.split("-")[1:])
        changes = Change.objects.filter(activity_id=activity, role_id=role).order_by("pk")
        first, second = (change.letters for change in changes)
        assert first == ("", second[0]) and second[1] == final, (first, second)
    assert ana.errors == [] and ben.errors == []


def test_whoever_loses_a_near_simultaneous_change_is_told_every_time(editors):
    ana, ben = editors["ana"], editors["ben"]
    cells = ana.locator("table.grid td[id^='cell-']:empty")
    press_together(ana, ben, [cells.nth(i).get_attribute("id") for i in range(ROUNDS)])


@pytest.fixture
def second_server(server, seeded):
    """The app in a process of its own on the tests' database, as behind a proxy."""
    database = os.environ.get("DATABASE_URL", "")
    if not database.startswith("postgres") or not os.environ.get("REDIS_URL"):
        pytest.skip("two server processes need PostgreSQL and Redis (DATABASE_URL, REDIS_URL)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    name = connection.settings_dict["NAME"]
    env = dict(os.environ, DATABASE_URL=f"{database.rsplit('/', 1)[0]}/{name}")
    command = [sys.executable, "-m", "uvicorn", "config.asgi:application", "--port", str(port)]
    process = subprocess.Popen([*command, "--log-level", "warning"], env=env)
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            assert process.poll() is None and time.monotonic() < deadline, "no second server"
            time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


def test_two_server_processes_record_and_tell_what_each_change_replaced(
    editors, server, second_server
):
    """Ana's requests go to one process, Ben's to another: they are handled at the same moment,
    and each change still records the letter it replaced (the empty cell both pages saw, on a
    server that read it outside the change's transaction)."""
    ana, ben = editors["ana"], editors["ben"]
    # The session cookie is the host's, whatever the port: Ben stays logged in.
    ben.goto(second_server + SAMPLE)
    expect(ben.locator("#live[data-state='live']")).to_be_attached()
    expect(ana.locator("#presence .avatar")).to_have_count(1)
    cells = ana.locator("table.grid td[id^='cell-']:empty")
    press_together(ana, ben, [cells.nth(i).get_attribute("id") for i in range(ROUNDS)])
