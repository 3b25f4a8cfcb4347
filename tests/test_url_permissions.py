"""Every URL of the project, asked by everyone, with GET and with POST.

The test walks the URL patterns (``get_resolver()``, recursively) and requests each one as an
anonymous visitor, a signed-in stranger (no member of the team), a viewer, an editor and an owner
of the team, and checks each answer against ROUTES below. A URL that is in no table, or that has
a parameter this file cannot fill, makes ``test_every_url_is_declared`` fail: declare it here.

Adding a URL: add a line to ROUTES with the kind of access it needs (the kinds are defined just
above ROUTES) and, for parameters other than ``slug``, where their values come from (an attribute
path on the ``World`` built by the ``world`` fixture, e.g. ``pk="activity.pk"``). Public URLs
get their own ``expect(...)``.

Each request runs in a savepoint that is rolled back, so a POST that deletes the matrix does not
change what the next request sees.
"""

import re
from dataclasses import dataclass, field
from operator import attrgetter
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from apps.accounts.models import AccessLevel
from apps.accounts.services import invite_create, team_create
from apps.catalog.models import Role
from apps.people.services import person_create
from apps.sharing.services import share_link_create
from tests.conftest import add_member, make_matrix, make_user

WHO = ("anonymous", "stranger", "viewer", "editor", "owner")

# What an answer may be. "login" is a redirect to the login page, "admin-login" to the admin's;
# OK is anything a permitted user may get: not 403 or 404 (nor a server error).
LOGIN = "login"
ADMIN_LOGIN = "admin-login"
OK = "ok"


@dataclass(frozen=True)
class Expect:
    """Allowed answers per asker, for GET and for POST: {who: (get_answers, post_answers)}."""

    answers: dict[str, tuple[frozenset, frozenset]]

    def allowed(self, who: str, method: str) -> frozenset:
        get, post = self.answers[who]
        return get if method == "GET" else post


def expect(**answers) -> Expect:
    """expect(anonymous=({200}, {405}), ...); "members" sets viewer, editor and owner at once,
    "signed_in" sets stranger and the members."""
    members = answers.pop("members", None)
    signed_in = answers.pop("signed_in", None)
    resolved = {}
    for who in WHO:
        value = answers.get(who)
        if value is None and who != "anonymous":
            value = members if who in ("viewer", "editor", "owner") and members else signed_in
        if value is None:
            raise ValueError(f"expect() says nothing about {who}")
        get, post = value
        resolved[who] = (frozenset(get), frozenset(post))
    return Expect(resolved)


# --- Kinds of access -------------------------------------------------------------------------
# 405 is always allowed next to the expected answer for a method the view does not take; it says
# nothing about the object.

_ANON = ({LOGIN, 405}, {LOGIN, 405})
_HIDDEN = ({404, 405}, {404, 405})

# Any signed-in user (home, import, role guide, team list).
SIGNED_IN = expect(anonymous=_ANON, signed_in=({OK}, {OK}))
# Anyone in the matrix's team may look; only editors may change (POST): the matrix page, exports.
MATRIX_READ = expect(
    anonymous=_ANON,
    stranger=_HIDDEN,
    viewer=({200, 405}, {403, 405}),
    members=({200, 405}, {OK}),
)
# Editors only, whatever the method: menus, forms, every change.
MATRIX_EDIT = expect(
    anonymous=_ANON,
    stranger=_HIDDEN,
    viewer=({403, 405}, {403, 405}),
    members=({OK}, {OK}),
)
# Anyone in the team: the team's page, its custom roles, leaving it.
TEAM_READ = expect(anonymous=_ANON, stranger=_HIDDEN, members=({OK}, {OK}))
# Owners and editors: the team's named people (adding, removing).
TEAM_EDIT = expect(
    anonymous=_ANON,
    stranger=_HIDDEN,
    viewer=({403, 405}, {403, 405}),
    members=({OK}, {OK}),
)
# Owners only: members, access levels, invites, renaming, custom role definitions.
TEAM_MANAGE = expect(
    anonymous=_ANON,
    stranger=_HIDDEN,
    viewer=({403, 405}, {403, 405}),
    editor=({403, 405}, {403, 405}),
    owner=({OK}, {OK}),
)


# Public: anyone, signed in or not, gets the same answers.
def public(get, post) -> Expect:
    return expect(anonymous=(get, post), signed_in=(get, post))


# Staff only (the admin): everyone here is a non-staff user, sent to the admin's login page.
STAFF = expect(
    anonymous=({ADMIN_LOGIN, 405}, {ADMIN_LOGIN, 405}),
    signed_in=({ADMIN_LOGIN, 405}, {ADMIN_LOGIN, 405}),
)


@dataclass(frozen=True)
class Route:
    expect: Expect
    # URL parameter -> attribute path on the World (default: slug -> "matrix.slug").
    kwargs: dict[str, str] = field(default_factory=dict)


def route(kind: Expect, **kwargs: str) -> Route:
    return Route(kind, kwargs)


# Parameters filled the same way wherever they appear.
DEFAULT_KWARGS = {"slug": "matrix.slug"}

ROUTES: dict[str, Route] = {
    "healthz": route(public({200}, {405})),
    # Matrices
    "matrices:home": route(SIGNED_IN),
    "matrices:create": route(SIGNED_IN),
    "matrices:scheme_css": route(public({200}, {405})),
    "matrices:detail": route(MATRIX_READ),
    "matrices:edit_details": route(MATRIX_EDIT),
    "matrices:edit_options": route(MATRIX_EDIT),
    "matrices:duplicate": route(MATRIX_EDIT),
    "matrices:delete": route(MATRIX_EDIT),
    "matrices:change_scheme": route(MATRIX_EDIT),
    "matrices:assign": route(MATRIX_EDIT),
    "matrices:annotate": route(MATRIX_EDIT),
    "matrices:assign_block": route(MATRIX_EDIT),
    "matrices:activity_move": route(MATRIX_EDIT),
    "matrices:activity_edit": route(MATRIX_EDIT, pk="activity.pk"),
    "matrices:activity_menu": route(MATRIX_EDIT, pk="activity.pk"),
    "matrices:activity_delete": route(MATRIX_EDIT, pk="activity.pk"),
    "matrices:activity_shift": route(MATRIX_EDIT, pk="activity.pk"),
    "matrices:phase_add": route(MATRIX_EDIT),
    "matrices:phase_edit": route(MATRIX_EDIT, pk="phase.pk"),
    "matrices:phase_menu": route(MATRIX_EDIT, pk="phase.pk"),
    "matrices:phase_delete": route(MATRIX_EDIT, pk="phase.pk"),
    "matrices:phase_shift": route(MATRIX_EDIT, pk="phase.pk"),
    "matrices:activity_add": route(MATRIX_EDIT, phase_pk="phase.pk"),
    "matrices:column_add": route(MATRIX_EDIT),
    "matrices:column_remove": route(MATRIX_EDIT, role_pk="role.pk"),
    "matrices:column_shift": route(MATRIX_EDIT, role_pk="role.pk"),
    "matrices:column_rename": route(MATRIX_EDIT, role_pk="role.pk"),
    "matrices:role_create": route(MATRIX_EDIT),
    # Export and import
    "exchange:import": route(SIGNED_IN),
    "exchange:import_confirm": route(SIGNED_IN),
    "exchange:export": route(MATRIX_READ, fmt="fmt"),
    "exchange:snapshot_restore": route(MATRIX_EDIT, pk="snapshot.pk"),
    # History
    "history:list": route(MATRIX_READ),
    "history:undo_last": route(MATRIX_EDIT),
    "history:redo_last": route(MATRIX_EDIT),
    "history:undo": route(MATRIX_EDIT, pk="change.pk"),
    "history:snapshots": route(MATRIX_READ),
    "history:snapshot_download": route(MATRIX_READ, pk="snapshot.pk"),
    "history:snapshot_delete": route(MATRIX_EDIT, pk="snapshot.pk"),
    "history:compare": route(MATRIX_READ),
    # Workshops: facilitators are the matrix's editors; participants join by code, no account.
    "workshops:start": route(MATRIX_EDIT),
    "workshops:facilitate": route(MATRIX_EDIT, pk="workshop.pk"),
    "workshops:board_live": route(MATRIX_EDIT, pk="workshop.pk"),
    "workshops:set_state": route(MATRIX_EDIT, pk="workshop.pk"),
    "workshops:reveal": route(MATRIX_EDIT, pk="workshop.pk"),
    "workshops:settle": route(MATRIX_EDIT, pk="workshop.pk"),
    "workshops:settle_preview": route(MATRIX_EDIT, pk="workshop.pk"),
    "workshops:remove_participant": route(
        MATRIX_EDIT, pk="workshop.pk", participant_pk="participant.pk"
    ),
    "workshops:remove_participants": route(MATRIX_EDIT, pk="workshop.pk"),
    "workshops:set_capacity": route(MATRIX_EDIT, pk="workshop.pk"),
    "workshops:export": route(MATRIX_EDIT, pk="workshop.pk", fmt="fmt"),
    "workshops:join_start": route(public({200}, {OK})),
    "workshops:join": route(public({200}, {OK}), code="workshop.code"),
    # Without having joined, the ballot sends you to the join page.
    "workshops:ballot": route(public({302}, {405}), code="workshop.code"),
    # Casting a vote without having joined is refused.
    "workshops:vote": route(public({405}, {403}), code="workshop.code"),
    "workshops:ballot_live": route(public({OK}, {405}), code="workshop.code"),
    # Role guide and team roles
    "catalog:role_guide": route(SIGNED_IN),
    "catalog:team_roles": route(TEAM_READ, team_pk="team.pk"),
    "catalog:team_role_edit": route(TEAM_MANAGE, team_pk="team.pk", pk="custom_role.pk"),
    # Accounts
    "login": route(
        expect(anonymous=({200}, {200}), signed_in=({302}, {302})),  # signed in: sent home
    ),
    "logout": route(expect(anonymous=({405}, {302}), signed_in=({405}, {302}))),
    "signup": route(public({404}, {404})),  # ALLOW_SIGNUP is off by default
    # A person's own preferences: POST only; without a valid choice, 400.
    "preferences": route(expect(anonymous=_ANON, signed_in=({405}, {400}))),
    # Teams
    "teams:list": route(SIGNED_IN),
    "teams:create": route(SIGNED_IN),
    # The invite link: visitors are asked to log in; anyone signed in may join with it, except
    # those already in the team (410, with a message).
    "teams:join": route(
        expect(
            anonymous=({200}, {200}),
            stranger=({200}, {302}),
            members=({410}, {410}),
        ),
        token="invite.token",
    ),
    "teams:detail": route(TEAM_READ, pk="team.pk"),
    "teams:leave": route(TEAM_READ, pk="team.pk"),
    "teams:rename": route(TEAM_MANAGE, pk="team.pk"),
    "teams:member_add": route(TEAM_MANAGE, pk="team.pk"),
    "teams:member_access": route(TEAM_MANAGE, pk="team.pk", member_pk="viewer_membership.pk"),
    "teams:member_remove": route(TEAM_MANAGE, pk="team.pk", member_pk="viewer_membership.pk"),
    "teams:invite_create": route(TEAM_MANAGE, pk="team.pk"),
    "teams:invite_revoke": route(TEAM_MANAGE, pk="team.pk", invite_pk="invite.pk"),
    # Share links: editors manage them; the link itself is public.
    "sharing:panel": route(MATRIX_EDIT),
    "sharing:create": route(MATRIX_EDIT),
    "sharing:revoke": route(MATRIX_EDIT),
    "sharing:view": route(public({200}, {405}), token="share.token"),
    "sharing:export": route(public({200}, {405}), token="share.token", fmt="fmt"),
    # People on roles: editors say who holds a column (the form, GET, and saving it, POST);
    # the team's people and a person's page are for its members only (people without an
    # account are seen inside their team only); anyone signed in has their own page, which
    # lists only the matrices of their teams (tests/people/test_access.py).
    "people:holders": route(MATRIX_EDIT, role_pk="role.pk"),
    "people:mine": route(SIGNED_IN),
    "people:mine_csv": route(SIGNED_IN),
    "people:team": route(TEAM_READ, team_pk="team.pk"),
    "people:add": route(TEAM_EDIT, team_pk="team.pk"),
    "people:person": route(TEAM_READ, team_pk="team.pk", pk="person.pk"),
    "people:person_csv": route(TEAM_READ, team_pk="team.pk", pk="person.pk"),
    "people:rename": route(TEAM_EDIT, team_pk="team.pk", pk="person.pk"),
    "people:delete": route(TEAM_EDIT, team_pk="team.pk", pk="person.pk"),
    # Agreement: the team sees it; each member answers for themselves (a viewer too: without a
    # role in the matrix, a 400 saying so); editors ask, record, set the review and announce.
    "agreement:panel": route(MATRIX_READ),
    "agreement:ask": route(MATRIX_EDIT),
    "agreement:answer": route(expect(anonymous=_ANON, stranger=_HIDDEN, members=({405}, {OK}))),
    "agreement:record": route(MATRIX_EDIT),
    "agreement:review": route(MATRIX_EDIT),
    "agreement:announce": route(MATRIX_EDIT),
    # One's own asks (My responsibilities), and which listed matrices are due for review.
    "agreement:asked": route(SIGNED_IN),
    "agreement:due": route(SIGNED_IN),
    # Notices: one's own only; a team's mail choice for a member of it (no choice given: 400).
    "notices:list": route(SIGNED_IN),
    "notices:bell": route(SIGNED_IN),
    "notices:read": route(expect(anonymous=_ANON, signed_in=({405}, {OK}))),
    "notices:preferences": route(expect(anonymous=_ANON, signed_in=({405}, {400}))),
    # API tokens, on the account's settings page: anyone signed in; revoking one's own (or one
    # of a team one owns), others' are unknown. The API itself answers tokens, not sessions:
    # tests/api/test_access.py asks every operation of it as everyone (API_NAMESPACE below).
    "api_tokens": route(SIGNED_IN),
    "api_token_revoke": route(
        expect(anonymous=_ANON, signed_in=({405}, {404}), owner=({405}, {OK})),
        pk="api_token.pk",
    ),
    "api_not_found": route(public({404}, {404})),
    # A team's webhooks: its owners only.
    "webhooks:team": route(TEAM_MANAGE, team_pk="team.pk"),
    "webhooks:delete": route(TEAM_MANAGE, team_pk="team.pk", pk="webhook.pk"),
    "webhooks:test": route(TEAM_MANAGE, team_pk="team.pk", pk="webhook.pk"),
}
# The REST API's operations (django-ninja's URLs): declared and tested in tests/api/test_access.py.
API_NAMESPACE = "api"

# The admin: every URL is staff-only (test_the_admin_is_for_staff_only walks them all), except
# these. Parameters are filled with ADMIN_VALUES.
ADMIN_NAMESPACE = "admin"
# The admin's logout sends non-staff to the admin's front page (and so to its login).
ADMIN_PUBLIC = {"admin:login", "admin:logout"}
ADMIN_VALUES = {"object_id": "1", "id": "1", "app_label": "catalog", "content_type_id": "1"}


# --- Walking the URL patterns ------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    name: str | None
    path: str
    params: tuple[str, ...]
    namespace: str = ""

    @property
    def in_admin(self) -> bool:
        return self.namespace.split(":", 1)[0] == ADMIN_NAMESPACE


def all_patterns(resolver=None, prefix="", namespaces=()) -> list[Pattern]:
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespaces + ((entry.namespace,) if entry.namespace else ())
            found += all_patterns(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = ":".join((*namespaces, entry.name)) if entry.name else None
            params = tuple(entry.pattern.regex.groupindex)
            path = prefix + str(entry.pattern)
            found.append(Pattern(name, path, params, ":".join(namespaces)))
    return found


def route_for(pattern: Pattern) -> Route | None:
    return ROUTES.get(pattern.name)


def undeclared(patterns: list[Pattern]) -> list[str]:
    problems = []
    for pattern in patterns:
        if pattern.in_admin:
            unknown = [p for p in pattern.params if p not in ADMIN_VALUES and p != "url"]
            if unknown:
                problems.append(f"admin /{pattern.path}: add {unknown} to ADMIN_VALUES")
            continue
        if pattern.namespace == API_NAMESPACE:
            continue
        if pattern.name is None:
            problems.append(f"/{pattern.path} has no name: name it, then declare it in ROUTES")
            continue
        declared = route_for(pattern)
        if declared is None:
            problems.append(
                f"{pattern.name} (/{pattern.path}) is in no table: declare it in ROUTES"
            )
            continue
        for param in pattern.params:
            if param not in declared.kwargs and param not in DEFAULT_KWARGS:
                problems.append(
                    f"{pattern.name}: cannot fill <{param}>; say where it comes from in ROUTES"
                )
    return problems


PATTERNS = all_patterns()


def test_every_url_is_declared():
    problems = undeclared(PATTERNS)
    assert not problems, (
        "URLs without declared permissions (see tests/test_url_permissions.py):\n  "
        + "\n  ".join(problems)
    )


def test_no_declaration_is_stale():
    names = {pattern.name for pattern in PATTERNS}
    stale = sorted(set(ROUTES) - names)
    assert not stale, f"ROUTES names URLs that no longer exist: {stale}"


def test_an_undeclared_url_would_fail_the_walk():
    problems = undeclared(
        [
            Pattern("new:thing", "m/<slug:slug>/thing/", ("slug",)),
            Pattern("matrices:detail", "m/<slug:slug>/<int:widget>/", ("slug", "widget")),
            Pattern(None, "nameless/", ()),
        ]
    )
    assert len(problems) == 3
    assert "declare it in ROUTES" in problems[0]
    assert "cannot fill <widget>" in problems[1]
    assert "has no name" in problems[2]


# --- The world every URL is asked about ----------------------------------------------------------


@pytest.fixture
def world(db):
    owner, editor, viewer, stranger = (make_user() for _ in range(4))
    team = team_create(name="Permissions", owner=owner)
    add_member(team, editor, AccessLevel.EDITOR)
    viewer_membership = add_member(team, viewer, AccessLevel.VIEWER)
    matrix = make_matrix(team=team, activities=2, roles=2, phases=1)
    activity = matrix.activities.first()
    phase = matrix.phases.first()
    role = matrix.roles.first()

    from apps.history.models import Change
    from apps.history.services import snapshot_create
    from apps.matrices.services import responsibility_assign
    from apps.workshops.services import participant_join, workshop_start

    responsibility_assign(matrix=matrix, activity=activity, role=role, code="C", by=owner)
    workshop = workshop_start(matrix=matrix, activities=[activity], by=owner)
    from apps.api.services import token_create
    from apps.webhooks.models import Webhook

    return SimpleNamespace(
        webhook=Webhook.objects.create(
            team=team, url="https://example.com/hook", events=["matrix.changed"], secret="s"
        ),
        api_token=token_create(user=owner, name="Script", can_write=False)[0],
        users={"owner": owner, "editor": editor, "viewer": viewer, "stranger": stranger},
        team=team,
        viewer_membership=viewer_membership,
        matrix=matrix,
        activity=activity,
        phase=phase,
        role=role,
        custom_role=Role.objects.filter(team=team).first(),
        person=person_create(team=team, name="Dana (agency)"),
        fmt="csv",
        invite=invite_create(team=team, access=AccessLevel.VIEWER, created_by=owner),
        share=share_link_create(matrix=matrix, by=owner),
        change=Change.objects.filter(matrix=matrix).latest("pk"),
        snapshot=snapshot_create(matrix=matrix, name="As agreed", by=owner),
        workshop=workshop,
        participant=participant_join(workshop=workshop, name="Pat"),
        admin_object_id="1",
        admin_app_label="catalog",
        admin_content_type_id="1",
    )


def url_for(pattern: Pattern, declared: Route, world) -> str:
    kwargs = {
        param: str(attrgetter(declared.kwargs.get(param) or DEFAULT_KWARGS[param])(world))
        for param in pattern.params
    }
    return reverse(pattern.name, kwargs=kwargs)


def answer_matches(response, allowed: frozenset) -> bool:
    status = response.status_code
    if status in allowed:
        return True
    location = response.headers.get("Location", "")
    if LOGIN in allowed and status == 302 and location.startswith(reverse("login") + "?next="):
        return True
    if ADMIN_LOGIN in allowed and status == 302 and location.startswith(reverse("admin:login")):
        return True
    return OK in allowed and status < 500 and status not in (403, 404)


@pytest.fixture(scope="module")
def clients():
    """One client per asker, kept for the module: a new client reloads every middleware."""
    return {who: Client(raise_request_exception=False) for who in WHO}


def ask(world, clients, who: str, method: str, url: str):
    """One request in a savepoint that is rolled back afterwards."""
    client = clients[who]
    client.cookies.clear()
    with transaction.atomic():
        if who != "anonymous":
            client.force_login(world.users[who])
        response = client.get(url) if method == "GET" else client.post(url)
        transaction.set_rollback(True)
    return response


DECLARED = [
    p
    for p in PATTERNS
    if not p.in_admin
    and p.namespace != API_NAMESPACE
    and p.name
    and route_for(p)
    and not undeclared([p])
]


@pytest.mark.parametrize("pattern", DECLARED, ids=[p.name for p in DECLARED])
def test_the_url_answers_everyone_as_declared(world, clients, pattern):
    declared = route_for(pattern)
    url = url_for(pattern, declared, world)
    wrong = []
    for who in WHO:
        for method in ("GET", "POST"):
            response = ask(world, clients, who, method, url)
            allowed = declared.expect.allowed(who, method)
            if not answer_matches(response, allowed):
                where = response.headers.get("Location", "")
                wrong.append(
                    f"{method} {url} as {who}: {response.status_code} {where}".rstrip()
                    + f", expected one of {sorted(map(str, allowed))}"
                )
    assert not wrong, "\n".join(wrong)


def test_the_stranger_really_is_signed_in(world):
    """A 404 for the stranger must come from the permission check, not from a lost session."""
    client = Client()
    client.force_login(world.users["stranger"])
    assert client.get(reverse("matrices:home")).status_code == 200
    assert client.get(world.matrix.get_absolute_url()).status_code == 404
    assert get_user_model().objects.filter(pk=world.users["stranger"].pk).exists()


def admin_url(pattern: Pattern) -> str:
    """The admin's patterns include unnamed ones and a regex catch-all: fill the path itself."""
    path = pattern.path.replace("(?P<url>.*)$", "no-such-page/").lstrip("^")
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: ADMIN_VALUES[m.group(1)], path)


ADMIN_PATTERNS = [p for p in PATTERNS if p.in_admin and p.name not in ADMIN_PUBLIC]


def test_the_admin_is_for_staff_only(world, clients):
    assert len(ADMIN_PATTERNS) > 20
    wrong = []
    for pattern in ADMIN_PATTERNS:
        url = admin_url(pattern)
        for who in ("anonymous", "owner"):
            for method in ("GET", "POST"):
                response = ask(world, clients, who, method, url)
                if not answer_matches(response, STAFF.allowed(who, method)):
                    wrong.append(f"{method} {url} as {who}: {response.status_code}")
    assert not wrong, "\n".join(wrong)


def test_the_admin_login_and_logout_are_public(world, clients):
    for who in ("anonymous", "owner"):
        assert ask(world, clients, who, "GET", reverse("admin:login")).status_code == 200
        response = ask(world, clients, who, "POST", reverse("admin:logout"))
        assert response.status_code == 302 and response.url == reverse("admin:index")
