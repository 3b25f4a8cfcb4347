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
    """What "Undo" reverts: the newest change that is not an undo and not undone yet."""
    return (
        Change.objects.filter(matrix=matrix, reverts__isnull=True, reverted_by__isnull=True)
        .order_by("-at", "-pk")
        .first()
    )


def filter_choices(matrix: Matrix) -> tuple[list[Activity], list[Role]]:
    """The activities in grid order and the column roles, from the matrix's structure cache."""
    structure = matrix_structure(matrix)
    return list(structure.rows), list(structure.roles)
