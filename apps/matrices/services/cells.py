"""Cells: a letter, a note, a block of letters at once. Each change is announced (changes.py)
in the transaction that writes it, so its history entry commits with it."""

from django.db import connection, transaction

from ..changes import Action, announce, announce_cell, cell_state, matrix_lock, version_take
from ..models import Activity, Matrix, Responsibility
from .common import EditError

UNKNOWN = object()  # ``current`` not given: the service reads the cell itself


def _cell_now(activity: Activity, role) -> dict | None:
    cell = Responsibility.objects.filter(activity=activity, role=role).values("code", "note")
    return next(iter(cell), None)


def _under_lock(matrix: Matrix, seen: int, known, read):
    """In a change's transaction: (what is about to change, the version the change takes or
    None for ``announce`` to take it). ``known`` (UNKNOWN if not read yet) was read since the
    matrix was at version ``seen``; if nothing changed the matrix since, it still holds, and the
    version taken now keeps it so (one statement). Else it is read again, under the lock, so
    what the history records as "before" is what the change replaced, however close another
    change came (two people pressing a key at once)."""
    if known is not UNKNOWN:
        version = version_take(matrix, if_at=seen)
        if version is not None:
            return known, version
    matrix_lock(matrix)
    return read(), None


def responsibility_assign(
    *, matrix: Matrix, activity: Activity, role, code: str, by=None, current=UNKNOWN
) -> str:
    """Set (or with an empty code, clear) the letter ``role`` holds on ``activity``.

    Two people setting the same cell at the same moment end with one of the two values and no
    error, and the history says what each replaced. A caller that has just read the cell
    (after reading ``matrix``) passes it as ``current`` ({"code", "note"} or None) to save a
    query; it is used only if nothing changed the matrix since.
    """
    if code and not matrix.scheme_definition.has(code):
        raise EditError(
            f'"{code}" is not a letter of {matrix.scheme_definition.name}; '
            f"use one of {', '.join(matrix.scheme_definition.codes)}."
        )
    if current is not UNKNOWN and (current or {}).get("code", "") == code:
        current = UNKNOWN  # looks done already: make sure, under the lock
    _cell_change(matrix=matrix, activity=activity, role=role, code=code, by=by, current=current)
    return code


def responsibility_annotate(*, matrix: Matrix, activity: Activity, role, note: str, by=None) -> str:
    """Set (or with an empty text, remove) the note on a cell that holds a letter."""
    note = note.strip()
    seen = matrix.version
    known = _cell_now(activity, role)
    if known is None or known["note"] == note:
        known = UNKNOWN  # refused or nothing to do: make sure, under the lock
    with _cell_transaction():
        before, version = _under_lock(matrix, seen, known, lambda: _cell_now(activity, role))
        if before is not None and before["note"] != note:
            Responsibility.objects.filter(activity=activity, role=role).update(note=note)
            announce_cell(
                matrix=matrix,
                by=by,
                activity=activity,
                role=role,
                before=before,
                after={"code": before["code"], "note": note},
                version=version,
            )
    if before is None:  # refused out of the transaction, which has written nothing
        raise EditError("Give the cell a letter before adding a note.")
    return note


def _cell_change(
    *, matrix, activity, role, code: str, note=None, by, current=UNKNOWN, always=False
) -> bool:
    """Write a cell (``code`` empty: clear it) and record the change, together; whether it
    changed. Without ``note``, a note stays with a letter and goes with it. ``always``: record
    the change even when the cell is already so (an undo must point back at what it undid)."""
    seen = matrix.version
    with _cell_transaction():
        before, version = _under_lock(matrix, seen, current, lambda: _cell_now(activity, role))
        if note is None:
            note = (before or {}).get("note", "")
        note = note if code else ""
        after = cell_state(code, note)
        if before == after and not always:
            return False
        _cell_write(activity=activity, role=role, code=code, note=note)
        announce_cell(
            matrix=matrix,
            by=by,
            activity=activity,
            role=role,
            before=before,
            after=after,
            version=version,
        )
    return True


def _cell_transaction():
    """A cell's write and its history entry commit together, or neither does: undo relies on
    the history. No savepoint: nothing inside raises an error the caller could recover from
    (the input is checked before), and settling writes many cells inside its own transaction.
    """
    return transaction.atomic(savepoint=False)


def _cell_write(*, activity: Activity, role, code: str, note: str) -> None:
    if not code:
        # One DELETE statement, atomic on its own. QuerySet.delete() would wrap it in a
        # transaction to collect cascades and signals, which a cell has none of (a BEGIN and a
        # COMMIT more on SQLite, for each cell cleared).
        cell = Responsibility.objects.filter(activity=activity, role=role)
        cell._raw_delete(cell.db)
        return
    Responsibility.objects.bulk_create(
        [Responsibility(activity=activity, role=role, code=code, note=note)],
        update_conflicts=True,
        unique_fields=["activity", "role"],
        update_fields=["code", "note"],
    )


@transaction.atomic
def responsibility_restore(
    *, matrix: Matrix, activity: Activity, role, state: dict | None, by=None
) -> None:
    """Put a cell back as it was ({"code", "note"} or None): what undo of a cell change does."""
    code, note = (state or {}).get("code", ""), (state or {}).get("note", "")
    if code and not matrix.scheme_definition.has(code):
        raise EditError(
            f'"{code}" is not a letter of {matrix.scheme_definition.name} any more; '
            "change the scheme back first."
        )
    _cell_change(
        matrix=matrix, activity=activity, role=role, code=code, note=note, by=by, always=True
    )


# Block changes: many cells in one step (typed on a selection, cleared, pasted, filled, or a
# workshop's result). One history entry and one undo step; one announcement.

BLOCK_BATCH = 5000  # rows per statement: well within SQLite's and PostgreSQL's parameter limits


def responsibility_assign_block(*, matrix: Matrix, changes, by=None, summary: str = "") -> int:
    """Set or clear many cells at once: ``changes`` holds (activity, role, code), "" to clear,
    or (activity, role, code, note) to set the note too; each cell at most once. All or
    nothing: a letter the scheme does not have refuses the whole step (EditError names the
    first), before anything is written. Cells already as asked are left alone; returns how
    many changed. Without a note given, a note stays with a cell whose letter changes and goes
    with a letter cleared.

    ``summary`` names the step in the history; "{cells}" in it (or "{letters}") becomes the
    count of cells that changed ("Filled down {cells}": "Filled down 6 cells"), which the
    history's entry and its undo then both say.
    """
    changes = [(*change, None) if len(change) == 3 else tuple(change) for change in changes]
    scheme = matrix.scheme_definition
    for activity, role, code, _ in changes:
        if code and not scheme.has(code):
            raise EditError(
                f'{role.name} on "{activity.name}": "{code}" is not a letter of {scheme.name}; '
                f"use one of {', '.join(scheme.codes)}."
            )
    keys = {(activity.pk, role.pk) for activity, role, _, _ in changes}
    if len(keys) != len(changes):
        raise EditError("A block names a cell twice.")
    seen = matrix.version
    plan = _block_plan(changes, _block_stored(changes, keys))
    with transaction.atomic():
        (cleared, written, before, after), version = _under_lock(
            matrix,
            seen,
            plan if plan[3] else UNKNOWN,  # nothing to do: make sure, under the lock
            lambda: _block_plan(changes, _block_stored(changes, keys)),
        )
        if not after:
            return 0
        for start in range(0, len(cleared), BLOCK_BATCH):
            doomed = Responsibility.objects.filter(pk__in=cleared[start : start + BLOCK_BATCH])
            doomed._raw_delete(doomed.db)
        _upsert(written)
        announce(
            matrix=matrix,
            by=by,
            action=Action.CELLS,
            summary=_counted(summary, len(after)) if summary else block_summary(after),
            before={"cells": before},
            after={"cells": after},
            cells=[(a, r) for a, r, _ in after],
            version=version,
        )
    return len(after)


def _block_stored(changes, keys) -> dict:
    """The block's cells as stored: (activity id, role id) -> {"pk", "code", "note"}."""
    return {
        (a, r): {"pk": pk, "code": code, "note": note}
        for pk, a, r, code, note in Responsibility.objects.filter(
            activity__in={activity.pk for activity, _, _, _ in changes},
            role__in={role.pk for _, role, _, _ in changes},
        ).values_list("pk", "activity_id", "role_id", "code", "note")
        if (a, r) in keys
    }


def _block_plan(changes, stored):
    """(pks of the cells to clear, rows to write, before, after) of the cells that change."""
    cleared, written, before, after = [], [], [], []
    for activity, role, code, new_note in changes:
        now = stored.get((activity.pk, role.pk))
        old_code, old_note = (now["code"], now["note"]) if now else ("", "")
        note = (old_note if new_note is None else new_note) if code else ""
        if old_code == code and old_note == note:
            continue
        before.append([activity.pk, role.pk, old_code, old_note])
        after.append([activity.pk, role.pk, code])
        if code:
            written.append((activity.pk, role.pk, code, note))
        else:
            cleared.append(now["pk"])
    return cleared, written, before, after


def _counted(summary: str, n: int) -> str:
    """``summary`` with "{cells}" or "{letters}" replaced by how many (not str.format: the
    words may come from the browser)."""
    plural = "s" if n != 1 else ""
    return summary.replace("{cells}", f"{n} cell{plural}").replace(
        "{letters}", f"{n} letter{plural}"
    )


def _upsert(rows) -> None:
    """Write (activity id, role id, code, note) rows, replacing those cells' letters: one
    statement run for every row (executemany), so a pasted 300 x 12 block is quick. The ORM's
    bulk_create builds one statement from 3,600 model instances, three times slower."""
    if not rows:
        return
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(Responsibility._meta.db_table)} "  # noqa: S608 - our own names
        f"({quote('activity_id')}, {quote('role_id')}, {quote('code')}, {quote('note')}) "
        "VALUES (%s, %s, %s, %s) "
        f"ON CONFLICT ({quote('activity_id')}, {quote('role_id')}) "
        f"DO UPDATE SET {quote('code')} = excluded.{quote('code')}, "
        f"{quote('note')} = excluded.{quote('note')}"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def block_summary(after) -> str:
    codes = {code for _, _, code in after}
    n = len(after)
    cells = f"{n} cell{'s' if n != 1 else ''}"
    if codes == {""}:
        return f"Cleared {cells}"
    if len(codes) == 1:
        return f"Set {cells} to {codes.pop()}"
    return f"Changed {cells}"


def responsibility_restore_block(*, matrix: Matrix, cells, by=None) -> int:
    """Put cells back as they were: ``cells`` holds [activity id, role id, code, note] ("" for
    none), what a block change's history keeps. Cells whose row or column has gone since stay
    out; a letter the scheme no longer has stays cleared. What undo of a block does."""
    activities = {a.pk: a for a in Activity.objects.filter(matrix=matrix)}
    roles = {c.role_id: c.shown_role() for c in matrix.columns.select_related("role")}
    scheme = matrix.scheme_definition
    changes = [
        (activities[a], roles[r], code if scheme.has(code) else "", note)
        for a, r, code, note in cells
        if a in activities and r in roles
    ]
    return responsibility_assign_block(
        matrix=matrix, changes=changes, by=by, summary="{cells} put back as they were"
    )
