"""A matrix's live stream: who may open it, what it sends, what it refuses."""

import asyncio
import time

import pytest

from apps.accounts.models import AccessLevel
from apps.accounts.services import member_remove
from apps.live import consumers
from apps.matrices.models import Matrix
from apps.matrices.services import activity_create, column_rename, matrix_delete, matrix_update
from apps.matrices.services import responsibility_assign as assign
from apps.sharing.services import share_link_create, share_link_revoke
from tests.conftest import add_member, make_matrix, make_user

from .conftest import Stream, in_thread, run, session_cookie


@pytest.fixture
def team_and_people(transactional_db):
    owner, editor, viewer, stranger = (make_user(n) for n in ("olga", "eddie", "vera", "sam"))
    team = owner.personal_team
    add_member(team, editor, AccessLevel.EDITOR)
    viewer_membership = add_member(team, viewer, AccessLevel.VIEWER)
    matrix = make_matrix(team=team, activities=4, roles=3, phases=2)
    people = {"owner": owner, "editor": editor, "viewer": viewer, "stranger": stranger}
    return {
        "cookies": {who: session_cookie(user) for who, user in people.items()},
        "matrix": matrix,
        "owner": owner,
        "editor": editor,
        "viewer": viewer,
        "stranger": stranger,
        "viewer_membership": viewer_membership,
    }


def path(matrix) -> str:
    return f"/ws/m/{matrix.slug}/"


def first_cell(matrix):
    activity = matrix.activities.order_by("pk").first()
    role = matrix.roles.order_by("pk").last()
    return activity, role


# -- Opening a stream -----------------------------------------------------------------------------


def test_it_opens_for_members_with_the_matrix_version_and_who_is_there(team_and_people):
    world = team_and_people
    matrix = world["matrix"]

    async def scenario():
        editor = await Stream(path(matrix), world["cookies"]["editor"]).open()
        hello = await editor.until("hello")
        viewer = await Stream(path(matrix), world["cookies"]["viewer"]).open()
        hello_viewer = await viewer.until("hello")
        joined = await editor.until("join")
        await editor.close()
        left = await viewer.until("leave")
        await viewer.close()
        return hello, hello_viewer, joined, left

    hello, hello_viewer, joined, left = run(scenario)
    assert hello["v"] == matrix.version
    assert [m["name"] for m in hello["roster"]] == ["eddie"]
    assert sorted(m["name"] for m in hello_viewer["roster"]) == ["eddie", "vera"]
    assert joined["member"]["name"] == "vera" and joined["member"]["viewer"] is True
    assert left["id"] == hello["me"]


@pytest.mark.parametrize("who", ["anonymous", "stranger"])
def test_it_is_closed_to_those_who_may_not_see_the_matrix(team_and_people, who):
    world = team_and_people
    cookie = None if who == "anonymous" else world["cookies"]["stranger"]

    async def scenario():
        stream = await Stream(path(world["matrix"]), cookie).open()
        first = await stream.next()
        second = await stream.next()
        return first, second

    first, second = run(scenario)
    assert first["t"] == "closed"
    assert second == {"t": "__closed__", "code": consumers.NO_ACCESS}


def test_another_sites_page_cannot_open_a_stream(team_and_people):
    world = team_and_people

    async def scenario():
        cookie = world["cookies"]["editor"]
        stream = await Stream(path(world["matrix"]), cookie, origin="https://evil.example").open()
        return stream.accepted

    assert run(scenario) is False


def test_a_share_link_opens_a_read_only_stream_and_a_revoked_one_closes_it(team_and_people):
    world = team_and_people
    matrix = world["matrix"]
    link = share_link_create(matrix=matrix, by=world["owner"])
    activity, role = first_cell(matrix)

    async def scenario():
        guest = await Stream(f"/ws/s/{link.token}/").open()
        hello = await guest.until("hello")
        await in_thread(assign, matrix=matrix, activity=activity, role=role, code="I")
        change = await guest.until("change")
        started = time.monotonic()
        await in_thread(share_link_revoke, matrix=matrix)
        closed = await guest.until("closed")
        end = await guest.next()
        return hello, change, closed, end, time.monotonic() - started

    hello, change, closed, end, seconds = run(scenario)
    assert hello["roster"] == []  # a visitor is told of the team only (test_guest_privacy.py)
    assert f'id="cell-{activity.pk}-{role.pk}"' in "".join(change["regions"])
    assert "Options for" not in "".join(change["regions"])  # read-only markup
    assert "revoked" not in closed["reason"] or closed["reason"]
    assert end["code"] == consumers.NO_ACCESS
    assert seconds < 2


def test_an_unknown_share_token_is_refused(team_and_people):
    async def scenario():
        stream = await Stream("/ws/s/not-a-token/").open()
        return await stream.next(), await stream.next()

    first, second = run(scenario)
    assert first["t"] == "closed" and second["code"] == consumers.NO_ACCESS


# -- Changes --------------------------------------------------------------------------------------


def test_a_change_reaches_every_stream_with_its_version_and_the_regions_it_redraws(
    team_and_people,
):
    world = team_and_people
    matrix = world["matrix"]
    activity, role = first_cell(matrix)

    async def scenario():
        editor = await Stream(path(matrix), world["cookies"]["editor"]).open()
        viewer = await Stream(path(matrix), world["cookies"]["viewer"]).open()
        await editor.until("hello")
        await viewer.until("hello")
        await in_thread(
            assign, matrix=matrix, activity=activity, role=role, code="C", by=world["owner"]
        )
        return await editor.until("change"), await viewer.until("change")

    for_editor, for_viewer = run(scenario)
    matrix.refresh_from_db()
    for message in (for_editor, for_viewer):
        assert message["v"] == matrix.version
        assert message["action"] == "cell"
        assert message["by"]["name"] == "olga"
        assert message["cells"] == [[activity.pk, role.pk]]
        html = "".join(message["regions"])
        assert f'<td id="cell-{activity.pk}-{role.pk}" class="l-C">C</td>' in html
        regions = (f"status-{activity.pk}", f"colsum-{role.pk}", f"workload-{role.pk}", "summary")
        for region in regions:
            assert f'id="{region}"' in html
    # Cells are the same for everyone; the findings panel links to rows for all.
    assert for_editor["regions"][0] == for_viewer["regions"][0]


def test_structure_and_title_changes_redraw_the_grid_and_the_header(team_and_people):
    world = team_and_people
    matrix = world["matrix"]
    phase = matrix.phases.first()

    async def scenario():
        viewer = await Stream(path(matrix), world["cookies"]["viewer"]).open()
        await viewer.until("hello")
        await in_thread(activity_create, matrix=matrix, phase=phase, name="Launch party")
        added = await viewer.until("change")
        await in_thread(matrix_update, matrix=matrix, title="Renamed live")
        renamed = await viewer.until("change")
        return added, renamed

    added, renamed = run(scenario)
    grid = "".join(added["regions"])
    assert 'id="grid"' in grid and "Launch party" in grid and 'id="summary"' in grid
    assert renamed["action"] == "details"
    assert 'id="details"' in renamed["regions"][0] and "Renamed live" in renamed["regions"][0]


def test_a_renamed_column_reaches_every_stream_with_its_new_name(team_and_people):
    world = team_and_people
    matrix = world["matrix"]
    role = matrix.columns.order_by("position").first().role

    async def scenario():
        viewer = await Stream(path(matrix), world["cookies"]["viewer"]).open()
        await viewer.until("hello")
        await in_thread(column_rename, matrix=matrix, role=role, name="Launch captain")
        return await viewer.until("change")

    renamed = run(scenario)
    assert renamed["action"] == "column_rename"
    grid = "".join(renamed["regions"])
    assert 'id="grid"' in grid and "Launch captain" in grid


def test_a_stream_that_asks_to_catch_up_gets_every_region_as_it_is_now(team_and_people):
    world = team_and_people
    matrix = world["matrix"]
    activity, role = first_cell(matrix)

    async def scenario():
        first = await Stream(path(matrix), world["cookies"]["editor"]).open()
        hello = await first.until("hello")
        await first.close()
        # Three changes while this browser is away...
        for code in ("R", "C", "I"):
            await in_thread(assign, matrix=matrix, activity=activity, role=role, code=code)
        again = await Stream(path(matrix), world["cookies"]["editor"]).open()
        hello_again = await again.until("hello")
        await again.send({"t": "sync"})
        return hello, hello_again, await again.until("sync")

    hello, hello_again, sync = run(scenario)
    assert hello_again["v"] == hello["v"] + 3
    assert sync["at"] == hello_again["v"]
    regions = "".join(sync["regions"])
    for region in ("grid", "summary", "workload", "details", "legend"):
        assert f'id="{region}"' in regions
    assert f'id="cell-{activity.pk}-{role.pk}"' in regions


def test_a_deleted_matrix_closes_its_streams(team_and_people):
    world = team_and_people
    matrix = world["matrix"]

    async def scenario():
        stream = await Stream(path(matrix), world["cookies"]["viewer"]).open()
        await stream.until("hello")
        await in_thread(lambda: matrix_delete(matrix=Matrix.objects.get(pk=matrix.pk)))
        closed = await stream.until("closed")
        return closed, await stream.next()

    closed, end = run(scenario)
    assert "deleted" in closed["reason"]
    assert end["code"] == consumers.GONE


# -- Access that changes --------------------------------------------------------------------------


def test_removing_a_member_ends_their_stream_within_seconds(team_and_people):
    world = team_and_people

    async def scenario():
        stream = await Stream(path(world["matrix"]), world["cookies"]["viewer"]).open()
        await stream.until("hello")
        started = time.monotonic()
        await in_thread(member_remove, membership=world["viewer_membership"])
        closed = await stream.until("closed")
        return closed, await stream.next(), time.monotonic() - started

    _, end, seconds = run(scenario)
    assert end["code"] == consumers.NO_ACCESS
    assert seconds < 2


def test_a_deactivated_user_loses_the_stream(team_and_people):
    world = team_and_people

    def deactivate(user):
        user.is_active = False
        user.save()

    async def scenario():
        stream = await Stream(path(world["matrix"]), world["cookies"]["editor"]).open()
        await stream.until("hello")
        await in_thread(deactivate, world["editor"])
        await stream.until("closed")
        return await stream.next()

    assert run(scenario)["code"] == consumers.NO_ACCESS


def test_the_periodic_check_ends_a_stream_whose_session_has_ended(team_and_people, monkeypatch):
    world = team_and_people
    monkeypatch.setattr(consumers, "TICK", 0.2)
    from django.contrib.sessions.models import Session

    async def scenario():
        stream = await Stream(path(world["matrix"]), world["cookies"]["editor"]).open()
        await stream.until("hello")
        await in_thread(lambda: Session.objects.all().delete())  # logged out everywhere
        await stream.until("closed", timeout=3)
        return await stream.next()

    assert run(scenario)["code"] == consumers.NO_ACCESS


def test_the_periodic_check_catches_a_stream_up_when_a_broadcast_was_lost(
    team_and_people, monkeypatch
):
    world = team_and_people
    matrix = world["matrix"]
    activity, role = first_cell(matrix)
    monkeypatch.setattr(consumers, "TICK", 0.2)
    lost = []
    monkeypatch.setattr("apps.live.receivers.publish", lambda group, message: lost.append(message))

    async def scenario():
        stream = await Stream(path(matrix), world["cookies"]["viewer"]).open()
        await stream.until("hello")
        await in_thread(assign, matrix=matrix, activity=activity, role=role, code="C")
        return await stream.until("sync", timeout=3)

    sync = run(scenario)
    assert lost and lost[0]["type"] == "matrix.changed"
    assert f'<td id="cell-{activity.pk}-{role.pk}" class="l-C">C</td>' in "".join(sync["regions"])


# -- What a browser may send ----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["viewer", "editor"])
def test_a_message_that_tries_to_change_the_matrix_is_refused(team_and_people, who):
    world = team_and_people
    matrix = world["matrix"]
    activity, role = first_cell(matrix)
    before = matrix.version

    async def scenario():
        stream = await Stream(path(matrix), world["cookies"][who]).open()
        await stream.until("hello")
        await stream.send({"t": "assign", "activity": activity.pk, "role": role.pk, "code": "A"})
        return await stream.until("refused")

    refused = run(scenario)
    assert "through the page" in refused["reason"]
    matrix.refresh_from_db()
    assert matrix.version == before


@pytest.mark.parametrize(
    "message",
    [
        "not json",
        '{"t": "focus", "cell": "<script>"}',
        '{"t": "focus", "cell": "cell-1-2-3"}',
        '["focus"]',
        '{"t": "focus", "cell": "cell-' + "1" * 600 + '-2"}',  # too long to be read
    ],
)
def test_bad_messages_are_refused_and_nothing_is_passed_on(team_and_people, message):
    world = team_and_people

    async def scenario():
        sender = await Stream(path(world["matrix"]), world["cookies"]["editor"]).open()
        other = await Stream(path(world["matrix"]), world["cookies"]["viewer"]).open()
        await sender.until("hello")
        await other.until("hello")
        await sender.send(message)
        refused = await sender.until("refused")
        return refused, [m for m in await other.all(0.3) if m["t"] == "focus"]

    refused, focus = run(scenario)
    assert refused["t"] == "refused"
    assert focus == []


def test_a_flood_of_focus_moves_is_merged_and_slows_nobody(team_and_people):
    world = team_and_people
    matrix = world["matrix"]
    activity, role = first_cell(matrix)
    cells = [f"cell-{a.pk}-{r.pk}" for a in matrix.activities.all() for r in matrix.roles.all()]

    async def scenario():
        flooder = await Stream(path(matrix), world["cookies"]["editor"]).open()
        watcher = await Stream(path(matrix), world["cookies"]["viewer"]).open()
        await flooder.until("hello")
        await watcher.until("hello")
        started = asyncio.get_running_loop().time()
        for i in range(100):  # a hundred moves in one second
            await flooder.send({"t": "focus", "cell": cells[i % len(cells)]})
            await asyncio.sleep(0.01)
        # Meanwhile, a change made elsewhere still arrives at once.
        changed_at = asyncio.get_running_loop().time()
        await in_thread(assign, matrix=matrix, activity=activity, role=role, code="I")
        messages = await watcher.all(0.5)
        change = next(m for m in messages if m["t"] == "change")
        received_at = asyncio.get_running_loop().time()
        focus = [m for m in messages if m["t"] == "focus"]
        return focus, change, changed_at - started, received_at - changed_at

    focus, change, flood_seconds, _ = run(scenario)
    # At most ten a second pass on, and the last one says where the focus ended.
    assert len(focus) <= 10 * flood_seconds + 3
    assert focus[-1]["cell"] == cells[99 % len(cells)]
    assert change["action"] == "cell"


def test_a_client_that_keeps_sending_what_is_refused_is_disconnected(team_and_people):
    world = team_and_people

    async def scenario():
        stream = await Stream(path(world["matrix"]), world["cookies"]["editor"]).open()
        await stream.until("hello")
        for _ in range(consumers.MAX_REFUSED + 1):
            await stream.send("junk")
        return await stream.until("closed"), await stream.next()

    _, end = run(scenario)
    assert end["code"] == consumers.MISBEHAVED


# -- Presence -------------------------------------------------------------------------------------


def test_focus_moves_reach_the_others_and_newcomers_see_them(team_and_people):
    world = team_and_people
    matrix = world["matrix"]
    activity, role = first_cell(matrix)
    cell = f"cell-{activity.pk}-{role.pk}"

    async def scenario():
        editor = await Stream(path(matrix), world["cookies"]["editor"]).open()
        hello = await editor.until("hello")
        viewer = await Stream(path(matrix), world["cookies"]["viewer"]).open()
        await viewer.until("hello")
        await editor.send({"t": "focus", "cell": cell})
        moved = await viewer.until("focus")
        late = await Stream(path(matrix), world["cookies"]["owner"]).open()
        return hello, moved, await late.until("hello")

    hello, moved, late_hello = run(scenario)
    assert moved == {"t": "focus", "id": hello["me"], "cell": cell}
    eddie = next(m for m in late_hello["roster"] if m["name"] == "eddie")
    assert eddie["focus"] == cell and eddie["initials"] == "ED"


def test_a_connection_that_died_without_a_word_leaves_the_list_after_30_seconds(
    team_and_people, monkeypatch
):
    world = team_and_people
    matrix = world["matrix"]
    monkeypatch.setattr(consumers, "TICK", 0.2)
    from apps.live import presence

    async def scenario():
        stream = await Stream(path(matrix), world["cookies"]["editor"]).open()
        await stream.until("hello")
        ghost = presence.Member(id="ghost1", name="Gone", initials="GO", color=1)
        await presence.store().join(matrix.pk, ghost)
        # Its process died 31 seconds ago: nobody refreshed it since.
        later = time.time() + 31
        monkeypatch.setattr(presence, "now", lambda: later)
        left = await stream.until("leave", timeout=3)
        return left, await presence.store().roster(matrix.pk)

    left, roster = run(scenario)
    assert left["id"] == "ghost1"
    assert "ghost1" not in [m["id"] for m in roster]


def test_regions_rendered_for_a_stream_warn_of_no_missing_csrf_token(team_and_people, settings):
    """They are rendered without a request; in DEBUG, the csrf_token tag warned in the log for
    every one (the pages send their token with each htmx request instead)."""
    import json
    import warnings

    from apps.live.renders import _renders, change_message, sync_message

    settings.DEBUG = True
    world = team_and_people
    matrix = world["matrix"]
    activity, role = first_cell(matrix)
    event = {
        "matrix": matrix.pk,
        "version": matrix.version,
        "action": "cell",
        "cells": [[activity.pk, role.pk]],
        "by": None,
        "by_name": "",
        "summary": "",
    }

    async def scenario():
        _renders.clear()
        texts = [await change_message(event, "edit"), await sync_message(matrix.pk, 1, "edit")]
        return ["".join(json.loads(text)["regions"]) for text in texts]

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        texts = run(scenario)
    assert [str(w.message) for w in caught if "csrf_token" in str(w.message)] == []
    # No token in markup sent to several browsers: the pages send theirs in a header.
    assert 'name="csrfmiddlewaretoken" value=""' in texts[1]
    assert "Options for" in texts[1]  # the editor's markup, with its forms
