"""The one way views reach a team: fetch it and check the user may see (or manage) it."""

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import Http404

from .models import AccessLevel, Membership, Team


def team_for_user(user, pk: int, *, manage: bool = False) -> Team:
    """Return the team with ``access`` and ``can_manage`` set for this user.

    Anyone outside the team gets 404, so nothing tells them the team exists. With ``manage``,
    a member who is not an owner gets 403.
    """
    if not user.is_authenticated:
        raise Http404("No such team.")
    access = Membership.objects.filter(team=OuterRef("pk"), user=user).values("access")[:1]
    team = Team.objects.annotate(access=Subquery(access)).filter(pk=pk).first()
    if team is None or team.access is None:
        raise Http404("No such team.")
    team.can_manage = team.access == AccessLevel.OWNER
    if manage and not team.can_manage:
        raise PermissionDenied("Only the team's owners can do that.")
    return team
