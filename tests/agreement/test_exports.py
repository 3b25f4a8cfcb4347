"""The exports carry the agreement: the PDF's appendix, the XLSX's Agreement sheet, and JSON in
format version 3 (versions 1 and 2 still read); a share link's exports carry none."""

import datetime as dt
import io
import json

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from apps.agreement.selectors import my_part
from apps.agreement.services import agreement_answer, agreement_ask, agreement_record
from apps.exchange.selectors import matrix_document
from apps.raci.exchange.jsonfile import from_data, to_data, write_json
from apps.raci.exchange.pdf import write_pdf
from apps.raci.exchange.problems import ImportProblem
from apps.raci.exchange.xlsx import read_xlsx, write_xlsx


@pytest.fixture
def answered(world):
    agreement_ask(matrix=world.matrix, by=world.ed)
    agreement_answer(
        matrix=world.matrix,
        person=world.vi_p,
        by=world.vi,
        agree=False,
        reason="QA signs off, not me",
        seen=my_part(world.matrix, world.vi).fingerprint,
    )
    agreement_record(
        matrix=world.matrix, person=world.dana, by=world.ed, meeting_on=dt.date(2026, 11, 20)
    )
    return world


def test_the_document_names_each_answer_and_its_version(answered):
    doc = matrix_document(answered.matrix)
    by_person = {entry.person: entry for entry in doc.agreement}
    assert set(by_person) == {"Ana Lopez", "Vi", "Dana (agency)"}
    assert by_person["Ana Lopez"].answer == "waiting"
    vi = by_person["Vi"]
    assert vi.answer == "objected" and vi.reason == "QA signs off, not me"
    assert vi.username == "vi" and len(vi.version) == 12
    assert {letter.letter for letter in vi.letters} == {"R"}
    assert by_person["Dana (agency)"].meeting_on.isoformat() == "2026-11-20"


def test_json_version_3_carries_it_and_reads_back(answered):
    data = json.loads(write_json(matrix_document(answered.matrix)))
    assert data["version"] == 3
    vi = next(entry for entry in data["matrix"]["agreement"] if entry["person"] == "Vi")
    assert vi["answer"] == "objected" and vi["letters"][0]["letter"] == "R"
    doc = from_data(data)
    assert [entry.answer for entry in doc.agreement] == [
        entry["answer"] for entry in data["matrix"]["agreement"]
    ]


def test_older_versions_are_still_read_without_an_agreement(answered):
    data = to_data(matrix_document(answered.matrix))
    data["version"] = 2
    del data["matrix"]["agreement"]
    assert from_data(data).agreement == []
    data["version"] = 1
    assert from_data(data).agreement == []


def test_a_bad_answer_is_refused_with_a_message(answered):
    data = to_data(matrix_document(answered.matrix))
    data["matrix"]["agreement"][0]["answer"] = "maybe"
    with pytest.raises(ImportProblem, match='unknown answer "maybe"'):
        from_data(data)


def test_the_pdf_appendix_and_the_xlsx_sheet(answered):
    doc = matrix_document(answered.matrix)
    pages = PdfReader(io.BytesIO(write_pdf(doc))).pages
    text = " ".join(" ".join(page.extract_text() for page in pages).split())
    assert "Appendix: agreement" in text and "Agreed by 1 of 3." in text
    assert "QA signs off, not me" in text and "in the meeting on 20 November 2026" in text
    workbook = load_workbook(io.BytesIO(write_xlsx(doc)))
    sheet = workbook["Agreement"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=5, max_row=7)]
    assert rows[[r[0] for r in rows].index("Vi")][:3] == ["Vi", "vi", "Objected"]
    assert sheet["A2"].value == "At export: agreed by 1 of 3."
    # The workbook still imports as it did.
    assert read_xlsx(write_xlsx(doc)).activity_count == doc.activity_count


def test_a_share_links_exports_carry_no_agreement(answered):
    matrix = answered.matrix
    matrix.shared = True
    doc = matrix_document(matrix)
    assert doc.agreement == []
    assert "Agreement" not in load_workbook(io.BytesIO(write_xlsx(doc))).sheetnames
    assert json.loads(write_json(doc))["matrix"]["agreement"] == []
