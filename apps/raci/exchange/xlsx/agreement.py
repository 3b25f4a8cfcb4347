"""The workbook's Agreement sheet: each holder's answer to a version of their letters, when,
the objection or what changed since, and the letters answered (one row each, below)."""

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from ..document import MatrixDocument
from .sheets import AGREEMENT_COLUMNS

_INK = "1E293B"
_MUTED = "64748B"
_HEADER_FILL = PatternFill("solid", fgColor="E2E8F0")


def write_agreement(ws: Worksheet, doc: MatrixDocument, text) -> None:
    """``text`` makes a value safe for a cell (the writer's own: no formula, no control)."""
    entries = doc.agreement
    agreed = doc.agreed_count
    ws.cell(1, 1, "Agreement").font = Font(bold=True, size=14)
    summary = (
        f"At export: agreed by {agreed} of {len(entries)}."
        if entries
        else "At export nobody held a role of this matrix."
    )
    ws.cell(2, 1, summary).font = Font(color=_MUTED)
    header = Font(bold=True, color=_INK)
    for column, label in enumerate(AGREEMENT_COLUMNS, 1):
        cell = ws.cell(4, column, label)
        cell.font = header
        cell.fill = _HEADER_FILL
    wrap = Alignment(vertical="top", wrap_text=True)
    row = 5
    for entry in entries:
        ws.cell(row, 1, text(entry.person)).font = Font(bold=True)
        ws.cell(row, 2, text(entry.username))
        ws.cell(row, 3, entry.answer_label)
        if entry.answered_at:
            ws.cell(
                row, 4, entry.answered_at.replace(tzinfo=None)
            ).number_format = "yyyy-mm-dd hh:mm"
        if entry.meeting_on:
            ws.cell(row, 5, entry.meeting_on).number_format = "yyyy-mm-dd"
        ws.cell(row, 6, entry.version)
        ws.cell(row, 7, len(entry.letters) if entry.version else None)
        details = entry.reason if entry.answer == "objected" else "; ".join(entry.changed)
        ws.cell(row, 8, text(details)).alignment = wrap
        row += 1
    answered = [entry for entry in entries if entry.letters]
    if answered:
        row += 1
        ws.cell(row, 1, "The letters answered").font = Font(bold=True, size=12)
        row += 1
        for column, label in enumerate(("Person", "Activity", "Role", "Letter"), 1):
            cell = ws.cell(row, column, label)
            cell.font = header
            cell.fill = _HEADER_FILL
        for entry in answered:
            for letter in entry.letters:
                row += 1
                ws.cell(row, 1, text(entry.person))
                ws.cell(row, 2, text(letter.activity))
                ws.cell(row, 3, text(letter.role))
                ws.cell(row, 4, text(letter.letter))
    for column, width in zip("ABCDEFGH", (28, 16, 12, 17, 14, 14, 9, 70), strict=True):
        ws.column_dimensions[column].width = width
    ws.freeze_panes = "A5"
