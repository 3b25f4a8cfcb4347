"""The parts around the grid: heading, legend, cell notes, findings and the appendix."""

from collections.abc import Iterable, Sequence
from datetime import datetime
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer, Table, TableStyle

from ...rules import Finding, summarize
from ...schemes import Scheme
from ..document import MatrixDocument, RoleDoc
from .flowables import _Lines, _Run
from .grid import _Note
from .style import (
    FINDINGS_SHOWN,
    FRAME_WIDTH,
    HEAD,
    INK,
    MUTED,
    RULE,
    SEVERITY_COLORS,
    SEVERITY_HEX,
    SEVERITY_LABELS,
    SEVERITY_PLURALS,
    _Styles,
)
from .text import MAX_LINES, _date, _Fonts, _line, _lines, _markup, _wrap


def _heading_block(
    doc: MatrixDocument, scheme: Scheme, title: str, moment: datetime, styles: _Styles
) -> list[Flowable]:
    counts = f"{doc.activity_count} activities, {len(doc.roles)} roles"
    if doc.activity_count == 1:
        counts = counts.replace("activities", "activity")
    if len(doc.roles) == 1:
        counts = counts.replace("roles", "role")
    meta = (
        f"{escape(_date(moment))} &nbsp;|&nbsp; <b>{escape(_line(scheme.name))}</b>: "
        f"{escape(_line(scheme.description))} &nbsp;|&nbsp; {counts}"
    )
    story: list[Flowable] = [Paragraph(escape(title), styles.title), Paragraph(meta, styles.meta)]
    if doc.description.strip():
        story.append(Paragraph(_markup(doc.description), styles.body))
    story.append(Spacer(1, 6))
    return story


def _legend(scheme: Scheme, fonts: _Fonts) -> list[Flowable]:
    letters = scheme.letters
    if not letters:
        return []
    box = 7 * mm
    text_width = min(62 * mm, FRAME_WIDTH / len(letters) - box)
    row: list[object] = []
    style = [
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 0), (-1, -1), "LEFT"),
        ("FONT", (0, 0), (-1, -1), fonts.bold, 10),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    widths: list[float] = []
    for index, letter in enumerate(letters):
        column = 2 * index
        row.append(_line(letter.code))
        inner = text_width - 8
        runs = [
            _Run(t, fonts.bold, 8, INK) for t in _wrap(_line(letter.name), fonts.bold, 8, inner)
        ]
        runs += [
            _Run(t, fonts.regular, 7, MUTED)
            for t in _wrap(_line(letter.question), fonts.regular, 7, inner, max_lines=2)
        ]
        row.append(_Lines(runs))
        widths += [box, text_width]
        style += [
            ("BACKGROUND", (column, 0), (column, 0), colors.HexColor(letter.color)),
            ("TEXTCOLOR", (column, 0), (column, 0), colors.HexColor(letter.ink)),
            ("ALIGN", (column, 0), (column, 0), "CENTER"),
        ]
    table = Table([row], colWidths=widths, hAlign="LEFT")
    table.setStyle(TableStyle(style))
    return [table, Spacer(1, 8)]


def _text_table(
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    widths: Sequence[float],
    fonts: _Fonts,
    extra_style: Sequence[tuple] = (),
) -> Table:
    """A table of plain strings wrapped to their columns, with a bold header row."""
    size = 8.0
    pad = 3.0
    data = [list(header)]
    for row in rows:
        cells = []
        for text, width in zip(row, widths, strict=True):
            lines = [
                wrapped
                for line in text.split("\n")
                for wrapped in _wrap(line, fonts.regular, size, width - 2 * pad, MAX_LINES)
            ]
            cells.append("\n".join(lines[:MAX_LINES]))
        data.append(cells)
    table = Table(data, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), fonts.regular, size, size * 1.25),
                ("FONT", (0, 0), (-1, 0), fonts.bold, size, size * 1.25),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), pad),
                ("RIGHTPADDING", (0, 0), (-1, -1), pad),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("BACKGROUND", (0, 0), (-1, 0), HEAD),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, MUTED),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
                *extra_style,
            ]
        )
    )
    return table


def _notes(notes: dict[tuple[int, str], _Note], fonts: _Fonts, styles: _Styles) -> list[Flowable]:
    if not notes:
        return []
    rows = [
        (str(note.number), _line(note.activity), _line(note.role), "\n".join(_lines(note.text)))
        for note in notes.values()
    ]
    widths = [10 * mm, 70 * mm, 45 * mm]
    widths.append(FRAME_WIDTH - sum(widths))
    return [
        Paragraph("Cell notes", styles.heading),
        _text_table(("#", "Activity", "Role", "Note"), rows, widths, fonts),
    ]


def _findings(findings: Sequence[Finding], fonts: _Fonts, styles: _Styles) -> list[Flowable]:
    story: list[Flowable] = [Paragraph("Findings", styles.heading)]
    if not findings:
        story.append(Paragraph("No findings: the matrix follows every rule.", styles.body))
        return story
    counts = summarize(findings)
    summary = " &nbsp;&nbsp; ".join(
        f'<font color="{SEVERITY_HEX[severity]}"><b>{count}</b> '
        f"{SEVERITY_LABELS[severity].lower() if count == 1 else SEVERITY_PLURALS[severity]}</font>"
        for severity, count in counts.items()
    )
    story.append(Paragraph(summary, styles.lead))
    shown = findings[:FINDINGS_SHOWN]
    rows = [(SEVERITY_LABELS[f.severity], _line(f.message)) for f in shown]
    widths = [22 * mm, FRAME_WIDTH - 22 * mm]
    colour = [
        ("TEXTCOLOR", (0, row), (0, row), SEVERITY_COLORS[finding.severity])
        for row, finding in enumerate(shown, start=1)
    ]
    story.append(
        _text_table(
            ("Severity", "Message"),
            rows,
            widths,
            fonts,
            [("FONT", (0, 1), (0, -1), fonts.bold, 8, 10), *colour],
        )
    )
    if len(findings) > FINDINGS_SHOWN:
        story.append(
            Paragraph(
                f"and {len(findings) - FINDINGS_SHOWN} more (open the matrix to see them all).",
                styles.body,
            )
        )
    return story


def _appendix(roles: Sequence[RoleDoc], fonts: _Fonts, styles: _Styles) -> list[Flowable]:
    story: list[Flowable] = [PageBreak(), Paragraph("Appendix: role definitions", styles.heading)]
    if not roles:
        story.append(Paragraph("This matrix has no roles yet.", styles.body))
        return story
    label_width = 42 * mm
    for role in roles:
        name = escape(_line(role.name) or "?")
        label = _line(role.short_label)
        heading = f"{name}"
        if label and label != _line(role.name):
            heading += f' <font color="#475569">({escape(label)})</font>'
        kind = _line(role.kind)
        if kind:
            heading += f' <font size="8" color="#475569">&nbsp; {escape(kind)} role</font>'
        story.append(Paragraph(heading, styles.role))
        rows: list[list[object]] = []
        if role.holders:
            names = ", ".join(escape(_line(holder.name)) for holder in role.holders)
            rows.append(["Held by", Paragraph(names, styles.cell)])
        if role.summary.strip():
            rows.append(["Summary", Paragraph(_markup(role.summary), styles.cell)])
        for field_label, text in role.definition():
            lines = _lines(text)
            if len(lines) > 1:
                bullet = "\u2022 " if 0x2022 in fonts.covered else "- "
                markup = "<br/>".join(bullet + escape(line) for line in lines)
            else:
                markup = escape(lines[0]) if lines else ""
            rows.append([field_label, Paragraph(markup, styles.cell)])
        if not rows:
            story.append(Paragraph("No definition yet.", styles.body))
            continue
        table = Table(
            rows,
            colWidths=[label_width, FRAME_WIDTH - label_width],
            hAlign="LEFT",
            splitInRow=1,  # a definition longer than a page continues on the next one
        )
        table.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), fonts.bold, 8.5, 11),
                    ("TEXTCOLOR", (0, 0), (0, -1), MUTED),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                    ("TOPPADDING", (0, 0), (-1, -1), 2),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                    ("LINEABOVE", (0, 0), (-1, 0), 0.5, RULE),
                ]
            )
        )
        story.append(table)
    return story
