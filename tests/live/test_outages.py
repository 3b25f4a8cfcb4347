"""Streams when Redis or the database is away. Each process asks Redis every few seconds whether
it is there (apps/live/watch.py): when it does not answer, the process's streams close, so that
the pages say "Reconnecting…" and come back when it does; when another Redis answers (it
restarted), every stream catches up. A stream that cannot open for want of either closes with
1011, which the page retries. (With real processes and real outages: tests/scaleout.)"""

import asyncio

import pytest

from apps.accounts.models import AccessLevel
from apps.live import presence, watch
from apps.matrices.services import responsibility_assign as assign
from tests.conftest import add_member, make_matrix, make_user

from .conftest import Stream, in_thread, run, session_cookie
from .test_streams import first_cell, path


@pytest.fixture
def team_and_people(transactional_db):
    owner, editor, viewer = (make_user(name) for name in ("olga", "eddie", "vera"))
    add_member(owner.personal_team, editor, AccessLevel.EDITOR)
    add_member(owner.personal_team, viewer, AccessLevel.VIEWER)
    return {
        "matrix": make_matrix(team=owner.personal_team, activities=4, roles=3, phases=2),
        "cookies": {"editor": session_cookie(editor), "viewer": session_cookie(viewer)},
    }


class Flaky(presence.MemoryPresence):
    """The presence list in memory, and a Redis that answers with ``answer`` or not at all."""

    answer: str | None = "first"

    async def server_id(self) -> str:
        if self.answer is None:
            raise ConnectionError("Redis is away")
        return self.answer


@pytest.fixture
def redis(settings, monkeypatch):
    settings.REDIS_URL = settings.REDIS_URL or "redis://127.0.0.1:6379/9"  # watched
    store = Flaky()
    monkeypatch.setattr(presence, "_store", store)
    monkeypatch.setattr(watch, "WATCH", 0.05)
    return store


def test_when_redis_stops_answering_every_stream_of_the_process_closes_at_once(
    team_and_people, redis
):
    world = team_and_people
    matrix = world["matrix"]

    async def scenario():
        streams = [
            await Stream(path(matrix), world["cookies"][who]).open() for who in ("editor", "viewer")
        ]
        for stream in streams:
            await stream.until("hello")
        redis.answer = None
        codes = []
        for stream in streams:
            messages = await stream.all(timeout=1)
            codes.append(messages[-1] if messages else None)
        return codes

    assert run(scenario) == [{"t": "__closed__", "code": 1011}] * 2


def test_when_another_redis_answers_every_stream_catches_up_with_what_it_lost(
    team_and_people, redis, monkeypatch
):
    world = team_and_people
    matrix = world["matrix"]
    activity, role = first_cell(matrix)
    lost = []
    monkeypatch.setattr("apps.live.receivers.publish", lambda group, message: lost.append(message))

    async def scenario():
        stream = await Stream(path(matrix), world["cookies"]["viewer"]).open()
        await stream.until("hello")
        await stream.all(timeout=0.2)  # the watcher has seen the first server
        await in_thread(assign, matrix=matrix, activity=activity, role=role, code="C")
        assert [m for m in await stream.all(timeout=0.3) if m["t"] in ("change", "sync")] == []
        redis.answer = "second"  # restarted between two questions: what it carried is lost
        return await stream.until("sync", timeout=2)

    sync = run(scenario)
    assert lost and lost[0]["type"] == "matrix.changed"
    assert sync["at"] == lost[0]["version"]
    assert f'id="cell-{activity.pk}-{role.pk}"' in "".join(sync["regions"])


def test_without_redis_nothing_is_watched(team_and_people, settings):
    settings.REDIS_URL = ""
    world = team_and_people

    async def scenario():
        stream = await Stream(path(world["matrix"]), world["cookies"]["viewer"]).open()
        await stream.until("hello")
        return watch._watchers.get(asyncio.get_running_loop())

    assert run(scenario) is None


class Away(presence.MemoryPresence):
    async def join(self, matrix_id, member):
        raise ConnectionError("Redis is away")


@pytest.mark.parametrize("away", ["database", "redis"])
def test_a_stream_that_cannot_open_for_want_of_a_service_is_closed_to_be_retried(
    team_and_people, monkeypatch, away
):
    from django.db import OperationalError

    from apps.live import consumers

    if away == "database":

        def no_database(*args):
            raise OperationalError("connection refused")

        monkeypatch.setattr(consumers, "audience_for_session", no_database)
    else:
        monkeypatch.setattr(presence, "_store", Away())
    world = team_and_people

    async def scenario():
        stream = await Stream(path(world["matrix"]), world["cookies"]["viewer"]).open()
        return stream.accepted, await stream.all(timeout=1)

    accepted, messages = run(scenario)
    assert accepted
    assert messages == [{"t": "__closed__", "code": 1011}]


def test_a_periodic_check_leaves_a_change_still_on_its_way_to_arrive(team_and_people, monkeypatch):
    """Under steady editing, a check nearly always finds the matrix a change ahead of what the
    stream sent, because that change is being broadcast: it must not send every region for it."""
    from apps.live import consumers
    from apps.live.broadcast import publish

    world = team_and_people
    matrix = world["matrix"]
    activity, role = first_cell(matrix)
    monkeypatch.setattr(consumers, "TICK", 0.3)
    held = []
    monkeypatch.setattr("apps.live.receivers.publish", lambda *message: held.append(message))

    async def scenario():
        stream = await Stream(path(matrix), world["cookies"]["viewer"]).open()
        await stream.until("hello")
        await in_thread(assign, matrix=matrix, activity=activity, role=role, code="C")
        await asyncio.sleep(0.4)  # a check (at 0.3 s) has seen the matrix ahead of the stream
        for message in held:
            await in_thread(publish, *message)
        return [message["t"] for message in await stream.all(timeout=0.8)]

    kinds = run(scenario)
    assert "change" in kinds
    assert "sync" not in kinds


def test_workshop_streams_are_watched_too(transactional_db, redis, monkeypatch):
    """The board and the ballots close when Redis stops answering, as the matrix's streams do,
    and a board catches up on what a restarted Redis lost."""
    from apps.workshops import services as workshops

    from .test_workshop_streams import ballot, board, cast, fresh, joined

    owner = make_user("olga")
    matrix = make_matrix(team=owner.personal_team, activities=3, roles=2, phases=1)
    workshop = workshops.workshop_start(matrix=matrix, activities=matrix.activities.all(), by=owner)
    cookie, ann = joined(workshop, "Ann")
    activity, role = matrix.activities.first(), matrix.roles.first()
    owner_cookie = session_cookie(owner)
    lost = []
    monkeypatch.setattr("apps.live.receivers.publish", lambda group, message: lost.append(group))

    async def scenario():
        facilitator = board(workshop, owner_cookie, f"v={(await fresh(workshop)).version}")
        streams = [await facilitator.open(), await ballot(workshop, cookie).open()]
        for stream in streams:
            await stream.until("hello")
        await stream.all(timeout=0.2)  # the watcher has seen the first server
        await cast(ann, activity, role)
        assert [m for m in await facilitator.all(timeout=0.3) if m["t"] == "board"] == []
        redis.answer = "second"  # restarted: the vote's message is lost
        caught_up = await facilitator.until("board", timeout=2)
        redis.answer = None
        ends = [(await stream.all(timeout=1))[-1] for stream in streams]
        return caught_up, ends

    caught_up, ends = run(scenario)
    assert lost and "1 answered" in caught_up["html"]
    assert ends == [{"t": "__closed__", "code": 1011}] * 2
