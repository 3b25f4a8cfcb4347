"""Excel (.xlsx): a formatted matrix people can read, print, edit and import again.

Sheets written:

Matrix
    Row 1 the title, row 2 the scheme (and export date), row 3 the first line of the matrix's
    description (the About sheet has all of it), row 4 the header "Phase", "Activity", one
    column per role (the role's name), then one row per activity. Every activity row carries
    its phase in column A, so the sheet imports again after sorting or filtering. Letter cells
    are coloured as in the app; a note on a cell is an Excel comment on it, an activity's
    description a comment on its name. After one empty row, a legend explains the letters; the
    reader stops at the first empty row after the header in a file we wrote, so the legend is
    never read as activities.
Roles
    One row per role: name, short label, kind, summary and the definition fields.
Findings
    What the rule engine reported at export time (informative; not read back).
About
    The matrix options as label/value rows ("Scheme", "Description", "Accountable does the
    work", "Overload percent"), so that an exported file imports without losing them. Its
    "Format" row marks a file as written by RACI Builder.

The reader also takes hand-typed sheets: see ``read_xlsx``. Every text cell goes through
Excel's quote prefix on the way out (``_keep_as_text``) and ``cells.restore`` on the way back,
which also reads files that carry a literal leading apostrophe (formula injection).
"""

import io
import textwrap
import warnings
import zipfile
from collections.abc import Iterable, Sequence
from copy import copy
from datetime import date, datetime, time

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..rules import Finding, Severity, summarize
from ..schemes import SCHEMES, Letter, Scheme, get_scheme, letter_named
from .cells import FORMULA_STARTS, restore
from .document import (
    DEFINITION_FIELDS,
    DEFINITION_LABELS,
    ActivityDoc,
    MatrixDocument,
    RoleDoc,
)
from .problems import ImportProblem
from .tabular import document_from_rows

FORMAT = "raci-builder/matrix-xlsx 1"
AUTHOR = "RACI Builder"
DEFAULT_TITLE = "Imported matrix"

MATRIX_SHEET = "Matrix"
ROLES_SHEET = "Roles"
FINDINGS_SHEET = "Findings"
ABOUT_SHEET = "About"

TITLE_ROW = 1
SCHEME_ROW = 2
DESCRIPTION_ROW = 3
HEADER_ROW = 4
FIRST_ROLE_COLUMN = 3  # A: Phase, B: Activity

# About sheet labels (the reader matches them case-insensitively).
ABOUT_FORMAT = "Format"
ABOUT_SCHEME = "Scheme"
ABOUT_DESCRIPTION = "Description"
ABOUT_ACCOUNTABLE_DOES_WORK = "Accountable does the work"
ABOUT_OVERLOAD_PERCENT = "Overload percent"
ABOUT_EXPORTED_AT = "Exported at"
ABOUT_SOURCE = "Source matrix"

ROLE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "Name"),
    ("short_label", "Short label"),
    ("kind", "Kind"),
    ("summary", "Summary"),
    *((name, DEFINITION_LABELS[name]) for name in DEFINITION_FIELDS),
)
ROLE_KINDS = ("core", "supporting", "custom")

# Uncompressed size above which a workbook is refused before parsing (zip bombs).
MAX_UNCOMPRESSED_BYTES = 200_000_000

_INK = "1E293B"
_MUTED = "64748B"
_HEADER_FILL = PatternFill("solid", fgColor="E2E8F0")
_BANDS = (PatternFill("solid", fgColor="F8FAFC"), PatternFill("solid", fgColor="EEF2F7"))
_SEVERITY_INK = {Severity.ERROR: "B91C1C", Severity.WARNING: "92400E", Severity.INFO: "1D4ED8"}


def _argb(color: str) -> str:
    return color.lstrip("#").upper()


def _text(value: str) -> str:
    """Text as stored in a cell: without characters XML cannot hold (see _keep_as_text)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _keep_as_text(workbook: Workbook) -> None:
    """Formula injection: text that looks like a formula is stored as a string cell with
    Excel's own "quote prefix" (what typing a leading apostrophe does), so no spreadsheet
    evaluates it, and nobody sees an apostrophe that is not in the name."""
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith((*FORMULA_STARTS, "'")):
                    cell.data_type = "s"
                    cell.quotePrefix = True


def _plain(value: str) -> str:
    """Text for a comment (never evaluated, so not neutralised)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _comment(text: str, *, lines: int = 4) -> Comment:
    comment = Comment(_plain(text), AUTHOR)
    comment.width = 240
    comment.height = max(60, min(lines, 12) * 18)
    return comment


# -- writer -------------------------------------------------------------------------------------


def write_xlsx(doc: MatrixDocument) -> bytes:
    """The document as an .xlsx workbook (Matrix, Roles, Findings and About sheets)."""
    scheme = doc.scheme_definition
    workbook = Workbook()
    matrix = workbook.active
    matrix.title = MATRIX_SHEET
    _write_matrix(matrix, doc, scheme)
    _write_roles(workbook.create_sheet(ROLES_SHEET), doc.roles)
    _write_findings(workbook.create_sheet(FINDINGS_SHEET), doc.findings)
    _write_about(workbook.create_sheet(ABOUT_SHEET), doc)
    _keep_as_text(workbook)
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


def _write_matrix(ws: Worksheet, doc: MatrixDocument, scheme: Scheme) -> None:
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
        header_lines = max(header_lines, len(textwrap.wrap(role.name, width - 2)) or 1)
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


# -- reader -------------------------------------------------------------------------------------


def read_xlsx(data: bytes, *, title: str = "") -> MatrixDocument:
    """A document from an .xlsx file: one we wrote, or a sheet typed by hand.

    The matrix is the sheet named "Matrix", else the first sheet. Its header row is the first
    row with an "Activity" cell (and something else), else the first non-empty row; it holds
    "Activity" (else the first column is the activities), optionally "Phase" (before or after
    it), and one column per role, headed by the role's name. Each following row is an
    activity; cells hold letters (any case) or nothing; comments on letter cells become notes.
    Reading stops at the first empty row after the activities (in a file we wrote: at the first
    empty row after the header, before the legend). Activities without a phase go into
    "Activities". A "Roles" sheet fills in the roles' details by name, an "About" sheet the
    scheme and options (RACI otherwise).
    """
    workbook = _open(data)
    about = _read_about(workbook)
    exported = about.get(ABOUT_FORMAT.lower(), "").startswith("raci-builder/")
    scheme = _scheme_from(about)
    ws = workbook[MATRIX_SHEET] if MATRIX_SHEET in workbook.sheetnames else workbook.worksheets[0]

    rows, comments, exact = _sheet_rows(ws)
    if not any(any(cells) for _, cells in rows):
        raise ImportProblem("The spreadsheet is empty.")
    start = _header_index(rows)
    header_number, header = rows[start]
    body = _until_empty(rows[start + 1 :], strict=exported)

    if not title and exported and start > 0:
        title = next((cell for cell in rows[0][1] if cell.strip()), "")
    doc = document_from_rows(
        [(header_number, header), *body],
        scheme=scheme.key,
        title=title.strip() or DEFAULT_TITLE,
    )
    doc.description = about.get(ABOUT_DESCRIPTION.lower(), "")
    doc.accountable_does_work = _yes(about.get(ABOUT_ACCOUNTABLE_DOES_WORK.lower(), ""))
    doc.overload_percent = _percent(about.get(ABOUT_OVERLOAD_PERCENT.lower(), ""))
    layout = _Layout(doc, header, body)
    layout.attach_comments(comments)
    if ROLES_SHEET in workbook.sheetnames and workbook[ROLES_SHEET] is not ws:
        _read_roles(workbook[ROLES_SHEET], doc.roles)
    layout.keep_exact(header_number, exact)
    return doc


def _open(data: bytes):
    if not data or not data.strip():
        raise ImportProblem("The spreadsheet is empty.")
    not_xlsx = "This file is not an Excel spreadsheet (.xlsx)."
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            size = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportProblem(not_xlsx) from None
    if size > MAX_UNCOMPRESSED_BYTES:
        raise ImportProblem("This spreadsheet is too large to import.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about features it drops
            return load_workbook(io.BytesIO(data), data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on malformed files
        raise ImportProblem(not_xlsx) from None


def _cell_text(value, exact: bool = False) -> str:
    """A cell's value as text. A string cell with Excel's quote prefix is exactly what it says
    (our writer marks every formula-like or apostrophe-led name so); any other is read as a
    CSV of ours might have been pasted: a neutralising apostrophe is dropped."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value if exact else restore(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes") if value.time() else str(value.date())
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _text_of(cell) -> str:
    return _cell_text(cell.value, exact=bool(cell.quotePrefix))


type Rows = list[tuple[int, list[str]]]


type Places = dict[tuple[int, int], str]  # (row number, column index) -> text


def _sheet_rows(ws: Worksheet) -> tuple[Rows, Places, Places]:
    """Every row as (row number, cell texts); the comments; the cells to keep exactly.

    The table reader strips every cell; a cell we neutralised (``'\tx``) is text on purpose,
    leading or trailing white space included, so those are kept aside to be put back.
    """
    rows: Rows = []
    comments: Places = {}
    exact: Places = {}
    for cells in ws.iter_rows():
        if not cells:
            continue
        number = cells[0].row
        texts = []
        for index, cell in enumerate(cells):
            text = _text_of(cell)
            texts.append(text)
            if isinstance(cell.value, str) and cell.quotePrefix and text != text.strip():
                exact[number, index] = text
            if cell.comment is not None:
                comments[number, index] = _comment_text(cell.comment)
        while texts and not texts[-1].strip():
            texts.pop()
        rows.append((number, texts))
    return rows, comments, exact


def _comment_text(comment: Comment) -> str:
    text = comment.text or ""
    # Excel starts a note with its author's name ("Jane Doe:\n"); that is not part of it.
    if comment.author and text.startswith(f"{comment.author}:\n"):
        text = text[len(comment.author) + 2 :]
    return text.strip()


def _header_index(rows: Rows) -> int:
    for index, (_, cells) in enumerate(rows):
        filled = [cell.strip().lower() for cell in cells if cell.strip()]
        if "activity" in filled and len(filled) > 1:
            return index
    return next(index for index, (_, cells) in enumerate(rows) if any(c.strip() for c in cells))


def _until_empty(body: Rows, *, strict: bool) -> Rows:
    """The rows up to the first empty one after the data (strict: after the header)."""
    started = strict
    for index, (_, cells) in enumerate(body):
        if any(cell.strip() for cell in cells):
            started = True
        elif started:
            return body[:index]
    return body


class _Layout:
    """Which column holds what, and which activity each body row became."""

    def __init__(self, doc: MatrixDocument, header: list[str], body: Rows):
        names = [cell.strip() for cell in header]
        lowered = [name.lower() for name in names]
        self.activity_col = lowered.index("activity") if "activity" in lowered else 0
        self.phase_col = lowered.index("phase") if "phase" in lowered else None
        roles = {role.name.lower(): role for role in doc.roles}
        self.roles = {
            index: roles[name.lower()]
            for index, name in enumerate(names)
            if index not in (self.activity_col, self.phase_col) and name.lower() in roles
        }
        activities = {activity.name.lower(): activity for _, activity in doc.activities()}
        self.rows: dict[int, ActivityDoc] = {}
        for number, cells in body:
            name = cells[self.activity_col].strip() if self.activity_col < len(cells) else ""
            if activity := activities.get(name.lower()):
                self.rows[number] = activity
        self.phases = {phase.name: phase for phase in doc.phases}

    def attach_comments(self, comments: Places) -> None:
        """A comment on an activity's name is its description; on a letter cell, a note."""
        if not comments:
            return
        for number, activity in self.rows.items():
            if text := comments.get((number, self.activity_col)):
                activity.description = text
            for index, role in self.roles.items():
                if text := comments.get((number, index)):
                    activity.notes[role.key] = text

    def keep_exact(self, header_number: int, exact: Places) -> None:
        for (number, index), text in exact.items():
            if number == header_number and index in self.roles:
                self.roles[index].name = text
            elif number in self.rows and index == self.activity_col:
                self.rows[number].name = text
            elif (
                number in self.rows
                and index == self.phase_col
                and (phase := self.phases.get(text.strip()))
            ):
                phase.name = text


def _read_about(workbook) -> dict[str, str]:
    if ABOUT_SHEET not in workbook.sheetnames:
        return {}
    values: dict[str, str] = {}
    for row in workbook[ABOUT_SHEET].iter_rows(max_col=2):
        label = _text_of(row[0]).strip().lower() if row else ""
        if label and label not in values:
            values[label] = _text_of(row[1]).strip() if len(row) > 1 else ""
    return values


def _scheme_from(about: dict[str, str]) -> Scheme:
    value = about.get(ABOUT_SCHEME.lower(), "")
    if not value:
        return get_scheme("raci")
    for scheme in SCHEMES.values():
        if value.lower() in (scheme.key, scheme.name.lower()):
            return scheme
    raise ImportProblem(
        f'unknown scheme "{value}"; use one of {", ".join(SCHEMES)}', where="About sheet"
    )


def _yes(value: str) -> bool:
    return value.strip().lower() in ("yes", "true", "1", "y", "on")


def _percent(value: str) -> int:
    if not value:
        return 50
    try:
        percent = int(value)
    except ValueError:
        percent = 0
    if not 1 <= percent <= 100:
        raise ImportProblem(
            f'"{ABOUT_OVERLOAD_PERCENT}" must be a whole number from 1 to 100, not "{value}"',
            where="About sheet",
        )
    return percent


def _read_roles(ws: Worksheet, roles: Iterable[RoleDoc]) -> None:
    """Fill in the roles' details from a sheet with a "Name" column, matching roles by name."""
    rows = ws.iter_rows()
    header = next(rows, None)
    if not header:
        return
    labels = {label.lower(): name for name, label in ROLE_COLUMNS}
    fields = {
        index: labels[text.lower()]
        for index, text in ((i, _text_of(cell).strip()) for i, cell in enumerate(header))
        if text.lower() in labels
    }
    if "name" not in fields.values():
        return
    by_name = {role.name.lower(): role for role in roles}
    for values in rows:
        texts = {field: _text_of(values[i]) for i, field in fields.items() if i < len(values)}
        role = by_name.get(texts.get("name", "").strip().lower())
        if role is None:
            continue
        for field, text in texts.items():
            if field == "name":
                continue
            if field == "kind":
                kind = text.strip().lower()
                role.kind = kind if kind in ROLE_KINDS else "custom"
            elif field in ("short_label",):
                role.short_label = text.strip()
            else:
                setattr(role, field, text.strip())
