"""The regions of a matrix's page that a change redraws in the other browsers (apps/live), from
the page's own partials (templates/matrices/detail.html), as the htmx views render them.

A change to cells redraws those cells, their rows' rule checks, their columns' summaries and
workload rows (and the workload by person, where people hold the roles), and the findings
panel; a change to the title or description, the header; any other change (rows, phases,
columns, rule options, who holds a column) the grid with the panels around it (findings,
workload, people), and a change of scheme also what names the letters. Each region is one
element with an id, so whoever receives it knows what it replaces.
"""

from django.template.loader import render_to_string

from .changes import CELL_ACTIONS, DETAIL_ACTIONS, Action
from .models import Matrix
from .selectors import cells_change_grid, grid_data, matrix_grid

PAGE = "matrices/detail.html"

# The people panel lists the columns with their holders (templates/people/_panel.html): it
# changes with the columns, and with a change of holders, which redraws the grid's column heads.
GRID_PARTS = ("grid", "summary", "workload", "people")
# A change of scheme also redraws the legend, the editor's help line and its letter chooser,
# and the header, which names the scheme.
PAGE_PARTS = ("details", "legend", "editor_help", "chooser", *GRID_PARTS)
# Beyond this many cells, a change redraws the whole grid: fewer bytes than as many cells one
# by one (a pasted block, a settled workshop), and one swap.
CELLS_ONE_BY_ONE = 400


class _TokenInHeader(str):
    """What the csrf_token tag is given for a region rendered without a request (for several
    browsers at once, by the live layer): an empty field, where Django's CSRF check takes the
    X-CSRFToken header that the pages send with every htmx request (hx-headers on <body>).
    Truthy, so the tag does not warn that the context lacks a token; Django's own "NOTPROVIDED"
    fails to render under Django 6.1 (format_html without arguments)."""

    def __bool__(self) -> bool:
        return True


TOKEN_IN_HEADER = _TokenInHeader("")


def _part(name: str, context: dict) -> str:
    context = {"csrf_token": TOKEN_IN_HEADER, **context}
    return render_to_string(f"{PAGE}#{name}", context).strip()


def cell_regions(matrix: Matrix, cells) -> list[str]:
    """The cells ((activity id, role id) pairs) as they are now, their rows' checks, their
    columns' summaries and workload rows, and the findings panel. Cells whose row or column
    has gone since are left out; when all have, the grid is redrawn instead."""
    grid, rows, columns = cells_change_grid(matrix, grid_data(matrix), cells)
    if not rows or not columns:
        return grid_regions(matrix)
    context = {"matrix": matrix, "grid": grid}
    wanted = set(map(tuple, cells))
    regions = [
        _part("cell", {**context, "cell": cell})
        for row in rows
        for cell in row.cells
        if (cell.activity.pk, cell.role.pk) in wanted
    ]
    regions += [_part("row_status", {**context, "row": row}) for row in rows]
    for column in columns:
        regions.append(_part("column_summary", {**context, "column": column}))
        regions.append(_part("workload_row", {**context, "column": column}))
    if grid.holders:  # the workload by person, which sums the columns' letters
        regions.append(_part("person_workload", context))
    regions.append(_part("summary", context))
    return regions


def grid_regions(matrix: Matrix, parts=GRID_PARTS) -> list[str]:
    context = {"matrix": matrix, "grid": matrix_grid(matrix), "shared": matrix.shared}
    return [_part(name, context) for name in parts]


def change_regions(matrix: Matrix, action: str, cells=()) -> list[str]:
    """What the other browsers redraw after a change (see the module's docstring), from the
    matrix as it is now. ``matrix`` carries ``can_edit`` and ``shared`` (a share link's
    visitor), which decide the markup as they do for the page."""
    if action in CELL_ACTIONS and 0 < len(cells) <= CELLS_ONE_BY_ONE:
        return cell_regions(matrix, cells)
    if action in DETAIL_ACTIONS:
        return [_part("details", {"matrix": matrix, "shared": matrix.shared})]
    if action in (Action.SCHEME, Action.REPLACE):
        return grid_regions(matrix, PAGE_PARTS)
    return grid_regions(matrix)


def page_regions(matrix: Matrix) -> list[str]:
    """Every region that can change: what a browser that has missed changes catches up with."""
    return grid_regions(matrix, PAGE_PARTS)
