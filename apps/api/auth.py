"""Who calls: a bearer token, checked on every request (revoked or expired tokens are refused
at once, in every process: each request reads the token's row), and counted for the rate limit.

There is no session or password login here: the API never checks a password, so the login
throttle (django-axes) has no way around it.
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils import timezone
from ninja.security import HttpBearer

from .errors import ApiError
from .models import ApiToken, token_digest


@dataclass(frozen=True, slots=True)
class Caller:
    """``request.auth`` in every operation."""

    token: ApiToken
    user: object
    team_id: int | None  # a team token's team: nothing outside it exists for this caller
    can_write: bool

    def require_write(self) -> None:
        if not self.can_write:
            raise ApiError(403, "token_read_only", "This token is read-only.")


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str) -> Caller:
        if len(token) > 200:
            raise ApiError(401, "token_invalid", "That is not a valid API token.")
        found = ApiToken.objects.select_related("user").filter(digest=token_digest(token)).first()
        if found is None or not found.user.is_active:
            raise ApiError(401, "token_invalid", "That is not a valid API token.")
        if found.is_revoked:
            raise ApiError(401, "token_revoked", "This token was revoked.")
        if found.is_expired:
            raise ApiError(401, "token_expired", "This token has expired.")
        _count(found)
        return Caller(found, found.user, found.team_id, found.can_write)


def _count(token: ApiToken) -> None:
    """One statement: count the request in this minute's window, note when the token was last
    used, and read the count back; over the limit, a 429 saying when to come back."""
    now = time.time()
    minute = int(now // 60)
    table = connection.ops.quote_name(ApiToken._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET "  # noqa: S608 - our own table and columns
            "window_count = CASE WHEN rate_window = %s THEN window_count + 1 ELSE 1 END, "
            "rate_window = %s, last_used_at = %s WHERE id = %s RETURNING window_count",
            [minute, minute, timezone.now(), token.pk],
        )
        row = cursor.fetchone()
    if row is not None and row[0] > settings.API_REQUESTS_PER_MINUTE:
        retry = max(1, int((minute + 1) * 60 - now + 0.999))
        raise ApiError(
            429,
            "rate_limited",
            f"Over {settings.API_REQUESTS_PER_MINUTE} requests a minute; try again in {retry} s.",
            {"Retry-After": str(retry)},
        )
