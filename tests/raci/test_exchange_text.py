"""The CSV, JSON and Markdown writers and readers (plain Python: no database)."""

import copy
import csv
import dataclasses
import io
import json
from datetime import UTC, datetime

import pytest

from apps.raci.exchange.cells import neutralise, restore
from apps.raci.exchange.csvfile import read_csv, write_csv
from apps.raci.exchange.document import (
    DEFINITION_FIELDS,
    ActivityDoc,
    MatrixDocument,
    PhaseDoc,
    RoleDoc,
)
from apps.raci.exchange.jsonfile import FORMAT, VERSION, read_json, to_data, write_json
from apps.raci.exchange.markdown import write_markdown
from apps.raci.exchange.problems import ImportProblem
from apps.raci.exchange.tabular import DEFAULT_PHASE
from apps.raci.schemes import DACI, RACI, SCHEMES, Kind

R = RACI.code_for(Kind.RESPONSIBLE)
A = RACI.code_for(Kind.ACCOUNTABLE)
C = RACI.code_for(Kind.CONSULTED)
I = RACI.code_for(Kind.INFORMED)  # noqa: E741
NOT_A_LETTER = "X"
assert NOT_A_LETTER not in {code for scheme in SCHEMES.values() for code in scheme.codes}


def document(
    roles: list[str],
    rows: list[tuple[str, str, dict[str, str]]],
    *,
    scheme: str = "raci",
    title: str = "Launch plan",
) -> MatrixDocument:
    """A document from role names and (phase, activity, {role name: letter}) rows."""
    role_docs = [RoleDoc(key=f"role-{i}", name=name) for i, name in enumerate(roles)]
    keys = {role.name: role.key for role in role_docs}
    phases: dict[str, PhaseDoc] = {}
    for phase, activity, cells in rows:
        phases.setdefault(phase, PhaseDoc(phase)).activities.append(
            ActivityDoc(activity, cells={keys[name]: code for name, code in cells.items()})
        )
    return MatrixDocument(title=title, scheme=scheme, roles=role_docs, phases=[*phases.values()])


def sample() -> MatrixDocument:
    return document(
        ["Product Manager", "Engineering", "Sales"],
        [
            ("Strategy", "Define the vision", {"Product Manager": A, "Engineering": C}),
            ("Strategy", "Size the market", {"Sales": R, "Product Manager": A}),
            ("Delivery", "Build the release", {"Engineering": R, "Sales": I}),
            ("Delivery", "Nobody yet", {}),
        ],
    )


def table(doc: MatrixDocument) -> list[tuple[str, str, dict[str, str]]]:
    """The document as (phase, activity, {role name: letter}) rows, whatever the role keys."""
    names = {role.key: role.name for role in doc.roles}
    return [
        (phase.name, activity.name, {names[key]: code for key, code in activity.cells.items()})
        for phase, activity in doc.activities()
    ]


def problem(read, data: bytes, **kwargs) -> str:
    with pytest.raises(ImportProblem) as caught:
        read(data, **kwargs)
    return str(caught.value)


# -- CSV: writing -------------------------------------------------------------------------------


def test_it_writes_csv_with_a_bom_a_header_and_one_row_per_activity():
    doc = sample()
    text = write_csv(doc)
    assert text.startswith("\ufeff")
    assert text.encode("utf-8").startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(text.encode("utf-8").decode("utf-8-sig"))))
    assert rows[0] == ["Phase", "Activity", "Product Manager", "Engineering", "Sales"]
    assert rows[1:] == [
        ["Strategy", "Define the vision", A, C, ""],
        ["Strategy", "Size the market", A, "", R],
        ["Delivery", "Build the release", "", R, I],
        ["Delivery", "Nobody yet", "", "", ""],
    ]


def test_it_reads_back_the_csv_it_wrote():
    doc = sample()
    back = read_csv(write_csv(doc).encode(), title="Again")
    assert back.title == "Again"
    assert [role.name for role in back.roles] == [role.name for role in doc.roles]
    assert [phase.name for phase in back.phases] == ["Strategy", "Delivery"]
    assert table(back) == table(doc)


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_it_neutralises_formulas_in_csv_and_restores_them(start):
    doc = document(
        [f"{start}HYPERLINK(1)", "Sales"],
        [("Plan", f"{start}SUM(A1:A9)", {f"{start}HYPERLINK(1)": R, "Sales": A})],
    )
    text = write_csv(doc)
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0][2] == f"'{start}HYPERLINK(1)"
    assert rows[1][1] == f"'{start}SUM(A1:A9)"
    assert not any(
        cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row
    )

    back = read_csv(text.encode())
    # The apostrophe goes again. Cells are stripped on reading (hand-typed files are full of
    # stray spaces), so a leading tab or carriage return goes too; names in the app never
    # start with white space.
    assert [role.name for role in back.roles] == [f"{start}HYPERLINK(1)".strip(), "Sales"]
    assert table(back) == [
        ("Plan", f"{start}SUM(A1:A9)".strip(), {f"{start}HYPERLINK(1)".strip(): R, "Sales": A})
    ]


def test_it_neutralises_a_formula_in_the_phase_column_too():
    doc = document(["Sales"], [("=1+1", "Plan", {"Sales": R})])
    rows = list(csv.reader(io.StringIO(write_csv(doc).removeprefix("\ufeff"))))
    assert rows[1][0] == "'=1+1"
    assert table(read_csv(write_csv(doc).encode())) == [("=1+1", "Plan", {"Sales": R})]


def test_it_keeps_commas_quotes_newlines_html_and_other_scripts_through_csv():
    roles = [
        "Sales, EMEA",
        'The "A" team',
        "<script>alert(1)</script>",
        "Инженеры",
        "中文",
        "Café & Co",
    ]
    rows = [
        ("Фаза 1", 'Plan, then "ship"', {"Sales, EMEA": R, 'The "A" team': A}),
        ("Фаза 1", "Two\nlines", {"<script>alert(1)</script>": C}),
        ("Phase <b>2</b>", '"><img src=x onerror=alert(1)>', {"Инженеры": A, "中文": R}),
        ("Phase <b>2</b>", "Crème brûlée, ½ price", {"Café & Co": I, "Sales, EMEA": A}),
    ]
    doc = document(roles, rows)
    back = read_csv(write_csv(doc).encode())
    assert [role.name for role in back.roles] == roles
    assert table(back) == rows


# -- CSV: files typed by hand -------------------------------------------------------------------


def test_it_reads_headers_in_any_order_and_case_and_lowercase_letters():
    data = (
        f"sales,ACTIVITY,Engineering,phase\n"
        f"{R.lower()},Define the vision,{A.lower()},Strategy\n"
        f",Build the release,{R},Delivery\n"
    ).encode()
    doc = read_csv(data)
    assert [role.name for role in doc.roles] == ["sales", "Engineering"]
    assert table(doc) == [
        ("Strategy", "Define the vision", {"sales": R, "Engineering": A}),
        ("Delivery", "Build the release", {"Engineering": R}),
    ]
    assert doc.title == "Imported matrix"
    assert doc.scheme == "raci"


def test_it_reads_semicolon_separated_files_as_excel_writes_them_in_some_locales():
    data = (
        f"Phase;Activity;Sales;Engineering\r\n"
        f"Strategy;Plan, then review;{A};{C}\r\n"
        f"Delivery;Build;;{R}\r\n"
    ).encode("utf-8-sig")
    doc = read_csv(data)
    assert [role.name for role in doc.roles] == ["Sales", "Engineering"]
    assert table(doc) == [
        ("Strategy", "Plan, then review", {"Sales": A, "Engineering": C}),
        ("Delivery", "Build", {"Engineering": R}),
    ]


def test_it_ignores_trailing_blank_rows():
    data = f"Activity,Sales\nPlan,{R}\nShip,{A}\n\n,\n , \n\n".encode()
    assert table(read_csv(data)) == [
        (DEFAULT_PHASE, "Plan", {"Sales": R}),
        (DEFAULT_PHASE, "Ship", {"Sales": A}),
    ]


def test_it_puts_activities_into_one_phase_when_there_is_no_phase_column():
    doc = read_csv(f"Activity,Sales,Legal\nPlan,{R},{C}\nShip,,{A}\n".encode())
    assert DEFAULT_PHASE == "Activities"
    assert [phase.name for phase in doc.phases] == ["Activities"]
    assert [activity.name for activity in doc.phases[0].activities] == ["Plan", "Ship"]


def test_it_takes_the_first_column_as_the_activity_when_none_is_named():
    doc = read_csv(f"Task,Sales\nPlan,{R}\n".encode())
    assert [role.name for role in doc.roles] == ["Sales"]
    assert table(doc) == [(DEFAULT_PHASE, "Plan", {"Sales": R})]


def test_it_reads_other_schemes_letters_when_told_the_scheme():
    driver = DACI.code_for(Kind.RESPONSIBLE)
    doc = read_csv(f"Activity,Sales\nDecide,{driver}\n".encode(), scheme="daci")
    assert doc.scheme == "daci"
    assert table(doc) == [(DEFAULT_PHASE, "Decide", {"Sales": driver})]


# -- CSV: errors --------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"   \r\n\n", "\ufeff".encode()])
def test_it_refuses_an_empty_csv(data):
    assert problem(read_csv, data) == "The file is empty."


def test_it_refuses_a_csv_that_is_only_empty_cells():
    assert problem(read_csv, b",,\n,,\n") == "The file is empty."


def test_it_refuses_a_csv_that_is_not_utf8():
    data = f"Activity,Sales\nCafé,{R}\n".encode("latin-1")
    message = problem(read_csv, data)
    assert message == (
        "The file is not UTF-8 text (byte 19 is not valid); save it from your spreadsheet as "
        "CSV UTF-8."
    )


def test_it_names_the_row_and_column_of_an_unknown_letter():
    lines = ["Activity,Engineering,Sales"]
    lines += [f"Activity {n},{R},{A}" for n in range(2, 7)]
    lines.append(f"Activity 7,{R},{NOT_A_LETTER.lower()}")
    message = problem(read_csv, "\n".join(lines).encode())
    assert message.startswith(f'unknown letter "{NOT_A_LETTER}" in row 7, column "Sales"')
    assert message.endswith(f"{RACI.name} uses {', '.join(RACI.codes)}")


def test_it_refuses_a_duplicate_activity_naming_both_rows():
    data = f"Activity,Sales\nPlan,{R}\nShip,{A}\nplan,{C}\n".encode()
    assert problem(read_csv, data) == 'row 4: duplicate activity "plan" (also in row 2)'


def test_it_refuses_a_header_without_role_columns():
    message = problem(read_csv, b"Phase,Activity\nStrategy,Plan\n")
    assert message.startswith("row 1: No role columns")
    assert "one column per role" in message


def test_it_refuses_two_columns_for_one_role():
    message = problem(read_csv, f"Activity,Sales,SALES\nPlan,{R},{A}\n".encode())
    assert message == 'row 1: the role "SALES" has two columns'


def test_it_refuses_letters_without_an_activity_name():
    data = f"Activity,Sales\nPlan,{R}\n ,{A}\n".encode()
    assert problem(read_csv, data) == "row 3: the activity name is empty"


def test_it_refuses_a_header_without_activities():
    assert (
        problem(read_csv, b"Activity,Sales\n\n") == "The file has a header row but no activities."
    )


def test_it_refuses_a_binary_file_as_csv():
    assert problem(read_csv, b"Activity,Sales\x00\n") == "This does not look like a CSV file."


@pytest.mark.parametrize(
    ("roles", "rows"),
    [
        (["Sales", "Engineering"], [("-1 Prep", "Plan", {}), ("+1 Follow-up", "Ship", {})]),
        (["Sales"], [("Plan", "Kick-off", {"Sales": R}), ("Plan", "'Go/no-go'", {"Sales": A})]),
        (["Marketing, PR; Comms"], [("Plan", "Draft; review", {"Marketing, PR; Comms": R})]),
        (['Legal "EMEA"'], [("Plan", "Review", {'Legal "EMEA"': A})]),
    ],
    ids=["neutralised-phase", "quoted-activity", "comma-and-semicolon", "quoted-last-role"],
)
def test_it_reads_back_every_csv_it_wrote(roles, rows):
    back = read_csv(write_csv(document(roles, rows)).encode())
    assert [role.name for role in back.roles] == roles
    assert table(back) == rows


def test_it_keeps_a_leading_apostrophe_that_is_part_of_a_name():
    assert restore(neutralise("'=x")) == "'=x"
    doc = document(["Sales", "'+1 crew"], [("Plan", "Draft", {"'+1 crew": R})])
    back = read_csv(write_csv(doc).encode())
    assert [role.name for role in back.roles] == ["Sales", "'+1 crew"]


def test_it_stops_reading_at_the_first_blank_row_after_the_activities():
    # As read_xlsx documents: notes or totals under the table are not taken for activities.
    # The rows after a blank row are dropped without a message (the preview shows the count).
    data = f"Activity,Sales\nPlan,{R}\n\nShip,{A}\nTotal,3\n".encode()
    assert table(read_csv(data)) == [(DEFAULT_PHASE, "Plan", {"Sales": R})]


# -- JSON ---------------------------------------------------------------------------------------


def full_document() -> MatrixDocument:
    daci = {kind: DACI.code_for(kind) for kind in Kind if DACI.code_for(kind)}
    return MatrixDocument(
        title='Decisions <script>alert(1)</script> "quoted"',
        scheme="daci",
        description="Who decides what.\nSecond line, é, Ж, 中.",
        roles=[
            RoleDoc(
                key="product-manager",
                name="Product Manager",
                short_label="PdM",
                kind="core",
                summary="Decides what to build and why.",
                **{field: f"{field} text\nline two" for field in DEFINITION_FIELDS},
            ),
            RoleDoc(key="sales", name="=Sales, EMEA", kind="custom"),
            RoleDoc(key="legal", name="Legal", short_label="Lgl", kind="supporting"),
        ],
        phases=[
            PhaseDoc(
                "Strategy",
                [
                    ActivityDoc(
                        "Set the price",
                        description="With finance.\nQuarterly.",
                        cells={
                            "product-manager": daci[Kind.RESPONSIBLE],
                            "sales": daci[Kind.ACCOUNTABLE],
                            "legal": daci[Kind.CONSULTED],
                        },
                        notes={"sales": "Signs off with the CFO.", "legal": "If > 1M €"},
                    ),
                    ActivityDoc("Announce", cells={"legal": daci[Kind.INFORMED]}),
                ],
            ),
            PhaseDoc("Empty phase"),
            PhaseDoc("Later", [ActivityDoc("Nothing assigned")]),
        ],
        accountable_does_work=True,
        overload_percent=35,
        slug="decisions",
        exported_at=datetime(2026, 11, 22, 10, 15, 30, 123456, tzinfo=UTC),
    )


def test_it_reads_back_the_json_it_writes():
    doc = full_document()
    text = write_json(doc)
    assert json.loads(text)["format"] == FORMAT
    assert json.loads(text)["version"] == VERSION
    assert "中" in text  # written as UTF-8, not \u escapes
    assert read_json(text.encode()) == doc


def test_it_leaves_findings_out_of_the_json_and_ignores_them_on_reading():
    doc = full_document()
    with_findings = dataclasses.replace(doc, findings=[object()])
    assert write_json(with_findings) == write_json(doc)


def test_the_title_given_on_import_replaces_the_files():
    back = read_json(write_json(full_document()).encode(), title="New title")
    assert back.title == "New title"


def test_it_reads_json_with_a_bom_and_without_optional_fields():
    data = {
        "format": FORMAT,
        "version": VERSION,
        "matrix": {
            "title": "Minimal",
            "roles": [{"key": "s", "name": "Sales"}],
            "phases": [{"name": "P", "activities": [{"name": "Plan", "cells": {"s": R}}]}],
        },
    }
    doc = read_json(("\ufeff" + json.dumps(data)).encode())
    assert doc.scheme == "raci"
    assert doc.overload_percent == 50
    assert doc.accountable_does_work is False
    assert doc.exported_at is None
    assert table(doc) == [("P", "Plan", {"Sales": R})]


def json_problem(change) -> str:
    data = copy.deepcopy(to_data(full_document()))
    change(data)
    return problem(read_json, json.dumps(data).encode())


def test_it_refuses_empty_json():
    assert problem(read_json, b"  \n") == "The file is empty."


def test_it_refuses_invalid_json_saying_where():
    message = problem(read_json, b'{\n  "format": "raci-builder/matrix",\n  "version": 1,,\n}')
    assert message.startswith("This is not valid JSON (line 3, column 16:")


def test_it_refuses_json_that_is_not_utf8():
    assert problem(read_json, '{"title": "Café"}'.encode("latin-1")) == (
        "The file is not UTF-8 text."
    )


@pytest.mark.parametrize(
    "change",
    [
        lambda data: data.update(format="something/else"),
        lambda data: data.pop("format"),
    ],
)
def test_it_refuses_json_without_the_format_marker(change):
    assert json_problem(change) == (
        'This JSON is not a RACI Builder matrix (no "format": "raci-builder/matrix").'
    )


def test_it_refuses_a_json_list():
    message = problem(read_json, b"[1, 2]")
    assert message.startswith("This JSON is not a RACI Builder matrix")


def test_it_refuses_an_unsupported_version():
    assert json_problem(lambda data: data.update(version=4)) == (
        "This file is format version 4; this RACI Builder reads versions 1, 2 and 3."
    )


def test_it_refuses_an_unknown_scheme():
    message = json_problem(lambda data: data["matrix"].update(scheme="moscow"))
    assert message == 'unknown scheme "moscow"; use one of raci, rasci, daci'


def test_it_refuses_an_unknown_letter_saying_where():
    def change(data):
        data["matrix"]["phases"][2]["activities"][0]["cells"] = {"legal": NOT_A_LETTER}

    assert json_problem(change) == (
        f'phase 3, activity 1: unknown letter "{NOT_A_LETTER}" for role "legal"; '
        f"{DACI.name} uses {', '.join(DACI.codes)}"
    )


def test_it_refuses_a_letter_of_another_scheme():
    support = SCHEMES["rasci"].code_for(Kind.SUPPORT)
    assert not DACI.has(support)

    def change(data):
        data["matrix"]["phases"][0]["activities"][1]["cells"] = {"legal": support}

    assert json_problem(change).startswith(f'phase 1, activity 2: unknown letter "{support}"')


@pytest.mark.parametrize("field", ["cells", "notes"])
def test_it_refuses_cells_and_notes_of_an_unknown_role(field):
    def change(data):
        data["matrix"]["phases"][0]["activities"][1][field] = {"nobody": "x"}

    assert json_problem(change) == f'phase 1, activity 2: {field} name an unknown role "nobody"'


def test_it_refuses_a_duplicate_activity_across_phases():
    def change(data):
        data["matrix"]["phases"][2]["activities"][0]["name"] = "SET THE PRICE"

    assert json_problem(change) == 'phase 3, activity 1: duplicate activity "SET THE PRICE"'


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["matrix"]["roles"][1].pop("name"), 'role 2: "name" is missing'),
        (lambda d: d["matrix"]["roles"][0].update(name="  "), 'role 1: "name" is empty'),
        (lambda d: d["matrix"]["roles"][0].update(name=7), 'role 1: "name" must be text'),
        (
            lambda d: d["matrix"]["phases"][0]["activities"][0].pop("name"),
            'phase 1, activity 1: "name" is missing',
        ),
        (lambda d: d["matrix"]["phases"][1].pop("name"), 'phase 2: "name" is missing'),
        (lambda d: d["matrix"].pop("title"), 'matrix: "title" is missing'),
        (lambda d: d.pop("matrix"), 'the file: "matrix" is missing or not an object'),
    ],
    ids=["role", "empty-role", "role-not-text", "activity", "phase", "title", "matrix"],
)
def test_it_refuses_a_missing_name(change, message):
    assert json_problem(change) == message


def test_it_refuses_two_roles_with_one_key_or_one_name():
    def same_key(data):
        data["matrix"]["roles"][2]["key"] = "sales"

    def same_name(data):
        data["matrix"]["roles"][2]["name"] = "product manager"

    assert json_problem(same_key) == "two roles share a key"
    assert json_problem(same_name) == "two roles share a name"


@pytest.mark.parametrize("percent", [0, 101, "50", True, 12.5])
def test_it_refuses_an_overload_percent_out_of_range(percent):
    message = json_problem(lambda data: data["matrix"]["options"].update(overload_percent=percent))
    assert message == '"overload_percent" must be a whole number from 1 to 100'


def test_it_ignores_or_names_a_malformed_export_time():
    data = to_data(full_document())
    data["exported_at"] = "last Tuesday"
    try:
        doc = read_json(json.dumps(data).encode())
    except ImportProblem:
        return
    assert doc.title == full_document().title


# -- Markdown -----------------------------------------------------------------------------------


def markdown_rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("|")]


def split_row(line: str) -> list[str]:
    """The cells of a table row, splitting on pipes that are not escaped."""
    cells, cell, escaped = [], "", False
    for char in line.strip()[1:-1]:
        if char == "|" and not escaped:
            cells.append(cell.strip())
            cell = ""
        else:
            cell += char
        escaped = char == "\\" and not escaped
    return [*cells, cell.strip()]


def test_it_writes_a_markdown_table_with_one_row_per_activity():
    doc = sample()
    text = write_markdown(doc)
    assert text.startswith("# Launch plan\n")
    rows = markdown_rows(text)
    assert split_row(rows[0]) == ["Phase", "Activity", "Product Manager", "Engineering", "Sales"]
    assert split_row(rows[1]) == ["---", "---", ":-:", ":-:", ":-:"]
    assert [split_row(row) for row in rows[2:]] == [
        ["Strategy", "Define the vision", A, C, ""],
        ["Strategy", "Size the market", A, "", R],
        ["Delivery", "Build the release", "", R, I],
        ["Delivery", "Nobody yet", "", "", ""],
    ]


def test_it_escapes_pipes_html_and_folds_newlines_in_markdown():
    doc = document(
        ["A|B", "<script>alert(1)</script>"],
        [
            ("Plan | do", "Two\nlines\r\n  here", {"A|B": R}),
            ("Plan | do", '"><img src=x onerror=alert(1)>', {"<script>alert(1)</script>": A}),
            ("Plan | do", "R&D", {}),
        ],
        title="<b>Title</b>\nwith | pipe",
    )
    doc.description = "Line one\nline <i>two</i>"
    text = write_markdown(doc)
    assert "<" not in text and ">" not in text
    assert text.startswith("# &lt;b&gt;Title&lt;/b&gt; with \\| pipe\n")
    assert "Line one line &lt;i&gt;two&lt;/i&gt;" in text
    rows = markdown_rows(text)
    assert len(rows) == 2 + doc.activity_count
    assert all(len(split_row(row)) == 4 for row in rows)
    assert split_row(rows[0])[2:] == ["A\\|B", "&lt;script&gt;alert(1)&lt;/script&gt;"]
    assert split_row(rows[2])[:2] == ["Plan \\| do", "Two lines here"]
    assert split_row(rows[3])[1] == '"&gt;&lt;img src=x onerror=alert(1)&gt;'
    assert split_row(rows[4])[1] == "R&amp;D"


def test_it_uses_short_labels_in_the_markdown_header_and_explains_them():
    doc = sample()
    doc.roles[0].short_label = "PdM"
    doc.roles[1].short_label = "Engineering"
    text = write_markdown(doc)
    assert split_row(markdown_rows(text)[0])[2:] == ["PdM", "Engineering", "Sales"]
    assert text.rstrip().splitlines()[-1] == "**Roles:** PdM = Product Manager"


@pytest.mark.parametrize("scheme", SCHEMES.values(), ids=list(SCHEMES))
def test_it_ends_the_markdown_with_a_legend_of_the_schemes_letters(scheme):
    doc = document(["Sales"], [("Plan", "Decide", {"Sales": scheme.codes[0]})], scheme=scheme.key)
    legend = write_markdown(doc).rstrip().splitlines()[-1]
    assert legend.startswith(f"**{scheme.name}:** ")
    for letter in scheme.letters:
        assert f"**{letter.code}** {letter.name}" in legend
    assert legend.count("**") == 2 * (len(scheme.letters) + 1)
