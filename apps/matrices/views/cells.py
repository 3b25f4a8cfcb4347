from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from ..access import matrix_for_user
from ..changes import Action
from ..forms import BlockForm, CellForm, NoteForm
from ..regions import change_regions
from ..selectors import cell_change_grid, grid_cell, grid_data, matrix_structure
from ..services import (
    EditError,
    responsibility_annotate,
    responsibility_assign,
    responsibility_assign_block,
)
from .common import bad_request, form_errors, render_parts, versioned


@require_POST
@login_required
def assign(request: HttpRequest, slug: str) -> HttpResponse:
    """Set or clear one cell; answer with the cell and, out of band, what it changed."""
    matrix = matrix_for_user(request.user, slug, edit=True)
    form = CellForm(request.POST)
    if not form.is_valid():
        return bad_request(form_errors(form))
    data = grid_data(matrix)
    structure = matrix_structure(matrix)  # cached: grid_data has just read it
    activity = structure.activity_by_pk.get(form.cleaned_data["activity"])
    role = structure.role_by_pk.get(form.cleaned_data["role"])
    if activity is None or role is None:
        raise Http404("No such cell in this matrix.")
    code = form.cleaned_data["code"]
    key = (activity.pk, role.pk)
    read = matrix.version
    try:
        responsibility_assign(
            matrix=matrix,
            activity=activity,
            role=role,
            code=code,
            by=request.user,
            current=data.cell_state(*key),
        )
    except EditError as error:
        return bad_request(str(error))
    if not request.htmx:
        return redirect(matrix)
    # The grid as it now is, without fetching it again; only what the response shows of it.
    if code:
        data.codes[key] = code
    else:
        data.codes.pop(key, None)
        data.notes.pop(key, None)
    grid, row, column = cell_change_grid(matrix, data, activity, role)
    cell = next(cell for cell in row.cells if cell.role.pk == role.pk)
    context = {"matrix": matrix, "grid": grid, "row": row, "cell": cell, "column": column}
    # Of the workload, only the changed column's row: the others and the total stay as they are.
    context["workload_row_oob"] = True
    parts = ("cell", "row_status", "column_summary", "summary", "workload_row")
    if grid.holders:  # and the workload by person, which sums the columns' letters
        context["person_workload_oob"] = True
        parts += ("person_workload",)
    # The regions are built from the letters read before the change, with the change applied:
    # they show the change's version only if no other change came in between (else the page
    # takes them as of the version read, and the other browsers' change brings it up to date).
    shown = matrix.version if matrix.version <= read + 1 else read
    return versioned(HttpResponse(render_parts(request, context, *parts)), shown, matrix.version)


@require_POST
@login_required
def annotate(request: HttpRequest, slug: str) -> HttpResponse:
    """Set or remove the note on a cell; answer with the cell, which shows the note."""
    matrix = matrix_for_user(request.user, slug, edit=True)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return bad_request(form_errors(form))
    structure = matrix_structure(matrix)
    activity = structure.activity_by_pk.get(form.cleaned_data["activity"])
    role = structure.role_by_pk.get(form.cleaned_data["role"])
    if activity is None or role is None:
        raise Http404("No such cell in this matrix.")
    try:
        responsibility_annotate(
            matrix=matrix,
            activity=activity,
            role=role,
            note=form.cleaned_data["note"],
            by=request.user,
        )
    except EditError as error:
        return bad_request(str(error))
    if not request.htmx:
        return redirect(matrix)
    # The one cell as now stored, not the whole matrix's letters.
    cell = grid_cell(matrix, activity, role)
    response = HttpResponse(render_parts(request, {"matrix": matrix, "cell": cell}, "cell"))
    retarget(response, f"#cell-{activity.pk}-{role.pk}")
    return versioned(reswap(response, "outerHTML"), matrix.version)


@require_POST
@login_required
def assign_block(request: HttpRequest, slug: str) -> HttpResponse:
    """Set or clear many cells in one step (a selection typed over, cleared, pasted or filled):
    one history entry, one undo step, all or nothing. Answers like a cell's change, with every
    changed cell, or the whole grid for a large block."""
    matrix = matrix_for_user(request.user, slug, edit=True)
    form = BlockForm(request.POST)
    if not form.is_valid():
        return bad_request(form_errors(form))
    structure = matrix_structure(matrix)
    changes = []
    for activity_id, role_id, code in form.cleaned_data["cells"]:
        activity = structure.activity_by_pk.get(activity_id)
        role = structure.role_by_pk.get(role_id)
        if activity is None or role is None:
            return bad_request(
                "Some of those cells are no longer in this matrix (a row or column was removed "
                "meanwhile); nothing was changed."
            )
        changes.append((activity, role, code))
    read = matrix.version
    try:
        responsibility_assign_block(
            matrix=matrix, changes=changes, by=request.user, summary=form.cleaned_data["summary"]
        )
    except EditError as error:
        return bad_request(f"{error} Nothing was changed.")
    if not request.htmx:
        return redirect(matrix)
    keys = [(activity.pk, role.pk) for activity, role, _ in changes]
    # Each region in a <template> of its own: table cells, rows and sections side by side
    # would otherwise be rearranged by the HTML parser.
    html = "".join(
        f"<template>{region}</template>" for region in change_regions(matrix, Action.CELLS, keys)
    )
    return versioned(
        HttpResponse(html), matrix.version, matrix.version if read < matrix.version else None
    )
