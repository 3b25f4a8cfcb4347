"""Votes over a ballot's open stream: the protocol a page and the load generator speak
(apps/live/workshop/votes.py), what each refusal says, and that every acknowledged vote is
stored and counted."""

import asyncio

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.live.workshop import renders
from apps.live.workshop import votes as stream_votes
from apps.workshops import services
from apps.workshops.models import Tally, Vote

from .conftest import run
from .test_workshop_streams import (
    ballot,
    board,
    drawn,
    fresh,
    in_thread,
    joined,
    now,
    set_state,
    world,
)

__all__ = ["world"]  # the fixture, shared with the streams' tests


@pytest.fixture(autouse=True)
def _fresh(settings):
    settings.WORKSHOP_JOINS_PER_MINUTE_PER_IP = 1000
    settings.WORKSHOP_JOINS_PER_MINUTE_PER_SESSION = 1000
    renders.forget()
    yield
    renders.forget()


async def opened(workshop, cookie, query=""):
    stream = ballot(workshop, cookie, f"stage={(await fresh(workshop)).stage}{query}")
    await stream.open()
    await stream.until("hello")
    return stream


def test_a_vote_is_saved_counted_and_acknowledged_with_the_version(world):
    workshop, activities, roles = world["workshop"], world["activities"], world["roles"]
    cookie, ann = joined(workshop, "Ann")
    a, r = activities[0].pk, roles[0].pk

    async def scenario():
        stream = await opened(workshop, cookie)
        await stream.send({"t": "vote", "n": 1, "a": a, "r": r, "c": "A"})
        first = await stream.until("voted")
        await stream.send({"t": "vote", "n": 2, "a": a, "r": r, "c": "R"})
        second = await stream.until("voted")
        await stream.send({"t": "vote", "n": 3, "a": a, "r": roles[1].pk, "c": ""})
        third = await stream.until("voted")
        await stream.close()
        return first, second, third

    first, second, third = run(scenario)
    assert first == {"t": "voted", "n": 1, "a": a, "r": r, "c": "A", "v": first["v"]}
    assert second["v"] == first["v"] + 1 and third["v"] == now(workshop).version
    assert dict(ann.votes.values_list("role_id", "code")) == {r: "R", roles[1].pk: ""}
    counts = {(t.role_id, t.code): t.count for t in Tally.objects.filter(workshop=workshop)}
    assert counts == {(r, "A"): 0, (r, "R"): 1, (roles[1].pk, ""): 1}
    ann.refresh_from_db()
    assert ann.answered == 1


@pytest.mark.parametrize(
    "change, status, words",
    [
        ("paused", 409, "Voting is paused"),
        ("closed", 409, "Voting is closed"),
        ("removed", 403, "not in this workshop"),
    ],
)
def test_a_vote_the_workshop_cannot_take_is_refused_with_its_reason(world, change, status, words):
    workshop, activities, roles = world["workshop"], world["activities"], world["roles"]
    cookie, ann = joined(workshop, "Ann")

    async def scenario():
        stream = await opened(workshop, cookie)
        # The change lands in the database without the stream hearing of it first (the vote
        # races it): the vote's own transaction must catch it.
        if change == "removed":
            await in_thread(
                lambda: (
                    type(ann).objects.filter(pk=ann.pk).update(removed_at=now(workshop).created_at)
                )
            )
        else:
            await in_thread(
                lambda: type(workshop).objects.filter(pk=workshop.pk).update(state=change)
            )
        vote = {"t": "vote", "n": 7, "a": activities[0].pk, "r": roles[0].pk, "c": "A"}
        await stream.send(vote)
        refused = await stream.until("vote-refused")
        await stream.close()
        return refused

    refused = run(scenario)
    assert refused["n"] == 7 and refused["status"] == status and words in refused["reason"]
    assert not Vote.objects.exists() and not Tally.objects.exists()


@pytest.mark.parametrize(
    "cell",
    [
        {"a": 999_999, "r": None, "c": "A"},  # not an activity of the workshop
        {"a": None, "r": 999_999, "c": "A"},  # not a role of the matrix
        {"a": None, "r": None, "c": "X"},  # not a letter of the scheme
        {"a": None, "r": None, "c": "none"},
        {"a": "1", "r": None, "c": "A"},
    ],
)
def test_a_vote_for_a_cell_or_letter_the_workshop_has_not_is_refused_400(world, cell):
    workshop, activities, roles = world["workshop"], world["activities"], world["roles"]
    cookie, _ = joined(workshop, "Ann")
    vote = {
        "t": "vote",
        "n": 3,
        "a": cell["a"] or activities[0].pk,
        "r": cell["r"] or roles[0].pk,
        "c": cell["c"],
    }

    async def scenario():
        stream = await opened(workshop, cookie)
        answers = []
        for _ in range(25):  # more than a stream's refused messages: bad votes are not those
            await stream.send(vote)
            answers.append(await stream.until("vote-refused"))
        await stream.send({"t": "ping"})
        pong = await stream.until("pong")
        await stream.close()
        return answers, pong

    answers, pong = run(scenario)
    statuses = {answer["status"] for answer in answers}
    assert statuses <= {400, 429} and 400 in statuses and pong == {"t": "pong"}
    assert all(answer["n"] == 3 for answer in answers)
    assert not Vote.objects.exists()


@pytest.mark.parametrize("n", [0, -1, 2**31 + 1, "1", True, None])
def test_a_vote_without_a_usable_number_is_not_understood(world, n):
    workshop, activities, roles = world["workshop"], world["activities"], world["roles"]
    cookie, _ = joined(workshop, "Ann")

    async def scenario():
        stream = await opened(workshop, cookie)
        await stream.send({"t": "vote", "n": n, "a": activities[0].pk, "r": roles[0].pk, "c": "A"})
        refused = await stream.until("refused")
        await stream.close()
        return refused

    assert run(scenario)["reason"] == "That message was not understood."
    assert not Vote.objects.exists()


def test_a_stream_votes_at_most_twenty_times_a_second(world):
    workshop, activities, roles = world["workshop"], world["activities"], world["roles"]
    cookie, _ = joined(workshop, "Ann")

    async def scenario():
        stream = await opened(workshop, cookie)
        for n in range(1, 31):
            code = "AR"[n % 2]
            await stream.send(
                {"t": "vote", "n": n, "a": activities[0].pk, "r": roles[0].pk, "c": code}
            )
        answers = [await stream.next() for _ in range(30)]
        await stream.close()
        return answers

    answers = run(scenario)
    voted = [m for m in answers if m["t"] == "voted"]
    too_fast = [m for m in answers if m["t"] == "vote-refused"]
    assert len(voted) + len(too_fast) == 30
    assert 20 <= len(voted) < 30 and {m["status"] for m in too_fast} == {429}
    # The last acknowledged vote is the one stored.
    last = max(voted, key=lambda m: m["n"])
    assert Vote.objects.get().code == last["c"]


def test_the_board_ends_showing_the_last_acknowledged_vote(world):
    workshop, activities, roles = world["workshop"], world["activities"], world["roles"]
    people = [joined(workshop, name) for name in ("Ann", "Bob", "Cy")]

    async def scenario():
        facilitator = board(
            workshop, world["cookies"]["owner"], f"v={(await fresh(workshop)).version}"
        )
        await facilitator.open()
        await facilitator.until("hello")
        streams = [await opened(workshop, cookie) for cookie, _ in people]
        n = 0
        for activity in activities[:3]:
            for stream in streams:
                n += 1
                await stream.send(
                    {"t": "vote", "n": n, "a": activity.pk, "r": roles[0].pk, "c": "R"}
                )
        acks = [await stream.until("voted") for stream in streams for _ in range(3)]
        last = max(ack["v"] for ack in acks)
        shown = -1
        while shown < last:
            shown = (await drawn(facilitator, timeout=5))["v"]
        for stream in (*streams, facilitator):
            await stream.close()
        return acks, shown

    acks, shown = run(scenario)
    assert shown == max(ack["v"] for ack in acks) == now(workshop).version
    assert Vote.objects.count() == 9


def test_two_streams_voting_on_one_cell_at_once_are_counted_right(world):
    """Every acknowledged vote is stored, and the tallies agree with the votes."""
    workshop, activities, roles = world["workshop"], world["activities"], world["roles"]
    people = [joined(workshop, name) for name in ("Ann", "Bob")]
    a, r = activities[0].pk, roles[0].pk

    async def voter(stream, codes):
        for n, code in enumerate(codes, 1):
            await stream.send({"t": "vote", "n": n, "a": a, "r": r, "c": code})
            await stream.until("voted")

    async def scenario():
        streams = [await opened(workshop, cookie) for cookie, _ in people]
        await asyncio.gather(voter(streams[0], "ARAR" * 3), voter(streams[1], "CIRA" * 3))
        for stream in streams:
            await stream.close()

    run(scenario)
    assert sorted(Vote.objects.values_list("code", flat=True)) == ["A", "R"]
    counts = {t.code: t.count for t in Tally.objects.filter(count__gt=0)}
    assert counts == {"A": 1, "R": 1}


def test_the_board_counts_the_ballots_that_have_the_current_stage(world):
    workshop = world["workshop"]
    people = [joined(workshop, name) for name in ("Ann", "Bob", "Cy")]

    async def scenario():
        streams = [await opened(workshop, cookie) for cookie, _ in people]
        stage = (await fresh(workshop)).stage
        for stream in streams:
            await stream.send({"t": "seen", "stage": stage})
        facilitator = board(workshop, world["cookies"]["owner"])
        await facilitator.open()
        before = await facilitator.until("receipts")  # the open ballots answer its question
        while before["seen"] < 3:
            before = await facilitator.until("receipts")
        await set_state(workshop, "paused")
        for stream in streams:
            await stream.until("stage")
        after = await facilitator.until("receipts")
        while after["stage"] != stage + 1:
            after = await facilitator.until("receipts")
        for stream in streams[:2]:
            await stream.send({"t": "seen", "stage": stage + 1})
        two = await facilitator.until("receipts")
        while two["seen"] < 2:
            two = await facilitator.until("receipts")
        await streams[2].close()
        gone = await facilitator.until("receipts")
        for stream in (*streams[:2], facilitator):
            await stream.close()
        return before, after, two, gone

    before, after, two, gone = run(scenario)
    assert (before["seen"], before["open"]) == (3, 3)
    assert (after["seen"], after["open"]) == (0, 3) and "v" in after
    assert (two["seen"], two["open"]) == (2, 3)
    assert (gone["seen"], gone["open"]) == (2, 2)


def statements(call) -> int:
    """The statements ``call`` runs, leaving out the transaction's own begin and commit (which
    SQLite's backend logs and PostgreSQL's does not)."""
    with CaptureQueriesContext(connection) as captured:
        call()
    return sum(
        1 for q in captured.captured_queries if q["sql"].split()[0] not in ("BEGIN", "COMMIT")
    )


def test_the_vote_is_one_database_hop_of_a_fixed_number_of_queries(world):
    workshop, activities, roles = world["workshop"], world["activities"], world["roles"]
    everyone = [services.participant_join(workshop=workshop, name=f"P{i}") for i in range(6)]
    frames = [
        stream_votes.frame_of(type(p).objects.select_related("workshop__matrix").get(pk=p.pk))
        for p in everyone
    ]
    for frame in frames[1:]:
        stream_votes.record(frame, activities[0].pk, roles[0].pk, "A")
    a, r = activities[0].pk, roles[0].pk
    if connection.vendor == "postgresql":
        # One statement, whatever the vote does (migrations/0004_vote_function.py).
        for code in ("A", "R", "R"):
            assert statements(lambda code=code: stream_votes.record(frames[0], a, r, code)) == 1
        return
    # The conditional version raise, the participant's votes on the activity, the upsert, the
    # tally moved (old letter out, new in), and on a first answer its two counts; however many
    # have voted.
    assert statements(lambda: stream_votes.record(frames[0], a, r, "A")) == 6
    assert statements(lambda: stream_votes.record(frames[0], a, r, "R")) == 5
    # The same letter again: nothing to count.
    assert statements(lambda: stream_votes.record(frames[0], a, r, "R")) == 2
