"""The grid: one row per activity, a band per phase, the roles in page-wide groups."""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph, Table, TableStyle

from ...schemes import Letter, Scheme, letter_named
from ..budget import Budget, check
from ..document import ActivityDoc, MatrixDocument, RoleDoc
from .flowables import _GridTable, _Letter, _Lines, _Run
from .style import (
    ACTIVITY_MAX,
    ACTIVITY_MIN,
    ACTIVITY_WIDE,
    BAND,
    FRAME_WIDTH,
    HEAD,
    INK,
    MUTED,
    ROLE_MAX,
    ROLE_PREFERRED,
    ROLES_PER_PAGE,
    RULE,
    _Styles,
)
from .text import MAX_LINES, _Fonts, _line, _wrap


@dataclass(frozen=True, slots=True)
class _Note:
    number: int
    activity: str
    role: str
    text: str


def _letter(scheme: Scheme, code: str) -> Letter:
    return scheme.letter(code) if scheme.has(code) else letter_named(code)


def _number_notes(doc: MatrixDocument) -> dict[tuple[int, str], _Note]:
    """The notes on cells, numbered in reading order, by (activity index, role key)."""
    notes: dict[tuple[int, str], _Note] = {}
    for index, (_, activity) in enumerate(doc.activities()):
        if not activity.notes:
            continue
        for role in doc.roles:
            text = activity.notes.get(role.key, "")
            if text.strip():
                notes[index, role.key] = _Note(len(notes) + 1, activity.name, role.name, text)
    return notes


def _role_groups(roles: Sequence[RoleDoc]) -> list[Sequence[RoleDoc]]:
    """The roles in as few page-wide groups as possible, of nearly equal size."""
    if len(roles) <= ROLES_PER_PAGE:
        return [roles]
    count = math.ceil(len(roles) / ROLES_PER_PAGE)
    size = math.ceil(len(roles) / count)
    return [roles[start : start + size] for start in range(0, len(roles), size)]


def _column_widths(role_count: int) -> tuple[float, float]:
    """(activity column, each role column) for a grid with ``role_count`` role columns."""
    if role_count == 0:
        return ACTIVITY_WIDE, 0.0
    activity = min(ACTIVITY_MAX, max(ACTIVITY_MIN, FRAME_WIDTH - role_count * ROLE_PREFERRED))
    role = (FRAME_WIDTH - activity) / role_count
    if role > ROLE_MAX:
        role = ROLE_MAX
        activity = min(ACTIVITY_WIDE, FRAME_WIDTH - role_count * ROLE_MAX)
    return activity, role


def _grid(
    doc: MatrixDocument,
    scheme: Scheme,
    notes: dict[tuple[int, str], _Note],
    fonts: _Fonts,
    styles: _Styles,
    budget: Budget | None = None,
) -> list[Flowable]:
    if not doc.activity_count:
        return [Paragraph("This matrix has no activities yet.", styles.body)]
    groups = _role_groups(doc.roles)
    story: list[Flowable] = []
    start = 0
    for number, group in enumerate(groups):
        caption = None
        if len(groups) > 1:
            first, last = start + 1, start + len(group)
            dash = "\u2013" if 0x2013 in fonts.covered else "-"
            caption = f"Roles {first}{dash}{last} of {len(doc.roles)}"
            if number:
                story.append(PageBreak())
        story.append(_grid_table(doc, scheme, group, notes, caption, fonts, budget))
        start += len(group)
    return story


def _grid_table(
    doc: MatrixDocument,
    scheme: Scheme,
    roles: Sequence[RoleDoc],
    notes: dict[tuple[int, str], _Note],
    caption: str | None,
    fonts: _Fonts,
    budget: Budget | None = None,
) -> Table:
    """One table: every activity, with the given role columns.

    No cell spans (ReportLab's span bookkeeping is slow on long tables): a phase band is a row
    whose name, in the first cell, runs on over the others, which draw no lines between them.
    """
    regular, bold = fonts.regular, fonts.bold
    activity_width, role_width = _column_widths(len(roles))
    columns = 1 + len(roles)
    pad = 3.0
    narrow = role_width < 13 * mm
    activity_size = 8.0 if activity_width >= 55 * mm else 7.5
    letter_size = 8.0 if narrow else 9.0
    label_size = 7.0 if narrow else 8.0
    name_size = 5.5 if narrow else 6.0
    band_size = 8.5
    activity_inner = activity_width - 2 * pad
    role_inner = role_width - 2 * pad
    empty = [""] * (columns - 1)
    table_width = activity_width + role_width * len(roles)
    # Row heights are worked out here rather than by ReportLab, which is much slower at it.
    vertical = 2 + 2.5  # top and bottom padding
    letter_height = letter_size * 1.2

    rows: list[list[object]] = []
    heights: list[float] = []
    style: list[tuple] = [
        ("FONT", (0, 0), (-1, -1), regular, activity_size, activity_size * 1.2),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (1, 0), (-1, -1), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), pad),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    if caption:
        rows.append([caption, *empty])
        heights.append(band_size * 1.2 + 2 + 4)
        style += [
            ("FONT", (0, 0), (-1, 0), bold, band_size),
            ("TEXTCOLOR", (0, 0), (-1, 0), MUTED),
            ("ALIGN", (0, 0), (-1, 0), "LEFT"),
            ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
            ("BOTTOMPADDING", (0, 0), (-1, 0), 4),
        ]
    head = len(rows)
    header: list[object] = ["Activity"]
    for role in roles:
        name = _line(role.name)
        label = _line(role.short_label) or name or "?"
        runs = [
            _Run(t, bold, label_size, INK) for t in _wrap(label, bold, label_size, role_inner, 2)
        ]
        if name and name != label:
            runs += [
                _Run(t, regular, name_size, MUTED)
                for t in _wrap(name, regular, name_size, role_inner, 3)
            ]
        header.append(_Lines(runs, centred=True))
    rows.append(header)
    heights.append(max([band_size * 1.2] + [cell.height for cell in header[1:]]) + vertical)
    style += [
        ("FONT", (0, head), (0, head), bold, band_size),
        ("VALIGN", (0, head), (-1, head), "BOTTOM"),
        ("BACKGROUND", (0, head), (-1, head), HEAD),
        ("BOX", (0, head), (-1, -1), 0.5, RULE),
        ("LINEBELOW", (0, head), (-1, -1), 0.25, RULE),
        ("LINEAFTER", (0, head), (-2, head), 0.25, RULE),
        ("LINEBELOW", (0, head), (-1, head), 1, MUTED),
    ]
    if not roles:
        style.append(("ALIGN", (0, 0), (-1, -1), "LEFT"))
    body = head + 1
    style.append(("FONT", (1, body), (-1, -1), bold, letter_size, letter_size * 1.2))

    letters: dict[str, _Letter] = {}
    index = 0
    for phase in doc.phases:
        check(budget)
        band = len(rows)
        name = _line(phase.name) or "(no phase name)"
        lines = _wrap(name, bold, band_size, table_width - 2 * pad, MAX_LINES)
        rows.append(["\n".join(lines), *empty])
        heights.append(len(lines) * band_size * 1.2 + vertical)
        style += [
            ("BACKGROUND", (0, band), (-1, band), BAND),
            ("FONT", (0, band), (-1, band), bold, band_size, band_size * 1.2),
            ("ALIGN", (0, band), (-1, band), "LEFT"),
        ]
        for activity in phase.activities:
            first, height = _activity_cell(activity, activity_size, activity_inner, fonts)
            row: list[object] = [first]
            for role in roles:
                code = activity.cells.get(role.key) or ""
                note = notes.get((index, role.key))
                if not code and note is None:
                    row.append("")
                    continue
                if code and code not in letters:
                    letter = _letter(scheme, code)
                    fill, ink = colors.HexColor(letter.color), colors.HexColor(letter.ink)
                    letters[code] = _Letter(_line(code), fill, ink, bold, letter_size)
                if note is None:
                    row.append(letters[code])  # one object for every cell of that letter
                    continue
                plain = letters.get(code)
                row.append(
                    _Letter(plain.code, plain.fill, plain.ink, bold, letter_size, note.number)
                    if plain
                    else _Letter("", None, INK, bold, letter_size, note.number)
                )
            rows.append(row)
            heights.append(max(height, letter_height if roles else 0) + vertical)
            index += 1
        if phase.activities and roles:
            style.append(("LINEAFTER", (0, band + 1), (-2, len(rows) - 1), 0.25, RULE))
    table = _GridTable(
        rows,
        colWidths=[activity_width] + [role_width] * len(roles),
        rowHeights=heights,
        repeatRows=body,
        hAlign="LEFT",
    )
    table.setStyle(TableStyle(style))
    return table


def _activity_cell(
    activity: ActivityDoc, size: float, width: float, fonts: _Fonts
) -> tuple[object, float]:
    """The activity's cell (its name, its description small underneath) and its height."""
    lines = _wrap(_line(activity.name), fonts.regular, size, width, MAX_LINES) or ["?"]
    description = _line(activity.description)
    if not description:
        return "\n".join(lines), len(lines) * size * 1.2
    small = size - 1.5
    runs = [_Run(t, fonts.regular, size, INK) for t in lines]
    runs += [
        _Run(t, fonts.regular, small, MUTED)
        for t in _wrap(description, fonts.regular, small, width, max_lines=2)
    ]
    cell = _Lines(runs)
    return cell, cell.height
