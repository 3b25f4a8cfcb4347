"""Undo and snapshots. Undo runs the matrix services, so an undo is itself a change in history
(pointing at the change it reverted) and can be undone in turn."""

from django.db import transaction

from apps.catalog.models import Role
from apps.matrices import services as matrix_services
from apps.matrices.models import Activity, Matrix, Phase
from apps.matrices.services import EditError
from apps.people import services as people_services

from .models import Action, Change, Snapshot
from .records import reverting


def change_undo(*, change: Change, by) -> None:
    """Revert ``change``; EditError says why when that is no longer possible."""
    if change.undone:
        raise EditError("That change has already been undone.")
    matrix = change.matrix
    undo = UNDO.get(change.action)
    if undo is None:  # pragma: no cover - every action has one
        raise EditError("That change cannot be undone.")
    with transaction.atomic(), reverting(change):
        undo(matrix, change, by)


def _activity(matrix: Matrix, pk) -> Activity:
    activity = Activity.objects.select_related("phase").filter(matrix=matrix, pk=pk).first()
    if activity is None:
        raise EditError("The activity of that change has since been deleted; undo that first.")
    activity.matrix = activity.phase.matrix = matrix
    return activity


def _phase(matrix: Matrix, pk) -> Phase:
    phase = Phase.objects.filter(matrix=matrix, pk=pk).first()
    if phase is None:
        raise EditError("The phase of that change has since been deleted; undo that first.")
    phase.matrix = matrix
    return phase


def _column_role(matrix: Matrix, pk) -> Role:
    role = Role.objects.filter(pk=pk, columns__matrix=matrix).first()
    if role is None:
        raise EditError("The column of that change has since been removed; undo that first.")
    return role


def _cell(matrix, change, by):
    activity = _activity(matrix, change.activity_id)
    role = _column_role(matrix, change.role_id)
    state = change.before if change.before and change.before.get("code") else None
    matrix_services.responsibility_restore(
        matrix=matrix, activity=activity, role=role, state=state, by=by
    )


def _cells(matrix, change, by):
    matrix_services.responsibility_restore_block(matrix=matrix, cells=change.before["cells"], by=by)


def _activity_add(matrix, change, by):
    matrix_services.activity_delete(activity=_activity(matrix, change.after["id"]), by=by)


def _activity_edit(matrix, change, by):
    matrix_services.activity_update(
        activity=_activity(matrix, change.activity_id), by=by, **change.before
    )


def _activity_move(matrix, change, by):
    before = change.before
    matrix_services.activity_place(
        activity=_activity(matrix, change.activity_id),
        phase=_phase(matrix, before["phase_id"]),
        index=before["index"],
        by=by,
    )


def _activity_delete(matrix, change, by):
    matrix_services.activity_restore(matrix=matrix, state=change.before, by=by)


def _phase_add(matrix, change, by):
    matrix_services.phase_delete(phase=_phase(matrix, change.after["id"]), by=by)


def _phase_rename(matrix, change, by):
    matrix_services.phase_rename(
        phase=_phase(matrix, change.before["id"]), name=change.before["name"], by=by
    )


def _phase_move(matrix, change, by):
    matrix_services.phase_place(
        phase=_phase(matrix, change.before["id"]), index=change.before["index"], by=by
    )


def _phase_delete(matrix, change, by):
    matrix_services.phase_create(
        matrix=matrix, name=change.before["name"], index=change.before["index"], by=by
    )


def _column_add(matrix, change, by):
    matrix_services.column_remove(
        matrix=matrix, role=_column_role(matrix, change.after["role_id"]), by=by
    )


def _column_rename(matrix, change, by):
    matrix_services.column_rename(
        matrix=matrix,
        role=_column_role(matrix, change.before["role_id"]),
        name=change.before["name"],
        by=by,
    )


def _column_move(matrix, change, by):
    matrix_services.column_place(
        matrix=matrix,
        role=_column_role(matrix, change.before["role_id"]),
        index=change.before["index"],
        by=by,
    )


def _column_remove(matrix, change, by):
    role = Role.objects.filter(pk=change.before["role_id"]).first()
    if role is None:
        raise EditError("That role no longer exists.")
    matrix_services.column_restore(matrix=matrix, role=role, state=change.before, by=by)


def _matrix_fields(matrix, change, by):
    matrix_services.matrix_update(matrix=matrix, by=by, **change.before)


def _scheme(matrix, change, by):
    matrix_services.matrix_change_scheme(
        matrix=matrix,
        scheme_key=change.before["scheme"],
        restore=change.before.get("dropped", []),
        by=by,
    )


def _holders(matrix, change, by):
    people_services.holders_restore(
        matrix=matrix, role=_column_role(matrix, change.role_id), state=change.before, by=by
    )


UNDO = {
    Action.CELL: _cell,
    Action.CELLS: _cells,
    Action.ACTIVITY_ADD: _activity_add,
    Action.ACTIVITY_EDIT: _activity_edit,
    Action.ACTIVITY_MOVE: _activity_move,
    Action.ACTIVITY_DELETE: _activity_delete,
    Action.PHASE_ADD: _phase_add,
    Action.PHASE_RENAME: _phase_rename,
    Action.PHASE_MOVE: _phase_move,
    Action.PHASE_DELETE: _phase_delete,
    Action.COLUMN_ADD: _column_add,
    Action.COLUMN_RENAME: _column_rename,
    Action.COLUMN_MOVE: _column_move,
    Action.COLUMN_REMOVE: _column_remove,
    Action.DETAILS: _matrix_fields,
    Action.OPTIONS: _matrix_fields,
    Action.SCHEME: _scheme,
    Action.HOLDERS: _holders,
}


def snapshot_create(*, matrix: Matrix, name: str, by) -> Snapshot:
    from apps.exchange.selectors import matrix_document
    from apps.raci.exchange.jsonfile import to_data

    name = name.strip()
    if Snapshot.objects.filter(matrix=matrix, name=name).exists():
        raise EditError(f'There is already a snapshot called "{name}".')
    return Snapshot.objects.create(
        matrix=matrix, name=name, by=by, document=to_data(matrix_document(matrix))
    )
