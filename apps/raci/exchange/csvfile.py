"""CSV: a header "Phase, Activity, <role names...>", one row per activity, cells hold letters.

Written as UTF-8 with a byte-order mark: Excel needs the BOM to read UTF-8 (without it, it
guesses a legacy code page and garbles accents); LibreOffice and the csv module accept it.
Text that a spreadsheet would take for a formula is neutralised (see cells.py).
"""

import csv
import io

from .cells import neutralise, restore
from .document import MatrixDocument
from .problems import ImportProblem
from .tabular import document_from_rows

BOM = "\ufeff"


def write_csv(doc: MatrixDocument) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Phase", "Activity", *(neutralise(role.name) for role in doc.roles)])
    keys = [role.key for role in doc.roles]
    for phase, activity in doc.activities():
        writer.writerow(
            [
                neutralise(phase.name),
                neutralise(activity.name),
                *(activity.cells.get(key, "") for key in keys),
            ]
        )
    return BOM + out.getvalue()


def read_csv(
    data: bytes, *, title: str = "Imported matrix", scheme: str = "raci"
) -> MatrixDocument:
    if not data.strip():
        raise ImportProblem("The file is empty.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportProblem(
            f"The file is not UTF-8 text (byte {error.start + 1} is not valid); "
            "save it from your spreadsheet as CSV UTF-8."
        ) from None
    if "\x00" in text:
        raise ImportProblem("This does not look like a CSV file.")
    # Comma-separated, as we write it, unless the first line has no comma at all (Excel in
    # some locales saves with semicolons). Guessing quote characters misreads our own files.
    first_line = text.split("\n", 1)[0]
    dialect = csv.excel
    if "," not in first_line:
        if ";" in first_line:
            dialect = type("semicolon", (csv.excel,), {"delimiter": ";"})
        elif "\t" in first_line:
            dialect = csv.excel_tab
    rows = _rows(csv.reader(io.StringIO(text), dialect))
    return document_from_rows(rows, scheme=scheme, title=title)


def _rows(reader):
    """(row number, cells), read as they are needed: the table reader stops at its limits."""
    try:
        for number, row in enumerate(reader, start=1):
            yield number, [restore(cell) for cell in row]
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise ImportProblem(
                f"A cell holds more than {csv.field_size_limit():,} characters.",
                where=f"row {reader.line_num}",
            ) from None
        raise ImportProblem(f"The CSV cannot be read: {error}.") from None
