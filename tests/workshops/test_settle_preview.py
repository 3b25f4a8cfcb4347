"""'Accept all majorities': a preview of what is set, cleared and kept, then exactly that."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import AccessLevel
from apps.history.models import Change
from apps.matrices.models import Responsibility
from apps.raci.schemes import RACI, Kind
from apps.workshops import services
from apps.workshops.models import SettledCell
from tests.conftest import make_matrix, make_user

from .conftest import accept_all, join, member_client, plan_of, settle_preview, vote

A = RACI.code_for(Kind.ACCOUNTABLE)
R = RACI.code_for(Kind.RESPONSIBLE)
C = RACI.code_for(Kind.CONSULTED)


def grid(matrix):
    activities = list(matrix.activities.all())
    roles = list(matrix.roles.order_by("columns__position"))
    codes = dict(
        ((a, r), c)
        for a, r, c in Responsibility.objects.filter(activity__matrix=matrix).values_list(
            "activity_id", "role_id", "code"
        )
    )
    return [[codes.get((a.pk, r.pk), "") for r in roles] for a in activities]


@pytest.fixture
def room(workshop, matrix):
    """The matrix holds A (role R0) and R (role R1) on every activity. On activity 0 the room
    says R0 is R and R3 is A, and (2 to 1) that R1 has no part; on activity 1 only Ann answers,
    giving R2 a C. Activities 2 and 3: nobody answered."""
    activities = list(matrix.activities.all())
    roles = list(matrix.roles.order_by("columns__position"))
    people = [join(workshop, name)[0] for name in ["Ann", "Bob", "Cat"]]
    for client, r1 in zip(people, ["", "", C], strict=True):
        vote(client, workshop, activities[0], roles[0], R)
        vote(client, workshop, activities[0], roles[1], r1)
        vote(client, workshop, activities[0], roles[3], A)
    vote(people[0], workshop, activities[1], roles[2], C)
    return people


def text(response):
    return " ".join(response.content.decode().split())


def words(response):
    """What the panel says, without its markup."""
    return " ".join(re.sub(r"<[^>]+>", "", response.content.decode()).split())


def test_the_preview_lists_what_is_set_cleared_and_kept(client_in, workshop, matrix, room):
    first, second, *unanswered = (a.name for a in matrix.activities.all())
    before = grid(matrix)
    response = settle_preview(client_in, workshop, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    said = words(response)
    assert "In 2 answered activities: 3 letters set, 1 cleared, 2 kept because nobody" in said
    assert f"{first} (2 set, 1 cleared, 0 kept)" in said
    assert f"{second} (1 set, 0 cleared, 2 kept)" in said
    page = text(response)
    assert "R0 R (was A)" in page and "R3 A (was none)" in page
    assert "R1 cleared (was R)" in page and "R2 kept" not in page  # empty, and stays so
    assert "R0 kept as A" in page and "R1 kept as R" in page and "R2 C (was none)" in page
    assert not any(name in page for name in unanswered)  # nobody answered them
    assert 'name="keep" value="on" checked' in page
    assert "<html" not in page  # a panel for htmx, not a page
    assert grid(matrix) == before  # looking changes nothing
    assert not SettledCell.objects.exists()


def test_without_keeping_the_preview_clears_what_nobody_voted_on(client_in, workshop, room):
    response = settle_preview(client_in, workshop, keep=False, HTTP_HX_REQUEST="true")
    assert "3 letters set, 3 cleared." in words(response)
    page = text(response)
    assert "R0 cleared (was A)" in page and "R1 cleared (was R)" in page
    assert "kept" not in page.split("ws-settle-list")[1]
    assert 'name="keep" value="on" data-hx-get' in page  # the box unticked


def test_confirming_keeps_unvoted_letters(client_in, workshop, matrix, room):
    response = accept_all(client_in, workshop, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    page = text(response)
    assert 'id="board"' in page
    assert 'id="ws-settle-preview" class="ws-settle-preview" data-hx-swap-oob="true"' in page
    assert "Settled: 4 cells of the matrix changed." in page
    assert grid(matrix)[:2] == [[R, "", "", A], [A, R, C, ""]]
    assert grid(matrix)[2] == [A, R, "", ""]  # unanswered: untouched
    # Every answered cell is settled (kept ones as the matrix holds them): both rows say so.
    assert SettledCell.objects.filter(workshop=workshop).count() == 8
    assert page.count("Settled ✓") == 2
    change = Change.objects.get(matrix=matrix)  # one entry, one undo
    assert change.summary.startswith(f"Settled the workshop {workshop.code}")


def test_confirming_without_keeping_clears_them(client_in, workshop, matrix, room):
    assert accept_all(client_in, workshop, keep=False).status_code == 302
    assert grid(matrix)[:2] == [[R, "", "", A], ["", "", C, ""]]
    assert Change.objects.filter(matrix=matrix).count() == 1


def test_a_stale_preview_is_refused_with_the_new_one(client_in, workshop, matrix, room):
    activities = list(matrix.activities.all())
    roles = list(matrix.roles.order_by("columns__position"))
    old = plan_of(settle_preview(client_in, workshop))
    before = grid(matrix)
    dan, _ = join(workshop, "Dan")  # a join alone changes nothing the plan settles
    assert plan_of(settle_preview(client_in, workshop)) == old
    vote(dan, workshop, activities[1], roles[0], C)  # activity 1: R0 is now voted on
    url = f"{workshop.get_absolute_url()}settle/"
    response = client_in.post(url, {"plan": old, "keep": "on"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    assert response["HX-Retarget"] == "#ws-settle-preview"
    assert response["HX-Reswap"] == "innerHTML"
    page = text(response)
    assert "The answers or the matrix changed since that preview, so nothing was settled." in page
    assert "R0 C (was A)" in page  # the new plan, shown: Dan gave R0 a C
    new = plan_of(response)
    assert new != old
    assert grid(matrix) == before and not SettledCell.objects.exists()
    assert not Change.objects.filter(matrix=matrix).exists()
    # The matrix edited since the preview is stale too.
    Responsibility.objects.filter(activity=activities[1], role=roles[0]).update(code=R)
    response = client_in.post(url, {"plan": new, "keep": "on"})
    assert response.status_code == 409
    # Keeping or not is part of what was previewed.
    fresh = plan_of(settle_preview(client_in, workshop))
    assert client_in.post(url, {"plan": fresh}).status_code == 409
    assert client_in.post(url, {"plan": fresh, "keep": "on"}).status_code == 302


def test_nothing_answered_means_nothing_to_settle(client_in, workshop, matrix):
    before = grid(matrix)
    page = text(settle_preview(client_in, workshop))
    assert "Nobody has answered yet: there is nothing to settle." in page
    assert 'name="plan"' not in page
    response = client_in.post(f"{workshop.get_absolute_url()}settle/", {"plan": "x" * 32})
    assert response.status_code == 409
    assert grid(matrix) == before


def test_the_preview_without_htmx_is_a_page(client_in, workshop, room):
    response = settle_preview(client_in, workshop)
    assert response.status_code == 200
    assert "<html" in response.content.decode()
    assert "Back to the workshop's board" in response.content.decode()


@pytest.mark.parametrize(
    ("access", "status"), [(AccessLevel.VIEWER, 403), (None, 404), ("anonymous", 302)]
)
def test_only_editors_preview_and_confirm(db, workshop, matrix, team, room, access, status):
    editor = Client()
    editor.force_login(workshop.created_by)
    plan = plan_of(settle_preview(editor, workshop))
    if access == "anonymous":
        client = Client()
    elif access is None:
        client = Client()
        client.force_login(make_user())
    else:
        client = member_client(team, access)
    before = grid(matrix)
    response = settle_preview(client, workshop)
    assert response.status_code == status
    assert "ws-settle" not in response.content.decode()
    url = f"{workshop.get_absolute_url()}settle/"
    assert client.post(url, {"plan": plan, "keep": "on"}).status_code == status
    assert grid(matrix) == before


def test_confirming_needs_the_csrf_token(db, workshop, matrix, room):
    client = Client(enforce_csrf_checks=True)
    client.force_login(workshop.created_by)
    plan = plan_of(settle_preview(client, workshop))
    before = grid(matrix)
    url = f"{workshop.get_absolute_url()}settle/"
    assert client.post(url, {"plan": plan, "keep": "on"}).status_code == 403
    assert grid(matrix) == before


def _preview_queries(client, workshop):
    with CaptureQueriesContext(connection) as queries:
        assert settle_preview(client, workshop, HTTP_HX_REQUEST="true").status_code == 200
    return len(queries)


def test_the_preview_takes_the_same_queries_whatever_the_room(client_in, team, user):
    counts = []
    for people in (1, 8):
        matrix = make_matrix(team=team, activities=6, roles=5)
        workshop = services.workshop_start(matrix=matrix, activities=matrix.activities.all())
        for i in range(people):
            participant = services.participant_join(workshop=workshop, name=f"P{i}")
            for activity in matrix.activities.all():
                for j, role in enumerate(matrix.roles.all()):
                    services.vote_cast(
                        participant=participant,
                        activity_id=activity.pk,
                        role_id=role.pk,
                        code=[A, R, C, ""][(i + j) % 4],
                    )
        _preview_queries(client_in, workshop)  # the matrix's structure cache, warm
        counts.append(_preview_queries(client_in, workshop))
    # Session, user, matrix, workshop; activities, participants, the kept tallies (cells,
    # activities), matrix cells, settled cells.
    assert counts == [10, 10]
