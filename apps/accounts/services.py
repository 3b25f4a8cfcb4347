from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from .models import AccessLevel, Membership, Team


def team_ensure_personal(*, user: AbstractBaseUser) -> Team:
    """Return the user's personal team, creating it (with the user as owner) if missing."""
    team = Team.objects.filter(personal_for=user).first()
    if team is not None:
        return team
    with transaction.atomic():
        team = Team.objects.create(personal_for=user, name=f"{user.get_username()}'s matrices")
        Membership.objects.create(team=team, user=user, access=AccessLevel.OWNER)
    return team
