from django.conf import settings
from django.http import HttpRequest

from apps.matrices.views.common import bad_request, form_errors

__all__ = ["bad_request", "client_ip", "form_errors"]


def client_ip(request: HttpRequest) -> str:
    """The address the request came from. Behind a TLS proxy (BEHIND_TLS_PROXY) that is the
    first X-Forwarded-For entry, as for login throttling; otherwise the socket's peer."""
    if settings.BEHIND_TLS_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[0].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR", "") or "unknown"
