"""Every export stays quick whatever the length of a text, even one word of a megabyte.

The models limit every text now, but data from before the limits (or written around the forms)
may be longer; the share link lets anyone without an account export. A 1 MB description with no
space in it made the PDF run past the worker's timeout (100,000 characters already took 4 s).
"""

import io
import time

import pypdf
import pytest
from openpyxl import load_workbook

from apps.raci.exchange.csvfile import write_csv
from apps.raci.exchange.document import ActivityDoc, MatrixDocument, PhaseDoc, RoleDoc
from apps.raci.exchange.jsonfile import read_json, write_json
from apps.raci.exchange.markdown import write_markdown
from apps.raci.exchange.pdf import TEXT_MAX, write_pdf
from apps.raci.exchange.xlsx import CELL_MAX, write_xlsx

WORD = "x" * 1_000_000
WRITERS = {
    "pdf": write_pdf,
    "xlsx": write_xlsx,
    "csv": write_csv,
    "md": write_markdown,
    "json": write_json,
}


def document_with(field: str, text: str) -> MatrixDocument:
    doc = MatrixDocument(
        title="Launch",
        roles=[RoleDoc(key="dev", name="Developer"), RoleDoc(key="ops", name="Operations")],
        phases=[
            PhaseDoc(
                "Build",
                [
                    ActivityDoc("Write the code", cells={"dev": "R", "ops": "A"}),
                    ActivityDoc("Ship", cells={"ops": "R"}, notes={"ops": "On Fridays"}),
                ],
            )
        ],
    )
    activity, role = doc.phases[0].activities[0], doc.roles[0]
    if field == "title":
        doc.title = text
    elif field == "description":
        doc.description = text
    elif field == "phase name":
        doc.phases[0].name = text
    elif field == "activity name":
        activity.name = text
    elif field == "activity description":
        activity.description = text
    elif field == "note":
        activity.notes["dev"] = text
    elif field == "role name":
        role.name = text
    elif field == "role label":
        role.short_label = text
    elif field == "role summary":
        role.summary = text
    else:
        setattr(role, field, text)
    return doc


FIELDS = [
    "title",
    "description",
    "phase name",
    "activity name",
    "activity description",
    "note",
    "role name",
    "role label",
    "role summary",
    "focus",
    "key_responsibilities",
]


@pytest.mark.parametrize("fmt", sorted(WRITERS))
@pytest.mark.parametrize("field", FIELDS)
def test_it_exports_a_megabyte_word_in_bounded_time(fmt, field):
    doc = document_with(field, WORD)
    started = time.perf_counter()
    WRITERS[fmt](doc)
    assert time.perf_counter() - started < 2  # about 0.2 s at most, alone


def test_the_pdf_cuts_a_long_text_with_an_ellipsis():
    doc = document_with("description", "word " * 600 + "y" * 1_000_000)
    reader = pypdf.PdfReader(io.BytesIO(write_pdf(doc)))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "y" * 100 in text
    assert "y" * (TEXT_MAX + 1) not in text.replace("\n", "")
    assert "\u2026" in text


def test_the_spreadsheet_keeps_each_cell_within_what_excel_holds():
    doc = document_with("activity name", WORD)
    doc.description = WORD
    sheet = load_workbook(io.BytesIO(write_xlsx(doc)))["Matrix"]
    lengths = [len(str(cell.value)) for row in sheet.iter_rows() for cell in row if cell.value]
    assert max(lengths) == CELL_MAX
    assert sheet["B5"].value.endswith("\u2026")


def test_the_json_keeps_every_text_whole():
    doc = document_with("note", WORD)
    assert read_json(write_json(doc).encode()).phases[0].activities[0].notes["dev"] == WORD
