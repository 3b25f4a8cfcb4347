"""The grid's rows and cells, built in Python: a 300 x 12 grid has 300 rows and 3,600 cells,
too many for template tags (they took most of the page's time).

This is the one place that writes a row, a cell or a rule-check status; the page and the htmx
responses (a cell, a row's status, a column's summary) all use it. Every name is escaped here.

Each cell is one element holding its letter, and nothing a shared description can give: what a
cell means for a screen reader ("Product Manager, Plan the release: Accountable") is set on the
focused cell by static/js/grid (from the headers and the legend), not written 3,600 times; the
letter's colour comes from its class (the scheme stylesheet), a note from ``data-note``, shown
by one shared tooltip. A 300 x 12 page is a third of the bytes and elements it was. A row's rule
check is a mark in its header, so that only one cell a row stays in place when the grid scrolls
sideways.
"""

from html import escape  # what django.utils.html.escape calls, without its lazy-string check

from django.utils.safestring import SafeString, mark_safe

from apps.raci import rules

from .selectors import Cell, Row

STATUS_SYMBOLS = {
    rules.Status.ERROR: "\u2715",  # ✕
    rules.Status.WARNING: "!",
    rules.Status.INFO: "i",
}


def cell_html(cell: Cell) -> str:
    """One cell: ``<td id="cell-<activity>-<role>" class="l-<letter>">letter</td>``."""
    letter = cell.letter
    cell_id = f"cell-{cell.activity.id}-{cell.role.id}"
    if letter is None:
        return f'<td id="{cell_id}"></td>'
    if cell.note:
        return (
            f'<td id="{cell_id}" class="l-{letter.code} n" data-note="{escape(cell.note)}">'
            f"{letter.code}</td>"
        )
    return f'<td id="{cell_id}" class="l-{letter.code}">{letter.code}</td>'


def _spoken(findings: list[rules.Finding]) -> tuple[str, str]:
    """The messages, escaped: one per line (a title), and in words (for screen readers)."""
    messages = [escape(finding.message) for finding in findings]
    spoken = " ".join(
        f"{finding.severity.capitalize()}: {message}"
        for finding, message in zip(findings, messages, strict=True)
    )
    return "&#10;".join(messages), spoken


def status_html(findings: list[rules.Finding]) -> str:
    """The rule-check mark of a column: its worst severity, the messages as its title (one per
    line) and, for screen readers, in words."""
    if not findings:
        return ""
    title, spoken = _spoken(findings)
    status = rules.status(findings)
    return (
        f'<span class="status status-{status}" title="{title}">'
        f'<span aria-hidden="true">{STATUS_SYMBOLS[status]}</span>'
        f'<span class="visually-hidden">{spoken}</span></span>'
    )


def row_status_html(row: Row, oob: bool = False) -> str:
    """A row's rule check: a mark at the end of the row's header (which stays in view when the
    grid scrolls sideways), the messages as its title and its spoken name."""
    swap = ' data-hx-swap-oob="true"' if oob else ""
    mark_id = f"status-{row.activity.pk}"
    if not row.findings:
        return (
            f'<span class="row-status st-ok" id="{mark_id}"{swap} role="img" '
            'aria-label="No problems">✓</span>'
        )
    title, spoken = _spoken(row.findings)
    status = rules.status(row.findings)
    return (
        f'<span class="row-status st-{status}" id="{mark_id}"{swap} role="img" title="{title}" '
        f'aria-label="{spoken}">{STATUS_SYMBOLS[status]}</span>'
    )


def activity_row_html(row: Row, editable: bool) -> str:
    """One activity's row: its header (the name, the description, the rule check's mark and,
    when editable, the options button, whose menu is loaded into one shared popover when
    opened), then its cells."""
    activity = row.activity
    name = escape(activity.name)
    description = (
        f'<span class="activity-description">{escape(activity.description)}</span>'
        if activity.description
        else ""
    )
    menu = draggable = ""
    if editable:
        # The row header is the handle: drags across the cells select them (static/js/grid).
        draggable = ' draggable="true"'
        menu = (
            # Not a tab stop of its own: the grid is one (Shift+F10 on a cell opens it).
            f'<button type="button" class="row-menu" tabindex="-1" aria-haspopup="dialog" '
            f'aria-label="Options for {name}">⋯</button>'
        )
    cells = "".join(map(cell_html, row.cells))
    return (
        f'<tr id="activity-{activity.pk}" class="activity-row">'
        f'<th scope="row" class="activity"{draggable}>{name}{description}'
        f"{row_status_html(row)}{menu}</th>{cells}</tr>\n"
    )


def single_cell_html(cell: Cell) -> SafeString:
    return mark_safe(cell_html(cell))  # noqa: S308 - escaped in cell_html
