"""Login throttling (django-axes) on two counts.

Per username and address: after LOGIN_FAILURE_LIMIT failed logins for one username from one
address, that pair is locked out (django-axes' own lockout parameters). Per address: after
LOGIN_FAILURE_LIMIT_PER_ADDRESS failed logins from one address, whatever the usernames, every
login from it is refused; without it, one address could try four passwords against every
username (password spraying). Both last LOGIN_LOCKOUT_MINUTES after the latest failure.

django-axes compares one count with one limit; ``failure_limit`` (its AXES_FAILURE_LIMIT) makes
the limit zero for an address that has spent its allowance, so every attempt from it is locked.
A successful login forgets that username's failures only (AXES_RESET_ON_SUCCESS with the
username-and-address parameters), so logging in to one's own account does not clear the
address's count.
"""

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone


def address_failures(request: HttpRequest) -> int:
    """Failed logins from the request's address within the cool-off, for any username (each
    attempt row counts while its latest failure is recent, as django-axes counts them)."""
    address = getattr(request, "axes_ip_address", None)
    if not address:
        return 0
    moment = getattr(request, "axes_attempt_time", None) or timezone.now()
    attempts = AccessAttempt.objects.filter(
        ip_address=address, attempt_time__gte=moment - settings.AXES_COOLOFF_TIME
    )
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def address_locked(request: HttpRequest) -> bool:
    return address_failures(request) >= settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS


def failure_limit(request: HttpRequest, credentials: dict | None = None) -> int:
    """How many failures django-axes allows this username from this address: none left once
    the address has spent its own allowance."""
    if address_locked(request):
        return 0
    return settings.LOGIN_FAILURE_LIMIT
