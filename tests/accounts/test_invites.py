"""Invite links: single use, expiring, revocable; accepting needs an account."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import AccessLevel, Invite, Membership
from apps.accounts.services import invite_create, team_create
from tests.conftest import add_member, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def product(user):
    return team_create(name="Product", owner=user)


@pytest.fixture
def invite(product, user):
    return invite_create(team=product, access=AccessLevel.EDITOR, created_by=user)


def test_an_owner_creates_an_invite_link_that_expires_after_invite_max_age(
    client_in, product, settings
):
    settings.INVITE_MAX_AGE = 3 * 86400
    response = client_in.post(
        reverse("teams:invite_create", args=[product.pk]), {"access": "viewer"}
    )
    assert response.status_code == 302
    invite = Invite.objects.get(team=product)
    assert invite.access == AccessLevel.VIEWER
    assert len(invite.token) >= 43
    expected = timezone.now() + timedelta(days=3)
    assert abs((invite.expires_at - expected).total_seconds()) < 60
    page = client_in.get(reverse("teams:detail", args=[product.pk])).text
    # The full link is shown, ready to copy.
    assert f"http://testserver/teams/join/{invite.token}/" in page
    assert 'data-copy="invite-url-' in page


def test_a_bad_access_level_makes_no_invite(client_in, product):
    response = client_in.post(reverse("teams:invite_create", args=[product.pk]), {"access": "x"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.text
    assert not Invite.objects.exists()


def test_invite_tokens_differ(product, user):
    tokens = {
        invite_create(team=product, access="viewer", created_by=user).token for _ in range(20)
    }
    assert len(tokens) == 20


def test_a_signed_in_user_joins_by_the_link(client, invite, product):
    bob = make_user("bob")
    client.force_login(bob)
    page = client.get(invite.get_absolute_url())
    assert page.status_code == 200
    assert "Join Product" in page.text and "as editor" in page.text
    # Opening the link does not join: the button does.
    assert not Membership.objects.filter(team=product, user=bob).exists()
    response = client.post(invite.get_absolute_url())
    assert response.status_code == 302 and response.url == reverse(
        "teams:detail", args=[product.pk]
    )
    assert Membership.objects.get(team=product, user=bob).access == AccessLevel.EDITOR
    invite.refresh_from_db()
    assert invite.accepted_by == bob and invite.accepted_at is not None


def test_an_invite_works_once(client, invite, product):
    client.force_login(make_user("bob"))
    client.post(invite.get_absolute_url())
    carol = make_user("carol")
    client.force_login(carol)
    for response in (client.get(invite.get_absolute_url()), client.post(invite.get_absolute_url())):
        assert response.status_code == 410
        assert "already been used" in response.text
    assert not Membership.objects.filter(team=product, user=carol).exists()


def test_an_expired_invite_is_refused(client, invite, product):
    Invite.objects.filter(pk=invite.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    dan = make_user("dan")
    client.force_login(dan)
    response = client.post(invite.get_absolute_url())
    assert response.status_code == 410
    assert "has expired" in response.text
    assert not Membership.objects.filter(team=product, user=dan).exists()


def test_an_unknown_invite_is_a_404(client):
    client.force_login(make_user())
    assert client.get(reverse("teams:join", args=["nope"])).status_code == 404
    assert client.post(reverse("teams:join", args=["nope"])).status_code == 404


def test_a_member_is_told_they_already_belong_and_the_invite_stays_usable(client, invite, product):
    ed = make_user("ed")
    add_member(product, ed, AccessLevel.VIEWER)
    client.force_login(ed)
    response = client.post(invite.get_absolute_url())
    assert response.status_code == 410
    assert "already a member of Product" in response.text
    assert Membership.objects.get(team=product, user=ed).access == AccessLevel.VIEWER
    invite.refresh_from_db()
    assert invite.accepted_at is None


def test_a_visitor_is_asked_to_log_in_and_comes_back(client, invite, product, settings):
    settings.ALLOW_SIGNUP = False
    response = client.get(invite.get_absolute_url())
    assert response.status_code == 200
    login = f"{reverse('login')}?next={invite.get_absolute_url()}"
    assert login.replace("/", "%2F").replace("%2F", "/", 2) in response.text or (
        "Log in to join" in response.text
    )
    assert "Create an account" not in response.text
    # Posting without an account joins nobody.
    assert client.post(invite.get_absolute_url()).status_code == 200
    assert product.memberships.count() == 1


def test_with_signup_on_a_visitor_signs_up_then_joins(client, invite, product, settings):
    settings.ALLOW_SIGNUP = True
    page = client.get(invite.get_absolute_url()).text
    assert "Create an account" in page
    response = client.post(
        reverse("signup"),
        {
            "username": "newbie",
            "email": "newbie@example.com",
            "password1": "a long enough pass phrase",
            "password2": "a long enough pass phrase",
            "next": invite.get_absolute_url(),
        },
    )
    assert response.status_code == 302 and response.url == invite.get_absolute_url()
    response = client.post(invite.get_absolute_url())
    assert response.status_code == 302
    membership = Membership.objects.get(team=product, user__username="newbie")
    assert membership.access == AccessLevel.EDITOR


def test_an_owner_sees_and_revokes_pending_invites(client_in, invite, product, user):
    used = invite_create(team=product, access="viewer", created_by=user)
    Invite.objects.filter(pk=used.pk).update(accepted_at=timezone.now())
    expired = invite_create(team=product, access="viewer", created_by=user)
    Invite.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    page = client_in.get(reverse("teams:detail", args=[product.pk]))
    assert [i.pk for i, _ in page.context["invites"]] == [invite.pk]
    response = client_in.post(reverse("teams:invite_revoke", args=[product.pk, invite.pk]))
    assert response.status_code == 302
    assert not Invite.objects.filter(pk=invite.pk).exists()
    client_in.logout()
    client_in.force_login(make_user())
    assert client_in.get(invite.get_absolute_url()).status_code == 404


def test_an_invite_of_another_team_cannot_be_revoked_through_this_one(client_in, product):
    other_owner = make_user()
    other = team_create(name="Other", owner=other_owner)
    theirs = invite_create(team=other, access="viewer", created_by=other_owner)
    url = reverse("teams:invite_revoke", args=[product.pk, theirs.pk])
    assert client_in.post(url).status_code == 404
    assert Invite.objects.filter(pk=theirs.pk).exists()
