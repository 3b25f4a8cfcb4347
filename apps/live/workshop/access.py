"""Who may open a workshop's streams, decided as the pages decide it: the board with the views'
fetch-and-authorise for facilitators (editors of the matrix), a ballot with the participant's
session helper. Run when a stream opens and every few seconds after (consumers.py)."""

from dataclasses import dataclass
from io import BytesIO
from types import SimpleNamespace
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost, PermissionDenied
from django.core.handlers.asgi import ASGIRequest
from django.http import Http404, HttpRequest
from django.utils.module_loading import import_string

from apps.workshops.access import participant_for_session, workshop_for_user
from apps.workshops.models import Participant

from ..access import session_user


@dataclass(frozen=True, slots=True)
class Facilitator:
    workshop_id: int
    version: int
    user_id: int


def facilitator_for_session(session_key: str | None, slug: str, pk: int) -> Facilitator | None:
    """The session's user, if they may run the workshop ``pk`` of the matrix ``slug``."""
    user = session_user(session_key)
    try:
        workshop = workshop_for_user(user, slug, pk)
    except (Http404, PermissionDenied):
        return None
    return Facilitator(workshop.pk, workshop.version, user.pk)


def participant_in_session(session_key: str | None, code: str) -> Participant | None:
    """The participant this session joined the workshop ``code`` as (maybe removed since)."""
    engine = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    return participant_for_session(SimpleNamespace(session=engine(session_key)), code)


def page_request(scope: dict) -> HttpRequest | None:
    """The request the stream's page would make to this server, for what the board makes of
    the address it is opened at (the join address, its QR code); None when its host is not one
    of ALLOWED_HOSTS, as a request would be refused."""
    scheme = {"wss": "https", "ws": "http"}.get(scope.get("scheme", "ws"), "http")
    request = ASGIRequest({**scope, "type": "http", "method": "GET", "scheme": scheme}, BytesIO())
    if "HTTP_HOST" not in request.META:
        # Browsers always send Host; a bare client (the tests) gets the page's origin instead.
        origin = urlsplit(request.META.get("HTTP_ORIGIN", ""))
        request.META["HTTP_HOST"] = origin.netloc or "localhost"
    try:
        request.get_host()
    except DisallowedHost:
        return None
    return request
