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
People
    Who holds each role: one row per role and person ("Role", "Person", "Account": the
    username of a person with an account here, empty for one without). Read back on import;
    a role with nobody has no row.
Findings
    What the rule engine reported at export time (informative; not read back).
About
    The matrix options as label/value rows ("Scheme", "Description", "Accountable does the
    work", "Overload percent", "Overlap warning at", "Note roles nobody holds"), so that an
    exported file imports without losing them. Its "Format" row marks a file as written by
    RACI Builder.

The reader also takes hand-typed sheets: see ``read_xlsx``. Every text cell goes through
Excel's quote prefix on the way out (``_keep_as_text``) and ``cells.restore`` on the way back,
which also reads files that carry a literal leading apostrophe (formula injection).
"""

import io
import textwrap
import warnings
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from copy import copy
from datetime import date, datetime, time

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.cell.read_only import ReadOnlyCell
from openpyxl.comments import Comment
from openpyxl.packaging.relationship import get_dependents, get_rels_path
from openpyxl.reader.excel import ExcelReader, _find_workbook_part
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.constants import COMMENTS_NS, SHARED_STRINGS, SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

from ..rules import Finding, Severity, summarize
from ..schemes import SCHEMES, Letter, Scheme, get_scheme, letter_named
from .cells import FORMULA_STARTS, restore
from .document import (
    DEFINITION_FIELDS,
    DEFINITION_LABELS,
    ActivityDoc,
    HolderDoc,
    MatrixDocument,
    RoleDoc,
)
from .limits import MAX_ACTIVITIES, MAX_ROLES, check_holders
from .problems import ImportProblem
from .tabular import document_from_rows

FORMAT = "raci-builder/matrix-xlsx 1"
AUTHOR = "RACI Builder"
DEFAULT_TITLE = "Imported matrix"

MATRIX_SHEET = "Matrix"
ROLES_SHEET = "Roles"
PEOPLE_SHEET = "People"
PEOPLE_COLUMNS = ("Role", "Person", "Account")
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
ABOUT_OVERLAP_THRESHOLD = "Overlap warning at"
ABOUT_UNHELD_NOTE = "Note roles nobody holds"
ABOUT_SHARED_WARNING = "Warn about an Accountable role several hold"
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


_INK = "1E293B"
_MUTED = "64748B"
_HEADER_FILL = PatternFill("solid", fgColor="E2E8F0")
_BANDS = (PatternFill("solid", fgColor="F8FAFC"), PatternFill("solid", fgColor="EEF2F7"))
_SEVERITY_INK = {Severity.ERROR: "B91C1C", Severity.WARNING: "92400E", Severity.INFO: "1D4ED8"}


def _argb(color: str) -> str:
    return color.lstrip("#").upper()


# Excel holds at most this many characters in a cell (and opens a file with more as damaged).
CELL_MAX = 32_767


def _text(value: str) -> str:
    """Text as stored in a cell: without characters XML cannot hold (see _keep_as_text), and
    cut with an ellipsis to what Excel holds."""
    if len(value) > CELL_MAX:
        value = value[: CELL_MAX - 1] + "\u2026"
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
    return _text(value)


def _comment(text: str, *, lines: int = 4) -> Comment:
    comment = Comment(_plain(text), AUTHOR)
    comment.width = 240
    comment.height = max(60, min(lines, 12) * 18)
    return comment


# -- writer -------------------------------------------------------------------------------------


def write_xlsx(doc: MatrixDocument) -> bytes:
    """The document as an .xlsx workbook (Matrix, Roles, People, Findings and About sheets)."""
    scheme = doc.scheme_definition
    workbook = Workbook()
    matrix = workbook.active
    matrix.title = MATRIX_SHEET
    _write_matrix(matrix, doc, scheme)
    _write_roles(workbook.create_sheet(ROLES_SHEET), doc.roles)
    _write_people(workbook.create_sheet(PEOPLE_SHEET), doc.roles)
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


def _write_people(ws: Worksheet, roles: Sequence[RoleDoc]) -> None:
    header_font = Font(bold=True, color=_INK)
    for column, label in enumerate(PEOPLE_COLUMNS, 1):
        cell = ws.cell(1, column, label)
        cell.font = header_font
        cell.fill = _HEADER_FILL
    row = 2
    for role in roles:
        for holder in role.holders:
            ws.cell(row, 1, _text(role.name)).font = Font(bold=True)
            ws.cell(row, 2, _text(holder.name))
            if holder.username:
                ws.cell(row, 3, _text(holder.username)).font = Font(color=_MUTED)
            row += 1
    if row == 2:
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
    "Activities". A "Roles" sheet fills in the roles' details by name, a "People" sheet who
    holds them, an "About" sheet the scheme and options (RACI otherwise).

    Only the cells the file holds are read, never the range a sheet declares (which may be the
    whole sheet), and a sheet with content beyond what an import takes (``limits``) is refused
    as soon as that content shows: see "Reading within the limits" below.
    """
    workbook = _open(data)
    try:
        return _read_workbook(workbook, title)
    finally:
        workbook.close()


def _read_workbook(workbook, title: str) -> MatrixDocument:
    about = _read_about(workbook)
    exported = about.get(ABOUT_FORMAT.lower(), "").startswith("raci-builder/")
    scheme = _scheme_from(about)
    if MATRIX_SHEET in workbook.sheetnames:
        ws = workbook[MATRIX_SHEET]
    elif workbook.worksheets:
        ws = workbook.worksheets[0]
    else:
        raise ImportProblem("The spreadsheet has no sheet with a table.")

    rows, exact = _sheet_rows(ws)
    if not rows:
        raise ImportProblem("The spreadsheet is empty.")
    start = _header_index(rows)
    header_number, header = rows[start]
    body = _until_empty(rows[start + 1 :], after=header_number, strict=exported)

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
    doc.overlap_threshold = _threshold(about.get(ABOUT_OVERLAP_THRESHOLD.lower(), ""))
    unheld = about.get(ABOUT_UNHELD_NOTE.lower(), "")
    doc.unheld_roles_note = _yes(unheld) if unheld else True
    shared = about.get(ABOUT_SHARED_WARNING.lower(), "")
    doc.shared_accountable_warning = _yes(shared) if shared else True
    layout = _Layout(doc, header, body)
    layout.attach_comments(_comments(workbook, ws))
    if ROLES_SHEET in workbook.sheetnames and workbook[ROLES_SHEET] is not ws:
        _read_roles(workbook[ROLES_SHEET], doc.roles)
    if PEOPLE_SHEET in workbook.sheetnames and workbook[PEOPLE_SHEET] is not ws:
        _read_people(workbook[PEOPLE_SHEET], doc.roles)
    layout.keep_exact(header_number, exact)
    return doc


# -- Reading within the limits ------------------------------------------------------------------
#
# A sheet declares its used range (<dimension>), and a cell may sit at XFD1048576: a 1.5 KB file
# can claim 17 billion cells, and iterating that range (even openpyxl's read-only rows, padded to
# it) takes gigabytes and minutes. So the workbook is opened read-only, each sheet's XML is
# streamed for the cells it holds, and reading stops, with a message, as soon as a sheet holds
# more than an import of MAX_ACTIVITIES x MAX_ROLES can use. The parts openpyxl reads whole when
# it opens a workbook (shared strings, styles...) are checked first, from the zip, the same way.

TABLE_COLUMNS = MAX_ROLES + 2  # Phase, Activity and the roles
TABLE_ROWS = MAX_ACTIVITIES + 100  # and the title, header, legend or notes around them
# XML elements a sheet may hold: a cell is one or two (its value), a row one more, and a few
# thousand describe the sheet (views, column widths...).
SHEET_ELEMENTS = TABLE_ROWS * (2 * TABLE_COLUMNS + 1) + 20_000
MAX_COMMENTS = 25 * MAX_ACTIVITIES  # notes on cells and descriptions of activities
# The whole file unzipped; each part that openpyxl reads whole, in bytes and in XML tags (the
# shared strings hold every text of the workbook, so they get more).
MAX_UNCOMPRESSED_BYTES = 100_000_000
MAX_PARTS = 1_000
MAX_PART_BYTES = 20_000_000
MAX_PART_TAGS = 25_000
MAX_STRING_TAGS = 400_000
NOT_XLSX = "This file is not an Excel spreadsheet (.xlsx)."

_MAIN = f"{{{SHEET_MAIN_NS}}}"
_ROW, _SHEET_DATA = f"{_MAIN}row", f"{_MAIN}sheetData"


def _too_much(where: str) -> ImportProblem:
    return ImportProblem(
        f"{where} holds more than an import can use: at most {MAX_ACTIVITIES:,} activities "
        f"and {MAX_ROLES} roles. Copy the matrix alone into a new workbook, or split it."
    )


def _open(data: bytes):
    if not data or not data.strip():
        raise ImportProblem("The spreadsheet is empty.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_parts(archive)
    except ImportProblem:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error):
        raise ImportProblem(NOT_XLSX) from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about features it drops
            reader = _Reader(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
            reader.read()
            return reader.wb
    except ImportProblem:
        raise
    except Exception:  # openpyxl raises many kinds of errors on malformed files
        raise ImportProblem(NOT_XLSX) from None


def _check_parts(archive: zipfile.ZipFile) -> None:
    """Refuse a zip that unpacks to more than any matrix needs (a zip bomb), and parts that
    openpyxl builds whole, element by element, when they hold more than a matrix needs.

    Sheets and their comments are streamed within limits of their own, so parts named like
    them are left to that; the parts openpyxl finds by a name the file gives (the workbook,
    the shared strings) are checked by ``_Reader`` as it finds them, whatever their names.
    """
    infos = archive.infolist()
    if len(infos) > MAX_PARTS:
        raise ImportProblem(
            f"This spreadsheet has more than {MAX_PARTS:,} parts (a matrix needs a dozen). "
            "Copy the matrix alone into a new workbook."
        )
    if sum(info.file_size for info in infos) > MAX_UNCOMPRESSED_BYTES:
        raise _too_much("This spreadsheet")
    for info in infos:
        name = info.filename.lower()
        if name.endswith((".xml", ".rels")) and not _streamed(name):
            _check_part(archive, info.filename)


def _streamed(name: str) -> bool:
    return name.startswith(("xl/worksheets/sheet", "xl/comments")) and name.endswith(".xml")


def _check_part(archive: zipfile.ZipFile, name: str, *, tags: int = MAX_PART_TAGS) -> None:
    info = archive.getinfo(name)
    if info.file_size > MAX_PART_BYTES or archive.read(info).count(b"<") > tags:
        raise _too_much(f"The part {name} of this spreadsheet")


class _Sheet(ReadOnlyWorksheet):
    """A read-only sheet that never reads the range it declares: openpyxl's reads it as it is
    made, and finding that a sheet declares none means parsing the whole sheet once more."""

    def _get_size(self) -> None:
        pass


class _Reader(ExcelReader):
    """openpyxl's reader (what ``load_workbook(read_only=True)`` runs), with ``_Sheet`` sheets
    and no chart sheets, checking the parts it finds by name before it reads them."""

    def read(self) -> None:
        # openpyxl reports any error while reading as a ValueError of its own: check first.
        self.read_manifest()
        strings = self.package.find(SHARED_STRINGS)
        if strings is not None:
            _check_part(self.archive, strings.PartName[1:], tags=MAX_STRING_TAGS)
        workbook = _find_workbook_part(self.package).PartName[1:]
        _check_part(self.archive, workbook)
        if (relations := get_rels_path(workbook)) in self.valid_files:
            _check_part(self.archive, relations)
        super().read()

    def read_worksheets(self) -> None:
        for sheet, relation in self.parser.find_sheets():
            if relation.target in self.valid_files and "chartsheet" not in relation.Type:
                ws = _Sheet(self.wb, sheet.name, relation.target, self.shared_strings)
                self.wb._sheets.append(ws)


def _parsed_rows(ws: ReadOnlyWorksheet) -> Iterator[tuple[int, list[dict]]]:
    """The rows the sheet's XML holds, in order, each as (row number, its cells as openpyxl
    parses them: dicts of row, column, value, data_type, style_id). No padding to the declared
    range and no empty rows for the gaps; nothing after the sheet's data is parsed. Refuses a
    sheet of more than SHEET_ELEMENTS elements.

    openpyxl's read-only sheets parse with its WorkSheetParser too, but pad every row and fill
    every gap up to the declared range; this drives the parser's own ``parse_row`` over the
    stream instead (openpyxl 3.1's internal API, pinned by tests/raci/test_exchange_limits.py).
    """
    workbook = ws.parent
    parser = WorkSheetParser(
        None,
        ws._shared_strings,
        data_only=True,
        epoch=workbook.epoch,
        date_formats=workbook._date_formats,
        timedelta_formats=workbook._timedelta_formats,
    )
    elements = 0
    root = data = None
    in_row = False
    with ws._get_source() as source:
        for event, element in iterparse(source, events=("start", "end")):
            if event == "start":
                if root is None:
                    root = element
                elif element.tag == _ROW:
                    in_row = True
                elif element.tag == _SHEET_DATA:
                    data = element
                continue
            elements += 1
            if elements > SHEET_ELEMENTS:
                raise _too_much(f'The sheet "{ws.title}"')
            if element.tag == _ROW:
                yield _parse_row(parser, element)
                in_row = False
                if data is not None:
                    del data[:]  # let the row go: nothing keeps what was read
            elif element.tag == _SHEET_DATA:
                return  # the rest (merged cells, formatting, links) is of no use here
            elif not in_row and root is not None:
                del root[:]  # what comes before the data: views, column widths...


def _parse_row(parser: WorkSheetParser, row) -> tuple[int, list[dict]]:
    """``parser.parse_row``, without parsing the cells that hold nothing (formatted empty
    ones): a file may hold a great many."""
    number = row.get("r")
    parser.row_counter = int(float(number)) if number else parser.row_counter + 1
    parser.col_counter = 0
    cells = []
    skipped = None  # the reference of the last empty cell, to count from if a cell has none
    for element in row:
        if not len(element):  # no value (<v>, <is>) and no formula
            reference = element.get("r")
            if reference is None:
                parser.col_counter = _column(skipped, parser.col_counter) + 1
            skipped = reference
            continue
        if element.get("r") is None:
            parser.col_counter = _column(skipped, parser.col_counter)
        skipped = None
        cells.append(parser.parse_cell(element))
    return parser.row_counter, cells


def _column(reference: str | None, counter: int) -> int:
    return counter if reference is None else coordinate_to_tuple(reference)[1]


def _cells(ws: ReadOnlyWorksheet) -> Iterator[tuple[int, list[dict]]]:
    """``_parsed_rows``, with errors in the XML reported as an ImportProblem."""
    rows = _parsed_rows(ws)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except ImportProblem:
            raise
        except Exception:  # malformed XML, a shared string that is not there...
            raise ImportProblem(f'The sheet "{ws.title}" cannot be read. {NOT_XLSX}') from None
        yield row


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


type Rows = list[tuple[int, list[str]]]


type Places = dict[tuple[int, int], str]  # (row number, column index) -> text


def _sheet_rows(ws: ReadOnlyWorksheet) -> tuple[Rows, Places]:
    """The rows that hold something, as (row number, cell texts from column A); the cells to
    keep exactly. An empty row shows as a gap in the row numbers.

    The table reader strips every cell; a cell we neutralised (``'\tx``) is text on purpose,
    leading or trailing white space included, so those are kept aside to be put back. Content
    beyond TABLE_COLUMNS, or more than TABLE_ROWS rows with content, is refused.
    """
    rows: Rows = []
    exact: Places = {}
    for number, cells in _cells(ws):
        texts: dict[int, str] = {}
        for parsed in cells:
            if parsed["value"] is None:
                continue
            cell = ReadOnlyCell(ws, **parsed)
            quoted = bool(cell.style_array.quotePrefix)
            text = _cell_text(cell.value, exact=quoted)
            if not text.strip():
                continue
            index = cell.column - 1
            if index >= TABLE_COLUMNS:
                raise ImportProblem(
                    f'Cell {cell.coordinate} of the sheet "{ws.title}" is beyond the columns an '
                    f"import reads: Phase, Activity and at most {MAX_ROLES} roles, up to column "
                    f"{get_column_letter(TABLE_COLUMNS)}."
                )
            texts[index] = text
            if quoted and isinstance(cell.value, str) and text != text.strip():
                exact[number, index] = text
        if not texts:
            continue
        if len(rows) == TABLE_ROWS:
            raise ImportProblem(
                f'The sheet "{ws.title}" has more than {TABLE_ROWS:,} rows with something in '
                f"them; an import takes at most {MAX_ACTIVITIES:,} activities."
            )
        line = [""] * (max(texts) + 1)
        for index, text in texts.items():
            line[index] = text
        rows.append((number, line))
    return rows, exact


def _comments(workbook, ws: ReadOnlyWorksheet) -> Places:
    """The comments on the sheet's cells, by (row number, column index) within the table's
    columns. openpyxl reads no comments in read-only mode: they are streamed here from the
    sheet's comments part (at most MAX_COMMENTS)."""
    archive = workbook._archive  # the open zip (openpyxl keeps it for read-only sheets)
    rels_path = get_rels_path(ws._worksheet_path)
    if rels_path not in archive.namelist():
        return {}
    found: Places = {}
    _check_part(archive, rels_path)
    try:
        for relation in get_dependents(archive, rels_path).find(COMMENTS_NS):
            with archive.open(relation.target) as source:
                found.update(_comment_part(source, ws.title))
    except ImportProblem:
        raise
    except Exception:  # a missing or malformed part
        raise ImportProblem(f'The comments of the sheet "{ws.title}" cannot be read.') from None
    return found


def _comment_part(source, sheet: str) -> Places:
    authors: list[str] = []
    found: Places = {}
    count = 0
    for _, element in iterparse(source):
        if element.tag == f"{_MAIN}author":
            authors.append(element.text or "")
        elif element.tag == f"{_MAIN}comment":
            count += 1
            if count > MAX_COMMENTS or len(authors) > MAX_COMMENTS:
                raise _too_much(f'The comments of the sheet "{sheet}"')
            row, column = coordinate_to_tuple(element.get("ref", ""))
            if column <= TABLE_COLUMNS:
                author = _author(authors, element.get("authorId", ""))
                found[row, column - 1] = _comment_text(_runs(element), author)
            element.clear()
    return found


def _author(authors: list[str], author_id: str) -> str:
    index = int(author_id) if author_id.isascii() and author_id.isdigit() else -1
    return authors[index] if 0 <= index < len(authors) else ""


def _runs(comment) -> str:
    """A comment's text: its plain text, or its runs' (phonetic runs left out)."""
    text = comment.find(f"{_MAIN}text")
    if text is None:
        return ""
    parts = []
    for child in text:
        if child.tag == f"{_MAIN}t":
            parts.append(child.text or "")
        elif child.tag == f"{_MAIN}r":
            parts.extend(t.text or "" for t in child.iter(f"{_MAIN}t"))
    return "".join(parts)


def _comment_text(text: str, author: str) -> str:
    # Excel starts a note with its author's name ("Jane Doe:\n"); that is not part of it.
    if author and text.startswith(f"{author}:\n"):
        text = text[len(author) + 2 :]
    return text.strip()


def _header_index(rows: Rows) -> int:
    """The row with "Activity" and something else, else the first (rows hold something)."""
    for index, (_, cells) in enumerate(rows):
        filled = [cell.strip().lower() for cell in cells if cell.strip()]
        if "activity" in filled and len(filled) > 1:
            return index
    return 0


def _until_empty(body: Rows, *, after: int, strict: bool) -> Rows:
    """The rows up to the first empty one after the data (strict: after the header, in row
    ``after``). ``body`` holds rows with content only: an empty row is a gap in the numbers."""
    previous = after
    for index, (number, _) in enumerate(body):
        if number > previous + 1 and (strict or index > 0):
            return body[:index]
        previous = number
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
    ws = workbook[ABOUT_SHEET]
    values: dict[str, str] = {}
    for _, cells in _sheet_rows(ws)[0]:
        label = cells[0].strip().lower()
        if label and label not in values:
            values[label] = cells[1].strip() if len(cells) > 1 else ""
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


def _threshold(value: str) -> int:
    if not value:
        return 3
    try:
        threshold = int(value)
    except ValueError:
        threshold = -1
    if not 0 <= threshold <= 1000:
        raise ImportProblem(
            f'"{ABOUT_OVERLAP_THRESHOLD}" must be a whole number from 0 to 1000, not "{value}"',
            where="About sheet",
        )
    return threshold


def _read_people(ws, roles: Iterable[RoleDoc]) -> None:
    """Who holds the roles, from a sheet headed "Role", "Person" (and "Account"), matching
    roles by name; rows naming no role of the matrix are left out."""
    rows = iter(_sheet_rows(ws)[0])
    _, header = next(rows, (0, []))
    places = {text.strip().lower(): index for index, text in enumerate(header)}
    role_at, person_at = places.get("role"), places.get("person")
    account_at = places.get("account")
    if role_at is None or person_at is None:
        return
    by_name = {role.name.lower(): role for role in roles}
    for _, values in rows:

        def text(index: int | None, values=values) -> str:
            return values[index].strip() if index is not None and index < len(values) else ""

        role, name = by_name.get(text(role_at).lower()), text(person_at)
        if role is None or not name:
            continue
        if any(holder.name.lower() == name.lower() for holder in role.holders):
            continue
        role.holders.append(HolderDoc(name=name, username=text(account_at)))
        check_holders(len(role.holders))


def _read_roles(ws, roles: Iterable[RoleDoc]) -> None:
    """Fill in the roles' details from a sheet with a "Name" column, matching roles by name."""
    rows = iter(_sheet_rows(ws)[0])
    _, header = next(rows, (0, []))
    labels = {label.lower(): name for name, label in ROLE_COLUMNS}
    fields = {
        index: labels[text.strip().lower()]
        for index, text in enumerate(header)
        if text.strip().lower() in labels
    }
    if "name" not in fields.values():
        return
    by_name = {role.name.lower(): role for role in roles}
    for _, values in rows:
        texts = {field: values[i] for i, field in fields.items() if i < len(values)}
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
