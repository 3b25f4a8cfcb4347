"""Who may open a matrix's stream, decided as the pages decide it: with the session, through the
views' own fetch-and-authorise helper, or with a share link's token (read-only).

Run when the stream opens, when someone's access may have changed, and every few seconds after
(consumers.py), so a session that has ended or a membership that has gone ends the stream.
"""

from dataclasses import dataclass
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth import get_user
from django.http import Http404
from django.utils.module_loading import import_string

from apps.matrices.access import matrix_for_user
from apps.sharing.access import matrix_for_share_token

EDIT, VIEW, SHARED = "edit", "view", "shared"


@dataclass(frozen=True, slots=True)
class Audience:
    """Who is on the other end of a stream, and which markup they get."""

    matrix_id: int
    version: int
    variant: str  # EDIT, VIEW or SHARED
    user_id: int | None
    name: str

    @property
    def initials(self) -> str:
        return initials(self.name)


def session_user(session_key: str | None):
    """The user of a session, checked as a request's would be (the session exists, its user is
    active, and its password has not changed since); AnonymousUser otherwise."""
    engine = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    return get_user(SimpleNamespace(session=engine(session_key)))


def audience_for_session(session_key: str | None, slug: str) -> Audience | None:
    user = session_user(session_key)
    try:
        matrix = matrix_for_user(user, slug)
    except Http404:
        return None
    name = user.get_full_name() or user.get_username()
    variant = EDIT if matrix.can_edit else VIEW
    return Audience(matrix.pk, matrix.version, variant, user.pk, name)


def audience_for_token(token: str) -> Audience | None:
    try:
        matrix = matrix_for_share_token(token)
    except Http404:
        return None
    return Audience(matrix.pk, matrix.version, SHARED, None, "Guest")


def initials(name: str) -> str:
    words = [word for word in name.replace(".", " ").replace("_", " ").split() if word]
    if len(words) >= 2:
        return (words[0][0] + words[-1][0]).upper()
    return (words[0][:2] if words else "?").upper()
