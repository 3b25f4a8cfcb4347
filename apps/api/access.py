"""The API reaches matrices and teams through the pages' own helpers (matrix_for_user,
team_for_user), as the token's person; a read-only token changes nothing. Checked before any
write, so a refused call changes nothing.

A team token acts for its team, not for the owner who made it: it reaches that team's matrices
(and the templates) and nothing else, as an editor of the team (read-write) or a viewer
(read-only), whatever its maker's access is now; its maker leaving the team or ceasing to be an
owner does not change it. The team's owners revoke it (apps/api/views.py)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from apps.accounts.access import team_for_user
from apps.accounts.models import EDITING_LEVELS, AccessLevel, Team
from apps.matrices.access import matrix_for_user
from apps.matrices.models import Matrix

from .auth import Caller
from .errors import ApiError


def caller(request) -> Caller:
    return request.auth


def team_token_access(who: Caller) -> str:
    """What a team token may do in its team: edit (read-write) or view (read-only)."""
    return AccessLevel.EDITOR if who.can_write else AccessLevel.VIEWER


def api_matrix(request, slug: str, *, edit: bool = False) -> Matrix:
    who = caller(request)
    if edit:
        who.require_write()
    if who.team_id is None:
        return matrix_for_user(who.user, slug, edit=edit)
    matrix = (
        Matrix.objects.select_related("team")
        .filter(Q(team=who.team_id) | Q(is_template=True), slug=slug)
        .first()
    )
    if matrix is None:
        raise Http404("No such matrix.")
    matrix.access = team_token_access(who) if matrix.team_id == who.team_id else None
    matrix.can_edit = not matrix.is_template and matrix.access in EDITING_LEVELS
    matrix.shared = False
    if edit and not matrix.can_edit:
        raise PermissionDenied("You can view this matrix but not change it.")
    return matrix


def api_team(request, team_id: int, *, edit: bool = False, manage: bool = False) -> Team:
    who = caller(request)
    if edit or manage:
        who.require_write()
    if who.team_id is None:
        team = team_for_user(who.user, team_id, manage=manage)
    else:
        team = Team.objects.filter(pk=team_id).first() if team_id == who.team_id else None
        if team is None:
            raise Http404("No such team.")
        team.access, team.can_manage = team_token_access(who), False
        if manage:
            raise PermissionDenied("Only the team's owners can do that, not a team token.")
    if edit and team.access not in EDITING_LEVELS:
        raise ApiError(403, "forbidden", "Only the team's owners and editors can do that.")
    return team
