"""Role columns: adding, renaming, moving and removing them, and a custom role as a new column.

A column shows a role: one of the catalog's, shared by every team's matrices, or one of the
team's own, shared by the team's matrices. Renaming a column renames it in its matrix only: the
new name is the column's label (``MatrixRole.label``), which the grid, the findings and the
exports show instead of the role's name; the role itself, and every other matrix showing it,
keep theirs (a team's owners rename a custom role for all its matrices on the team's roles page).
"""

from django.db import transaction

from apps.catalog import services as catalog_services
from apps.catalog.models import Role

from ..changes import Action, announce, quoted
from ..models import Matrix, MatrixRole, Responsibility
from .common import EditError, NameTaken, _index, _place, structure_changed

COLUMN_NAME_MAX_LENGTH = MatrixRole._meta.get_field("label").max_length


def _shown_names(matrix: Matrix, *, besides: Role | None = None) -> dict[str, str]:
    """The names the matrix's columns show (but ``besides``'s), by their case-folded form."""
    columns = MatrixRole.objects.filter(matrix=matrix).values_list("role_id", "label", "role__name")
    return {
        (label or name).casefold(): label or name
        for role_id, label, name in columns
        if besides is None or role_id != besides.pk
    }


@transaction.atomic
def column_add(*, matrix: Matrix, role: Role, by=None) -> MatrixRole:
    if MatrixRole.objects.filter(matrix=matrix, role=role).exists():
        raise EditError(f'"{role.name}" is already a column of this matrix.')
    if role.name.casefold() in _shown_names(matrix):
        raise NameTaken(
            f'A column of this matrix is already called "{role.name}"; rename it first.'
        )
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
    structure_changed(matrix)  # first: the matrix's lock (changes.py), then its rows
    columns = list(matrix.columns.order_by("position", "pk"))
    label = next((c.label for c in columns if c.role_id == role.pk), "")
    cells = Responsibility.objects.filter(activity__matrix=matrix, role=role)
    state = {
        "role_id": role.pk,
        "role": role.name,
        "label": label,
        "index": next((i for i, c in enumerate(columns) if c.role_id == role.pk), len(columns)),
        "cells": [list(cell) for cell in cells.values_list("activity_id", "code", "note")],
    }
    removed, _ = cells.delete()
    MatrixRole.objects.filter(matrix=matrix, role=role).delete()
    letters = f" and its {removed} letter{'s' if removed != 1 else ''}" if removed else ""
    announce(
        matrix=matrix,
        by=by,
        action=Action.COLUMN_REMOVE,
        summary=f"Removed the column {quoted(label or role.name)}{letters}",
        role_id=role.pk,
        before=state,
    )
    return removed


@transaction.atomic
def column_restore(*, matrix: Matrix, role: Role, state: dict, by=None) -> None:
    """Bring back a removed column in its place, with the letters of activities still there."""
    column = column_add(matrix=matrix, role=role, by=by)
    _place(list(matrix.columns.order_by("position", "pk")), column, state["index"])
    if state.get("label"):
        column_rename(matrix=matrix, role=role, name=state["label"], by=by)
    activities = set(matrix.activities.values_list("pk", flat=True))
    Responsibility.objects.bulk_create(
        Responsibility(activity_id=activity_id, role=role, code=code, note=note)
        for activity_id, code, note in state["cells"]
        if activity_id in activities and matrix.scheme_definition.has(code)
    )


@transaction.atomic
def column_rename(*, matrix: Matrix, role: Role, name: str, by=None) -> MatrixRole:
    """Show the column as ``name`` in this matrix only (see the module's docstring); the
    role's own name clears the label."""
    name = " ".join(name.split())
    if not name:
        raise EditError("A column needs a name.")
    if len(name) > COLUMN_NAME_MAX_LENGTH:
        raise EditError(f"A column's name has at most {COLUMN_NAME_MAX_LENGTH} characters.")
    structure_changed(matrix)  # first: the matrix's lock (changes.py), then its rows
    column = MatrixRole.objects.get(matrix=matrix, role=role)
    own = getattr(role, "catalog_name", role.name)  # a role may come named as its column
    old = column.label or own
    if name == old:
        return column
    taken = _shown_names(matrix, besides=role).get(name.casefold())
    if taken is not None:
        raise NameTaken(f'There is already a column called "{taken}" in this matrix.')
    column.label = "" if name == own else name
    column.save(update_fields=["label"])
    announce(
        matrix=matrix,
        by=by,
        action=Action.COLUMN_RENAME,
        summary=f"Renamed the column {quoted(old)} to {quoted(name)}",
        role_id=role.pk,
        before={"role_id": role.pk, "name": old},
        after={"role_id": role.pk, "name": name},
    )
    return column


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
