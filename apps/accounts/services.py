from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from .models import AccessLevel, Membership, Team


@transaction.atomic
def team_ensure_personal(*, user: AbstractBaseUser) -> Team:
    """Return the user's personal team, creating it (with the user as owner) if missing."""
    team, created = Team.objects.get_or_create(
        personal_for=user, defaults={"name": f"{user.get_username()}'s matrices"}
    )
    if created:
        Membership.objects.create(team=team, user=user, access=AccessLevel.OWNER)
    return team
