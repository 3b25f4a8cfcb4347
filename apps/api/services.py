"""Making and revoking API tokens."""

import secrets
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import AccessLevel, Membership, Team

from .models import PREFIX, ApiToken, token_digest


@transaction.atomic
def token_create(
    *,
    user,
    name: str,
    can_write: bool,
    expires_at: datetime | None = None,
    team: Team | None = None,
) -> tuple[ApiToken, str]:
    """Make a token; return it with its secret, which is shown once and never kept. A team
    token is made by one of the team's owners."""
    if (
        team is not None
        and not Membership.objects.filter(team=team, user=user, access=AccessLevel.OWNER).exists()
    ):
        raise PermissionDenied("Only the team's owners can make its tokens.")
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        name=name.strip(),
        user=user,
        team=team,
        can_write=can_write,
        expires_at=expires_at,
        digest=token_digest(secret),
        hint=secret[: len(PREFIX) + 4],
    )
    return token, secret


def token_revoke(*, token: ApiToken) -> None:
    """Refused from the next request on, in every process (each request reads the row)."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
