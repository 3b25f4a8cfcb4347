"""A workshop's live streams: the facilitator's board and the participants' ballots, pushed as
the workshop changes. Who may open them, what they send, how often, what they refuse."""

import asyncio
import json
import time
from itertools import pairwise

import pytest
from django.conf import settings
from django.test import Client

from apps.accounts.models import AccessLevel
from apps.accounts.services import member_remove
from apps.live import consumers
from apps.live.workshop import consumers as workshop_consumers
from apps.live.workshop import deltas, renders
from apps.live.workshop.access import page_request
from apps.workshops import services
from apps.workshops.models import Participant, Vote, Workshop
from tests.conftest import add_member, make_matrix, make_user

from .conftest import Stream, in_thread, run, session_cookie


@pytest.fixture(autouse=True)
def _fresh_boards(settings):
    """Each test starts with no board drawn in this process, and joins freely."""
    settings.WORKSHOP_JOINS_PER_MINUTE_PER_IP = 1000
    settings.WORKSHOP_JOINS_PER_MINUTE_PER_SESSION = 1000
    renders.forget()
    yield
    renders.forget()


@pytest.fixture
def world(transactional_db):
    owner, editor, viewer, stranger = (make_user(n) for n in ("olga", "eddie", "vera", "sam"))
    team = owner.personal_team
    add_member(team, editor, AccessLevel.EDITOR)
    add_member(team, viewer, AccessLevel.VIEWER)
    matrix = make_matrix(team=team, activities=5, roles=4, phases=1)
    workshop = services.workshop_start(matrix=matrix, activities=matrix.activities.all(), by=owner)
    people = {"owner": owner, "editor": editor, "viewer": viewer, "stranger": stranger}
    return {
        "matrix": matrix,
        "workshop": workshop,
        "activities": list(matrix.activities.order_by("position", "pk")),
        "roles": list(matrix.roles.order_by("columns__position")),
        "cookies": {who: session_cookie(user) for who, user in people.items()},
        "editor_membership": team.memberships.get(user=editor),
    }


def joined(workshop, name: str):
    """A browser session that joined ``workshop`` as ``name``: (its cookie, the participant)."""
    client = Client()
    assert client.post(f"/w/{workshop.code}/", {"name": name}).status_code == 302
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    return cookie, workshop.participants.get(name=name)


def board(workshop, cookie, query: str = "", **kwargs) -> Stream:
    path = f"/ws/m/{workshop.matrix.slug}/workshops/{workshop.pk}/"
    return _with_query(Stream(path, cookie, **kwargs), query)


def ballot(workshop, cookie, query: str = "", **kwargs) -> Stream:
    return _with_query(Stream(f"/ws/w/{workshop.code}/", cookie, **kwargs), query)


def _with_query(stream: Stream, query: str) -> Stream:
    stream.communicator.scope["query_string"] = query.encode()  # read when the stream opens
    return stream


def now(workshop) -> Workshop:
    return Workshop.objects.get(pk=workshop.pk)


async def fresh(workshop) -> Workshop:
    return await in_thread(now, workshop)


def set_state(workshop, state: str):
    return in_thread(lambda: services.workshop_set_state(workshop=now(workshop), state=state))


def reveal(workshop):
    return in_thread(lambda: services.workshop_reveal(workshop=now(workshop), revealed=True))


def cast(participant, activity, role, code="A"):
    return in_thread(
        services.vote_cast,
        participant=participant,
        activity_id=activity.pk,
        role_id=role.pk,
        code=code,
    )


async def drawn(stream: Stream, timeout: float = 3) -> dict:
    """The next board message: the whole board, or what changed since the one before."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        message = await stream.next(max(0.05, deadline - loop.time()))
        if message["t"] in ("board", "delta"):
            return message
        if message["t"] == "__closed__":
            raise AssertionError(f"closed ({message['code']}) while waiting for the board")


def html_of(message: dict) -> str:
    return message["html"] if message["t"] == "board" else "".join(message["html"])


async def ended(stream: Stream) -> tuple[dict, dict]:
    """The stream's last word and how it closed."""
    closed = await stream.until("closed")
    return closed, await stream.next()


# -- The board ------------------------------------------------------------------------------------


def test_the_board_hears_joins_votes_stage_changes_and_reveals(world):
    workshop, (activity, *_), (role, *_) = world["workshop"], world["activities"], world["roles"]

    async def scenario():
        stream = board(workshop, world["cookies"]["editor"], f"v={workshop.version}")
        await stream.open()
        hello = await stream.until("hello")
        quiet = await stream.all(0.3)  # the page is up to date: nothing to send
        _, ann = await in_thread(joined, workshop, "Ann")
        after_join = await stream.until("board")
        await cast(ann, activity, role, "A")
        after_vote = await stream.until("delta")
        await set_state(workshop, "paused")
        after_pause = await stream.until("board")
        await reveal(workshop)
        after_reveal = await stream.until("board")
        await stream.close()
        return hello, quiet, after_join, after_vote, after_pause, after_reveal

    hello, quiet, after_join, after_vote, after_pause, after_reveal = run(scenario)
    assert hello["v"] == workshop.version and quiet == []
    assert "Ann" in after_join["html"] and "Nobody has joined yet" not in after_join["html"]
    assert after_join["html"].startswith('<div id="board"')
    assert f'data-version="{after_join["v"]}"' in after_join["html"]
    # A vote: only what changed, for the board that shows the one before.
    assert after_vote["v"] == after_join["v"] + 1 and after_vote["from"] == after_join["v"]
    assert "1 answered" in html_of(after_vote)
    assert f'id="ws-cell-{activity.pk}-{role.pk}"' in html_of(after_vote)
    assert 'id="ws-person-' in html_of(after_vote) and "Reopen voting" not in html_of(after_vote)
    assert "Reopen voting" in after_pause["html"] and "ws-state-paused" in after_pause["html"]
    assert "Results shown" in after_reveal["html"]
    assert now(workshop).version == after_reveal["v"]
    # Pushed to every facilitator alike: no one's CSRF token in it (htmx sends the page's own).
    assert "csrfmiddlewaretoken" not in after_reveal["html"]


def test_a_board_that_was_away_catches_up_when_it_reconnects(world):
    workshop, activities, roles = world["workshop"], world["activities"], world["roles"]
    _, ann = joined(workshop, "Ann")
    seen = now(workshop).version

    async def scenario():
        # While the page was disconnected: two votes and a pause.
        await cast(ann, activities[0], roles[0])
        await cast(ann, activities[1], roles[0])
        await set_state(workshop, "paused")
        stream = board(workshop, world["cookies"]["owner"], f"v={seen}")
        await stream.open()
        hello = await stream.until("hello")
        caught_up = await stream.until("board")
        await stream.close()
        return hello, caught_up

    hello, caught_up = run(scenario)
    assert hello["v"] == caught_up["v"] == now(workshop).version == seen + 3
    assert "Reopen voting" in caught_up["html"] and "2 answered" not in caught_up["html"]
    assert caught_up["html"].count("1 answered") == 2


@pytest.mark.parametrize("query", ["", "v=", "v=abc", "v=\u00b2", "v=-1", "v=" + "9" * 30])
def test_a_page_that_names_no_usable_version_gets_the_board_at_once(world, query):
    async def scenario():
        stream = board(world["workshop"], world["cookies"]["owner"], query)
        await stream.open()
        messages = [await stream.next(), await stream.next()]
        await stream.close()
        return messages

    hello, drawn = run(scenario)
    assert hello["t"] == "hello" and drawn["t"] == "board" and drawn["v"] == hello["v"]


def test_a_redraw_that_fails_leaves_the_board_to_the_next_change(world, monkeypatch):
    workshop, activities, roles = world["workshop"], world["activities"], world["roles"]
    _, ann = joined(workshop, "Ann")
    draw = deltas.draw
    failures = []

    def flaky(*args):
        if not failures:
            failures.append(1)
            raise RuntimeError("the database went away for a moment")
        return draw(*args)

    monkeypatch.setattr(deltas, "draw", flaky)

    async def scenario():
        stream = board(workshop, world["cookies"]["owner"], f"v={(await fresh(workshop)).version}")
        await stream.open()
        await stream.until("hello")
        await cast(ann, activities[0], roles[0])
        nothing = await stream.all(0.4)
        await cast(ann, activities[1], roles[0])
        board_drawn = await stream.until("board")
        await stream.close()
        return nothing, board_drawn

    nothing, board_drawn = run(scenario)
    assert nothing == [] and failures == [1]
    assert board_drawn["html"].count("1 answered") == 2


def test_a_vote_shows_on_the_board_within_a_fraction_of_a_second(world):
    workshop, activities, roles = world["workshop"], world["activities"], world["roles"]
    _, ann = joined(workshop, "Ann")

    async def scenario():
        stream = board(workshop, world["cookies"]["editor"], f"v={(await fresh(workshop)).version}")
        await stream.open()
        await stream.until("hello")
        seconds = []
        for activity in activities[:4]:
            await asyncio.sleep(0.3)  # a quiet board: the vote is drawn at once
            started = time.monotonic()
            await cast(ann, activity, roles[0])
            await drawn(stream)
            seconds.append(time.monotonic() - started)
        await stream.close()
        return seconds

    seconds = run(scenario)
    print(f"vote to board message: {[round(s * 1000) for s in seconds]} ms")
    assert max(seconds) < 0.5


def test_a_burst_of_50_votes_redraws_the_boards_at_most_four_times_a_second(world, monkeypatch):
    workshop, activities, roles = world["workshop"], world["activities"], world["roles"]
    people = [joined(workshop, name)[1] for name in ("Ann", "Bob", "Cy", "Di", "Ed")]
    cells = [(a, r) for a in activities for r in roles][:10]
    redraws = []  # when each redraw started
    draw = deltas.draw
    monkeypatch.setattr(deltas, "draw", lambda *a: redraws.append(time.monotonic()) or draw(*a))

    async def scenario():
        version = (await fresh(workshop)).version
        streams = [
            board(workshop, world["cookies"][who], f"v={version}") for who in ("owner", "editor")
        ]
        for stream in streams:
            await stream.open()
            await stream.until("hello")
        started = time.monotonic()
        # Fifty votes in about a second, from five people: a burst a room makes.
        for person, (activity, role) in ((p, cell) for cell in cells for p in people):
            await cast(person, activity, role, "R")
            await asyncio.sleep(0.02)
        voted = time.monotonic() - started
        received = [await stream.all(0.8) for stream in streams]
        for stream in streams:
            await stream.close()
        return voted, received

    voted, received = run(scenario)
    final = now(workshop).version
    assert Vote.objects.filter(participant__workshop=workshop).count() == 50
    # The last redraw comes at most a window after the last vote.
    allowed = 4 * (voted + renders.WINDOW) + 1
    gaps = [later - earlier for earlier, later in pairwise(redraws)]
    print(
        f"50 votes in {voted:.2f} s: {len(redraws)} redraws, "
        f"{[len(r) for r in received]} board messages on the two boards, "
        f"{[round(gap * 1000) for gap in gaps]} ms apart"
    )
    for messages in received:
        boards = [m for m in messages if m["t"] in ("board", "delta")]
        assert 3 <= len(boards) <= allowed  # the board follows the burst, merging its votes
        assert boards[-1]["v"] == final  # the last shows every vote
        assert [m["v"] for m in boards] == sorted({m["v"] for m in boards})  # never older
        # After the first, whole, board: each message what changed since the one before.
        assert boards[0]["t"] == "board" and {m["t"] for m in boards[1:]} == {"delta"}
        assert all(m["from"] == p["v"] for p, m in pairwise(boards))
    # Drawn once per window for both boards of this process, not once per board or vote.
    assert len(redraws) <= allowed
    # Redraws start a window apart; the thread that reads may start one a little late.
    assert min(gaps) >= renders.WINDOW - 0.05
    assert len(gaps) <= (redraws[-1] - redraws[0]) / renders.WINDOW + 1
    assert len(redraws) == len([m for m in received[0] if m["t"] in ("board", "delta")])


def test_long_redraws_come_less_often_so_the_votes_keep_their_thread(world, monkeypatch):
    """A redraw runs on the thread the votes wait for: one that takes 150 ms is followed by the
    next no sooner than SHARE times that, so redraws take at most a fifth of that thread."""
    workshop, activities, roles = world["workshop"], world["activities"], world["roles"]
    people = [joined(workshop, name)[1] for name in ("Ann", "Bob", "Cy")]
    cells = [(a, r) for a in activities for r in roles][:6]
    redraws = []
    draw = deltas.draw

    def slow(*args):
        redraws.append(time.monotonic())
        time.sleep(0.15)  # a large room's redraw, played (the thread's own time, not a wait)
        return draw(*args)

    monkeypatch.setattr(deltas, "draw", slow)

    async def scenario():
        version = (await fresh(workshop)).version
        stream = board(workshop, world["cookies"]["owner"], f"v={version}")
        await stream.open()
        await stream.until("hello")
        for person, (activity, role) in ((p, cell) for cell in cells for p in people):
            await cast(person, activity, role, "R")
            await asyncio.sleep(0.05)
        messages = await stream.all(2.0)
        await stream.close()
        return messages

    messages = run(scenario)
    boards = [m for m in messages if m["t"] in ("board", "delta")]
    assert boards[-1]["v"] == now(workshop).version  # the last shows every vote
    gaps = [later - earlier for earlier, later in pairwise(redraws)]
    assert len(gaps) >= 1
    assert min(gaps) >= renders.SHARE * 0.15 - 0.05


def test_a_facilitator_who_loses_access_loses_the_board(world):
    workshop = world["workshop"]

    async def scenario():
        stream = board(workshop, world["cookies"]["editor"])
        await stream.open()
        await stream.until("hello")
        started = time.monotonic()
        await in_thread(member_remove, membership=world["editor_membership"])
        closed, end = await ended(stream)
        return closed, end, time.monotonic() - started

    _, end, seconds = run(scenario)
    assert end["code"] == consumers.NO_ACCESS
    assert seconds < 2


def test_the_periodic_check_catches_a_board_up_when_a_message_was_lost(world, monkeypatch):
    workshop, activities, roles = world["workshop"], world["activities"], world["roles"]
    _, ann = joined(workshop, "Ann")
    monkeypatch.setattr(workshop_consumers, "TICK", 0.2)
    lost = []
    monkeypatch.setattr("apps.live.receivers.publish", lambda group, message: lost.append(group))

    async def scenario():
        stream = board(workshop, world["cookies"]["editor"], f"v={(await fresh(workshop)).version}")
        await stream.open()
        await stream.until("hello")
        await cast(ann, activities[0], roles[0])
        caught_up = await drawn(stream)
        await stream.close()
        return caught_up

    caught_up = run(scenario)
    assert lost == [f"workshop-{workshop.pk}-board"]
    assert caught_up["v"] == now(workshop).version and "1 answered" in html_of(caught_up)


# -- Ballots --------------------------------------------------------------------------------------


def test_ballots_hear_stage_changes_reveals_and_the_close_and_then_end(world):
    workshop, activities, roles = world["workshop"], world["activities"], world["roles"]
    cookie, _ = joined(workshop, "Ann")
    _, bob = joined(workshop, "Bob")

    async def scenario():
        stream = ballot(workshop, cookie, f"stage={(await fresh(workshop)).stage}&step=1")
        await stream.open()
        hello = await stream.until("hello")
        await set_state(workshop, "paused")
        paused = await stream.next()
        await set_state(workshop, "open")
        reopened = await stream.next()
        # Votes and joins reach only the board.
        await cast(bob, activities[0], roles[0], "A")
        await in_thread(joined, workshop, "Cy")
        quiet = await stream.all(0.4)
        await reveal(workshop)
        revealed, results = await stream.next(), await stream.next()
        await set_state(workshop, "closed")
        final = await stream.until("stage")
        closed, end = await ended(stream)
        return hello, paused, reopened, quiet, revealed, results, final, closed, end

    hello, paused, reopened, quiet, revealed, results, final, closed, end = run(scenario)
    stage = hello["stage"]
    # One small message, the same for every participant: the page updates itself.
    assert paused == {"t": "stage", "stage": stage + 1, "state": "paused", "revealed": False}
    assert reopened == {"t": "stage", "stage": stage + 2, "state": "open", "revealed": False}
    assert quiet == []
    assert revealed == {"t": "stage", "stage": stage + 3, "state": "open", "revealed": True}
    # Then the group's answers, as data: Bob's A, and "none" from the one who answered.
    cell = f"{activities[0].pk}-{roles[0].pk}"
    assert results["t"] == "results" and results["cells"][cell] == ["A", [["A", 1]]]
    assert results["cells"][f"{activities[0].pk}-{roles[1].pk}"] == ["", [["", 1]]]
    assert f"{activities[1].pk}-{roles[0].pk}" not in results["cells"]  # nobody answered it
    assert final["state"] == "closed" and final["stage"] == stage + 4
    assert closed["reason"] == "The workshop has closed." and end["code"] == consumers.GONE


def test_a_stage_message_is_the_same_small_text_in_both_views(world):
    workshop = world["workshop"]
    people = [joined(workshop, name) for name in ("Ann", "Bob")]

    async def scenario():
        stage = (await fresh(workshop)).stage
        streams = [
            ballot(workshop, people[0][0], f"stage={stage}&step=2"),
            ballot(workshop, people[1][0], f"stage={stage}&view=grid"),
        ]
        for stream in streams:
            await stream.open()
            await stream.until("hello")
        await set_state(workshop, "paused")
        got = [await stream.next() for stream in streams]
        for stream in streams:
            await stream.close()
        return got

    step, grid = run(scenario)
    assert step == grid and step["state"] == "paused" and len(json.dumps(step)) < 100


def test_a_ballot_is_drawn_whole_only_when_the_page_asks(world):
    workshop = world["workshop"]
    cookie, _ = joined(workshop, "Ann")

    async def scenario():
        stream = ballot(workshop, cookie, f"stage={(await fresh(workshop)).stage}&step=2")
        await stream.open()
        await stream.until("hello")
        await stream.send({"t": "view", "step": None, "grid": True})
        await stream.send({"t": "sync"})
        as_grid = await stream.until("ballot")
        await stream.close()
        return as_grid

    as_grid = run(scenario)
    assert 'data-view="grid"' in as_grid["html"] and "ws-grid" in as_grid["html"]
    assert "csrfmiddlewaretoken" not in as_grid["html"]


def test_a_ballot_that_was_away_gets_the_closing_stage_and_ends(world):
    workshop = world["workshop"]
    cookie, _ = joined(workshop, "Ann")
    seen = now(workshop).stage
    services.workshop_set_state(workshop=now(workshop), state="closed")

    async def scenario():
        stream = ballot(workshop, cookie, f"stage={seen}&step=1")
        await stream.open()
        hello = await stream.until("hello")
        final = await stream.until("stage")
        closed, end = await ended(stream)
        # Opened again, at the closed workshop's stage: nothing to send, and it ends at once.
        again = ballot(workshop, cookie, f"stage={final['stage']}&step=1")
        await again.open()
        messages = await again.all(0.5)
        return hello, final, closed, end, messages

    hello, final, _, end, messages = run(scenario)
    assert hello["stage"] == final["stage"] > seen and final["state"] == "closed"
    assert end["code"] == consumers.GONE
    assert [m["t"] for m in messages] == ["hello", "closed", "__closed__"]


def test_a_removed_participant_is_told_and_hears_nothing_more(world):
    workshop, activities, roles = world["workshop"], world["activities"], world["roles"]
    ann_cookie, ann = joined(workshop, "Ann")
    bob_cookie, _ = joined(workshop, "Bob")

    async def scenario():
        stage = f"stage={(await fresh(workshop)).stage}&step=1"
        ann_stream, bob_stream = (
            ballot(workshop, ann_cookie, stage),
            ballot(workshop, bob_cookie, stage),
        )
        for stream in (ann_stream, bob_stream):
            await stream.open()
            await stream.until("hello")
        await cast(ann, activities[0], roles[0])
        await in_thread(services.participant_remove, participant=ann)
        closed, end = await ended(ann_stream)
        bob_heard = await bob_stream.all(0.4)  # results hidden: only the stage moved
        # Ann's session opens the stream again: refused at once.
        again = ballot(workshop, ann_cookie, stage)
        await again.open()
        refused = await again.all(0.5)
        await bob_stream.close()
        return closed, end, bob_heard, refused

    closed, end, bob_heard, refused = run(scenario)
    assert closed["removed"] is True and "removed you" in closed["reason"]
    assert end["code"] == consumers.NO_ACCESS
    assert [m["t"] for m in bob_heard] == ["stage"]
    assert [m["t"] for m in refused] == ["closed", "__closed__"] and refused[0]["removed"]


def test_everyone_removed_at_once_is_told_by_the_one_announcement(world):
    workshop = world["workshop"]
    cookies = {}
    for name in ("Ann", "Bob", "Cy"):
        cookies[name], _ = joined(workshop, name)
    gone = list(workshop.participants.filter(name__in=["Ann", "Cy"]).values_list("pk", flat=True))

    async def scenario():
        stage = f"stage={(await fresh(workshop)).stage}&step=1"
        streams = {name: ballot(workshop, cookie, stage) for name, cookie in cookies.items()}
        for stream in streams.values():
            await stream.open()
            await stream.until("hello")
        await in_thread(services.participants_remove, workshop=workshop, participant_ids=gone)
        ends = [await ended(streams[name]) for name in ("Ann", "Cy")]
        bob_heard = await streams["Bob"].all(0.4)
        await streams["Bob"].close()
        return ends, bob_heard

    ends, bob_heard = run(scenario)
    for closed, end in ends:
        assert closed["removed"] is True and end["code"] == consumers.NO_ACCESS
    assert [m["t"] for m in bob_heard] == ["stage"]


def test_removing_someone_after_the_reveal_sends_the_others_the_results_without_them(world):
    workshop, activities, roles = world["workshop"], world["activities"], world["roles"]
    _, ann = joined(workshop, "Ann")
    bob_cookie, _ = joined(workshop, "Bob")
    services.vote_cast(participant=ann, activity_id=activities[0].pk, role_id=roles[0].pk, code="A")
    services.workshop_reveal(workshop=now(workshop), revealed=True)

    async def scenario():
        stream = ballot(workshop, bob_cookie, f"stage={(await fresh(workshop)).stage}&step=1")
        await stream.open()
        await stream.until("hello")
        await in_thread(services.participant_remove, participant=ann)
        results = await stream.until("results")
        await stream.close()
        return results

    assert run(scenario)["cells"] == {}  # Ann's answer has gone with her


# -- Who may open them ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "stranger", "viewer"])
def test_the_board_is_closed_to_all_but_the_editors_of_the_matrix(world, who):
    cookie = None if who == "anonymous" else world["cookies"][who]

    async def scenario():
        stream = board(world["workshop"], cookie)
        await stream.open()
        return await stream.all(0.5)

    messages = run(scenario)
    assert [m["t"] for m in messages] == ["closed", "__closed__"]
    assert messages[-1]["code"] == consumers.NO_ACCESS


def test_a_board_is_reached_only_through_its_own_matrix(world):
    other = make_matrix(team=world["matrix"].team, activities=1, roles=1)

    async def scenario():
        path = f"/ws/m/{other.slug}/workshops/{world['workshop'].pk}/"
        stream = await Stream(path, world["cookies"]["owner"]).open()
        return await stream.all(0.5)

    assert run(scenario)[-1]["code"] == consumers.NO_ACCESS


@pytest.mark.parametrize("who", ["never joined", "editor", "another workshop's participant"])
def test_a_ballot_is_closed_to_a_session_that_never_joined_it(world, who):
    workshop = world["workshop"]
    if who == "never joined":
        client = Client()
        client.get(f"/w/{workshop.code}/")  # opened the join page, gave no name
        cookie = f"{settings.SESSION_COOKIE_NAME}={client.session.session_key}"
    elif who == "editor":
        cookie = world["cookies"]["editor"]
    else:
        other = services.workshop_start(matrix=world["matrix"], activities=world["activities"][:1])
        cookie, _ = joined(other, "Ann")

    async def scenario():
        stream = await ballot(workshop, cookie).open()
        return await stream.all(0.5)

    messages = run(scenario)
    assert [m["t"] for m in messages] == ["closed", "__closed__"]
    assert messages[-1]["code"] == consumers.NO_ACCESS


def test_another_sites_page_cannot_open_a_workshop_stream(world):
    workshop = world["workshop"]
    cookie, _ = joined(workshop, "Ann")

    async def scenario():
        evil = "https://evil.example"
        facilitator = await board(workshop, world["cookies"]["editor"], origin=evil).open()
        participant = await ballot(workshop, cookie, origin=evil).open()
        return facilitator.accepted, participant.accepted

    assert run(scenario) == (False, False)


# -- What a browser may send ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["board", "ballot"])
def test_a_message_that_tries_to_write_is_refused_and_changes_nothing(world, kind):
    workshop, (activity, *_) = world["workshop"], world["activities"]
    cookie, ann = joined(workshop, "Ann")
    before = now(workshop)
    attempts = [
        {"t": "state", "state": "closed"},
        {"t": "remove", "participant": ann.pk},
        {"t": "settle", "activity": activity.pk},
    ]

    async def scenario():
        if kind == "board":
            stream = board(workshop, world["cookies"]["owner"], f"v={before.version}")
        else:
            stream = ballot(workshop, cookie, f"stage={before.stage}")
        await stream.open()
        await stream.until("hello")
        refused = []
        for attempt in attempts:
            await stream.send(attempt)
            refused.append(await stream.until("refused"))
        await stream.close()
        return refused

    refused = run(scenario)
    assert all("through the page" in r["reason"] for r in refused)
    after = now(workshop)
    assert (after.version, after.state, after.revealed) == (before.version, "open", False)
    assert not Vote.objects.exists() and Participant.objects.get(pk=ann.pk).removed_at is None


@pytest.mark.parametrize(
    "message",
    [
        "not json",
        "[1, 2]",
        '{"t": ["view"]}',
        '{"t": "view", "step": 0}',
        '{"t": "view", "step": "2"}',
        '{"t": "view", "step": 10001}',
        '{"t": "view", "step": true}',
        '{"t": "view", "grid": "yes"}',
        '{"t": "view", "step": 1, "participant": 7}',
        '{"t": "view", "step": ' + "1" * 600 + "}",  # too long to be read
    ],
)
def test_malformed_messages_are_refused(world, message):
    workshop = world["workshop"]
    cookie, _ = joined(workshop, "Ann")

    async def scenario():
        stream = ballot(workshop, cookie, f"stage={(await fresh(workshop)).stage}")
        await stream.open()
        await stream.until("hello")
        await stream.send(message)
        refused = await stream.until("refused")
        await stream.send({"t": "ping"})
        pong = await stream.until("pong")  # still open
        await stream.close()
        return refused, pong

    refused, pong = run(scenario)
    assert refused["reason"] == "That message was not understood."
    assert pong == {"t": "pong"}


def test_a_board_takes_no_view_and_a_client_that_keeps_sending_junk_is_cut_off(world):
    async def scenario():
        stream = board(world["workshop"], world["cookies"]["editor"])
        await stream.open()
        await stream.until("hello")
        await stream.send({"t": "view", "step": 2})
        refused = await stream.until("refused")
        for _ in range(consumers.MAX_REFUSED):
            await stream.send("junk")
        return refused, await ended(stream)

    refused, (_, end) = run(scenario)
    assert "through the page" in refused["reason"]
    assert end["code"] == consumers.MISBEHAVED


# -- What a push costs ----------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(2, 2, 1), (10, 7, 6)])
def test_a_pushed_board_or_ballot_is_read_in_a_fixed_number_of_queries(
    transactional_db, django_assert_num_queries, size
):
    activities, roles, people = size
    owner = make_user()
    matrix = make_matrix(team=owner.personal_team, activities=activities, roles=roles)
    workshop = services.workshop_start(matrix=matrix, activities=matrix.activities.all())
    everyone = [services.participant_join(workshop=workshop, name=f"P{i}") for i in range(people)]
    for participant in everyone:
        for activity in matrix.activities.all():
            for role in matrix.roles.all():
                services.vote_cast(
                    participant=participant, activity_id=activity.pk, role_id=role.pk, code="R"
                )
    services.workshop_reveal(workshop=workshop, revealed=True)
    scope = {"path": "/ws/", "headers": [(b"host", b"127.0.0.1:8000")]}
    request = page_request(scope)
    renders.draw_board(workshop.pk, request)  # fills the matrix's structure cache
    # The workshop with its matrix; activities, participants, the kept tallies (cells,
    # activities), matrix cells, settled cells, the confusable letters' votes.
    with django_assert_num_queries(8):
        board_drawn = renders.draw_board(workshop.pk, request)
    # A redraw after a vote, as what changed: the same reads, the confusable letters' votes of
    # the changed activity only; however many people and votes.
    snap, _ = deltas.draw(workshop.pk, None)
    services.vote_cast(
        participant=everyone[0],
        activity_id=matrix.activities.first().pk,
        role_id=matrix.roles.first().pk,
        code="A",
    )
    with django_assert_num_queries(8):
        _, delta = deltas.draw(workshop.pk, snap)
    assert delta["from"] == snap.version and len(json.dumps(delta)) < 20_000
    # The participant with workshop and matrix; activity ids, activities, own votes, the group's
    # kept tallies (cells, activities).
    with django_assert_num_queries(6):
        ballot_drawn = renders.draw_ballot(everyone[0].pk, 1, False)
    with django_assert_num_queries(5):
        renders.draw_ballot(everyone[0].pk, None, True)
    assert board_drawn.at == Workshop.objects.get(pk=workshop.pk).version - 1  # before the vote
    assert ballot_drawn.at == Workshop.objects.get(pk=workshop.pk).stage
