"""The grid: read it whole, set a cell, set a block (all or nothing, as a paste), the findings
of the rules, and the exports. Writes go through the editor's services, so the history, undo,
the rules and every open browser see them as a change made on the page."""

from asgiref.sync import async_to_sync
from django.http import Http404
from ninja import Router

from apps.exchange.exporting import export_response
from apps.exchange.formats import FORMATS
from apps.matrices.models import Matrix
from apps.matrices.selectors import grid_data, matrix_grid, matrix_structure
from apps.matrices.services import (
    EditError,
    responsibility_annotate,
    responsibility_assign,
    responsibility_assign_block,
)

from ..access import api_matrix, caller
from ..errors import ERRORS, Error, error_response
from ..schemas import (
    FORMAT,
    BlockIn,
    BlockOut,
    CellIn,
    CellOut,
    FindingsOut,
    GridOut,
    Id,
    Slug,
)

router = Router(tags=["Grid"])


def holders_out(holders) -> list[dict]:
    return [{"id": h.id, "name": h.name, "has_account": h.has_account} for h in holders]


@router.get("/matrices/{slug}/grid", response={200: GridOut, **ERRORS}, summary="The grid")
def get_grid(request, slug: Slug):
    """Columns (with who holds them), phases in order, their activities in order, and each
    activity's letters and notes by role id: the grid as the page shows it."""
    matrix = api_matrix(request, slug)
    data = grid_data(matrix)
    structure = matrix_structure(matrix)
    holders = data.holders
    by_phase = {phase.pk: [] for phase in structure.phases}
    for activity in structure.rows:
        cells, notes = {}, {}
        for role in structure.roles:
            key = (activity.pk, role.pk)
            if key in data.codes:
                cells[str(role.pk)] = data.codes[key]
            if key in data.notes:
                notes[str(role.pk)] = data.notes[key]
        by_phase[activity.phase_id].append(
            {
                "id": activity.pk,
                "name": activity.name,
                "description": activity.description,
                "phase": activity.phase_id,
                "cells": cells,
                "notes": notes,
            }
        )
    scheme = matrix.scheme_definition
    return {
        "slug": matrix.slug,
        "title": matrix.title,
        "version": matrix.version,
        "scheme": scheme.key,
        "letters": [
            {"code": letter.code, "name": letter.name, "kind": str(letter.kind)}
            for letter in scheme.letters
        ],
        "columns": [
            {
                "role": role.pk,
                "name": role.name,
                "short_label": role.short_label,
                "kind": role.kind,
                "holders": None if holders is None else holders_out(holders.get(role.pk, ())),
            }
            for role in structure.roles
        ],
        "phases": [
            {"id": phase.pk, "name": phase.name, "activities": by_phase[phase.pk]}
            for phase in structure.phases
        ],
    }


def _cell(matrix: Matrix, activity_id: int, role_id: int):
    structure = matrix_structure(matrix)
    activity = structure.activity_by_pk.get(activity_id)
    role = structure.role_by_pk.get(role_id)
    if activity is None or role is None:
        raise Http404("No such cell in this matrix.")
    return activity, role


def _letter(matrix: Matrix, value: str) -> str:
    """A letter as typed or pasted (any case, spaces around), "" for none."""
    value = value.strip()
    if not value:
        return ""
    scheme = matrix.scheme_definition
    for code in scheme.codes:
        if code.casefold() == value.casefold():
            return code
    raise EditError(f"'{value[:20]}' is not a letter of {scheme.name} ({', '.join(scheme.codes)}).")


@router.put(
    "/matrices/{slug}/cells/{activity_id}/{role_id}",
    response={200: CellOut, **ERRORS},
    summary="Set one cell",
)
def set_cell(request, slug: Slug, activity_id: Id, role_id: Id, data: CellIn):
    """Set the letter (``""`` clears it, with its note); with ``note``, also the note."""
    matrix = api_matrix(request, slug, edit=True)
    activity, role = _cell(matrix, activity_id, role_id)
    code = _letter(matrix, data.code)
    if data.note and not code:
        raise EditError("A cell without a letter has no note.")
    by = caller(request).user
    responsibility_assign(matrix=matrix, activity=activity, role=role, code=code, by=by)
    note = ""
    if code and data.note is not None:
        note = responsibility_annotate(
            matrix=matrix, activity=activity, role=role, note=data.note, by=by
        )
    elif code:
        note = grid_data(matrix).notes.get((activity.pk, role.pk), "")
    return {
        "activity": activity.pk,
        "role": role.pk,
        "code": code,
        "note": note,
        "version": matrix.version,
    }


@router.post(
    "/matrices/{slug}/cells/block",
    response={200: BlockOut, **ERRORS},
    summary="Set a block of cells",
)
def set_block(request, slug: Slug, data: BlockIn):
    """Many cells in one step, one entry in the history and one undo, all or nothing: a value
    that is no letter of the scheme, a block that runs past the grid's edge or a cell not in
    the grid changes nothing, and the message names the first bad cell."""
    matrix = api_matrix(request, slug, edit=True)
    structure = matrix_structure(matrix)
    changes = []
    if data.cells is not None:
        for n, cell in enumerate(data.cells, 1):
            activity = structure.activity_by_pk.get(cell.activity)
            role = structure.role_by_pk.get(cell.role)
            if activity is None or role is None:
                raise EditError(f"Cell {n}: no such cell in this matrix.")
            changes.append((activity, role, _named_letter(matrix, cell.code, f"Cell {n}")))
        summary = data.summary
    else:
        rows, roles = list(structure.rows), list(structure.roles)
        top, left = _position(rows, data.activity), _position(roles, data.role)
        if top is None or left is None:
            raise EditError("The block's top left cell is not in this matrix.")
        width = max((len(line) for line in data.rows), default=0)
        if top + len(data.rows) > len(rows) or left + width > len(roles):
            raise EditError(
                f"The block is {len(data.rows)} rows by {width} columns; from its top left cell "
                f"the grid has room for {len(rows) - top} by {len(roles) - left}."
            )
        for i, line in enumerate(data.rows):
            for j, value in enumerate(line):
                where = f"Row {i + 1}, column {j + 1}"
                changes.append(
                    (rows[top + i], roles[left + j], _named_letter(matrix, value, where))
                )
        n = len(changes)
        summary = data.summary or f"Pasted {n} cell{'s' if n != 1 else ''}"
    changed = responsibility_assign_block(
        matrix=matrix, changes=changes, by=caller(request).user, summary=summary
    )
    return {"changed": changed, "version": matrix.version}


def _position(items, pk: int) -> int | None:
    return next((i for i, item in enumerate(items) if item.pk == pk), None)


def _named_letter(matrix: Matrix, value: str, where: str) -> str:
    try:
        return _letter(matrix, value)
    except EditError as error:
        raise EditError(f"{where}: {error}") from None


@router.get(
    "/matrices/{slug}/findings", response={200: FindingsOut, **ERRORS}, summary="Rule findings"
)
def get_findings(request, slug: Slug):
    """What the rules find, as the page's findings panel lists it."""
    matrix = api_matrix(request, slug)
    grid = matrix_grid(matrix)
    return {
        "version": matrix.version,
        "status": str(grid.status),
        "summary": grid.summary,
        "findings": [
            {
                "severity": str(finding.severity),
                "rule": finding.rule,
                "message": finding.message,
                "activity": finding.activity_id if isinstance(finding.activity_id, int) else None,
                "role": finding.role_id if isinstance(finding.role_id, int) else None,
            }
            for finding in grid.findings
        ],
    }


_EXPORT_CONTENT = {
    fmt.content_type.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}
    for fmt in FORMATS.values()
}
# The JSON export is a document (docs/json-format.md), not an opaque file.
_EXPORT_CONTENT["application/json"] = {
    "schema": {"type": "object", "description": "The JSON export format: docs/json-format.md."}
}


@router.get(
    "/matrices/{slug}/export/{fmt}",
    response={200: None, **ERRORS, 503: Error},
    summary="Export",
    openapi_extra={
        "responses": {200: {"description": "The file, as a download.", "content": _EXPORT_CONTENT}}
    },
)
def export(request, slug: Slug, fmt: FORMAT):
    """The matrix as CSV, Excel, PDF, JSON or Markdown: the files the page's Export menu gives,
    within the same limits: a matrix too large for the format is a 422 (``export_too_large``),
    an export over its time budget a 503 (``export_timeout``, with Retry-After); CSV and JSON
    take any size."""
    matrix = api_matrix(request, slug)
    response = async_to_sync(export_response)(
        request, lambda: matrix, fmt, lambda key: f"/api/v1/matrices/{slug}/export/{key}"
    )
    if response.status_code == 422:
        return error_response(
            422,
            "export_too_large",
            f"This matrix is too large to export as {fmt}; export it as CSV or JSON.",
        )
    if response.status_code == 503:
        return error_response(
            503,
            "export_timeout",
            f"The {fmt} export took too long; try again later, or export CSV or JSON.",
            {"Retry-After": response.get("Retry-After", "60")},
        )
    return response
