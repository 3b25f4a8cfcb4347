"""Every WebSocket route of the project, opened by everyone.

Like tests/test_url_permissions.py for the pages: the test walks the live layer's routes
(apps/live/routing.py) and opens each as an anonymous visitor, a signed-in stranger, a viewer,
an editor and an owner of the team, a participant of a workshop (a session that joined it), and
with a share link's token, and checks each against SOCKETS below. A route in no table makes
``test_every_socket_route_is_declared`` fail.

"open" means the stream said hello; "closed" that it said why and closed with 4403 or 4404;
"not found" that the handshake was answered 404, as a page is for a URL that leads nowhere.
"""

import re
from operator import attrgetter
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.test import Client

from apps.accounts.models import AccessLevel
from apps.live.routing import websocket_urlpatterns
from apps.sharing.services import share_link_create
from apps.workshops.services import workshop_start
from tests.conftest import add_member, make_matrix, make_user

from .conftest import Stream, run, session_cookie

WHO = ("anonymous", "stranger", "viewer", "editor", "owner", "participant")
OPEN, CLOSED, NOT_FOUND = "open", "closed", "not found"

MEMBERS_ONLY = {
    "anonymous": CLOSED,
    "stranger": CLOSED,
    "viewer": OPEN,
    "editor": OPEN,
    "owner": OPEN,
    "participant": CLOSED,
}
# A workshop's board: its facilitators, the editors of its matrix (as the board's page).
FACILITATORS = {**MEMBERS_ONLY, "viewer": CLOSED}
# A workshop's ballot: the session that joined it, and nobody else.
JOINED = {**dict.fromkeys(WHO, CLOSED), "participant": OPEN}
# The token is the key: whoever holds it, signed in or not, sees the matrix (read-only).
TOKEN_HOLDERS = dict.fromkeys(WHO, OPEN)

# The bell's stream: anyone signed in (it carries their own rings only); not a workshop's
# participant without an account.
SIGNED_IN = {**dict.fromkeys(WHO, OPEN), "anonymous": CLOSED, "participant": CLOSED}

# Every other path: no stream, for anyone.
NOBODY = dict.fromkeys(WHO, NOT_FOUND)

# Route name -> (who -> outcome, parameter -> attribute path on the world).
SOCKETS = {
    "matrix": (MEMBERS_ONLY, {"slug": "matrix.slug"}),
    "shared": (TOKEN_HOLDERS, {"token": "share.token"}),
    "workshop_board": (FACILITATORS, {"slug": "matrix.slug", "pk": "workshop.pk"}),
    "workshop_ballot": (JOINED, {"code": "workshop.code"}),
    "bell": (SIGNED_IN, {}),
    "no_such_stream": (NOBODY, {}),
}
# What the last route takes: paths no stream has (an id too large for the database among them).
UNKNOWN_PATHS = ("/ws/zzz/", "/ws/m/<slug>/workshops/1180591620717411303424/", "/ws/", "/")
# The same routes with a parameter that leads nowhere: closed for everyone.
NOWHERE = {"slug": "no-such-matrix", "token": "no-such-token", "pk": 987654321, "code": "XXXXXX"}


def routes():
    return [(pattern.name, str(pattern.pattern)) for pattern in websocket_urlpatterns]


def test_every_socket_route_is_declared():
    undeclared = [name for name, _ in routes() if name not in SOCKETS]
    assert not undeclared, f"Declare these WebSocket routes in SOCKETS: {undeclared}"
    stale = sorted(set(SOCKETS) - {name for name, _ in routes()})
    assert not stale, f"SOCKETS names routes that no longer exist: {stale}"


@pytest.fixture
def world(transactional_db):
    owner, editor, viewer, stranger = (make_user() for _ in range(4))
    team = owner.personal_team
    add_member(team, editor, AccessLevel.EDITOR)
    add_member(team, viewer, AccessLevel.VIEWER)
    matrix = make_matrix(team=team, activities=2, roles=2, phases=1)
    users = {"owner": owner, "editor": editor, "viewer": viewer, "stranger": stranger}
    workshop = workshop_start(matrix=matrix, activities=matrix.activities.all(), by=owner)
    return SimpleNamespace(
        matrix=matrix,
        share=share_link_create(matrix=matrix, by=owner),
        workshop=workshop,
        cookies={
            **{who: session_cookie(user) for who, user in users.items()},
            "participant": participant_cookie(workshop, "Pat"),
        },
    )


def participant_cookie(workshop, name: str) -> str:
    client = Client()
    assert client.post(f"/w/{workshop.code}/", {"name": name}).status_code == 302
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def fill(path: str, values: dict) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), path)


async def outcome(path: str, cookie: str | None) -> str:
    stream = await Stream(path, cookie).open()
    if stream.status == 404:
        return NOT_FOUND
    if not stream.accepted:
        return f"rejected ({stream.status or stream.close_code})"
    first = await stream.next()
    if first["t"] == "hello":
        await stream.close()
        return OPEN
    second = await stream.next()
    if first["t"] == "closed" and second.get("code") in (4403, 4404):
        return CLOSED
    return f"unexpected: {first}, {second}"


@pytest.mark.parametrize(("name", "path"), routes(), ids=[name for name, _ in routes()])
def test_the_socket_route_answers_everyone_as_declared(world, name, path):
    expected, params = SOCKETS[name]
    values = {param: attrgetter(source)(world) for param, source in params.items()}
    wrong = []
    for who in WHO:
        cookie = None if who == "anonymous" else world.cookies[who]
        tries = [("", fill(path, values), expected[who])]
        if params:
            tries.append((" (nowhere)", fill(path, NOWHERE), CLOSED))
        else:
            slug = world.matrix.slug
            tries += [(" (unknown)", p.replace("<slug>", slug), NOT_FOUND) for p in UNKNOWN_PATHS]
        for label, url, want in tries:
            got = run(outcome, url, cookie)
            if got != want:
                wrong.append(f"{url} as {who}{label}: {got}, expected {want}")
    assert not wrong, "\n".join(wrong)
