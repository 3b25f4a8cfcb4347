"""Reading a workbook's sheets within the limits of an import, cell by cell.

A sheet declares its used range (<dimension>), and a cell may sit at XFD1048576: a 1.5 KB file
can claim 17 billion cells, and iterating that range (even openpyxl's read-only rows, padded to
it) takes gigabytes and minutes. So the workbook is opened read-only, each sheet's XML is
streamed for the cells it holds, and reading stops, with a message, as soon as a sheet holds
more than an import of limits.MAX_ACTIVITIES x limits.MAX_ROLES can use. The parts openpyxl
reads whole when it opens a workbook (shared strings, styles...) are checked first, from the
zip, the same way.
"""

import io
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from datetime import date, datetime, time

from openpyxl.cell.read_only import ReadOnlyCell
from openpyxl.packaging.relationship import get_dependents, get_rels_path
from openpyxl.reader.excel import ExcelReader, _find_workbook_part
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.xml.constants import COMMENTS_NS, SHARED_STRINGS, SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

from .. import limits
from ..cells import restore
from ..problems import ImportProblem


def table_columns() -> int:
    return limits.MAX_ROLES + 2  # Phase, Activity and the roles


def table_rows() -> int:
    return limits.MAX_ACTIVITIES + 100  # and the title, header, legend or notes around them


def sheet_elements() -> int:
    """XML elements a sheet may hold: a cell is one or two (its value), a row one more, and a
    few thousand describe the sheet (views, column widths...)."""
    return table_rows() * (2 * table_columns() + 1) + 20_000


def max_comments() -> int:
    return 25 * limits.MAX_ACTIVITIES  # notes on cells and descriptions of activities


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
        f"{where} holds more than an import can use: at most {limits.MAX_ACTIVITIES:,} activities "
        f"and {limits.MAX_ROLES} roles. Copy the matrix alone into a new workbook, or split it."
    )


def open_workbook(data: bytes):
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
    sheet of more than ``sheet_elements()`` elements.

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
    elements, most = 0, sheet_elements()
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
            if elements > most:
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


def sheet_rows(ws: ReadOnlyWorksheet) -> tuple[Rows, Places]:
    """The rows that hold something, as (row number, cell texts from column A); the cells to
    keep exactly. An empty row shows as a gap in the row numbers.

    The table reader strips every cell; a cell we neutralised (``'\tx``) is text on purpose,
    leading or trailing white space included, so those are kept aside to be put back. Content
    beyond ``table_columns()``, or more than ``table_rows()`` rows with content, is refused.
    """
    rows: Rows = []
    exact: Places = {}
    columns, most = table_columns(), table_rows()
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
            if index >= columns:
                raise ImportProblem(
                    f'Cell {cell.coordinate} of the sheet "{ws.title}" is beyond the columns an '
                    f"import reads: Phase, Activity and at most {limits.MAX_ROLES} roles, up to "
                    f"column {get_column_letter(columns)}."
                )
            texts[index] = text
            if quoted and isinstance(cell.value, str) and text != text.strip():
                exact[number, index] = text
        if not texts:
            continue
        if len(rows) == most:
            raise ImportProblem(
                f'The sheet "{ws.title}" has more than {most:,} rows with something in '
                f"them; an import takes at most {limits.MAX_ACTIVITIES:,} activities."
            )
        line = [""] * (max(texts) + 1)
        for index, text in texts.items():
            line[index] = text
        rows.append((number, line))
    return rows, exact


def sheet_comments(workbook, ws: ReadOnlyWorksheet) -> Places:
    """The comments on the sheet's cells, by (row number, column index) within the table's
    columns. openpyxl reads no comments in read-only mode: they are streamed here from the
    sheet's comments part (at most ``max_comments()``)."""
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
    count, most, columns = 0, max_comments(), table_columns()
    for _, element in iterparse(source):
        if element.tag == f"{_MAIN}author":
            authors.append(element.text or "")
        elif element.tag == f"{_MAIN}comment":
            count += 1
            if count > most or len(authors) > most:
                raise _too_much(f'The comments of the sheet "{sheet}"')
            row, column = coordinate_to_tuple(element.get("ref", ""))
            if column <= columns:
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
