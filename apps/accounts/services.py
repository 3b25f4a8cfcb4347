import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from .models import AccessLevel, Invite, Membership, Preferences, Team


class TeamError(Exception):
    """A change to a team that is refused; the message says why, in the user's words."""


def team_ensure_personal(*, user: AbstractBaseUser) -> Team:
    """Return the user's personal team, creating it (with the user as owner) if missing."""
    team = Team.objects.filter(personal_for=user).first()
    if team is not None:
        return team
    with transaction.atomic():
        team = Team.objects.create(personal_for=user, name=f"{user.get_username()}'s matrices")
        Membership.objects.create(team=team, user=user, access=AccessLevel.OWNER)
    return team


@transaction.atomic
def team_create(*, name: str, owner: AbstractBaseUser) -> Team:
    team = Team.objects.create(name=name)
    Membership.objects.create(team=team, user=owner, access=AccessLevel.OWNER)
    return team


def team_rename(*, team: Team, name: str) -> Team:
    team.name = name
    team.save(update_fields=["name"])
    return team


def _lock_owners(team: Team) -> int:
    """Lock the team's owner rows and count them, so two owners cannot both step down."""
    return len(
        list(
            Membership.objects.select_for_update()
            .filter(team=team, access=AccessLevel.OWNER)
            .values_list("pk", flat=True)
        )
    )


def _refuse_last_owner(membership: Membership, what: str) -> None:
    if membership.access == AccessLevel.OWNER and _lock_owners(membership.team) <= 1:
        raise TeamError(f"{what}: a team needs at least one owner. Make someone else owner first.")


def _revoke_pending_invites(team: Team) -> None:
    """An owner who steps down or goes has seen every pending invite link on the team's page;
    any of them would bring them back, so none stays usable."""
    Invite.objects.pending().filter(team=team).delete()


@transaction.atomic
def member_add(*, team: Team, user: AbstractBaseUser, access: str) -> Membership:
    if Membership.objects.filter(team=team, user=user).exists():
        raise TeamError(f"{user.get_username()} is already a member of {team.name}.")
    return Membership.objects.create(team=team, user=user, access=access)


@transaction.atomic
def member_change_access(*, membership: Membership, access: str) -> Membership:
    if access != AccessLevel.OWNER and membership.team.personal_for_id == membership.user_id:
        raise TeamError("A personal team always keeps its owner.")
    if access != membership.access and membership.access == AccessLevel.OWNER:
        _refuse_last_owner(membership, f"{membership.user.get_username()} stays owner")
        _revoke_pending_invites(membership.team)
    membership.access = access
    membership.save(update_fields=["access"])
    return membership


@transaction.atomic
def member_remove(*, membership: Membership) -> None:
    if membership.team.personal_for_id == membership.user_id:
        raise TeamError("A personal team always keeps its owner.")
    _refuse_last_owner(membership, f"{membership.user.get_username()} cannot leave")
    if membership.access == AccessLevel.OWNER:
        _revoke_pending_invites(membership.team)
    membership.delete()


def invite_create(
    *, team: Team, access: str, created_by: AbstractBaseUser, max_age: int | None = None
) -> Invite:
    max_age = settings.INVITE_MAX_AGE if max_age is None else max_age
    return Invite.objects.create(
        team=team,
        access=access,
        created_by=created_by,
        token=secrets.token_urlsafe(32),
        expires_at=timezone.now() + timedelta(seconds=max_age),
    )


def invite_revoke(*, invite: Invite) -> None:
    """A pending invite is deleted: its link then answers as an unknown one."""
    invite.delete()


@transaction.atomic
def invite_accept(*, token: str, user: AbstractBaseUser) -> Membership:
    """Use the invite: the user joins its team (or keeps their better access); single use."""
    invite = Invite.objects.select_for_update().select_related("team").filter(token=token).first()
    if invite is None:
        raise TeamError("This invite link is not valid. Ask the team's owner for a new one.")
    if invite.accepted_at is not None:
        raise TeamError("This invite link has already been used. Ask for a new one.")
    if invite.is_expired:
        raise TeamError("This invite link has expired. Ask the team's owner for a new one.")
    membership = Membership.objects.filter(team=invite.team, user=user).first()
    if membership is not None:
        raise TeamError(f"You are already a member of {invite.team.name}.")
    membership = Membership.objects.create(team=invite.team, user=user, access=invite.access)
    invite.accepted_by = user
    invite.accepted_at = timezone.now()
    invite.save(update_fields=["accepted_by", "accepted_at"])
    return membership


def preferences_update(*, user: AbstractBaseUser, compact_grid: bool) -> Preferences:
    preferences, _ = Preferences.objects.update_or_create(
        user=user, defaults={"compact_grid": compact_grid}
    )
    return preferences
