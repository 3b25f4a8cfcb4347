"""Fetch-and-authorise for workshops: the facilitator's side and the participant's side."""

from django.http import Http404, HttpRequest

from apps.matrices.access import matrix_for_user

from .models import Participant, Workshop

SESSION_KEY = "workshop_tokens"


def workshop_for_user(user, slug: str, pk: int) -> Workshop:
    """A workshop the user may facilitate: one on a matrix they may edit.

    As for matrices: 404 outside the matrix's team, 403 for those who may only view it.
    """
    matrix = matrix_for_user(user, slug, edit=True)
    try:
        workshop = Workshop.objects.get(pk=pk, matrix=matrix)
    except Workshop.DoesNotExist:
        raise Http404("No such workshop.") from None
    workshop.matrix = matrix
    return workshop


def session_token(request: HttpRequest, code: str) -> str | None:
    return request.session.get(SESSION_KEY, {}).get(code)


def remember_participant(request: HttpRequest, participant: Participant) -> None:
    tokens = dict(request.session.get(SESSION_KEY, {}))
    tokens[participant.workshop.code] = participant.token
    request.session[SESSION_KEY] = tokens


def participant_for_session(request: HttpRequest, code: str) -> Participant | None:
    """The participant this browser session joined the workshop ``code`` as (maybe removed).

    Only the session knows the participant's token, so nobody can act as someone else.
    """
    token = session_token(request, code)
    if not token:
        return None
    return (
        Participant.objects.select_related("workshop__matrix")
        .filter(token=token, workshop__code=code)
        .first()
    )
