"""The agreement listens to every change to a matrix (apps/matrices/changes.py), after it
commits: undo, snapshot restore, imports and a column's holders changing all come through it.
An answer whose person's letters the change altered goes out of date; the others stand."""

import logging

from django.dispatch import receiver

from apps.matrices.changes import Action, MatrixChange, change_committed

from .services import HoldersMoved, agreements_review

log = logging.getLogger(__name__)


@receiver(change_committed, dispatch_uid="agreement_matrix_changed")
def matrix_changed(sender, change: MatrixChange, **kwargs) -> None:
    # Never asked here: no answer to review, and no query (the flag was read back with the
    # change's version, under the matrix's lock, which answering takes too).
    if change.matrix.team_id is None or not change.matrix.agreement_asked:
        return
    holders = None
    if change.action == Action.HOLDERS:
        holders = HoldersMoved(
            role_id=change.role_id,
            before=frozenset(p["id"] for p in change.before["people"]),
        )
    agreements_review(matrix=change.matrix, by=change.by, summary=change.summary, holders=holders)
