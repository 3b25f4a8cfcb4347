"""The API reaches matrices and teams through the pages' own helpers (matrix_for_user,
team_for_user), as the token's person; a team token sees nothing outside its team, and a
read-only token changes nothing. Checked before any write, so a refused call changes nothing."""

from django.http import Http404

from apps.accounts.access import team_for_user
from apps.accounts.models import EDITING_LEVELS, Team
from apps.matrices.access import matrix_for_user
from apps.matrices.models import Matrix

from .auth import Caller
from .errors import ApiError


def caller(request) -> Caller:
    return request.auth


def api_matrix(request, slug: str, *, edit: bool = False) -> Matrix:
    who = caller(request)
    if edit:
        who.require_write()
    matrix = matrix_for_user(who.user, slug, edit=edit)
    if who.team_id is not None and matrix.team_id != who.team_id and not matrix.is_template:
        raise Http404("No such matrix.")
    return matrix


def api_team(request, team_id: int, *, edit: bool = False, manage: bool = False) -> Team:
    who = caller(request)
    if edit or manage:
        who.require_write()
    if who.team_id is not None and who.team_id != team_id:
        raise Http404("No such team.")
    team = team_for_user(who.user, team_id, manage=manage)
    if edit and team.access not in EDITING_LEVELS:
        raise ApiError(403, "forbidden", "Only the team's owners and editors can do that.")
    return team
