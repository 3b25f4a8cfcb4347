"""Writes that touch several models. Keyword-only, atomic, named <entity>_<action>."""

import sys
from collections import Counter

from django.db import transaction
from django.utils.text import slugify

from apps.accounts.models import Team
from apps.catalog import services as catalog_services
from apps.catalog.models import Role, RoleKind
from apps.raci.schemes import get_scheme

from .changes import Action, announce, announce_cell, cell_state, matrix_deleted, quoted
from .models import Activity, Matrix, MatrixRole, Phase, Responsibility, new_structure_version

SLUG_MAX_LENGTH = Matrix._meta.get_field("slug").max_length


def unique_matrix_slug(title: str) -> str:
    base = (slugify(title) or "matrix")[: SLUG_MAX_LENGTH - 8].strip("-") or "matrix"
    slug, n = base, 2
    while Matrix.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def matrix_create(
    *,
    title: str,
    team: Team,
    created_by=None,
    description: str = "",
    template: Matrix | None = None,
    slug: str | None = None,
) -> Matrix:
    """Create a matrix: a copy of ``template`` (its columns, phases, activities and cells),
    or a blank one with the core roles as columns and no activities."""
    matrix = Matrix.objects.create(
        title=title,
        slug=slug or unique_matrix_slug(title),
        description=description if description or template is None else template.description,
        scheme=template.scheme if template else Matrix._meta.get_field("scheme").default,
        accountable_does_work=template.accountable_does_work if template else False,
        overload_percent=template.overload_percent if template else 50,
        team=team,
        created_by=created_by,
    )
    if template is None:
        core = Role.objects.catalog().filter(kind=RoleKind.CORE).order_by("position", "pk")
        MatrixRole.objects.bulk_create(
            MatrixRole(matrix=matrix, role=role, position=i) for i, role in enumerate(core)
        )
        return matrix
    matrix_copy_contents(source=template, target=matrix)
    return matrix


def matrix_copy_contents(*, source: Matrix, target: Matrix) -> None:
    """Copy columns, phases, activities and cells of ``source`` into the empty ``target``."""
    MatrixRole.objects.bulk_create(
        MatrixRole(matrix=target, role_id=column.role_id, position=column.position)
        for column in source.columns.all()
    )
    phase_map = {}
    for phase in source.phases.all():
        phase_map[phase.pk] = Phase(matrix=target, name=phase.name, position=phase.position)
    Phase.objects.bulk_create(phase_map.values())
    activity_map = {}
    for activity in source.activities.all():
        activity_map[activity.pk] = Activity(
            matrix=target,
            phase=phase_map[activity.phase_id],
            name=activity.name,
            description=activity.description,
            position=activity.position,
        )
    Activity.objects.bulk_create(activity_map.values())
    Responsibility.objects.bulk_create(
        Responsibility(
            activity=activity_map[cell.activity_id],
            role_id=cell.role_id,
            code=cell.code,
            note=cell.note,
        )
        for cell in Responsibility.objects.filter(activity__matrix=source)
    )


def structure_changed(matrix: Matrix) -> None:
    """Columns, phases or activities changed: raise the version that keys their caches."""
    matrix.structure_version = new_structure_version()
    Matrix.objects.filter(pk=matrix.pk).update(structure_version=matrix.structure_version)


class EditError(ValueError):
    """A change the user asked for that cannot be made; the message says why."""


# Every service below that changes a matrix announces the change (changes.py) with ``by``, the
# user who made it, and what undo needs to put it back; history and the live layer listen.

UNKNOWN = object()  # ``current`` not given: the service reads the cell itself


def _cell_now(activity: Activity, role) -> dict | None:
    cell = Responsibility.objects.filter(activity=activity, role=role).values("code", "note")
    return next(iter(cell), None)


def responsibility_assign(
    *, matrix: Matrix, activity: Activity, role, code: str, by=None, current=UNKNOWN
) -> str:
    """Set (or with an empty code, clear) the letter ``role`` holds on ``activity``.

    One statement either way (an upsert or a delete), so two people setting the same cell at
    the same moment end with one of the two values and no error. A caller that has just read
    the cell passes it as ``current`` ({"code", "note"} or None) to save a query.
    """
    if code and not matrix.scheme_definition.has(code):
        raise EditError(
            f'"{code}" is not a letter of {matrix.scheme_definition.name}; '
            f"use one of {', '.join(matrix.scheme_definition.codes)}."
        )
    before = _cell_now(activity, role) if current is UNKNOWN else current
    if (before or {}).get("code", "") == code:
        return code  # nothing changes, nothing to record
    note = (before or {}).get("note", "") if code else ""
    _cell_change(
        matrix=matrix, activity=activity, role=role, before=before, code=code, note=note, by=by
    )
    return code


def responsibility_annotate(*, matrix: Matrix, activity: Activity, role, note: str, by=None) -> str:
    """Set (or with an empty text, remove) the note on a cell that holds a letter."""
    before = _cell_now(activity, role)
    if before is None:
        raise EditError("Give the cell a letter before adding a note.")
    note = note.strip()
    if before["note"] == note:
        return note
    with _cell_transaction():
        Responsibility.objects.filter(activity=activity, role=role).update(note=note)
        announce_cell(
            matrix=matrix,
            by=by,
            activity=activity,
            role=role,
            before=before,
            after={"code": before["code"], "note": note},
        )
    return note


def _cell_change(*, matrix, activity, role, before: dict | None, code: str, note: str, by) -> None:
    """Write a cell (``code`` empty: clear it) and record the change, together."""
    with _cell_transaction():
        _cell_write(activity=activity, role=role, code=code, note=note)
        announce_cell(
            matrix=matrix,
            by=by,
            activity=activity,
            role=role,
            before=before,
            after=cell_state(code, note),
        )


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
    before = _cell_now(activity, role)
    code, note = (state or {}).get("code", ""), (state or {}).get("note", "")
    if code and not matrix.scheme_definition.has(code):
        raise EditError(
            f'"{code}" is not a letter of {matrix.scheme_definition.name} any more; '
            "change the scheme back first."
        )
    _cell_change(
        matrix=matrix, activity=activity, role=role, before=before, code=code, note=note, by=by
    )


def _renumber(items) -> None:
    for position, item in enumerate(items):
        item.position = position
    if items:
        type(items[0]).objects.bulk_update(items, ["position"])


def _place(siblings: list, item, index: int) -> None:
    """Put ``item`` at ``index`` among ``siblings`` (which may hold it) and renumber them."""
    others = [other for other in siblings if other.pk != item.pk]
    others.insert(max(0, min(index, len(others))), item)
    _renumber(others)


def _index(items, item) -> int:
    return next(i for i, other in enumerate(items) if other.pk == item.pk)


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
    state = _activity_state(activity)
    structure_changed(activity.matrix)
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


@transaction.atomic
def column_add(*, matrix: Matrix, role: Role, by=None) -> MatrixRole:
    if MatrixRole.objects.filter(matrix=matrix, role=role).exists():
        raise EditError(f'"{role.name}" is already a column of this matrix.')
    last = matrix.columns.order_by("-position").values_list("position", flat=True).first()
    column = MatrixRole.objects.create(
        matrix=matrix, role=role, position=0 if last is None else last + 1
    )
    structure_changed(matrix)
    announce(
        matrix=matrix,
        by=by,
        action=Action.COLUMN_ADD,
        summary=f"Added the column {quoted(role.name)}",
        role_id=role.pk,
        after={"role_id": role.pk, "role": role.name},
    )
    return column


@transaction.atomic
def column_remove(*, matrix: Matrix, role: Role, by=None) -> int:
    """Remove the column and its letters; return how many letters went with it."""
    columns = list(matrix.columns.order_by("position", "pk"))
    cells = Responsibility.objects.filter(activity__matrix=matrix, role=role)
    state = {
        "role_id": role.pk,
        "role": role.name,
        "index": next((i for i, c in enumerate(columns) if c.role_id == role.pk), len(columns)),
        "cells": [list(cell) for cell in cells.values_list("activity_id", "code", "note")],
    }
    removed, _ = cells.delete()
    MatrixRole.objects.filter(matrix=matrix, role=role).delete()
    letters = f" and its {removed} letter{'s' if removed != 1 else ''}" if removed else ""
    structure_changed(matrix)
    announce(
        matrix=matrix,
        by=by,
        action=Action.COLUMN_REMOVE,
        summary=f"Removed the column {quoted(role.name)}{letters}",
        role_id=role.pk,
        before=state,
    )
    return removed


@transaction.atomic
def column_restore(*, matrix: Matrix, role: Role, state: dict, by=None) -> None:
    """Bring back a removed column in its place, with the letters of activities still there."""
    column = column_add(matrix=matrix, role=role, by=by)
    _place(list(matrix.columns.order_by("position", "pk")), column, state["index"])
    activities = set(matrix.activities.values_list("pk", flat=True))
    Responsibility.objects.bulk_create(
        Responsibility(activity_id=activity_id, role=role, code=code, note=note)
        for activity_id, code, note in state["cells"]
        if activity_id in activities and matrix.scheme_definition.has(code)
    )


@transaction.atomic
def column_place(*, matrix: Matrix, role: Role, index: int, by=None) -> None:
    columns = list(matrix.columns.order_by("position", "pk"))
    column = next(c for c in columns if c.role_id == role.pk)
    old = _index(columns, column)
    index = max(0, min(index, len(columns) - 1))
    if index == old:
        return
    _place(columns, column, index)
    structure_changed(matrix)
    announce(
        matrix=matrix,
        by=by,
        action=Action.COLUMN_MOVE,
        summary=f"Moved the column {quoted(role.name)} {'left' if index < old else 'right'}",
        role_id=role.pk,
        before={"role_id": role.pk, "index": old},
        after={"role_id": role.pk, "index": index},
    )


def column_shift(*, matrix: Matrix, role: Role, offset: int, by=None) -> None:
    columns = list(matrix.columns.order_by("position", "pk"))
    target = next(i for i, c in enumerate(columns) if c.role_id == role.pk) + offset
    if 0 <= target < len(columns):
        column_place(matrix=matrix, role=role, index=target, by=by)


@transaction.atomic
def role_create_custom(
    *, matrix: Matrix, name: str, short_label: str, description: str = "", by=None
) -> Role:
    """A role of the matrix's team, for what the catalog lacks; added as a column."""
    if Role.objects.filter(team=matrix.team, name__iexact=name).exists() or (
        Role.objects.catalog().filter(name__iexact=name).exists()
    ):
        raise EditError(f'A role called "{name}" exists already; add it from the list.')
    role = catalog_services.role_create_custom(
        team=matrix.team,
        name=name,
        short_label=short_label,
        summary=description,
        focus=description,
    )
    column_add(matrix=matrix, role=role, by=by)
    return role


DETAIL_FIELDS = ("title", "description")
OPTION_FIELDS = ("accountable_does_work", "overload_percent")


@transaction.atomic
def matrix_update(*, matrix: Matrix, by=None, **fields) -> Matrix:
    """Change the title and description, or the rule options, of a matrix."""
    before = {name: getattr(matrix, name) for name in fields}
    if before == fields:
        return matrix
    for name, value in fields.items():
        setattr(matrix, name, value)
    matrix.save(update_fields=[*fields, "updated_at"])
    if set(fields) <= set(DETAIL_FIELDS):
        action = Action.DETAILS
        summary = (
            f"Renamed the matrix {quoted(before['title'])} to {quoted(matrix.title)}"
            if before.get("title", matrix.title) != matrix.title
            else "Edited the description"
        )
    else:
        action, summary = Action.OPTIONS, "Changed the rule options"
    announce(matrix=matrix, by=by, action=action, summary=summary, before=before, after=fields)
    return matrix


def matrix_duplicate(*, matrix: Matrix, by) -> Matrix:
    suffix = " (copy)"
    room = Matrix._meta.get_field("title").max_length - len(suffix)
    return matrix_create(
        title=f"{matrix.title[:room].rstrip()}{suffix}",
        team=matrix.team,
        created_by=by,
        description=matrix.description,
        template=matrix,
    )


@transaction.atomic
def matrix_delete(*, matrix: Matrix) -> None:
    matrix_id = matrix.pk
    matrix.delete()
    transaction.on_commit(lambda: matrix_deleted.send_robust(sender=Matrix, matrix_id=matrix_id))


def scheme_change_preview(*, matrix: Matrix, scheme_key: str) -> dict[str, int]:
    """How many cells of each letter a change to ``scheme_key`` would drop."""
    target = get_scheme(scheme_key)
    counts = Counter(
        Responsibility.objects.filter(activity__matrix=matrix).values_list("code", flat=True)
    )
    return {code: n for code, n in sorted(counts.items()) if not target.has(code)}


@transaction.atomic
def matrix_change_scheme(
    *, matrix: Matrix, scheme_key: str, by=None, restore: list | None = None
) -> int:
    """Switch scheme, keeping the letters both schemes share; return how many cells dropped.

    ``restore`` (cells as [activity id, role id, code, note]) puts back letters an earlier
    change dropped: what undo of a scheme change does.
    """
    target = get_scheme(scheme_key)
    old = matrix.scheme_definition
    if target.key == old.key:
        return 0
    dropping = Responsibility.objects.filter(activity__matrix=matrix).exclude(code__in=target.codes)
    dropped_cells = [
        list(cell) for cell in dropping.values_list("activity_id", "role_id", "code", "note")
    ]
    dropped, _ = dropping.delete()
    matrix.scheme = target.key
    matrix.save(update_fields=["scheme", "updated_at"])
    if restore:
        activities = set(matrix.activities.values_list("pk", flat=True))
        columns = set(matrix.columns.values_list("role_id", flat=True))
        Responsibility.objects.bulk_create(
            (
                Responsibility(activity_id=a, role_id=r, code=code, note=note)
                for a, r, code, note in restore
                if a in activities and r in columns and target.has(code)
            ),
            ignore_conflicts=True,
        )
    letters = f", dropping {dropped} letter{'s' if dropped != 1 else ''}" if dropped else ""
    announce(
        matrix=matrix,
        by=by,
        action=Action.SCHEME,
        summary=f"Changed the scheme from {old.name} to {target.name}{letters}",
        before={"scheme": old.key, "dropped": dropped_cells},
        after={"scheme": target.key},
    )
    return dropped
