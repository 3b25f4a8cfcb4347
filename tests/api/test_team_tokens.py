"""A team token acts for its team, not for the owner who made it: it keeps working, within the
team only, when its maker leaves the team or stops being an owner, and it never reaches the
maker's other teams, whatever the maker's access there."""

import pytest

from apps.accounts.models import AccessLevel, Membership
from apps.accounts.services import member_change_access, member_remove
from apps.matrices.models import Matrix, Phase
from tests.conftest import add_member, make_matrix, make_user

from .conftest import Api, token_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def maker(world):
    """A second owner of the team, who also owns another team with a matrix of its own."""
    maker = make_user()
    add_member(world.team, maker, AccessLevel.OWNER)
    add_member(world.other_team, maker, AccessLevel.OWNER)
    maker.side_matrix = make_matrix(team=world.other_team)
    maker.team_token = token_for(maker, team=world.team)
    maker.read_token = token_for(maker, team=world.team, write=False)
    return maker


def _membership(world, user):
    return Membership.objects.select_related("team", "user").get(team=world.team, user=user)


def test_it_keeps_acting_for_the_team_when_its_maker_leaves(world, maker):
    member_remove(membership=_membership(world, maker))
    api = Api(maker.team_token)
    assert api.get(f"matrices/{world.matrix.slug}").status_code == 200
    assert [m["slug"] for m in api.get("matrices").json()["items"]] == [world.matrix.slug]
    assert [(t["id"], t["access"]) for t in api.get("teams").json()["items"]] == [
        (world.team.pk, "editor")
    ]
    response = api.post(f"matrices/{world.matrix.slug}/phases", {"name": "After they left"})
    assert response.status_code == 201, response.content
    assert Phase.objects.filter(matrix=world.matrix, name="After they left").exists()


def test_it_keeps_its_access_when_its_maker_becomes_a_viewer(world, maker):
    member_change_access(membership=_membership(world, maker), access=AccessLevel.VIEWER)
    response = Api(maker.team_token).patch(f"matrices/{world.matrix.slug}", {"title": "Still"})
    assert response.status_code == 200, response.content
    assert Matrix.objects.get(pk=world.matrix.pk).title == "Still"


def test_a_read_only_team_token_still_changes_nothing(world, maker):
    member_remove(membership=_membership(world, maker))
    api = Api(maker.read_token)
    assert api.get(f"matrices/{world.matrix.slug}/grid").status_code == 200
    response = api.patch(f"matrices/{world.matrix.slug}", {"title": "No"})
    assert (response.status_code, response.json()["code"]) == (403, "token_read_only")
    assert Matrix.objects.get(pk=world.matrix.pk).title != "No"


@pytest.mark.parametrize("left", [False, True], ids=["maker in the team", "maker left"])
def test_it_never_reaches_the_makers_other_teams(world, maker, left):
    if left:
        member_remove(membership=_membership(world, maker))
    api = Api(maker.team_token)
    side = maker.side_matrix
    before = (Matrix.objects.count(), Phase.objects.filter(matrix=side).count(), side.title)
    assert api.get(f"matrices/{side.slug}").status_code == 404
    assert api.get(f"matrices/{side.slug}/grid").status_code == 404
    assert api.patch(f"matrices/{side.slug}", {"title": "Taken"}).status_code == 404
    assert api.post(f"matrices/{side.slug}/phases", {"name": "Taken"}).status_code == 404
    assert api.get(f"teams/{world.other_team.pk}").status_code == 404
    response = api.post("matrices", {"title": "Taken", "team": world.other_team.pk})
    assert response.status_code == 404
    assert side.slug not in {m["slug"] for m in api.get("matrices").json()["items"]}
    assert api.get(f"matrices?team={world.other_team.pk}").json()["items"] == []
    side.refresh_from_db()
    after = (Matrix.objects.count(), Phase.objects.filter(matrix=side).count(), side.title)
    assert after == before
    # The maker's own token reaches it: the team token borrowed nothing of that access.
    assert Api(token_for(maker)).get(f"matrices/{side.slug}").status_code == 200
