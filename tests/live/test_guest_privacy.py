"""A share link's visitor sees the matrix, never who the team are: no member's name and no user
id in anything their stream carries, whatever kind of message it is (the shared page itself
names nobody, and the README promises that holders are seen by the team only)."""

import json

import pytest

from apps.accounts.models import AccessLevel
from apps.matrices.models import Matrix
from apps.matrices.services import activity_create, matrix_delete, matrix_update
from apps.matrices.services import responsibility_assign as assign
from apps.people.services import holders_set
from apps.sharing.services import share_link_create
from tests.conftest import add_member, make_matrix, make_user

from .conftest import Stream, in_thread, run, session_cookie

NAMES = ("Olga Owner", "Eddie Editor", "olga_o", "eddie_e")


@pytest.fixture
def shared(transactional_db):
    owner = make_user("olga_o", first_name="Olga", last_name="Owner")
    editor = make_user("eddie_e", first_name="Eddie", last_name="Editor")
    team = owner.personal_team
    # The page's header names the team, as the shared page does; a personal team's name is
    # its owner's username, so here the team has a name of its own.
    team.name = "Acme"
    team.save()
    add_member(team, editor, AccessLevel.EDITOR)
    matrix = make_matrix(team=team, activities=3, roles=3, phases=1)
    link = share_link_create(matrix=matrix, by=owner)
    return {
        "owner": owner,
        "editor": editor,
        "matrix": matrix,
        "path": f"/ws/s/{link.token}/",
        "cookies": {"owner": session_cookie(owner), "editor": session_cookie(editor)},
    }


def names_or_ids(message: dict) -> list[str]:
    """What in ``message`` tells who someone of the team is."""
    found = [name for name in NAMES if name in json.dumps(message)]
    if "by" in message:
        found.append(f"by: {message['by']}")

    def walk(value):
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "user" and item is not None:
                    found.append(f"user: {item}")
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(message)
    return found


def test_a_guests_stream_names_nobody_in_any_message(shared):
    world = shared
    matrix = world["matrix"]
    activity = matrix.activities.order_by("pk").first()
    role = matrix.roles.order_by("pk").first()
    cell = f"cell-{activity.pk}-{role.pk}"
    held = activity.responsibilities.filter(role=role).first()
    phase = matrix.phases.first()
    letter = "C" if held is None or held.code != "C" else "I"

    async def scenario():
        owner = await Stream(f"/ws/m/{matrix.slug}/", world["cookies"]["owner"]).open()
        await owner.until("hello")
        await owner.send({"t": "focus", "cell": cell})
        guest = await Stream(world["path"]).open()
        received = [await guest.until("hello")]
        # Someone of the team comes, moves, goes.
        editor = await Stream(f"/ws/m/{matrix.slug}/", world["cookies"]["editor"]).open()
        await editor.until("hello")
        received.append(await guest.until("join"))
        await editor.send({"t": "focus", "cell": cell})
        received.append(await guest.until("focus"))
        await editor.close()
        received.append(await guest.until("leave"))
        # Every kind of change: a letter, a row, the title, the holders of a column.
        by = world["owner"]
        await in_thread(assign, matrix=matrix, activity=activity, role=role, code=letter, by=by)
        received.append(await guest.until("change"))
        await in_thread(activity_create, matrix=matrix, phase=phase, name="New row", by=by)
        received.append(await guest.until("change"))
        await in_thread(matrix_update, matrix=matrix, title="Renamed", by=by)
        received.append(await guest.until("change"))
        await in_thread(holders_set, matrix=matrix, role=role, users=[world["editor"]], by=by)
        received.append(await guest.until("change"))
        # Catching up, and the end.
        await guest.send({"t": "sync"})
        received.append(await guest.until("sync"))
        await guest.send({"t": "assign"})
        received.append(await guest.until("refused"))
        await guest.send({"t": "ping"})
        received.append(await guest.until("pong"))
        await in_thread(lambda: matrix_delete(matrix=Matrix.objects.get(pk=matrix.pk)))
        received.append(await guest.until("closed"))
        return received

    received = run(scenario)
    kinds = [message["t"] for message in received]
    changes = ["change"] * 4
    assert kinds == [
        "hello",
        "join",
        "focus",
        "leave",
        *changes,
        "sync",
        "refused",
        "pong",
        "closed",
    ]
    leaks = {message["t"]: names_or_ids(message) for message in received}
    assert {kind: found for kind, found in leaks.items() if found} == {}
    # What they are told instead: someone of the team is there, and where their focus is.
    hello, joined, focus = received[:3]
    assert [m["name"] for m in hello["roster"]] == ["A team member"]
    assert joined["member"]["name"] == "A team member"
    assert focus["cell"] == cell


def test_the_team_still_sees_who_made_a_change_and_who_is_there(shared):
    world = shared
    matrix = world["matrix"]
    activity = matrix.activities.order_by("pk").first()
    role = matrix.roles.order_by("pk").first()

    async def scenario():
        guest = await Stream(world["path"]).open()
        await guest.until("hello")
        editor = await Stream(f"/ws/m/{matrix.slug}/", world["cookies"]["editor"]).open()
        hello = await editor.until("hello")
        by = world["owner"]
        await in_thread(assign, matrix=matrix, activity=activity, role=role, code="R", by=by)
        return hello, await editor.until("change")

    hello, change = run(scenario)
    assert sorted(m["name"] for m in hello["roster"]) == ["Eddie Editor", "Guest"]
    assert change["by"] == {"id": world["owner"].pk, "name": "Olga Owner"}


def test_visitors_are_not_told_of_each_other(shared):
    """Other visitors are nobody's business; the team sees them come and go."""
    world = shared

    async def scenario():
        owner = await Stream(f"/ws/m/{world['matrix'].slug}/", world["cookies"]["owner"]).open()
        await owner.until("hello")
        first = await Stream(world["path"]).open()
        await first.until("hello")
        second = await Stream(world["path"]).open()
        hello = await second.until("hello")
        joined = [await owner.until("join"), await owner.until("join")]
        return hello, joined, await first.all(0.3)

    hello, joined, first_heard = run(scenario)
    assert [m["name"] for m in hello["roster"]] == ["A team member"]
    assert [m["member"]["name"] for m in joined] == ["Guest", "Guest"]
    # The owner's own coming may still reach the first visitor (through Redis, a moment after it
    # joined), as "A team member"; the second visitor's never does.
    told = [m["member"]["name"] for m in first_heard if m["t"] == "join"]
    assert set(told) <= {"A team member"}
