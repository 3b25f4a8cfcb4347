"""What the streams ring besides a matrix's changes: a person's bell (their unread notices
changed), on the light ws/bell/ of a page with no other stream and on a matrix's own stream;
and a matrix's agreement (an answer given, asked, out of date), to its team's pages."""

import pytest

from apps.accounts.models import AccessLevel
from apps.agreement.services import agreement_answer, agreement_ask
from apps.live import bell, consumers
from apps.notices.letters import fingerprint, letters_of
from apps.notices.models import Kind
from apps.notices.services import Tell, notices_create, notices_read
from apps.people import services as people
from apps.sharing.services import share_link_create
from tests.conftest import add_member, make_matrix, make_user

from .conftest import Stream, in_thread, run, session_cookie

BELL = "/ws/bell/"


@pytest.fixture
def world(transactional_db):
    owner, viewer, other = (make_user(n) for n in ("olga", "vera", "otto"))
    team = owner.personal_team
    add_member(team, viewer, AccessLevel.VIEWER)
    add_member(team, other, AccessLevel.VIEWER)
    matrix = make_matrix(team=team, activities=2, roles=2, phases=1)
    role = matrix.roles.order_by("pk").first()
    people.holders_set(matrix=matrix, role=role, users=[viewer], by=owner)
    return {
        "owner": owner,
        "viewer": viewer,
        "other": other,
        "team": team,
        "matrix": matrix,
        "cookies": {u.username: session_cookie(u) for u in (owner, viewer, other)},
    }


def tell(world, user):
    notices_create(
        team_id=world["team"].pk, kind=Kind.LETTERS, tells=[Tell(user.pk, "Your letters moved")]
    )


def test_a_notice_rings_the_bell_of_its_person_only(world):
    async def scenario():
        vera = await Stream(BELL, world["cookies"]["vera"]).open()
        otto = await Stream(BELL, world["cookies"]["otto"]).open()
        await vera.until("hello")
        await otto.until("hello")
        await in_thread(tell, world, world["viewer"])
        rung = await vera.until("bell")
        heard = await otto.all()
        # Read on another page: this one's bell reads its count again too.
        await in_thread(notices_read, user=world["viewer"])
        again = await vera.until("bell")
        return rung, heard, again

    rung, heard, again = run(scenario)
    assert rung == {"t": "bell"} and again == {"t": "bell"}  # a ring says nothing else
    assert heard == []


def test_a_matrix_page_carries_its_persons_bell(world):
    async def scenario():
        stream = await Stream(f"/ws/m/{world['matrix'].slug}/", world["cookies"]["vera"]).open()
        await stream.until("hello")
        await in_thread(tell, world, world["viewer"])
        return await stream.until("bell")

    assert run(scenario) == {"t": "bell"}


def test_an_answer_reaches_the_teams_pages_of_the_matrix_and_not_a_share_links(world):
    matrix = world["matrix"]
    token = share_link_create(matrix=matrix, by=world["owner"]).token
    agreement_ask(matrix=matrix, by=world["owner"])
    person = world["viewer"].people.get(team=world["team"])
    seen = fingerprint(letters_of(matrix.pk, [person.pk])[person.pk])

    async def scenario():
        olga = await Stream(f"/ws/m/{matrix.slug}/", world["cookies"]["olga"]).open()
        guest = await Stream(f"/ws/s/{token}/").open()
        await olga.until("hello")
        await guest.until("hello")
        await in_thread(
            agreement_answer,
            matrix=matrix,
            person=person,
            by=world["viewer"],
            agree=True,
            seen=seen,
        )
        return await olga.until("agreement"), await guest.all()

    rung, guest = run(scenario)
    assert rung == {"t": "agreement"}
    assert [m["t"] for m in guest if m["t"] in ("agreement", "bell")] == []


def test_the_bells_stream_takes_only_pings_and_ends_a_flood(world):
    async def scenario():
        stream = await Stream(BELL, world["cookies"]["vera"]).open()
        await stream.until("hello")
        await stream.send('{"t": "ping"}')
        pong = await stream.until("pong")
        await stream.send('{"t": "ping", "pad": "' + "x" * consumers.MAX_MESSAGE + '"}')
        too_big = await stream.until("refused")
        for _ in range(consumers.MAX_REFUSED):
            await stream.send('{"t": "focus"}')
        return pong, too_big, await stream.until("closed"), await stream.next()

    pong, too_big, _, end = run(scenario)
    assert pong == {"t": "pong"} and too_big["t"] == "refused"
    assert end["code"] == consumers.MISBEHAVED


def test_signing_out_ends_the_bells_stream_at_once(world):
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(world["viewer"])
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    async def scenario():
        stream = await Stream(BELL, cookie).open()
        await stream.until("hello")
        await in_thread(client.post, "/accounts/logout/")
        closed = await stream.until("closed", timeout=2)  # not bell.TICK later
        return closed, await stream.next()

    _, end = run(scenario)
    assert end["code"] == consumers.NO_ACCESS


def test_the_bells_stream_ends_when_its_person_is_deactivated_or_signed_out(world, monkeypatch):
    monkeypatch.setattr(bell, "TICK", 0.2)
    from django.contrib.sessions.models import Session

    def deactivate(user):
        user.is_active = False
        user.save()

    async def scenario():
        vera = await Stream(BELL, world["cookies"]["vera"]).open()
        otto = await Stream(BELL, world["cookies"]["otto"]).open()
        await vera.until("hello")
        await otto.until("hello")
        await in_thread(deactivate, world["viewer"])
        await vera.until("closed", timeout=3)
        await in_thread(lambda: Session.objects.all().delete())
        await otto.until("closed", timeout=3)
        return await vera.next(), await otto.next()

    for end in run(scenario):
        assert end["code"] == consumers.NO_ACCESS
