"""Fifty participants voting at once against a live server lose no vote and see no error.

Runs on whichever database the suite uses, and never skips: CI runs the suite on SQLite and
again on PostgreSQL (DATABASE_URL=postgres://...), so it runs on both there. On SQLite the
writers queue for the database lock (IMMEDIATE transactions, a 30 s busy timeout) instead of
failing; on PostgreSQL they write side by side.
"""

import http.cookiejar
import os
import re
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connection
from django.test.testcases import LiveServerThread, _StaticFilesHandler

from apps.raci.schemes import RACI
from apps.workshops import services
from apps.workshops.models import Vote
from tests.conftest import make_matrix, make_user

PEOPLE = 50


class RoomServer(ThreadedWSGIServer):
    # Django's development server queues 10 connections; fifty phones at once need more, as
    # gunicorn's default backlog (2048) gives in production.
    request_queue_size = 128


class RoomServerThread(LiveServerThread):
    server_class = RoomServer


@pytest.fixture
def room_server(transactional_db):
    thread = RoomServerThread("127.0.0.1", static_handler=_StaticFilesHandler)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://127.0.0.1:{thread.port}"
    thread.terminate()


class Browser:
    """One participant's phone: its own cookies (session and CSRF), like a real browser."""

    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def csrf(self):
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def request(self, path, data=None, headers=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers=headers or {})  # noqa: S310
        if data is not None:
            request.add_header("X-CSRFToken", self.csrf())
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def join(self, code, name):
        status, page = self.request(f"/w/{code}/")
        assert status == 200, page
        status, page = self.request(f"/w/{code}/", {"name": name})
        assert status == 200 and re.search(r"Activity <strong>1</strong>", page), page[:500]


def test_the_suite_runs_on_the_database_ci_asked_for():
    """CI's PostgreSQL run must really exercise PostgreSQL: a settings change that quietly fell
    back to SQLite would make the test below prove nothing about it."""
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert connection.vendor == expected


def test_fifty_participants_voting_at_once_lose_no_vote(room_server, settings):
    settings.WORKSHOP_JOINS_PER_MINUTE_PER_IP = 1000
    owner = make_user("facilitator")
    matrix = make_matrix(team=owner.personal_team, activities=3, roles=4)
    workshop = services.workshop_start(matrix=matrix, activities=matrix.activities.all(), by=owner)
    activities = list(matrix.activities.values_list("pk", flat=True))
    roles = list(matrix.roles.values_list("pk", flat=True))
    phones = [Browser(room_server) for _ in range(PEOPLE)]
    for i, phone in enumerate(phones):
        phone.join(workshop.code, f"Person {i}")

    def expected(i, activity, role):
        return RACI.codes[(i + activity + role) % len(RACI.codes)]

    barrier = threading.Barrier(PEOPLE)
    failures, timings = [], []

    def vote(i, phone):
        barrier.wait()
        for activity in activities:
            for role in roles:
                started = time.perf_counter()
                status, body = phone.request(
                    f"/w/{workshop.code}/cast/",
                    {"activity": activity, "role": role, "code": expected(i, activity, role)},
                    {"HX-Request": "true"},
                )
                timings.append(time.perf_counter() - started)
                if status != 200 or 'aria-pressed="true"' not in body:
                    failures.append((i, status, body[:200]))

    threads = [threading.Thread(target=vote, args=(i, p)) for i, p in enumerate(phones)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert failures == []
    assert Vote.objects.count() == PEOPLE * len(activities) * len(roles)
    names = {p.pk: int(p.name.split()[1]) for p in workshop.participants.all()}
    for participant, activity, role, code in Vote.objects.values_list(
        "participant", "activity", "role", "code"
    ):
        assert code == expected(names[participant], activity, role)
    workshop.refresh_from_db()
    assert workshop.version >= PEOPLE * (1 + len(activities) * len(roles))
    p95 = statistics.quantiles(timings, n=20)[-1]
    print(
        f"\n{len(timings)} votes by {PEOPLE} people at once on {connection.vendor}: "
        f"p95 {p95 * 1000:.0f} ms"
    )
