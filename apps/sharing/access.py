"""The one way to reach a matrix through a share link, for the shared page and its live stream."""

from django.http import Http404

from apps.matrices.models import Matrix

from .models import ShareLink


def matrix_for_share_token(token: str) -> Matrix:
    """The matrix behind a live token, read-only; unknown and revoked tokens are 404."""
    link = (
        ShareLink.objects.active()
        .select_related("matrix", "matrix__team")
        .filter(token=token)
        .first()
    )
    if link is None:
        raise Http404("This link does not exist or has been revoked.")
    matrix = link.matrix
    matrix.access = None
    matrix.can_edit = False
    matrix.shared = True
    return matrix
