"""Ids of another matrix, team or workshop, named in a URL, a form field or a query string.

tests/test_url_permissions.py checks who may reach each URL with the URL's own objects. This
module checks the objects a request names besides: every id must belong to the matrix, team
or workshop the URL names and the user may change. Each refused request must change nothing.

The world: I ("me") edit the matrix ``ours`` (team Ours) and own the team Mine. ``theirs`` is a
matrix of a team I am not in; ``viewed`` one of a team where I am only a viewer.
"""

import io
import json
from dataclasses import dataclass
from datetime import timedelta

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from apps.accounts.models import AccessLevel, Invite, Membership, Team
from apps.accounts.services import invite_create, team_create
from apps.catalog.models import Role, RoleKind
from apps.history.models import Change, Snapshot
from apps.history.services import snapshot_create
from apps.matrices.models import Activity, Matrix, MatrixRole, Phase, Responsibility
from apps.matrices.services import responsibility_assign
from apps.sharing.models import ShareLink
from apps.sharing.services import share_link_create
from apps.workshops import services as workshop_services
from apps.workshops.access import SESSION_KEY
from apps.workshops.models import Participant, SettledCell, Vote, Workshop
from tests.conftest import add_member, make_matrix, make_user

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
SECRET_ROLE = "Their secret role"


@pytest.fixture(autouse=True)
def _generous_join_limits(settings):
    settings.WORKSHOP_JOINS_PER_MINUTE_PER_IP = 1000
    settings.WORKSHOP_JOINS_PER_MINUTE_PER_SESSION = 1000


def db_state() -> dict:
    """Everything a request here could change, in a comparable form."""

    def rows(model, *fields):
        return list(model.objects.order_by("pk").values_list("pk", *fields))

    return {
        "matrices": rows(
            Matrix, "title", "description", "scheme", "team_id", "overload_percent", "is_template"
        ),
        "columns": rows(MatrixRole, "matrix_id", "role_id", "position"),
        "phases": rows(Phase, "matrix_id", "name", "position"),
        "activities": rows(Activity, "matrix_id", "phase_id", "name", "description", "position"),
        "cells": rows(Responsibility, "activity_id", "role_id", "code", "note"),
        "roles": rows(Role, "team_id", "name", "short_label", "summary", "focus"),
        "changes": rows(Change, "matrix_id", "reverts_id"),
        "snapshots": rows(Snapshot, "matrix_id", "name"),
        "workshops": rows(Workshop, "matrix_id", "state", "revealed", "closed_at"),
        "participants": rows(Participant, "workshop_id", "removed_at"),
        "votes": rows(Vote, "participant_id", "activity_id", "role_id", "code"),
        "settled": rows(SettledCell, "workshop_id", "activity_id", "role_id", "code"),
        "teams": rows(Team, "name"),
        "memberships": rows(Membership, "team_id", "user_id", "access"),
        "invites": rows(Invite, "team_id", "access", "accepted_at"),
        "share_links": rows(ShareLink, "matrix_id", "revoked_at"),
    }


@dataclass
class Side:
    """A matrix with one of each object a request can name."""

    matrix: Matrix
    team: Team
    activities: list[Activity]
    phases: list[Phase]
    roles: list[Role]
    change: Change
    snapshot: Snapshot
    workshop: Workshop
    participant: Participant
    membership: Membership
    invite: Invite
    custom_role: Role

    @property
    def activity(self) -> Activity:
        return self.activities[0]

    @property
    def phase(self) -> Phase:
        return self.phases[0]

    @property
    def role(self) -> Role:
        return self.roles[0]


def _side(team: Team, by, member, *, secret_role: str | None = None) -> Side:
    matrix = make_matrix(team=team, activities=4, roles=3, phases=2, title=f"{team.name} matrix")
    activities = list(matrix.activities.order_by("pk"))
    roles = list(matrix.roles.order_by("columns__position"))
    responsibility_assign(matrix=matrix, activity=activities[0], role=roles[2], code="C", by=by)
    custom = Role.objects.create(
        slug=f"custom-{matrix.slug}",
        name=secret_role or f"Custom of {matrix.slug}",
        short_label="CU",
        kind=RoleKind.CUSTOM,
        team=team,
    )
    workshop = workshop_services.workshop_start(matrix=matrix, activities=activities[:2], by=by)
    return Side(
        matrix=matrix,
        team=team,
        activities=activities,
        phases=list(matrix.phases.order_by("pk")),
        roles=roles,
        change=Change.objects.filter(matrix=matrix).latest("pk"),
        snapshot=snapshot_create(matrix=matrix, name="As agreed", by=by),
        workshop=workshop,
        participant=workshop_services.participant_join(workshop=workshop, name="Pat"),
        membership=Membership.objects.get(team=team, user=member),
        invite=invite_create(team=team, access=AccessLevel.EDITOR, created_by=by),
        custom_role=custom,
    )


@dataclass
class World:
    me: object
    ours: Side
    theirs: Side
    viewed: Side
    mine: Team
    mine_viewer: Membership

    def other(self, which: str) -> Side:
        return getattr(self, which)


@pytest.fixture
def world(db) -> World:
    me, boss, eve, vic = make_user("me"), make_user("boss"), make_user("eve"), make_user("vic")
    ours = team_create(name="Ours", owner=boss)
    add_member(ours, me, AccessLevel.EDITOR)
    theirs = team_create(name="Theirs", owner=eve)
    add_member(theirs, vic, AccessLevel.VIEWER)
    viewed = team_create(name="Viewed", owner=vic)
    add_member(viewed, me, AccessLevel.VIEWER)
    mine = team_create(name="Mine", owner=me)
    mine_viewer = add_member(mine, eve, AccessLevel.VIEWER)
    world = World(
        me=me,
        ours=_side(ours, boss, me),
        theirs=_side(theirs, eve, vic, secret_role=SECRET_ROLE),
        viewed=_side(viewed, vic, me),
        mine=mine,
        mine_viewer=mine_viewer,
    )
    for side in (world.ours, world.theirs, world.viewed):
        share_link_create(matrix=side.matrix, by=side.membership.user)
    return world


@pytest.fixture
def me(world) -> Client:
    client = Client()
    client.force_login(world.me)
    return client


def m(side: Side, path: str = "") -> str:
    return f"/m/{side.matrix.slug}/{path}"


def w(side: Side, path: str = "", workshop: Workshop | None = None) -> str:
    return m(side, f"workshops/{(workshop or side.workshop).pk}/{path}")


# --- A matrix I edit, with the ids of another matrix -------------------------------------------
# (name, method, url(world, other side), data(world, other side)); "o" is the foreign side:
# a matrix of a team I am not in, or of a team I only view.

FOREIGN_IDS = [
    # Cells
    (
        "assign: their activity",
        "post",
        lambda W, o: m(W.ours, "cells/"),
        lambda W, o: {"activity": o.activity.pk, "role": W.ours.role.pk, "code": "R"},
    ),
    (
        "assign: their role",
        "post",
        lambda W, o: m(W.ours, "cells/"),
        lambda W, o: {"activity": W.ours.activities[3].pk, "role": o.role.pk, "code": "R"},
    ),
    (
        "assign: their cell",
        "post",
        lambda W, o: m(W.ours, "cells/"),
        lambda W, o: {"activity": o.activity.pk, "role": o.roles[2].pk, "code": ""},
    ),
    (
        "note: their cell",
        "post",
        lambda W, o: m(W.ours, "cells/note/"),
        lambda W, o: {"activity": o.activity.pk, "role": o.roles[2].pk, "note": "mine now"},
    ),
    (
        "note: their role",
        "post",
        lambda W, o: m(W.ours, "cells/note/"),
        lambda W, o: {"activity": W.ours.activity.pk, "role": o.roles[2].pk, "note": "x"},
    ),
    # Rows and phases
    (
        "move: their activity",
        "post",
        lambda W, o: m(W.ours, "activities/move/"),
        lambda W, o: {"activity": o.activity.pk, "phase": W.ours.phase.pk},
    ),
    (
        "move: into their phase",
        "post",
        lambda W, o: m(W.ours, "activities/move/"),
        lambda W, o: {"activity": W.ours.activity.pk, "phase": o.phases[1].pk},
    ),
    (
        "move: before their activity",
        "post",
        lambda W, o: m(W.ours, "activities/move/"),
        lambda W, o: {
            "activity": W.ours.activities[1].pk,
            "phase": o.activities[2].phase_id,
            "before": o.activities[2].pk,
        },
    ),
    (
        "move: before their activity, my phase",
        "post",
        lambda W, o: m(W.ours, "activities/move/"),
        lambda W, o: {
            "activity": W.ours.activities[1].pk,
            "phase": W.ours.phase.pk,
            "before": o.activities[2].pk,
        },
    ),
    (
        "edit their activity",
        "post",
        lambda W, o: m(W.ours, f"activities/{o.activity.pk}/"),
        lambda W, o: {"name": "Renamed", "description": ""},
    ),
    (
        "their activity's menu",
        "get",
        lambda W, o: m(W.ours, f"activities/{o.activity.pk}/menu/"),
        lambda W, o: {},
    ),
    (
        "delete their activity",
        "post",
        lambda W, o: m(W.ours, f"activities/{o.activity.pk}/delete/"),
        lambda W, o: {},
    ),
    (
        "shift their activity",
        "post",
        lambda W, o: m(W.ours, f"activities/{o.activity.pk}/shift/"),
        lambda W, o: {"offset": "1"},
    ),
    (
        "add an activity to their phase",
        "post",
        lambda W, o: m(W.ours, f"phases/{o.phase.pk}/activities/"),
        lambda W, o: {"name": "Planted", "description": ""},
    ),
    (
        "rename their phase",
        "post",
        lambda W, o: m(W.ours, f"phases/{o.phase.pk}/"),
        lambda W, o: {"name": "Renamed"},
    ),
    (
        "their phase's menu",
        "get",
        lambda W, o: m(W.ours, f"phases/{o.phase.pk}/menu/"),
        lambda W, o: {},
    ),
    (
        "delete their phase",
        "post",
        lambda W, o: m(W.ours, f"phases/{o.phase.pk}/delete/"),
        lambda W, o: {},
    ),
    (
        "shift their phase",
        "post",
        lambda W, o: m(W.ours, f"phases/{o.phase.pk}/shift/"),
        lambda W, o: {"offset": "1"},
    ),
    # Columns
    (
        "add their column's role",
        "post",
        lambda W, o: m(W.ours, "columns/"),
        lambda W, o: {"role": o.role.pk},
    ),
    (
        "add their team's role",
        "post",
        lambda W, o: m(W.ours, "columns/"),
        lambda W, o: {"role": o.custom_role.pk},
    ),
    (
        "remove their column",
        "post",
        lambda W, o: m(W.ours, f"columns/{o.role.pk}/delete/"),
        lambda W, o: {},
    ),
    (
        "shift their column",
        "post",
        lambda W, o: m(W.ours, f"columns/{o.role.pk}/shift/"),
        lambda W, o: {"offset": "1"},
    ),
    # History and snapshots
    (
        "undo their change",
        "post",
        lambda W, o: m(W.ours, f"history/{o.change.pk}/undo/"),
        lambda W, o: {},
    ),
    (
        "history filtered by their activity",
        "get",
        lambda W, o: m(W.ours, "history/"),
        lambda W, o: {"activity": o.activity.pk},
    ),
    (
        "history filtered by their role",
        "get",
        lambda W, o: m(W.ours, "history/"),
        lambda W, o: {"role": o.role.pk},
    ),
    (
        "download their snapshot",
        "get",
        lambda W, o: m(W.ours, f"snapshots/{o.snapshot.pk}.json"),
        lambda W, o: {},
    ),
    (
        "delete their snapshot",
        "post",
        lambda W, o: m(W.ours, f"snapshots/{o.snapshot.pk}/delete/"),
        lambda W, o: {},
    ),
    (
        "compare their snapshot with now",
        "get",
        lambda W, o: m(W.ours, "compare/"),
        lambda W, o: {"old": o.snapshot.pk},
    ),
    (
        "compare mine with theirs",
        "get",
        lambda W, o: m(W.ours, "compare/"),
        lambda W, o: {"old": W.ours.snapshot.pk, "new": o.snapshot.pk},
    ),
    (
        "compare theirs with mine",
        "get",
        lambda W, o: m(W.ours, "compare/"),
        lambda W, o: {"old": o.snapshot.pk, "new": W.ours.snapshot.pk},
    ),
    # Their workshop under my matrix
    ("their workshop's board", "get", lambda W, o: w(W.ours, "", o.workshop), lambda W, o: {}),
    (
        "their workshop's live board",
        "get",
        lambda W, o: w(W.ours, "live/", o.workshop),
        lambda W, o: {},
    ),
    (
        "close their workshop",
        "post",
        lambda W, o: w(W.ours, "state/", o.workshop),
        lambda W, o: {"state": "closed"},
    ),
    (
        "reveal their workshop",
        "post",
        lambda W, o: w(W.ours, "reveal/", o.workshop),
        lambda W, o: {"revealed": "on"},
    ),
    (
        "settle their workshop",
        "post",
        lambda W, o: w(W.ours, "settle/", o.workshop),
        lambda W, o: {"activity": o.activity.pk, "role": o.role.pk, "code": "A"},
    ),
    (
        "export their workshop",
        "get",
        lambda W, o: w(W.ours, "export.json", o.workshop),
        lambda W, o: {},
    ),
    (
        "remove their participant from their workshop",
        "post",
        lambda W, o: w(W.ours, f"participants/{o.participant.pk}/remove/", o.workshop),
        lambda W, o: {},
    ),
    # My workshop, their objects
    (
        "remove their participant from my workshop",
        "post",
        lambda W, o: w(W.ours, f"participants/{o.participant.pk}/remove/"),
        lambda W, o: {},
    ),
    (
        "settle their activity in my workshop",
        "post",
        lambda W, o: w(W.ours, "settle/"),
        lambda W, o: {"activity": o.activity.pk},
    ),
    (
        "settle a cell of their activity",
        "post",
        lambda W, o: w(W.ours, "settle/"),
        lambda W, o: {"activity": o.activity.pk, "role": o.role.pk, "code": "A"},
    ),
    (
        "settle a cell of their role",
        "post",
        lambda W, o: w(W.ours, "settle/"),
        lambda W, o: {"activity": W.ours.activity.pk, "role": o.role.pk, "code": "A"},
    ),
]


def _request(client, method, url, data, status):
    send = client.get if method == "get" else client.post
    response = send(url, data, headers=HX)
    assert response.status_code == status, (url, data, response.content[:300])
    return response


@pytest.mark.parametrize("which", ["theirs", "viewed"])
@pytest.mark.parametrize(
    ("method", "url", "data"),
    [case[1:] for case in FOREIGN_IDS],
    ids=[case[0] for case in FOREIGN_IDS],
)
def test_an_id_of_another_matrix_is_not_found_in_mine(world, me, which, method, url, data):
    other = world.other(which)
    before = db_state()
    _request(me, method, url(world, other), data(world, other), 404)
    assert db_state() == before


@pytest.mark.parametrize("which", ["theirs", "viewed"])
def test_a_workshop_cannot_start_on_another_matrixs_activities(world, me, which):
    before = db_state()
    # The form offers only the matrix's activities: another's is a bad choice (400).
    activities = [world.ours.activity.pk, world.other(which).activity.pk]
    _request(me, "post", m(world.ours, "workshops/"), {"activities": activities}, 400)
    assert db_state() == before


# Ids of my own matrix that are not part of my workshop.

OUTSIDE_THE_WORKSHOP = [
    ("settle an activity not in the workshop", {"activity": 3}),
    ("settle a cell of an activity not in the workshop", {"activity": 3, "role": 0, "code": "A"}),
    ("settle a cell of a role that is no column", {"activity": 0, "role": "custom", "code": "A"}),
]


@pytest.mark.parametrize(
    "data", [case[1] for case in OUTSIDE_THE_WORKSHOP], ids=[c[0] for c in OUTSIDE_THE_WORKSHOP]
)
def test_settling_is_limited_to_the_workshops_activities_and_the_matrixs_roles(world, me, data):
    ours = world.ours
    fields = {"activity": ours.activities[data["activity"]].pk}
    if "role" in data:
        role = ours.custom_role if data["role"] == "custom" else ours.roles[data["role"]]
        fields |= {"role": role.pk, "code": data["code"]}
    before = db_state()
    _request(me, "post", w(ours, "settle/"), fields, 404)
    assert db_state() == before


# --- Voting in a workshop ------------------------------------------------------------------------


def _joined(workshop: Workshop, name: str) -> Client:
    client = Client()
    response = client.post(f"/w/{workshop.code}/", {"name": name})
    assert response.status_code == 302
    assert workshop.code in client.session[SESSION_KEY]
    return client


VOTES = [
    ("an activity of another matrix", lambda W: (W.theirs.activity, W.ours.role)),
    ("a role of another matrix", lambda W: (W.ours.activity, W.theirs.role)),
    (
        "an activity of the matrix outside the workshop",
        lambda W: (W.ours.activities[3], W.ours.role),
    ),
    ("a role of the team that is no column", lambda W: (W.ours.activity, W.ours.custom_role)),
]


@pytest.mark.parametrize("cell", [c[1] for c in VOTES], ids=[c[0] for c in VOTES])
def test_a_vote_outside_the_workshop_is_refused(world, cell):
    voter = _joined(world.ours.workshop, "Val")
    activity, role = cell(world)
    before = db_state()
    response = voter.post(
        f"/w/{world.ours.workshop.code}/cast/",
        {"activity": activity.pk, "role": role.pk, "code": "R"},
        headers=HX,
    )
    assert response.status_code == 400
    assert db_state() == before


def test_a_participant_cannot_vote_in_another_workshop(world):
    voter = _joined(world.theirs.workshop, "Val")
    before = db_state()
    response = voter.post(
        f"/w/{world.ours.workshop.code}/cast/",
        {"activity": world.ours.activity.pk, "role": world.ours.role.pk, "code": "R"},
        headers=HX,
    )
    assert response.status_code == 403
    assert db_state() == before


# --- A viewer sends valid changes: refused, nothing changes ------------------------------------

VIEWER_POSTS = [
    (
        "assign",
        lambda v: m(v, "cells/"),
        lambda v: {"activity": v.activities[3].pk, "role": v.role.pk, "code": "R"},
    ),
    (
        "note",
        lambda v: m(v, "cells/note/"),
        lambda v: {"activity": v.activity.pk, "role": v.roles[2].pk, "note": "x"},
    ),
    (
        "move",
        lambda v: m(v, "activities/move/"),
        lambda v: {"activity": v.activities[0].pk, "phase": v.phases[1].pk},
    ),
    (
        "edit activity",
        lambda v: m(v, f"activities/{v.activity.pk}/"),
        lambda v: {"name": "Renamed", "description": ""},
    ),
    ("delete activity", lambda v: m(v, f"activities/{v.activity.pk}/delete/"), lambda v: {}),
    (
        "shift activity",
        lambda v: m(v, f"activities/{v.activity.pk}/shift/"),
        lambda v: {"offset": "1"},
    ),
    (
        "add activity",
        lambda v: m(v, f"phases/{v.phase.pk}/activities/"),
        lambda v: {"name": "New", "description": ""},
    ),
    ("add phase", lambda v: m(v, "phases/"), lambda v: {"name": "New"}),
    ("rename phase", lambda v: m(v, f"phases/{v.phase.pk}/"), lambda v: {"name": "New"}),
    ("delete phase", lambda v: m(v, f"phases/{v.phase.pk}/delete/"), lambda v: {}),
    ("shift phase", lambda v: m(v, f"phases/{v.phase.pk}/shift/"), lambda v: {"offset": "1"}),
    ("add column", lambda v: m(v, "columns/"), lambda v: {"role": v.custom_role.pk}),
    ("remove column", lambda v: m(v, f"columns/{v.role.pk}/delete/"), lambda v: {}),
    ("shift column", lambda v: m(v, f"columns/{v.role.pk}/shift/"), lambda v: {"offset": "1"}),
    (
        "new role",
        lambda v: m(v, "roles/new/"),
        lambda v: {"name": "Auditor", "short_label": "AU", "description": ""},
    ),
    ("details", lambda v: m(v, "details/"), lambda v: {"title": "Renamed", "description": ""}),
    (
        "options",
        lambda v: m(v, "options/"),
        lambda v: {"accountable_does_work": "on", "overload_percent": "20"},
    ),
    ("duplicate", lambda v: m(v, "duplicate/"), lambda v: {}),
    ("delete", lambda v: m(v, "delete/"), lambda v: {}),
    ("scheme", lambda v: m(v, "scheme/"), lambda v: {"scheme": "rasci", "confirm": "on"}),
    ("undo", lambda v: m(v, f"history/{v.change.pk}/undo/"), lambda v: {}),
    ("undo last", lambda v: m(v, "history/undo/"), lambda v: {}),
    ("snapshot", lambda v: m(v, "snapshots/"), lambda v: {"name": "Mine"}),
    ("delete snapshot", lambda v: m(v, f"snapshots/{v.snapshot.pk}/delete/"), lambda v: {}),
    ("start workshop", lambda v: m(v, "workshops/"), lambda v: {"activities": [v.activity.pk]}),
    ("workshop state", lambda v: w(v, "state/"), lambda v: {"state": "closed"}),
    ("workshop reveal", lambda v: w(v, "reveal/"), lambda v: {"revealed": "on"}),
    (
        "settle",
        lambda v: w(v, "settle/"),
        lambda v: {"activity": v.activity.pk, "role": v.role.pk, "code": "A"},
    ),
    (
        "remove participant",
        lambda v: w(v, f"participants/{v.participant.pk}/remove/"),
        lambda v: {},
    ),
    ("share", lambda v: m(v, "share/create/"), lambda v: {}),
    ("revoke share", lambda v: m(v, "share/revoke/"), lambda v: {}),
]


@pytest.mark.parametrize(
    ("url", "data"), [case[1:] for case in VIEWER_POSTS], ids=[case[0] for case in VIEWER_POSTS]
)
def test_a_viewer_sending_a_valid_change_is_refused(world, me, url, data):
    before = db_state()
    _request(me, "post", url(world.viewed), data(world.viewed), 403)
    assert db_state() == before


# --- Teams -----------------------------------------------------------------------------------

TEAM_IDS = [
    (
        "change the access of their member",
        lambda W: f"/teams/{W.mine.pk}/members/{W.theirs.membership.pk}/access/",
        {"access": "owner"},
    ),
    (
        "remove their member",
        lambda W: f"/teams/{W.mine.pk}/members/{W.theirs.membership.pk}/remove/",
        {},
    ),
    (
        "revoke their invite",
        lambda W: f"/teams/{W.mine.pk}/invites/{W.theirs.invite.pk}/revoke/",
        {},
    ),
    (
        "edit their custom role",
        lambda W: f"/roles/team/{W.mine.pk}/{W.theirs.custom_role.pk}/",
        {"name": "Hijacked", "short_label": "HJ"},
    ),
    (
        "edit their custom role in their team",
        lambda W: f"/roles/team/{W.theirs.team.pk}/{W.theirs.custom_role.pk}/",
        {"name": "Hijacked", "short_label": "HJ"},
    ),
    (
        "change an access in their team",
        lambda W: f"/teams/{W.theirs.team.pk}/members/{W.theirs.membership.pk}/access/",
        {"access": "owner"},
    ),
    (
        "revoke an invite of their team",
        lambda W: f"/teams/{W.theirs.team.pk}/invites/{W.theirs.invite.pk}/revoke/",
        {},
    ),
]


@pytest.mark.parametrize(
    ("url", "data"), [case[1:] for case in TEAM_IDS], ids=[case[0] for case in TEAM_IDS]
)
def test_an_id_of_another_team_is_not_found_in_mine(world, me, url, data):
    before = db_state()
    _request(me, "post", url(world), data, 404)
    assert db_state() == before


VIEWED_TEAM = [
    (
        "change an access",
        lambda W: f"/teams/{W.viewed.team.pk}/members/{W.viewed.membership.pk}/access/",
        {"access": "owner"},
    ),
    (
        "remove a member",
        lambda W: f"/teams/{W.viewed.team.pk}/members/{W.viewed.membership.pk}/remove/",
        {},
    ),
    (
        "revoke an invite",
        lambda W: f"/teams/{W.viewed.team.pk}/invites/{W.viewed.invite.pk}/revoke/",
        {},
    ),
    ("invite", lambda W: f"/teams/{W.viewed.team.pk}/invites/", {"access": "owner"}),
    (
        "add a member",
        lambda W: f"/teams/{W.viewed.team.pk}/members/",
        {"user": "me", "access": "owner"},
    ),
    ("rename", lambda W: f"/teams/{W.viewed.team.pk}/rename/", {"name": "Taken over"}),
    (
        "edit a custom role",
        lambda W: f"/roles/team/{W.viewed.team.pk}/{W.viewed.custom_role.pk}/",
        {"name": "Hijacked", "short_label": "HJ"},
    ),
]


@pytest.mark.parametrize(
    ("url", "data"), [case[1:] for case in VIEWED_TEAM], ids=[case[0] for case in VIEWED_TEAM]
)
def test_a_viewer_of_a_team_cannot_manage_it(world, me, url, data):
    before = db_state()
    _request(me, "post", url(world), data, 403)
    assert db_state() == before


def test_an_invite_works_once(world):
    guest = make_user("guest")
    late = make_user("late")
    url = world.theirs.invite.get_absolute_url()
    first, second = Client(), Client()
    first.force_login(guest)
    second.force_login(late)
    assert first.post(url).status_code == 302
    before = db_state()
    assert second.post(url).status_code == 410
    assert db_state() == before
    assert not Membership.objects.filter(user=late, team=world.theirs.team).exists()


def test_an_expired_invite_adds_nobody(world, me):
    invite = world.theirs.invite
    Invite.objects.filter(pk=invite.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    before = db_state()
    assert me.post(invite.get_absolute_url()).status_code == 410
    assert db_state() == before


def test_a_revoked_invite_adds_nobody(world, me):
    invite = world.mine.invites.create(
        token="revoked-token", access=AccessLevel.OWNER, expires_at=timezone.now() + timedelta(1)
    )
    assert me.post(f"/teams/{world.mine.pk}/invites/{invite.pk}/revoke/").status_code == 302
    guest = Client()
    guest.force_login(make_user())
    before = db_state()
    assert guest.post("/teams/join/revoked-token/").status_code == 404
    assert db_state() == before


# --- Removed members ---------------------------------------------------------------------------


def test_a_removed_member_loses_access_at_once(world, me):
    ours = world.ours
    assert me.get(m(ours)).status_code == 200  # a session that saw the matrix
    Membership.objects.filter(team=ours.team, user=world.me).delete()
    before = db_state()
    for method, url, data in [
        ("get", m(ours), {}),
        ("get", m(ours, "export/json/"), {}),
        ("get", m(ours, "history/"), {}),
        ("get", m(ours, f"snapshots/{ours.snapshot.pk}.json"), {}),
        ("get", w(ours), {}),
        ("get", f"/teams/{ours.team.pk}/", {}),
        ("get", f"/roles/team/{ours.team.pk}/", {}),
        (
            "post",
            m(ours, "cells/"),
            {"activity": ours.activities[3].pk, "role": ours.role.pk, "code": "R"},
        ),
        ("post", m(ours, "share/create/"), {}),
        ("post", w(ours, "settle/"), {}),
    ]:
        _request(me, method, url, data, 404)
    assert db_state() == before
    assert ours.matrix.slug not in me.get("/").text


# --- Role choices, exports and share links --------------------------------------------------------


def test_my_matrix_offers_no_role_of_another_team(world, me):
    response = me.get(m(world.ours))
    offered = list(response.context["available_roles"])
    assert {role.team_id for role in offered} == {None, world.ours.team.pk}
    assert world.ours.custom_role in offered
    for side in (world.theirs, world.viewed):
        for role in [side.custom_role, *side.roles]:
            assert role.name not in response.text


def test_a_team_role_page_lists_only_that_teams_roles(world, me):
    page = me.get(f"/roles/team/{world.mine.pk}/").text
    assert SECRET_ROLE not in page
    assert world.ours.custom_role.name not in page


def test_an_imported_role_named_like_another_teams_role_becomes_a_role_of_my_team(world, me):
    document = {
        "format": "raci-builder/matrix",
        "version": 1,
        "matrix": {
            "title": "Imported",
            "scheme": "raci",
            "roles": [{"key": "secret", "name": SECRET_ROLE, "short_label": "S"}],
            "phases": [{"name": "P", "activities": [{"name": "A", "cells": {"secret": "A"}}]}],
        },
    }
    upload = SimpleUploadedFile("m.json", json.dumps(document).encode(), "application/json")
    preview = me.post("/import/", {"file": upload, "team": world.ours.team.pk, "title": ""})
    assert preview.status_code == 200, preview.content[:500]
    token = preview.context["token"]
    assert me.post("/import/confirm/", {"token": token}).status_code == 302
    imported = Matrix.objects.get(title="Imported")
    role = imported.roles.get()
    assert role.team == world.ours.team
    assert role.pk != world.theirs.custom_role.pk


def test_an_import_preview_of_another_session_cannot_be_confirmed(world, me):
    other = Client()
    other.force_login(make_user())
    upload = SimpleUploadedFile("m.csv", b"Activity,Lead\nPlan,A\n", "text/csv")
    preview = me.post("/import/", {"file": upload, "team": world.ours.team.pk, "title": "Csv"})
    assert preview.status_code == 200
    before = db_state()
    response = other.post("/import/confirm/", {"token": preview.context["token"]})
    assert response.status_code == 302 and response["Location"] == "/import/"
    assert db_state() == before


def _text(response, fmt: str) -> str:
    if fmt != "xlsx":
        return response.content.decode()
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    return "\n".join(
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


@pytest.mark.parametrize("fmt", ["json", "csv", "md", "xlsx"])
def test_an_export_holds_only_its_matrix(world, me, fmt):
    response = me.get(m(world.ours, f"export/{fmt}/"))
    assert response.status_code == 200
    body = _text(response, fmt)
    assert world.ours.roles[0].name in body
    if fmt == "json":
        data = json.loads(body)["matrix"]
        names = {a["name"] for p in data["phases"] for a in p["activities"]}
        assert names == {a.name for a in world.ours.activities}
        assert {r["name"] for r in data["roles"]} == {r.name for r in world.ours.roles}
    for side in (world.theirs, world.viewed):
        assert side.matrix.title not in body
        assert side.custom_role.name not in body
        assert all(role.name not in body for role in side.roles)


def test_a_share_link_shows_and_exports_only_its_matrix(world):
    link = ShareLink.objects.get(matrix=world.ours.matrix)
    visitor = Client()
    page = visitor.get(f"/s/{link.token}/")
    assert page.status_code == 200
    assert world.ours.matrix.title in page.text
    exported = json.loads(visitor.get(f"/s/{link.token}/export/json/").content)["matrix"]
    assert exported["title"] == world.ours.matrix.title
    for side in (world.theirs, world.viewed):
        assert side.matrix.title not in page.text
        assert SECRET_ROLE not in page.text
        assert side.custom_role.name not in page.text
    assert world.ours.custom_role.name not in page.text  # a team role that is no column


def test_revoking_my_share_link_leaves_the_others_alone(world, me):
    response = me.post(m(world.ours, "share/revoke/"), headers=HX)
    assert response.status_code == 200
    live = set(ShareLink.objects.active().values_list("matrix_id", flat=True))
    assert live == {world.theirs.matrix.pk, world.viewed.matrix.pk}


def test_a_revoked_share_link_shows_nothing(world):
    theirs = ShareLink.objects.get(matrix=world.theirs.matrix)
    ShareLink.objects.filter(pk=theirs.pk).update(revoked_at=timezone.now())
    visitor = Client()
    assert visitor.get(f"/s/{theirs.token}/").status_code == 404
    assert visitor.get(f"/s/{theirs.token}/export/json/").status_code == 404


# An owner sees every pending invite link of the team: one who goes must not come back by one.


@pytest.mark.parametrize(
    ("change", "data"),
    [("remove", {}), ("access", {"access": "editor"}), ("access", {"access": "viewer"})],
)
def test_an_owner_who_is_removed_or_demoted_cannot_come_back_by_a_pending_invite(
    world, me, change, data
):
    ousted = make_user("ousted")
    membership = add_member(world.mine, ousted, AccessLevel.OWNER)
    invite = invite_create(team=world.mine, access=AccessLevel.OWNER, created_by=world.me)
    response = me.post(f"/teams/{world.mine.pk}/members/{membership.pk}/{change}/", data)
    assert response.status_code == 302
    client = Client()
    client.force_login(ousted)
    before = db_state()
    assert client.post(invite.get_absolute_url()).status_code == 404
    assert db_state() == before
    access = Membership.objects.filter(team=world.mine, user=ousted).values_list("access")
    assert list(access) == ([] if change == "remove" else [(data["access"],)])


def test_an_owner_who_leaves_cannot_come_back_by_a_pending_invite(world, me):
    team = world.ours.team
    Membership.objects.filter(team=team, user=world.me).update(access=AccessLevel.OWNER)
    invite = invite_create(team=team, access=AccessLevel.OWNER, created_by=world.me)
    assert me.post(f"/teams/{team.pk}/leave/").status_code == 302
    before = db_state()
    assert me.post(invite.get_absolute_url()).status_code == 404
    assert db_state() == before


def test_removing_an_editor_or_a_viewer_keeps_the_pending_invites(world, me):
    invite = invite_create(team=world.mine, access=AccessLevel.EDITOR, created_by=world.me)
    editor = add_member(world.mine, make_user(), AccessLevel.EDITOR)
    for membership in (world.mine_viewer, editor):
        response = me.post(f"/teams/{world.mine.pk}/members/{membership.pk}/remove/")
        assert response.status_code == 302
    assert Invite.objects.pending().filter(pk=invite.pk).exists()
