"""The one way views reach a matrix: fetch it and check the user may see (or change) it."""

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import Http404

from apps.accounts.models import EDITING_LEVELS, Membership

from .models import Matrix


def matrix_for_user(user, slug: str, *, edit: bool = False) -> Matrix:
    """Return the matrix with ``access``, ``can_edit`` and ``shared`` set for this user.

    Anyone outside the matrix's team gets 404, so nothing tells them the matrix exists.
    Templates are readable by every signed-in user and editable by nobody. With ``edit``,
    a user who may see but not change the matrix gets 403.
    """
    if not user.is_authenticated:
        raise Http404("No such matrix.")
    access = Membership.objects.filter(team=OuterRef("team"), user=user).values("access")[:1]
    try:
        matrix = (
            Matrix.objects.select_related("team").annotate(access=Subquery(access)).get(slug=slug)
        )
    except Matrix.DoesNotExist:
        raise Http404("No such matrix.") from None
    if matrix.access is None and not matrix.is_template:
        raise Http404("No such matrix.")
    matrix.can_edit = not matrix.is_template and matrix.access in EDITING_LEVELS
    matrix.shared = False  # seen through a share link (apps/sharing/access.py)
    if edit and not matrix.can_edit:
        raise PermissionDenied("You can view this matrix but not change it.")
    return matrix
