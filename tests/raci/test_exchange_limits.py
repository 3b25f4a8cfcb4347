"""Hostile or oversized files meet a clear ImportProblem, quickly and in bounded memory.

Each reader refuses what no matrix could be: JSON nested deeper than the format, spreadsheets
larger than an import may hold (rows and columns), before doing work in proportion to what the
file claims.
"""

import io
import json
import time
import tracemalloc
import zipfile

import pytest
from openpyxl.utils import get_column_letter

from apps.raci.exchange import limits
from apps.raci.exchange.csvfile import read_csv
from apps.raci.exchange.jsonfile import MAX_DEPTH, from_data, read_json, to_data
from apps.raci.exchange.problems import ImportProblem
from apps.raci.exchange.xlsx import read_xlsx
from tests.raci.test_exchange_text import sample

TOO_DEEP = "nests too deeply"


def header(matrix_json: str) -> bytes:
    return (
        '{"format": "raci-builder/matrix", "version": 1, "matrix": ' + matrix_json + "}"
    ).encode()


@pytest.mark.parametrize(
    "data",
    [
        b"[" * 200_000 + b"]" * 200_000,
        b'{"a": ' * 100_000 + b"1" + b"}" * 100_000,
        header('{"a": ' * 100_000 + "1" + "}" * 100_000),
        header('{"title": "T", "phases": [' + "[" * 50_000 + "]" * 50_000 + "]}"),
    ],
    ids=["lists", "objects", "matrix-value", "inside-phases"],
)
def test_it_refuses_json_nested_too_deeply_with_a_clear_message(data):
    with pytest.raises(ImportProblem, match=TOO_DEEP):
        read_json(data)


def test_it_refuses_json_nested_deeper_than_the_format_even_when_python_could_parse_it():
    """The limit is the format's, not the interpreter's recursion limit: a file is refused
    the same way whatever the stack depth at which it is read."""
    nested = "1"
    for _ in range(MAX_DEPTH):
        nested = '{"a": ' + nested + "}"
    data = header('{"title": "T", "options": ' + nested + "}")
    json.loads(data)  # valid JSON
    with pytest.raises(ImportProblem, match=TOO_DEEP):
        read_json(data)
    with pytest.raises(ImportProblem, match=TOO_DEEP):
        from_data(json.loads(data))


def test_it_still_reads_every_level_the_format_uses():
    doc = sample()
    doc.roles[0].focus = "Outcomes"  # the definition object: the deepest level but one
    doc.phases[0].activities[0].notes[doc.roles[0].key] = "Signs off"
    back = read_json(json.dumps(to_data(doc)).encode())
    assert back.roles == doc.roles
    assert back.phases == doc.phases


# --- Spreadsheets ------------------------------------------------------------------------------

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def workbook_zip(
    sheet_xml: str, *, styles: str = "", strings: str = "", strings_at="xl/sharedStrings.xml"
) -> bytes:
    """A minimal .xlsx built by hand, with one sheet holding ``sheet_xml`` (its <sheetData> and
    anything around it), and optionally a styles and a shared strings part."""
    overrides = [("/xl/workbook.xml", "sheet.main"), ("/xl/worksheets/sheet1.xml", "worksheet")]
    relations = [("worksheet", "worksheets/sheet1.xml")]
    parts = {
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">{sheet_xml}'
            "</worksheet>"
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="{OFFICE_RELS}"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
            f'Type="{OFFICE_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
    }
    if styles:
        parts["xl/styles.xml"] = f'<styleSheet xmlns="{MAIN}">{styles}</styleSheet>'
        overrides.append(("/xl/styles.xml", "styles"))
        relations.append(("styles", "styles.xml"))
    if strings:
        parts[strings_at] = f'<sst xmlns="{MAIN}">{strings}</sst>'
        overrides.append((f"/{strings_at}", "sharedStrings"))
        relations.append(("sharedStrings", strings_at.removeprefix("xl/")))
    parts["xl/_rels/workbook.xml.rels"] = (
        f'<Relationships xmlns="{RELS}">'
        + "".join(
            f'<Relationship Id="rId{n}" Type="{OFFICE_RELS}/{kind}" Target="{target}"/>'
            for n, (kind, target) in enumerate(relations, 1)
        )
        + "</Relationships>"
    )
    parts["[Content_Types].xml"] = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        + "".join(
            f'<Override PartName="{name}" ContentType="application/'
            f'vnd.openxmlformats-officedocument.spreadsheetml.{kind}+xml"/>'
            for name, kind in overrides
        )
        + "</Types>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


def cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def table_rows(rows: list[list[str]], *, first: int = 1) -> str:
    return "".join(
        f'<row r="{number}">'
        + "".join(
            cell(f"{get_column_letter(column)}{number}", text)
            for column, text in enumerate(texts, 1)
            if text
        )
        + "</row>"
        for number, texts in enumerate(rows, first)
    )


def corner_file(corner: str) -> bytes:
    """One cell at A1 and one at ``corner``, with the used range declared from A1 to it: the
    file is 1.5 KB; the range it declares may be the whole sheet."""
    number = int("".join(ch for ch in corner if ch.isdigit()))
    return workbook_zip(
        f'<dimension ref="A1:{corner}"/><sheetData><row r="1">{cell("A1", "Activity")}</row>'
        f'<row r="{number}">{cell(corner, "x")}</row></sheetData>'
    )


HOSTILE_CORNERS = {"whole-sheet": "XFD1048576", "column-500": f"{get_column_letter(500)}2000"}


def measured(read, data: bytes):
    """(the exception ``read(data)`` raised, seconds taken, peak bytes allocated)."""
    started = time.perf_counter()
    with pytest.raises(ImportProblem) as raised:
        read(data)
    seconds = time.perf_counter() - started
    tracemalloc.start()
    try:
        with pytest.raises(ImportProblem):
            read(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return raised.value, seconds, peak


@pytest.mark.parametrize("corner", sorted(HOSTILE_CORNERS.values()))
def test_it_refuses_a_sheet_whose_content_lies_beyond_the_limits_at_once(corner):
    data = corner_file(corner)
    assert len(data) < 2_000
    problem, seconds, peak = measured(read_xlsx, data)
    assert seconds < 1
    assert peak < 20_000_000
    message = str(problem)
    assert corner in message
    assert f"at most {limits.MAX_ROLES} roles" in message


def test_it_reads_a_table_whatever_range_the_sheet_declares():
    """Only the cells the file holds are read: not the whole declared range."""
    rows = [["Activity", "Dev", "Ops"], ["Build", "R", "A"], ["Run", "", "R"]]
    data = workbook_zip(
        f'<dimension ref="A1:XFD1048576"/><sheetData>{table_rows(rows)}'
        f'<row r="1048576">{cell("A1048576", "A note far below")}</row></sheetData>'
    )
    started = time.perf_counter()
    doc = read_xlsx(data)
    assert time.perf_counter() - started < 1
    assert [role.name for role in doc.roles] == ["Dev", "Ops"]
    assert [activity.name for _, activity in doc.activities()] == ["Build", "Run"]


def test_it_refuses_more_activities_than_an_import_takes():
    rows = [["Activity", "Dev"], *([f"Task {n}", "R"] for n in range(limits.MAX_ACTIVITIES + 1))]
    with pytest.raises(ImportProblem, match=f"more than {limits.MAX_ACTIVITIES:,} activities"):
        read_xlsx(workbook_zip(f"<sheetData>{table_rows(rows)}</sheetData>"))
    text = "\n".join(",".join(row) for row in rows).encode()
    with pytest.raises(ImportProblem, match=f"more than {limits.MAX_ACTIVITIES:,} activities"):
        read_csv(text)


def test_it_refuses_more_roles_than_an_import_takes():
    header = ["Activity", *(f"Role {n}" for n in range(limits.MAX_ROLES + 1))]
    rows = [header, ["Build", "R"]]
    with pytest.raises(ImportProblem, match=f"more than {limits.MAX_ROLES} roles"):
        read_xlsx(workbook_zip(f"<sheetData>{table_rows(rows)}</sheetData>"))
    with_phase = [["Phase", *header], ["P", "Build", "R"]]
    last = get_column_letter(limits.MAX_ROLES + 2)  # Phase, Activity and the roles
    with pytest.raises(
        ImportProblem, match=f"at most {limits.MAX_ROLES} roles, up to column {last}"
    ):
        read_xlsx(workbook_zip(f"<sheetData>{table_rows(with_phase)}</sheetData>"))
    text = "\n".join(",".join(row) for row in rows).encode()
    with pytest.raises(ImportProblem, match=f"more than {limits.MAX_ROLES} roles"):
        read_csv(text)


def test_it_reads_a_table_at_the_limits():
    header = ["Phase", "Activity", *(f"Role {n}" for n in range(limits.MAX_ROLES))]
    rows = [header, *(["P", f"Task {n}", "R"] for n in range(limits.MAX_ACTIVITIES))]
    doc = read_xlsx(workbook_zip(f"<sheetData>{table_rows(rows)}</sheetData>"))
    assert doc.activity_count == limits.MAX_ACTIVITIES
    assert len(doc.roles) == limits.MAX_ROLES


@pytest.mark.parametrize(
    "part",
    [
        # Every formatted but empty cell of the whole sheet's first rows: each is parsed.
        "sheet:"
        + "".join(
            f'<row r="{n}">' + f'<c r="A{n}" s="0"/>' * 10_000 + "</row>" for n in range(1, 201)
        ),
        # Styles openpyxl would build one by one.
        "styles:<cellXfs>" + '<xf numFmtId="0" fontId="0"/>' * 300_000 + "</cellXfs>",
        # Shared strings, likewise.
        "strings:" + "<si><t>a</t></si>" * 1_000_000,
    ],
    ids=["empty-cells", "styles", "shared-strings"],
)
def test_it_refuses_parts_that_hold_more_than_a_matrix_needs_quickly(part):
    kind, xml = part.split(":", 1)
    table = table_rows([["Activity", "Dev"], ["Build", "R"]])
    if kind == "sheet":
        data = workbook_zip(f"<sheetData>{xml}</sheetData>")
    else:
        data = workbook_zip(f"<sheetData>{table}</sheetData>", **{kind: xml})
    assert len(data) < 200_000
    problem, seconds, peak = measured(read_xlsx, data)
    # No longer than the largest sheet an import takes (1.5 s here, alone; generous for a
    # busy machine): what matters is that it stops, early.
    assert seconds < 10
    assert peak < 50_000_000
    assert "holds more than an import can use" in str(problem)


def test_it_checks_a_part_whatever_name_the_file_gives_it():
    """Shared strings are found by the name the file gives them: named like a sheet (whose
    parts are streamed instead), they are checked all the same."""
    table = table_rows([["Activity", "Dev"], ["Build", "R"]])
    data = workbook_zip(
        f"<sheetData>{table}</sheetData>",
        strings="<si><t>a</t></si>" * 1_000_000,
        strings_at="xl/worksheets/sheet9.xml",
    )
    problem, seconds, _ = measured(read_xlsx, data)
    assert seconds < 1
    assert "The part xl/worksheets/sheet9.xml" in str(problem)
