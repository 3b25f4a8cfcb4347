"""Every change to a matrix is announced here, once, by the service that made it.

A service calls ``announce`` inside the change's transaction. It raises the matrix's version and
tells two kinds of listener, who live in the apps above this one (matrices imports none of them):

- ``change_made`` is sent at once, inside the transaction, for what must commit with the change
  or not at all: the history entry, which undo reads (apps/history/records.py);
- ``change_committed`` is sent after the transaction commits (``transaction.on_commit``), for
  what tells the world: the live layer's broadcast to every open browser (apps/live). A change
  that rolls back is never heard of.

Both receive the same ``MatrixChange``.

Changes to one matrix are made one at a time: each takes its matrix's row lock first (raising
its version, or ``matrix_lock``), before it reads what it is about to change, and holds it until
it commits. What a change records as "before" is then what the change replaced, however close
another came; and as every change locks in the same order (the matrix, then its rows), two never
wait for each other.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models, transaction
from django.dispatch import Signal
from django.utils import timezone

change_made = Signal()
change_committed = Signal()
# Sent after a matrix's deletion commits, with its id: whoever has it open is told.
matrix_deleted = Signal()


class Action(models.TextChoices):
    CELL = "cell", "Cell"
    CELLS = "cells", "Cells"
    ACTIVITY_ADD = "activity_add", "Activity added"
    ACTIVITY_EDIT = "activity_edit", "Activity edited"
    ACTIVITY_MOVE = "activity_move", "Activity moved"
    ACTIVITY_DELETE = "activity_delete", "Activity deleted"
    PHASE_ADD = "phase_add", "Phase added"
    PHASE_RENAME = "phase_rename", "Phase renamed"
    PHASE_MOVE = "phase_move", "Phase moved"
    PHASE_DELETE = "phase_delete", "Phase deleted"
    COLUMN_ADD = "column_add", "Column added"
    COLUMN_RENAME = "column_rename", "Column renamed"
    COLUMN_MOVE = "column_move", "Column moved"
    COLUMN_REMOVE = "column_remove", "Column removed"
    DETAILS = "details", "Title and description"
    OPTIONS = "options", "Rule options"
    SCHEME = "scheme", "Scheme"
    REPLACE = "replace", "Contents replaced"
    # Who holds a role column (apps/people): made and announced by the people app's services.
    HOLDERS = "holders", "Role holders"


# What the other browsers must redraw after each kind of change (apps/live): only the cells
# named in the change, the matrix's title and description, or the whole grid with its summaries.
CELL_ACTIONS = frozenset({Action.CELL, Action.CELLS})
DETAIL_ACTIONS = frozenset({Action.DETAILS})


@dataclass(frozen=True, slots=True)
class MatrixChange:
    """One change to a matrix, as its service describes it.

    ``before`` and ``after`` hold what undo needs to put it back (apps/history/services.py);
    ``cells`` names the (activity id, role id) of every cell whose letter or note changed.
    """

    matrix: Any
    version: int
    action: Action
    summary: str
    by: Any = None
    activity_id: int | None = None
    role_id: int | None = None
    before: Any = None
    after: Any = None
    cells: tuple[tuple[int, int], ...] = field(default=())

    @property
    def matrix_id(self) -> int:
        return self.matrix.pk

    @property
    def by_name(self) -> str:
        by = self.by
        if by is None or not getattr(by, "is_authenticated", False):
            return ""
        return by.get_full_name() or by.get_username()


def announce(
    *,
    matrix,
    by,
    action: Action,
    summary: str,
    activity_id: int | None = None,
    role_id: int | None = None,
    before=None,
    after=None,
    cells=(),
    version: int | None = None,
) -> MatrixChange:
    """Raise the matrix's version and announce the change (see the module's docstring).

    Must run inside the change's transaction: the version's row lock (on PostgreSQL) then
    orders the changes to one matrix, so versions follow the order in which they commit.
    ``version``: the version this change already took (``version_take``).
    """
    if not connection.in_atomic_block:
        raise RuntimeError("announce() belongs inside the transaction of the change it announces.")
    change = MatrixChange(
        matrix=matrix,
        version=version if version is not None else _next_version(matrix),
        action=action,
        summary=summary[:500],
        by=by if by is not None and getattr(by, "is_authenticated", False) else None,
        activity_id=activity_id,
        role_id=role_id,
        before=before,
        after=after,
        cells=tuple(cells),
    )
    change_made.send(sender=type(matrix), change=change)
    transaction.on_commit(lambda: change_committed.send_robust(sender=type(matrix), change=change))
    return change


def _next_version(matrix, *, if_at: int | None = None) -> int | None:
    """One statement: raise the version (and the time of the last change) and read it back;
    with ``if_at``, only if the version is still that (else None, and nothing is locked).

    The same statement reads back whether anyone but the history and the live layer listens
    (``Matrix.agreement_asked``, ``Matrix.holders_with_accounts``, the team's
    ``change_webhooks``), for the listeners of ``change_committed`` to skip a matrix without
    them at no query. The matrix's own flags are read from the row as the change locks it: a
    service that sets one does so by updating this row, so it either committed before the
    change took the row (the change sees it) or waits for the change to commit (what it set
    up began after the change). The team's flag is read as of the statement's start."""
    table = matrix._meta.db_table
    teams = matrix._meta.get_field("team").related_model._meta.db_table
    now = timezone.now()
    sql = f"UPDATE {table} SET version = version + 1, updated_at = %s WHERE id = %s"  # noqa: S608
    params = [now, matrix.pk]
    if if_at is not None:
        sql += " AND version = %s"
        params.append(if_at)
    hooks = f"(SELECT change_webhooks FROM {teams} WHERE {teams}.id = {table}.team_id)"  # noqa: S608
    sql += f" RETURNING version, agreement_asked, holders_with_accounts, {hooks}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        if if_at is not None:
            return None
        raise matrix.DoesNotExist("The matrix was deleted while it was being changed.")
    matrix.version, matrix.updated_at = row[0], now
    matrix.agreement_asked, matrix.holders_with_accounts = bool(row[1]), bool(row[2])
    if matrix.team_id is not None and type(matrix).team.is_cached(matrix):
        # Else the team is read when a listener first asks for it, after the commit.
        matrix.team.change_webhooks = bool(row[3])
    return row[0]


def version_take(matrix, *, if_at: int) -> int | None:
    """Take the matrix's next version for a change about to be announced (``announce(version=)``),
    if nothing changed the matrix since it was at version ``if_at``: then what the caller read
    since is still so, and stays so until its transaction ends (the row is locked). None when
    the matrix has moved on: nothing is locked, and the caller reads again under
    ``matrix_lock``. One statement either way, where locking and reading would take two."""
    if not connection.in_atomic_block:
        raise RuntimeError("version_take() belongs inside the transaction of the change.")
    return _next_version(matrix, if_at=if_at)


def matrix_lock(matrix) -> None:
    """Lock the matrix's row until the transaction ends, changing nothing: a change then reads
    what it is about to change knowing that no other change to the matrix is under way.
    (An UPDATE rather than SELECT ... FOR UPDATE, which SQLite has not; there, the transaction
    holds the database's write lock from its start.)"""
    if not connection.in_atomic_block:
        raise RuntimeError("matrix_lock() belongs inside the transaction of the change.")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {matrix._meta.db_table} SET version = version WHERE id = %s",  # noqa: S608
            [matrix.pk],
        )
        if cursor.rowcount != 1:
            raise matrix.DoesNotExist("The matrix was deleted while it was being changed.")


def quoted(name: str, limit: int = 80) -> str:
    return f"“{name if len(name) <= limit else name[: limit - 1] + '…'}”"


def cell_state(code: str, note: str = "") -> dict | None:
    return {"code": code, "note": note} if code else None


def announce_cell(
    *, matrix, by, activity, role, before: dict | None, after: dict | None, version=None
) -> MatrixChange:
    """A cell's letter or note changed: ``before`` and ``after`` are {"code", "note"} or None."""
    old, new = (before or {}).get("code", ""), (after or {}).get("code", "")
    where = f"{role.name} on {quoted(activity.name)}"
    if old == new:
        note = (after or {}).get("note", "")
        summary = f"Note on {where}: {quoted(note)}" if note else f"Note removed on {where}"
    elif not old:
        summary = f"{where}: set {new}"
    elif not new:
        summary = f"{where}: cleared {old}"
    else:
        summary = f"{where}: {old} → {new}"
    return announce(
        matrix=matrix,
        by=by,
        action=Action.CELL,
        summary=summary,
        activity_id=activity.pk,
        role_id=role.pk,
        before=_named(before, activity, role),
        after=_named(after, activity, role),
        cells=[(activity.pk, role.pk)],
        version=version,
    )


def _named(state: dict | None, activity, role) -> dict:
    return {**(state or {"code": "", "note": ""}), "activity": activity.name, "role": role.name}
