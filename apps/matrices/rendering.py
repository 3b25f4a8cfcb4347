"""Cell markup, built in Python: a 300 x 12 grid has 3,600 cells, too many for template tags.

This is the one place that writes a cell; the page and the single-cell htmx response both use it.
Every name is escaped here.
"""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .selectors import Cell, Row


def cell_html(cell: Cell, editable: bool, role_name: str | None = None) -> str:
    activity_id, role_id, letter = cell.activity.pk, cell.role.pk, cell.letter
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
        label = (
            f"{role_name or escape(cell.role.name)}, {escape(cell.activity.name)}: "
            f"{letter.name if letter else 'none'}{', has a note' if note else ''}"
        )
        return (
            f'<td class="{classes}" {attrs} role="gridcell"><button type="button" '
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


def row_cells_html(row: Row, editable: bool, role_names: list[str]) -> SafeString:
    return mark_safe(  # noqa: S308 - every name is escaped in cell_html
        "".join(
            cell_html(cell, editable, name)
            for cell, name in zip(row.cells, role_names, strict=True)
        )
    )


def single_cell_html(cell: Cell, editable: bool) -> SafeString:
    return mark_safe(cell_html(cell, editable))  # noqa: S308 - names escaped in cell_html
