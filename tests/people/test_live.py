"""Holders in the other browsers: a change of holders reaches every stream like any other
change, redrawing the column heads, the findings, the workload and the people panel; a cell
change redraws the workload by person; a share link's stream never names anyone."""

import pytest

from apps.accounts.models import AccessLevel
from apps.matrices.changes import Action
from apps.matrices.regions import change_regions
from apps.matrices.services import responsibility_assign
from apps.people.services import holders_set
from apps.sharing.services import share_link_create
from tests.conftest import add_member, make_matrix, make_user
from tests.live.conftest import (  # noqa: F401 - the fixture: a clean layer and presence list
    Stream,
    _fresh_layer_and_presence,
    in_thread,
    run,
    session_cookie,
)


@pytest.fixture
def live(transactional_db):
    owner, viewer = make_user("olga"), make_user("vera")
    team = owner.personal_team
    add_member(team, viewer, AccessLevel.VIEWER)
    matrix = make_matrix(team=team, activities=4, roles=3, phases=2)
    return owner, viewer, matrix, list(matrix.roles.order_by("columns__position"))


def test_a_change_of_holders_reaches_the_other_browsers(live):
    owner, viewer, matrix, roles = live
    link = share_link_create(matrix=matrix, by=owner)
    cookie = session_cookie(viewer)

    async def scenario():
        member = await Stream(f"/ws/m/{matrix.slug}/", cookie).open()
        guest = await Stream(f"/ws/s/{link.token}/").open()
        await member.until("hello")
        await guest.until("hello")
        await in_thread(
            holders_set,
            matrix=matrix,
            role=roles[0],
            users=[owner],
            new_name="Dana (agency)",
            by=owner,
        )
        return await member.until("change"), await guest.until("change")

    for_member, for_guest = run(scenario)
    assert for_member["action"] == Action.HOLDERS
    html = "".join(for_member["regions"])
    for region in ('id="grid"', 'id="summary"', 'id="workload"', 'id="people"'):
        assert region in html
    assert "Held by Dana (agency) and olga" in html
    assert 'id="workload-people"' in html
    guest_html = "".join(for_guest["regions"])
    assert 'id="grid"' in guest_html and "Dana" not in guest_html
    assert "Dana" in for_member["summary"] and "Dana" not in for_guest["summary"]


def test_a_cell_change_redraws_the_workload_by_person(live):
    owner, _, matrix, roles = live
    holders_set(matrix=matrix, role=roles[2], users=[owner], by=owner)
    matrix.refresh_from_db()
    activity = matrix.activities.first()
    responsibility_assign(matrix=matrix, activity=activity, role=roles[2], code="C", by=owner)
    matrix.refresh_from_db()
    matrix.can_edit, matrix.shared = False, False
    regions = "".join(change_regions(matrix, Action.CELL, [(activity.pk, roles[2].pk)]))
    assert 'id="workload-people"' in regions
    assert 'id="people"' not in regions  # the panel does not change with a letter


def test_without_holders_a_cell_change_sends_what_it_did(live):
    owner, _, matrix, roles = live
    activity = matrix.activities.first()
    responsibility_assign(matrix=matrix, activity=activity, role=roles[2], code="C", by=owner)
    matrix.refresh_from_db()
    matrix.can_edit, matrix.shared = False, False
    regions = "".join(change_regions(matrix, Action.CELL, [(activity.pk, roles[2].pk)]))
    assert 'id="workload-people"' not in regions
