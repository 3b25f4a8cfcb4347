"""Putting a document's contents in place of a matrix's own: restoring a snapshot.

One change, announced once: the history keeps the matrix as it was (as a document), so undo
puts it back the same way, and every open browser redraws the whole page.
"""

from django.db import transaction

from apps.matrices.changes import Action, announce, matrix_lock, quoted
from apps.matrices.models import Matrix, Responsibility
from apps.matrices.services import structure_changed
from apps.notices.letters import as_rows, letters_of
from apps.people.models import Holder
from apps.raci.exchange.document import MatrixDocument
from apps.raci.exchange.jsonfile import from_data, to_data

from .selectors import matrix_document
from .services import _fill, import_plan

# What a document sets on the matrix itself; the title stays the matrix's own.
FIELDS = (
    "description",
    "scheme",
    "accountable_does_work",
    "overload_percent",
    "overlap_threshold",
    "unheld_roles_note",
    "shared_accountable_warning",
)


@transaction.atomic
def matrix_replace_contents(*, matrix: Matrix, doc: MatrixDocument, by=None, summary: str) -> None:
    """Replace the matrix's columns, phases, activities, letters, notes, holders, scheme and
    rule options with the document's (checked as an import is: ImportProblem says why not)."""
    plan = import_plan(doc=doc, team=matrix.team)
    # The matrix's row first, as every change takes it (a cell edit at the same moment waits
    # instead of deadlocking on the cells this deletes); what it replaces is read under it.
    matrix_lock(matrix)
    before = to_data(matrix_document(matrix))
    # Each holder's letters as they were (two queries): the holders whose letters the new
    # contents give, take or alter are told (apps/notices/replaced.py).
    held = [[pk, as_rows(letters)] for pk, letters in letters_of(matrix.pk).items()]
    Responsibility.objects.filter(activity__matrix=matrix).delete()
    matrix.activities.all().delete()
    matrix.phases.all().delete()
    matrix.columns.all().delete()
    Holder.objects.filter(matrix=matrix).delete()  # the document names them anew
    for name in FIELDS:
        setattr(matrix, name, getattr(doc, name))
    matrix.save(update_fields=[*FIELDS, "updated_at"])
    _fill(matrix, plan)
    structure_changed(matrix)
    announce(
        matrix=matrix,
        by=by,
        action=Action.REPLACE,
        summary=summary,
        before={"document": before, "letters": held},
        after={"title": doc.title},
    )


def snapshot_restore(*, matrix: Matrix, snapshot, by=None) -> None:
    matrix_replace_contents(
        matrix=matrix,
        doc=from_data(snapshot.document),
        by=by,
        summary=f"Restored the snapshot {quoted(snapshot.name)}",
    )


def undo_replace(matrix: Matrix, change, by) -> None:
    """Undo of a replacement (apps/history/services.py): the contents as they were."""
    matrix_replace_contents(
        matrix=matrix,
        doc=from_data(change.before["document"]),
        by=by,
        summary="Put back the contents as they were before a restore",
    )
