"""What the editor's views share: rendering the grid's regions, and answering bad input."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django_htmx.http import reswap, retarget

from ..models import Matrix
from ..selectors import Grid, matrix_grid

PAGE = "matrices/detail.html"


def bad_request(message: str, status: int = 400) -> HttpResponse:
    """Bad input: a plain-text message the page shows where the request came from."""
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def form_errors(form) -> str:
    return " ".join(
        f"{'' if name == '__all__' else form.fields[name].label or name}: {error}".lstrip(": ")
        for name, errors in form.errors.items()
        for error in errors
    )


def render_parts(request: HttpRequest, context: dict, *parts: str) -> str:
    """Render named partials of the page; all but the first swap out of band.

    Each out-of-band part travels inside a <template>, so that table cells and sections can
    follow one another without the HTML parser moving them (htmx swaps templates' contents).
    """
    html = [render_to_string(f"{PAGE}#{parts[0]}", context, request)]
    oob_context = {**context, "oob": True}
    html += [
        f"<template>{render_to_string(f'{PAGE}#{part}', oob_context, request)}</template>"
        for part in parts[1:]
    ]
    return "".join(html)


def grid_context(matrix: Matrix, grid: Grid | None = None) -> dict:
    return {"matrix": matrix, "grid": grid or matrix_grid(matrix)}


def versioned(response: HttpResponse, version: int, change: int | None = None) -> HttpResponse:
    """Say which version of the matrix the regions in ``response`` show: the page puts them in
    only where it shows an older one (static/js/regions.js). ``change``: the version the
    request's own change made, when that differs (the page tells by it whose change came
    last to a cell)."""
    response["X-Matrix-Version"] = str(version)
    response["X-Matrix-Change"] = str(change if change is not None else version)
    return response


def structure_changed(request: HttpRequest, matrix: Matrix) -> HttpResponse:
    """After a change to rows, phases or columns: the whole grid region, and the summaries,
    read after the change (so they show at least its version)."""
    if not request.htmx:
        return redirect(matrix)
    response = HttpResponse(
        render_parts(request, grid_context(matrix), "grid", "summary", "workload", "people")
    )
    # Forms inside the grid may target themselves; the answer replaces the grid.
    retarget(response, "#grid")
    reswap(response, "outerHTML")
    return versioned(response, matrix.version)
