import secrets

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone

from apps.matrices.models import Matrix

from .models import ShareLink

# Sent after a revocation commits, with the matrix's id.
share_links_revoked = Signal()


def share_link_create(*, matrix: Matrix, by: AbstractBaseUser) -> ShareLink:
    """The matrix's live share link, created if it has none (one live link per matrix)."""
    existing = ShareLink.objects.active().filter(matrix=matrix).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return ShareLink.objects.create(
                matrix=matrix, created_by=by, token=secrets.token_urlsafe(32)
            )
    except IntegrityError:
        # Someone else created one at the same moment: theirs is the live link.
        return ShareLink.objects.active().get(matrix=matrix)


def share_link_revoke(*, matrix: Matrix) -> int:
    """Close every live link of the matrix; their URLs answer 404 from now on, and whoever has
    the matrix open through one is told after the revocation commits (``share_links_revoked``:
    the live layer ends their streams)."""
    with transaction.atomic():
        revoked = ShareLink.objects.active().filter(matrix=matrix).update(revoked_at=timezone.now())
        if revoked:
            transaction.on_commit(
                lambda: share_links_revoked.send_robust(sender=ShareLink, matrix_id=matrix.pk)
            )
    return revoked
