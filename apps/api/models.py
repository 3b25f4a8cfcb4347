"""API tokens: a person's own, or a team's (made by one of its owners, for a wiki or a bot).

The token itself is shown once, when it is made; only its SHA-256 is kept (a token is 256 random
bits, so a slow hash adds nothing), with its first characters to tell tokens apart in a list.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone

PREFIX = "raci_"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).exclude(expires_at__lte=now)


class ApiToken(models.Model):
    """A personal token acts for ``user`` with that user's access, never more; read-only unless
    ``can_write``. A team token (``team`` set) acts for the team, within it only, as an editor
    (or a viewer, read-only) whatever ``user``, its maker, may do now (apps/api/access.py)."""

    name = models.CharField(max_length=80)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="api_tokens",
    )
    can_write = models.BooleanField(default=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    # The token's first characters ("raci_Ab3d"), to recognise it in a list.
    hint = models.CharField(max_length=16, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # The rate limit: how many requests in the current minute (``rate_window``, minutes since the
    # epoch). Kept on the row so that every process counts the same requests.
    rate_window = models.BigIntegerField(default=0, editable=False)
    window_count = models.PositiveIntegerField(default=0, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "API token"

    def __str__(self):
        return f"{self.name} ({self.hint}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return not self.is_revoked and not self.is_expired
