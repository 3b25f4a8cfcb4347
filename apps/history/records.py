"""Writing the history: one ``Change`` row for each change a matrix service announces.

The matrix services announce every change (apps/matrices/changes.py) inside its transaction;
``record`` listens, so the entry commits with the change or not at all (undo reads it). Undo
(services.py) runs the same services inside ``reverting(change)``, so the change an undo makes
points back at what it reverted. Reverting an undo redoes the change it undid.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.dispatch import receiver

from apps.matrices.changes import MatrixChange, change_made

from .models import Change

_reverting: ContextVar[Change | None] = ContextVar("reverting", default=None)


@contextmanager
def reverting(change: Change) -> Iterator[None]:
    token = _reverting.set(change)
    try:
        yield
    finally:
        _reverting.reset(token)


@receiver(change_made, dispatch_uid="history_record")
def record(sender, change: MatrixChange, **kwargs) -> Change:
    reverts = _reverting.get()
    summary = change.summary
    if reverts is not None:
        summary = f"{'Redo' if reverts.is_undo else 'Undo'}: {summary}"
        _reverting.set(None)  # one undo, one change that points back
    return Change.objects.create(
        matrix_id=change.matrix_id,
        by=change.by,
        action=change.action,
        summary=summary[:500],
        activity_id=change.activity_id,
        role_id=change.role_id,
        before=change.before,
        after=change.after,
        reverts=reverts,
        is_undo=reverts is not None and not reverts.is_undo,
    )
