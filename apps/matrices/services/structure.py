"""Rows and phases: adding, renaming, describing, moving and removing them (columns.py: the
role columns)."""

import sys

from django.db import transaction

from ..changes import Action, announce, quoted
from ..models import Activity, Matrix, Phase, Responsibility
from .common import EditError, _index, _place, _renumber, structure_changed


def _activity_state(activity: Activity) -> dict:
    siblings = list(activity.phase.activities.order_by("position", "pk"))
    return {
        "id": activity.pk,
        "name": activity.name,
        "description": activity.description,
        "phase_id": activity.phase_id,
        "phase": activity.phase.name,
        "index": _index(siblings, activity),
        "cells": [
            [role_id, code, note]
            for role_id, code, note in activity.responsibilities.values_list(
                "role_id", "code", "note"
            ).order_by("role_id")
        ],
    }


@transaction.atomic
def activity_create(
    *, matrix: Matrix, phase: Phase, name: str, description: str = "", by=None
) -> Activity:
    if Activity.objects.filter(matrix=matrix, name=name).exists():
        raise EditError(f'There is already an activity called "{name}".')
    last = phase.activities.order_by("-position").values_list("position", flat=True).first()
    activity = Activity.objects.create(
        matrix=matrix,
        phase=phase,
        name=name,
        description=description,
        position=0 if last is None else last + 1,
    )
    structure_changed(matrix)
    announce(
        matrix=matrix,
        by=by,
        action=Action.ACTIVITY_ADD,
        summary=f"Added activity {quoted(name)} to {quoted(phase.name)}",
        activity_id=activity.pk,
        after={"id": activity.pk, "name": name},
    )
    return activity


@transaction.atomic
def activity_update(*, activity: Activity, name: str, description: str, by=None) -> Activity:
    if (
        Activity.objects.filter(matrix=activity.matrix_id, name=name)
        .exclude(pk=activity.pk)
        .exists()
    ):
        raise EditError(f'There is already an activity called "{name}".')
    before = {"name": activity.name, "description": activity.description}
    after = {"name": name, "description": description}
    if before == after:
        return activity
    activity.name, activity.description = name, description
    activity.save(update_fields=["name", "description"])
    summary = (
        f"Renamed activity {quoted(before['name'])} to {quoted(name)}"
        if before["name"] != name
        else f"Edited the description of {quoted(name)}"
    )
    structure_changed(activity.matrix)
    announce(
        matrix=activity.matrix,
        by=by,
        action=Action.ACTIVITY_EDIT,
        summary=summary,
        activity_id=activity.pk,
        before=before,
        after=after,
    )
    return activity


@transaction.atomic
def activity_delete(*, activity: Activity, by=None) -> None:
    structure_changed(activity.matrix)  # first: the matrix's lock (changes.py), then its rows
    state = _activity_state(activity)
    announce(
        matrix=activity.matrix,
        by=by,
        action=Action.ACTIVITY_DELETE,
        summary=f"Deleted activity {quoted(activity.name)}",
        activity_id=activity.pk,
        before=state,
    )
    activity.delete()


@transaction.atomic
def activity_restore(*, matrix: Matrix, state: dict, by=None) -> Activity:
    """Bring back a deleted activity (see ``_activity_state``) with its letters and notes,
    in its phase and place; letters of roles that are no longer columns stay out."""
    phase = (
        Phase.objects.filter(matrix=matrix, pk=state["phase_id"]).first()
        or Phase.objects.filter(matrix=matrix, name=state["phase"]).first()
    )
    if phase is None:
        phase = phase_create(matrix=matrix, name=state["phase"], by=by)
    activity = activity_create(
        matrix=matrix, phase=phase, name=state["name"], description=state["description"], by=by
    )
    _place(list(phase.activities.order_by("position", "pk")), activity, state["index"])
    columns = set(matrix.columns.values_list("role_id", flat=True))
    Responsibility.objects.bulk_create(
        Responsibility(activity=activity, role_id=role_id, code=code, note=note)
        for role_id, code, note in state["cells"]
        if role_id in columns and matrix.scheme_definition.has(code)
    )
    return activity


@transaction.atomic
def activity_move(
    *, activity: Activity, phase: Phase, before: Activity | None = None, by=None
) -> None:
    """Put ``activity`` into ``phase``, just above ``before`` (or last when None)."""
    siblings = [a for a in phase.activities.order_by("position", "pk") if a.pk != activity.pk]
    index = len(siblings)
    if before is not None:
        index = next((i for i, a in enumerate(siblings) if a.pk == before.pk), index)
    activity_place(activity=activity, phase=phase, index=index, by=by)


@transaction.atomic
def activity_place(*, activity: Activity, phase: Phase, index: int, by=None) -> None:
    """Put ``activity`` at ``index`` of ``phase``'s activities (not counting itself)."""
    _activity_place(
        activity, phase, index, by, list(activity.phase.activities.order_by("position", "pk"))
    )


def _activity_place(activity, phase, index, by, old_siblings) -> None:
    old_phase, old_index = activity.phase, _index(old_siblings, activity)
    if phase.pk == old_phase.pk:
        siblings = [a for a in old_siblings if a.pk != activity.pk]
    else:
        siblings = list(phase.activities.order_by("position", "pk"))
    index = max(0, min(index, len(siblings)))
    if phase.pk == old_phase.pk and index == old_index:
        return
    if phase.pk != old_phase.pk:
        activity.phase = phase
        activity.save(update_fields=["phase"])
    siblings.insert(index, activity)
    _renumber(siblings)
    where = f"to {quoted(phase.name)}" if phase.pk != old_phase.pk else "within its phase"
    structure_changed(activity.matrix)
    announce(
        matrix=activity.matrix,
        by=by,
        action=Action.ACTIVITY_MOVE,
        summary=f"Moved activity {quoted(activity.name)} {where}",
        activity_id=activity.pk,
        before={"phase_id": old_phase.pk, "phase": old_phase.name, "index": old_index},
        after={"phase_id": phase.pk, "phase": phase.name, "index": index},
    )


@transaction.atomic
def activity_shift(*, activity: Activity, offset: int, by=None) -> None:
    """Move an activity one place up (-1) or down (+1); across a phase boundary at the ends."""
    siblings = list(activity.phase.activities.order_by("position", "pk"))
    local = _index(siblings, activity)
    if 0 <= local + offset < len(siblings):
        _activity_place(activity, activity.phase, local + offset, by, siblings)
        return
    phases = list(activity.matrix.phases.order_by("position", "pk"))
    target = _index(phases, activity.phase) + offset
    if 0 <= target < len(phases):
        # Down into the next phase: first there; up into the previous one: last there
        # (an index past the end is clamped to it).
        index = 0 if offset > 0 else sys.maxsize
        _activity_place(activity, phases[target], index, by, siblings)


@transaction.atomic
def phase_create(*, matrix: Matrix, name: str, by=None, index: int | None = None) -> Phase:
    if Phase.objects.filter(matrix=matrix, name=name).exists():
        raise EditError(f'There is already a phase called "{name}".')
    last = matrix.phases.order_by("-position").values_list("position", flat=True).first()
    phase = Phase.objects.create(matrix=matrix, name=name, position=0 if last is None else last + 1)
    if index is not None:
        _place(list(matrix.phases.order_by("position", "pk")), phase, index)
    structure_changed(matrix)
    announce(
        matrix=matrix,
        by=by,
        action=Action.PHASE_ADD,
        summary=f"Added phase {quoted(name)}",
        after={"id": phase.pk, "name": name},
    )
    return phase


@transaction.atomic
def phase_rename(*, phase: Phase, name: str, by=None) -> Phase:
    if Phase.objects.filter(matrix=phase.matrix_id, name=name).exclude(pk=phase.pk).exists():
        raise EditError(f'There is already a phase called "{name}".')
    old = phase.name
    if old == name:
        return phase
    phase.name = name
    phase.save(update_fields=["name"])
    structure_changed(phase.matrix)
    announce(
        matrix=phase.matrix,
        by=by,
        action=Action.PHASE_RENAME,
        summary=f"Renamed phase {quoted(old)} to {quoted(name)}",
        before={"id": phase.pk, "name": old},
        after={"id": phase.pk, "name": name},
    )
    return phase


@transaction.atomic
def phase_delete(*, phase: Phase, by=None) -> None:
    if phase.activities.exists():
        raise EditError(
            f'The phase "{phase.name}" still has activities; move or delete them first.'
        )
    phases = list(phase.matrix.phases.order_by("position", "pk"))
    structure_changed(phase.matrix)
    announce(
        matrix=phase.matrix,
        by=by,
        action=Action.PHASE_DELETE,
        summary=f"Deleted phase {quoted(phase.name)}",
        before={"id": phase.pk, "name": phase.name, "index": _index(phases, phase)},
    )
    phase.delete()


@transaction.atomic
def phase_place(*, phase: Phase, index: int, by=None) -> None:
    phases = list(phase.matrix.phases.order_by("position", "pk"))
    old = _index(phases, phase)
    index = max(0, min(index, len(phases) - 1))
    if index == old:
        return
    _place(phases, phase, index)
    structure_changed(phase.matrix)
    announce(
        matrix=phase.matrix,
        by=by,
        action=Action.PHASE_MOVE,
        summary=f"Moved phase {quoted(phase.name)} {'up' if index < old else 'down'}",
        before={"id": phase.pk, "index": old},
        after={"id": phase.pk, "index": index},
    )


def phase_shift(*, phase: Phase, offset: int, by=None) -> None:
    phases = list(phase.matrix.phases.order_by("position", "pk"))
    target = _index(phases, phase) + offset
    if 0 <= target < len(phases):
        phase_place(phase=phase, index=target, by=by)
