"""Writing the workbook: see the package's docstring for its sheets."""

import io
import textwrap
from collections.abc import Sequence
from copy import copy

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ...rules import Finding, Severity, summarize
from ...schemes import Letter, Scheme, letter_named
from ..budget import Budget, check
from ..cells import FORMULA_STARTS
from ..document import MatrixDocument, RoleDoc
from .sheets import (
    ABOUT_ACCOUNTABLE_DOES_WORK,
    ABOUT_DESCRIPTION,
    ABOUT_EXPORTED_AT,
    ABOUT_FORMAT,
    ABOUT_OVERLAP_THRESHOLD,
    ABOUT_OVERLOAD_PERCENT,
    ABOUT_SCHEME,
    ABOUT_SHARED_WARNING,
    ABOUT_SHEET,
    ABOUT_SOURCE,
    ABOUT_UNHELD_NOTE,
    AUTHOR,
    CELL_MAX,
    DESCRIPTION_ROW,
    FINDINGS_SHEET,
    FIRST_ROLE_COLUMN,
    FORMAT,
    HEADER_ROW,
    MATRIX_SHEET,
    PEOPLE_COLUMNS,
    PEOPLE_SHEET,
    ROLE_COLUMNS,
    ROLES_SHEET,
    SCHEME_ROW,
    TITLE_ROW,
)

_INK = "1E293B"
_MUTED = "64748B"
_HEADER_FILL = PatternFill("solid", fgColor="E2E8F0")
_BANDS = (PatternFill("solid", fgColor="F8FAFC"), PatternFill("solid", fgColor="EEF2F7"))
_SEVERITY_INK = {Severity.ERROR: "B91C1C", Severity.WARNING: "92400E", Severity.INFO: "1D4ED8"}


def _argb(color: str) -> str:
    return color.lstrip("#").upper()


def _text(value: str) -> str:
    """Text as stored in a cell: without characters XML cannot hold (see _keep_as_text), and
    cut with an ellipsis to what Excel holds."""
    if len(value) > CELL_MAX:
        value = value[: CELL_MAX - 1] + "\u2026"
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _keep_as_text(workbook: Workbook, budget: Budget | None = None) -> None:
    """Formula injection: text that looks like a formula is stored as a string cell with
    Excel's own "quote prefix" (what typing a leading apostrophe does), so no spreadsheet
    evaluates it, and nobody sees an apostrophe that is not in the name."""
    for ws in workbook.worksheets:
        for number, row in enumerate(ws.iter_rows()):
            if number % 100 == 0:
                check(budget)
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith((*FORMULA_STARTS, "'")):
                    cell.data_type = "s"
                    cell.quotePrefix = True


def _plain(value: str) -> str:
    """Text for a comment (never evaluated, so not neutralised)."""
    return _text(value)


def _comment(text: str, *, lines: int = 4) -> Comment:
    comment = Comment(_plain(text), AUTHOR)
    comment.width = 240
    comment.height = max(60, min(lines, 12) * 18)
    return comment


def write_xlsx(doc: MatrixDocument, *, budget: Budget | None = None) -> bytes:
    """The document as an .xlsx workbook (Matrix, Roles, People, Findings and About sheets);
    ``budget`` is checked every few rows (``ExportStopped`` when it is spent)."""
    scheme = doc.scheme_definition
    workbook = Workbook()
    matrix = workbook.active
    matrix.title = MATRIX_SHEET
    _write_matrix(matrix, doc, scheme, budget)
    _write_roles(workbook.create_sheet(ROLES_SHEET), doc.roles)
    _write_people(workbook.create_sheet(PEOPLE_SHEET), doc)
    _write_findings(workbook.create_sheet(FINDINGS_SHEET), doc.findings)
    _write_about(workbook.create_sheet(ABOUT_SHEET), doc)
    _keep_as_text(workbook, budget)
    check(budget)
    workbook.properties.title = _plain(doc.title)
    workbook.properties.creator = AUTHOR
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


class _Styles:
    """Named combinations of style objects, applied fast to many cells.

    Setting ``cell.fill`` (``font``, ...) looks the object up in the workbook's style tables
    each time, which was most of the export's time; each combination is set that way once, on
    its first cell, and later cells get a copy of the resulting style array.
    """

    def __init__(self):
        self._specs: dict[object, dict[str, object]] = {}
        self._arrays: dict[object, object] = {}

    def define(self, key: object, **styles: object) -> None:
        self._specs[key] = styles

    def __contains__(self, key: object) -> bool:
        return key in self._specs

    def apply(self, cell, key: object) -> None:
        array = self._arrays.get(key)
        if array is None:
            for name, value in self._specs[key].items():
                setattr(cell, name, value)
            self._arrays[key] = copy(cell._style)
        else:
            cell._style = copy(array)

    def define_letter(self, letter: Letter) -> None:
        self.define(
            letter.code,
            fill=PatternFill("solid", fgColor=_argb(letter.color)),
            font=Font(bold=True, color=_argb(letter.ink)),
            alignment=Alignment(horizontal="center", vertical="center"),
        )


def _write_matrix(
    ws: Worksheet, doc: MatrixDocument, scheme: Scheme, budget: Budget | None = None
) -> None:
    roles = doc.roles
    keys = [role.key for role in roles]
    last_column = FIRST_ROLE_COLUMN + len(roles) - 1 if roles else 2

    ws.cell(TITLE_ROW, 1, _text(doc.title)).font = Font(bold=True, size=16)
    ws.row_dimensions[TITLE_ROW].height = 24
    line = f"{scheme.name}: {scheme.description}"
    if doc.exported_at:
        line += f" Exported {doc.exported_at:%Y-%m-%d %H:%M}."
    ws.cell(SCHEME_ROW, 1, _text(line)).font = Font(color=_MUTED)
    if doc.description:
        ws.cell(DESCRIPTION_ROW, 1, _text(doc.description.splitlines()[0]))

    # Header.
    header_font = Font(bold=True, color=_INK)
    header_border = Border(bottom=Side(style="medium", color="94A3B8"))
    left_header = Alignment(vertical="bottom", wrap_text=True)
    role_header = Alignment(horizontal="center", vertical="bottom", wrap_text=True)
    for column, value in enumerate(["Phase", "Activity", *(role.name for role in roles)], 1):
        cell = ws.cell(HEADER_ROW, column, _text(value))
        cell.font = header_font
        cell.fill = _HEADER_FILL
        cell.border = header_border
        cell.alignment = role_header if column >= FIRST_ROLE_COLUMN else left_header

    # Body.
    styles = _Styles()
    for letter in scheme.letters:
        styles.define_letter(letter)
    name_alignment = Alignment(vertical="center", wrap_text=True)
    for band, fill in enumerate(_BANDS):
        # Phase cells: (band, first row of the phase); activity cells: band.
        first, other = Font(bold=True, color=_INK), Font(color=_MUTED)
        styles.define((band, True), fill=fill, font=first, alignment=name_alignment)
        styles.define((band, False), fill=fill, font=other, alignment=name_alignment)
        styles.define(band, fill=fill, alignment=name_alignment)
    row = HEADER_ROW
    for number, phase in enumerate(doc.phases):
        band = number % 2
        phase_name = _text(phase.name)
        for index, activity in enumerate(phase.activities):
            row += 1
            if row % 100 == 0:
                check(budget)
            styles.apply(ws.cell(row, 1, phase_name), (band, index == 0))
            cell = ws.cell(row, 2, _text(activity.name))
            styles.apply(cell, band)
            if activity.description.strip():
                cell.comment = _comment(activity.description)
            cells, notes = activity.cells, activity.notes
            for column, key in enumerate(keys, FIRST_ROLE_COLUMN):
                code = cells.get(key)
                note = notes.get(key)
                if not code and not note:
                    continue
                cell = ws.cell(row, column)
                if code:
                    cell.value = _text(code)
                    if code not in styles:  # not a letter of the scheme: written all the same
                        styles.define_letter(letter_named(code))
                    styles.apply(cell, code)
                if note and note.strip():
                    cell.comment = _comment(note, lines=note.count("\n") + 2)
    last_row = row

    # Legend, after one empty row.
    row = last_row + 2
    ws.cell(row, 1, "Legend").font = Font(bold=True, color=_INK)
    for letter in scheme.letters:
        row += 1
        styles.apply(ws.cell(row, 1, _text(letter.code)), letter.code)
        ws.cell(row, 2, _text(letter.name)).font = Font(bold=True)
        ws.cell(row, 3, _text(letter.question))

    # Layout.
    phase_width = max([len("Phase"), *(len(phase.name) for phase in doc.phases)])
    activity_width = max(
        [len("Activity"), *(len(activity.name) for _, activity in doc.activities())]
    )
    ws.column_dimensions["A"].width = min(phase_width + 3, 40)
    ws.column_dimensions["B"].width = min(activity_width + 3, 60)
    header_lines = 1
    for column, role in enumerate(roles, FIRST_ROLE_COLUMN):
        width = min(max(len(role.name), 3) + 3, 18)
        ws.column_dimensions[get_column_letter(column)].width = width
        # At most six lines are shown: wrapping more of a long name is wasted (and slow).
        shown = role.name[: (width - 2) * 7]
        header_lines = max(header_lines, len(textwrap.wrap(shown, width - 2)) or 1)
    ws.row_dimensions[HEADER_ROW].height = 15 * min(header_lines, 6) + 6
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, FIRST_ROLE_COLUMN).coordinate
    ws.auto_filter.ref = (
        f"A{HEADER_ROW}:{get_column_letter(last_column)}{max(last_row, HEADER_ROW)}"
    )
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _write_roles(ws: Worksheet, roles: Sequence[RoleDoc]) -> None:
    header_font = Font(bold=True, color=_INK)
    for column, (_, label) in enumerate(ROLE_COLUMNS, 1):
        cell = ws.cell(1, column, label)
        cell.font = header_font
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(vertical="bottom", wrap_text=True)
    top = Alignment(vertical="top", wrap_text=True)
    for row, role in enumerate(roles, 2):
        for column, (name, _) in enumerate(ROLE_COLUMNS, 1):
            value = getattr(role, name)
            if value:
                cell = ws.cell(row, column, _text(value))
                cell.alignment = top
                if name == "name":
                    cell.font = Font(bold=True)
    widths = {"name": 24, "short_label": 12, "kind": 12, "summary": 40}
    for column, (name, _) in enumerate(ROLE_COLUMNS, 1):
        longest = max((len(getattr(role, name)) for role in roles), default=0)
        cap = widths.get(name, 45)
        ws.column_dimensions[get_column_letter(column)].width = max(min(longest + 2, cap), 10)
    ws.freeze_panes = "B2"


HOLDERS_NOT_SHARED = (
    "Who holds these roles is seen by the team only; a share link does not show it."
)


def _write_people(ws: Worksheet, doc: MatrixDocument) -> None:
    header_font = Font(bold=True, color=_INK)
    for column, label in enumerate(PEOPLE_COLUMNS, 1):
        cell = ws.cell(1, column, label)
        cell.font = header_font
        cell.fill = _HEADER_FILL
    row = 2
    for role in doc.roles:
        for holder in role.holders:
            ws.cell(row, 1, _text(role.name)).font = Font(bold=True)
            ws.cell(row, 2, _text(holder.name))
            if holder.username:
                ws.cell(row, 3, _text(holder.username)).font = Font(color=_MUTED)
            row += 1
    if doc.holders_hidden:
        ws.cell(2, 1, HOLDERS_NOT_SHARED).font = Font(color=_MUTED)
    elif row == 2:
        ws.cell(2, 1, "Nobody holds a role of this matrix yet.").font = Font(color=_MUTED)
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 30
    ws.column_dimensions["C"].width = 20
    ws.freeze_panes = "A2"


def _write_findings(ws: Worksheet, findings: Sequence[Finding]) -> None:
    counts = summarize(findings)
    if findings:
        summary = ", ".join(
            f"{count} {severity.value}{'s' if count != 1 and severity != Severity.INFO else ''}"
            for severity, count in counts.items()
        )
        summary = f"At export: {summary}."
    else:
        summary = "At export the matrix passed every check."
    ws.cell(1, 1, "Findings").font = Font(bold=True, size=14)
    ws.cell(2, 1, summary).font = Font(color=_MUTED)
    header_font = Font(bold=True, color=_INK)
    for column, label in enumerate(("Severity", "Rule", "Message"), 1):
        cell = ws.cell(4, column, label)
        cell.font = header_font
        cell.fill = _HEADER_FILL
    fonts = {severity: Font(bold=True, color=ink) for severity, ink in _SEVERITY_INK.items()}
    wrap = Alignment(vertical="top", wrap_text=True)
    for row, finding in enumerate(findings, 5):
        severity = Severity(finding.severity)
        ws.cell(row, 1, severity.value.capitalize()).font = fonts[severity]
        ws.cell(row, 2, _text(finding.rule))
        ws.cell(row, 3, _text(finding.message)).alignment = wrap
    ws.column_dimensions["A"].width = 11
    ws.column_dimensions["B"].width = max([14, *(len(f.rule) + 2 for f in findings)])
    ws.column_dimensions["C"].width = 100
    ws.freeze_panes = "A5"


def _write_about(ws: Worksheet, doc: MatrixDocument) -> None:
    ws.cell(1, 1, "About this file").font = Font(bold=True, size=14)
    ws.cell(
        2,
        1,
        _text(
            "Written by RACI Builder. Edit the Matrix and Roles sheets and import the file again; "
            "the rows below keep the matrix's options."
        ),
    ).font = Font(color=_MUTED)
    rows = [
        (ABOUT_FORMAT, FORMAT),
        (ABOUT_SCHEME, doc.scheme),
        (ABOUT_DESCRIPTION, doc.description),
        (ABOUT_ACCOUNTABLE_DOES_WORK, "yes" if doc.accountable_does_work else "no"),
        (ABOUT_OVERLOAD_PERCENT, doc.overload_percent),
        (ABOUT_OVERLAP_THRESHOLD, doc.overlap_threshold),
        (ABOUT_UNHELD_NOTE, "yes" if doc.unheld_roles_note else "no"),
        (ABOUT_SHARED_WARNING, "yes" if doc.shared_accountable_warning else "no"),
        (ABOUT_EXPORTED_AT, doc.exported_at.isoformat() if doc.exported_at else ""),
        (ABOUT_SOURCE, doc.slug),
    ]
    wrap = Alignment(vertical="top", wrap_text=True)
    for row, (label, value) in enumerate(rows, 4):
        ws.cell(row, 1, label).font = Font(bold=True)
        cell = ws.cell(row, 2, _text(value) if isinstance(value, str) else value)
        cell.alignment = wrap
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 80
