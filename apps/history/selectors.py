from django.db.models import Q

from apps.catalog.models import Role
from apps.matrices.models import Activity, Matrix
from apps.matrices.selectors import matrix_structure

from .models import Change

PAGE_SIZE = 50


def changes_for(matrix: Matrix, *, activity_id: int | None = None, role_id: int | None = None):
    """The matrix's changes, newest first, with who made them and whether they were undone."""
    changes = Change.objects.filter(matrix=matrix).select_related("by", "reverted_by", "reverts")
    if activity_id:
        changes = changes.filter(activity_id=activity_id)
    if role_id:
        changes = changes.filter(role_id=role_id)
    return changes


def last_undoable(matrix: Matrix) -> Change | None:
    """What "Undo" (Ctrl+Z) reverts: the newest change in effect that is not an undo (a redo
    counts as a change again)."""
    return (
        Change.objects.filter(matrix=matrix, is_undo=False, reverted_by__isnull=True)
        .order_by("-at", "-pk")
        .first()
    )


def last_redoable(matrix: Matrix) -> Change | None:
    """What "Redo" (Ctrl+Shift+Z, Ctrl+Y) reverts: the newest undo still in effect, unless a
    change has been made since (as in a spreadsheet, a new change ends what can be redone;
    redoing does not)."""
    newest = (
        Change.objects.filter(
            Q(is_undo=True, reverted_by__isnull=True) | Q(reverts__isnull=True), matrix=matrix
        )
        .order_by("-at", "-pk")
        .first()
    )
    return newest if newest is not None and newest.is_undo else None


def filter_choices(matrix: Matrix) -> tuple[list[Activity], list[Role]]:
    """The activities in grid order and the column roles, from the matrix's structure cache."""
    structure = matrix_structure(matrix)
    return list(structure.rows), list(structure.roles)
