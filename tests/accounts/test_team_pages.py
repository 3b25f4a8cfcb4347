"""Teams: the list, a team's page, members and their access, leaving, creating a team."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from apps.accounts.access import team_for_user
from apps.accounts.models import AccessLevel, Membership, Team
from apps.accounts.services import team_create
from tests.conftest import add_member, make_matrix, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_team(user):
    """A team owned by alice (the logged-in user of client_in) with an editor and a viewer."""
    team = team_create(name="Product", owner=user)
    add_member(team, make_user("ed"), AccessLevel.EDITOR)
    add_member(team, make_user("vi"), AccessLevel.VIEWER)
    return team


def member(team, username) -> Membership:
    return Membership.objects.get(team=team, user__username=username)


def as_user(client, username):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username=username))
    return client


# --- the fetch-and-authorise helper ---


def test_team_for_user_hides_teams_from_non_members_and_refuses_managing_to_non_owners(
    shared_team,
):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    stranger = make_user()
    with pytest.raises(Http404):
        team_for_user(stranger, shared_team.pk)
    editor = member(shared_team, "ed").user
    assert team_for_user(editor, shared_team.pk).can_manage is False
    with pytest.raises(PermissionDenied):
        team_for_user(editor, shared_team.pk, manage=True)
    owner = shared_team.memberships.get(access=AccessLevel.OWNER).user
    assert team_for_user(owner, shared_team.pk, manage=True).can_manage is True


# --- list and create ---


def test_the_team_list_shows_my_teams_with_my_access(client_in, shared_team, user):
    other = Team.objects.create(name="Elsewhere")
    response = client_in.get(reverse("teams:list"))
    assert response.status_code == 200
    text = response.text
    assert "Product" in text and escape(user.personal_team.name) in text
    assert "Elsewhere" not in text
    assert list(response.context["memberships"].values_list("team__name", "access")) == [
        (user.personal_team.name, "owner"),
        ("Product", "owner"),
    ]
    assert other.pk  # exists, just not mine


def test_the_team_list_costs_the_same_queries_with_more_teams(
    client_in, user, django_assert_num_queries
):
    client_in.get(reverse("teams:list"))
    for i in range(2):
        team_create(name=f"T{i}", owner=user)
    with django_assert_num_queries(4):  # session, user, personal team, memberships
        client_in.get(reverse("teams:list"))
    for i in range(10):
        add_member(team_create(name=f"U{i}", owner=user), make_user())
    with django_assert_num_queries(4):
        response = client_in.get(reverse("teams:list"))
    assert response.text.count('<th scope="row">') == 13


def test_creating_a_team_makes_me_its_owner(client_in, user):
    response = client_in.post(reverse("teams:create"), {"name": "  Launch crew "})
    team = Team.objects.get(name="Launch crew")
    assert response.status_code == 302 and response.url == reverse("teams:detail", args=[team.pk])
    assert member(team, user.username).access == AccessLevel.OWNER


def test_a_team_needs_a_name(client_in):
    count = Team.objects.count()
    response = client_in.post(reverse("teams:create"), {"name": "   "})
    assert response.status_code == 400
    assert "This field is required" in response.text or "Give the team a name" in response.text
    assert Team.objects.count() == count


# --- the team page ---


def test_the_team_page_lists_members_by_access(client_in, shared_team):
    response = client_in.get(reverse("teams:detail", args=[shared_team.pk]))
    assert response.status_code == 200
    names = [m.user.username for m in response.context["members"]]
    assert names == ["alice", "ed", "vi"]
    assert "Create invite link" in response.text and "Add member" in response.text


def test_members_who_are_not_owners_see_the_team_without_controls(client, shared_team):
    response = as_user(client, "ed").get(reverse("teams:detail", args=[shared_team.pk]))
    assert response.status_code == 200
    assert "alice" in response.text
    for control in ("Create invite link", "Add member", "member_access", "Remove", "<select"):
        assert control not in response.text
    assert "Leave this team" in response.text


def test_the_team_page_is_a_404_for_non_members(client, shared_team):
    client.force_login(make_user())
    assert client.get(reverse("teams:detail", args=[shared_team.pk])).status_code == 404


def test_the_team_page_costs_the_same_queries_with_more_members(
    client_in, shared_team, django_assert_num_queries
):
    url = reverse("teams:detail", args=[shared_team.pk])
    client_in.get(url)
    # session, user, team+access, members, matrix count, pending invites
    with django_assert_num_queries(6):
        client_in.get(url)
    for _ in range(15):
        add_member(shared_team, make_user(), AccessLevel.VIEWER)
    client_in.post(reverse("teams:invite_create", args=[shared_team.pk]), {"access": "viewer"})
    client_in.post(reverse("teams:invite_create", args=[shared_team.pk]), {"access": "editor"})
    with django_assert_num_queries(6):
        response = client_in.get(url)
    assert len(response.context["members"]) == 18
    assert len(response.context["invites"]) == 2


# --- adding members ---


def test_an_owner_adds_an_existing_user_by_username(client_in, shared_team):
    make_user("zoe")
    response = client_in.post(
        reverse("teams:member_add", args=[shared_team.pk]), {"user": "ZOE", "access": "viewer"}
    )
    assert response.status_code == 302
    assert member(shared_team, "zoe").access == AccessLevel.VIEWER


def test_an_owner_adds_an_existing_user_by_email(client_in, shared_team):
    make_user("yan", email="yan@example.com")
    client_in.post(
        reverse("teams:member_add", args=[shared_team.pk]),
        {"user": "Yan@Example.com", "access": "editor"},
    )
    assert member(shared_team, "yan").access == AccessLevel.EDITOR


@pytest.mark.parametrize(
    "data,message",
    [
        ({"user": "nobody", "access": "editor"}, "No user is called “nobody”"),
        ({"user": "ed", "access": "editor"}, "ed is already a member of Product"),
        ({"user": "", "access": "editor"}, "This field is required"),
        ({"user": "ed2", "access": "admin"}, "Select a valid choice"),
    ],
)
def test_adding_a_member_explains_bad_input_and_changes_nothing(
    client_in, shared_team, data, message
):
    make_user("ed2")
    before = list(Membership.objects.order_by("pk").values_list("pk", "access"))
    response = client_in.post(reverse("teams:member_add", args=[shared_team.pk]), data)
    assert response.status_code == 400
    assert message in response.text
    assert list(Membership.objects.order_by("pk").values_list("pk", "access")) == before


def test_two_users_with_the_same_email_must_be_added_by_username(client_in, shared_team):
    make_user("p1", email="same@example.com")
    make_user("p2", email="same@example.com")
    response = client_in.post(
        reverse("teams:member_add", args=[shared_team.pk]),
        {"user": "same@example.com", "access": "viewer"},
    )
    assert response.status_code == 400
    assert "enter the username instead" in response.text


# --- access levels and removal ---


def test_an_owner_changes_a_members_access(client_in, shared_team):
    ed = member(shared_team, "ed")
    response = client_in.post(
        reverse("teams:member_access", args=[shared_team.pk, ed.pk]), {"access": "viewer"}
    )
    assert response.status_code == 302
    ed.refresh_from_db()
    assert ed.access == AccessLevel.VIEWER


def test_a_bad_access_level_is_refused(client_in, shared_team):
    ed = member(shared_team, "ed")
    response = client_in.post(
        reverse("teams:member_access", args=[shared_team.pk, ed.pk]), {"access": "god"}
    )
    assert response.status_code == 400
    assert "Choose owner, editor or viewer" in response.text
    ed.refresh_from_db()
    assert ed.access == AccessLevel.EDITOR


def test_the_last_owner_cannot_step_down(client_in, shared_team):
    me = member(shared_team, "alice")
    response = client_in.post(
        reverse("teams:member_access", args=[shared_team.pk, me.pk]), {"access": "editor"}
    )
    assert response.status_code == 400
    assert "a team needs at least one owner" in response.text
    me.refresh_from_db()
    assert me.access == AccessLevel.OWNER


def test_an_owner_can_step_down_once_there_is_another_owner(client_in, shared_team):
    ed = member(shared_team, "ed")
    client_in.post(
        reverse("teams:member_access", args=[shared_team.pk, ed.pk]), {"access": "owner"}
    )
    me = member(shared_team, "alice")
    client_in.post(
        reverse("teams:member_access", args=[shared_team.pk, me.pk]), {"access": "viewer"}
    )
    me.refresh_from_db()
    assert me.access == AccessLevel.VIEWER
    # Now alice may no longer manage the team.
    response = client_in.post(
        reverse("teams:member_access", args=[shared_team.pk, me.pk]), {"access": "owner"}
    )
    assert response.status_code == 403


def test_an_owner_removes_a_member(client_in, shared_team):
    vi = member(shared_team, "vi")
    response = client_in.post(reverse("teams:member_remove", args=[shared_team.pk, vi.pk]))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=vi.pk).exists()


def test_the_last_owner_cannot_be_removed(client_in, shared_team):
    me = member(shared_team, "alice")
    response = client_in.post(reverse("teams:member_remove", args=[shared_team.pk, me.pk]))
    assert response.status_code == 400
    assert "a team needs at least one owner" in response.text
    assert Membership.objects.filter(pk=me.pk).exists()


def test_a_member_of_another_team_cannot_be_touched_through_this_one(client_in, shared_team):
    elsewhere = team_create(name="Other", owner=make_user())
    theirs = add_member(elsewhere, make_user(), AccessLevel.VIEWER)
    url = reverse("teams:member_remove", args=[shared_team.pk, theirs.pk])
    assert client_in.post(url).status_code == 404
    url = reverse("teams:member_access", args=[shared_team.pk, theirs.pk])
    assert client_in.post(url, {"access": "owner"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.access == AccessLevel.VIEWER


@pytest.mark.parametrize("username", ["ed", "vi"])
def test_members_who_are_not_owners_cannot_manage(client, shared_team, username):
    as_user(client, username)
    vi = member(shared_team, "vi")
    make_user("zed")
    urls_and_data = [
        (reverse("teams:member_add", args=[shared_team.pk]), {"user": "zed", "access": "owner"}),
        (reverse("teams:member_access", args=[shared_team.pk, vi.pk]), {"access": "owner"}),
        (reverse("teams:member_remove", args=[shared_team.pk, vi.pk]), {}),
        (reverse("teams:invite_create", args=[shared_team.pk]), {"access": "owner"}),
        (reverse("teams:rename", args=[shared_team.pk]), {"name": "Mine now"}),
    ]
    for url, data in urls_and_data:
        assert client.post(url, data).status_code == 403, url
    assert not Membership.objects.filter(team=shared_team, user__username="zed").exists()
    assert member(shared_team, "vi").access == AccessLevel.VIEWER
    shared_team.refresh_from_db()
    assert shared_team.name == "Product" and not shared_team.invites.exists()


def test_an_owner_renames_the_team(client_in, shared_team):
    client_in.post(reverse("teams:rename", args=[shared_team.pk]), {"name": "Platform"})
    shared_team.refresh_from_db()
    assert shared_team.name == "Platform"


# --- leaving ---


def test_a_member_leaves_a_team(client, shared_team):
    as_user(client, "vi")
    response = client.post(reverse("teams:leave", args=[shared_team.pk]))
    assert response.status_code == 302 and response.url == reverse("teams:list")
    assert not Membership.objects.filter(team=shared_team, user__username="vi").exists()
    # Gone means gone: the team is now a 404 for them.
    assert client.get(reverse("teams:detail", args=[shared_team.pk])).status_code == 404


def test_leaving_and_removing_ask_for_confirmation_then_reload_the_page(client, shared_team):
    as_user(client, "alice")
    vi = member(shared_team, "vi")
    page = client.get(reverse("teams:detail", args=[shared_team.pk])).text
    assert 'data-hx-confirm="Remove vi from Product?"' in page
    response = client.post(
        reverse("teams:member_remove", args=[shared_team.pk, vi.pk]),
        headers={"HX-Request": "true"},
    )
    assert response["HX-Redirect"] == reverse("teams:detail", args=[shared_team.pk])
    assert not Membership.objects.filter(pk=vi.pk).exists()
    # A refusal comes back as a message on the reloaded page, not as an unseen 400.
    alice = member(shared_team, "alice")
    response = client.post(
        reverse("teams:member_remove", args=[shared_team.pk, alice.pk]),
        headers={"HX-Request": "true"},
    )
    assert response["HX-Redirect"] == reverse("teams:detail", args=[shared_team.pk])
    page = client.get(reverse("teams:detail", args=[shared_team.pk])).text
    assert "a team needs at least one owner" in page
    as_user(client, "ed")
    page = client.get(reverse("teams:detail", args=[shared_team.pk])).text
    assert 'data-hx-confirm="Leave Product? You will need an owner to add you again."' in page
    response = client.post(
        reverse("teams:leave", args=[shared_team.pk]), headers={"HX-Request": "true"}
    )
    assert response["HX-Redirect"] == reverse("teams:list")
    assert not Membership.objects.filter(team=shared_team, user__username="ed").exists()


def test_the_last_owner_cannot_leave(client_in, shared_team):
    response = client_in.post(reverse("teams:leave", args=[shared_team.pk]))
    assert response.status_code == 400
    assert "a team needs at least one owner" in response.text
    assert member(shared_team, "alice").access == AccessLevel.OWNER


def test_nobody_leaves_their_personal_team(client_in, user):
    response = client_in.post(reverse("teams:leave", args=[user.personal_team.pk]))
    assert response.status_code == 400
    assert "A personal team always keeps its owner" in response.text


def test_a_personal_team_keeps_its_owner_even_with_a_second_owner(client, user):
    """Another owner of alice's personal team can neither demote nor remove her."""
    personal = user.personal_team
    bob = make_user("bob")
    add_member(personal, bob, AccessLevel.OWNER)
    alice = member(personal, "alice")
    client.force_login(bob)
    page = client.get(reverse("teams:detail", args=[personal.pk])).text
    assert reverse("teams:member_access", args=[personal.pk, alice.pk]) not in page
    assert reverse("teams:member_remove", args=[personal.pk, alice.pk]) not in page
    for access in ("editor", "viewer"):
        response = client.post(
            reverse("teams:member_access", args=[personal.pk, alice.pk]), {"access": access}
        )
        assert response.status_code == 400
        assert "A personal team always keeps its owner" in response.text
    response = client.post(reverse("teams:member_remove", args=[personal.pk, alice.pk]))
    assert response.status_code == 400
    assert member(personal, "alice").access == AccessLevel.OWNER


def test_leaving_a_team_takes_its_matrices_out_of_reach(client, shared_team):
    matrix = make_matrix(team=shared_team)
    as_user(client, "ed")
    assert client.get(matrix.get_absolute_url()).status_code == 200
    client.post(reverse("teams:leave", args=[shared_team.pk]))
    assert client.get(matrix.get_absolute_url()).status_code == 404
