"""The grid's rows and cells, built in Python: a 300 x 12 grid has 300 rows and 3,600 cells,
too many for template tags (they took most of the page's time).

This is the one place that writes a row, a cell or a rule-check status; the page and the htmx
responses (a cell, a row's status, a column's summary) all use it. Every name is escaped here.
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


def cell_html(
    cell: Cell, editable: bool, role_name: str | None = None, activity_name: str | None = None
) -> str:
    """One cell; ``role_name`` and ``activity_name``, escaped, when the caller has them."""
    activity_id, role_id, letter = cell.activity.id, cell.role.id, cell.letter
    attrs = f'id="cell-{activity_id}-{role_id}" data-activity="{activity_id}" data-role="{role_id}"'
    classes = "cell" if letter else "cell is-empty"
    if letter:
        attrs += f' data-code="{letter.code}"'
        badge = f'<span class="letter letter-{letter.code}" aria-hidden="true">{letter.code}</span>'
    else:
        badge = ""
    note = tip = described = ""
    if cell.note:
        # The note shows on hover and on keyboard focus (CSS), and is the cell's description.
        note = escape(cell.note)
        classes += " has-note"
        attrs += f' data-note="{note}"'
        tip_id = f"note-{activity_id}-{role_id}"
        tip = f'<span class="cell-note" id="{tip_id}" role="tooltip">{note}</span>'
        described = f' aria-describedby="{tip_id}"'
    if editable:
        role_name = role_name or escape(cell.role.name)
        activity_name = activity_name or escape(cell.activity.name)
        label = (
            f"{role_name}, {activity_name}: {letter.name if letter else 'none'}"
            f"{', has a note' if note else ''}"
        )
        return (
            f'<td class="{classes}" {attrs}><button type="button" '
            f'class="cell-button" tabindex="-1" aria-haspopup="menu" aria-label="{label}"'
            f"{described}>{badge}</button>{tip}</td>"
        )
    hidden = letter.name if letter else "none"
    if note:
        # Focusable, so that keyboard users can read the note too.
        return (
            f'<td class="{classes}" {attrs} tabindex="0"{described}>{badge}'
            f'<span class="visually-hidden">{hidden}</span>{tip}</td>'
        )
    return (
        f'<td class="{classes}" {attrs}>{badge}<span class="visually-hidden">{hidden}</span></td>'
    )


def status_html(findings: list[rules.Finding]) -> str:
    """The rule-check mark of a row or a column: its worst severity, the messages as its title
    (one per line) and, for screen readers, in words."""
    if not findings:
        return ""
    messages = [escape(finding.message) for finding in findings]
    status = rules.status(findings)
    spoken = "".join(
        f"{finding.severity.capitalize()}: {message} "
        for finding, message in zip(findings, messages, strict=True)
    )
    return (
        f'<span class="status status-{status}" title="{"&#10;".join(messages)}">'
        f'<span aria-hidden="true">{STATUS_SYMBOLS[status]}</span>'
        f'<span class="visually-hidden">{spoken}</span></span>'
    )


def row_status_html(row: Row, oob: bool = False) -> str:
    swap = ' hx-swap-oob="true"' if oob else ""
    mark = status_html(row.findings) or (
        '<span class="status status-ok"><span aria-hidden="true">\u2713</span>'
        '<span class="visually-hidden">No problems</span></span>'
    )
    return f'<td class="row-status" id="status-{row.activity.pk}"{swap}>{mark}</td>'


def activity_row_html(row: Row, editable: bool, role_names: list[str], menu_url: str) -> str:
    """One activity's row: its name (with the drag handle and the options menu when editable),
    its cells and its rule-check status. ``role_names`` are escaped; ``menu_url`` is the
    activity's options menu."""
    activity = row.activity
    name = escape(activity.name)
    description = (
        f'<span class="activity-description">{escape(activity.description)}</span>'
        if activity.description
        else ""
    )
    handle = menu = draggable = ""
    if editable:
        draggable = ' draggable="true"'
        handle = '<span class="drag-handle" aria-hidden="true" title="Drag to reorder">⋮⋮</span>'
        menu = (
            f'<details class="menu activity-menu" hx-get="{escape(menu_url)}" '
            'hx-trigger="toggle once" hx-target="find .menu-body">'
            f'<summary aria-label="Options for {name}"><span aria-hidden="true">⋯</span></summary>'
            '<div class="menu-body"><p class="muted">Loading…</p></div></details>'
        )
    cells = "".join(
        cell_html(cell, editable, role_name, name)
        for cell, role_name in zip(row.cells, role_names, strict=True)
    )
    return (
        f'<tr id="activity-{activity.pk}" class="activity-row" data-activity="{activity.pk}"'
        f'{draggable}><th scope="row" class="activity"><div class="activity-head">{handle}'
        f'<span class="activity-text"><span class="activity-name">{name}</span>{description}'
        f"</span>{menu}</div></th>{cells}{row_status_html(row)}</tr>\n"
    )


def single_cell_html(cell: Cell, editable: bool) -> SafeString:
    return mark_safe(cell_html(cell, editable))  # noqa: S308 - names escaped in cell_html
