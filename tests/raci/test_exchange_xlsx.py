"""The Excel export and import (apps/raci/exchange/xlsx/): plain Python, no database."""

import io
import zipfile
from datetime import datetime

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment

from apps.raci.exchange.document import (
    DEFINITION_FIELDS,
    DEFINITION_LABELS,
    ActivityDoc,
    MatrixDocument,
    PhaseDoc,
    RoleDoc,
)
from apps.raci.exchange.problems import ImportProblem
from apps.raci.exchange.xlsx import read_xlsx, write_xlsx
from apps.raci.rules import Finding, Severity
from apps.raci.schemes import RACI, SCHEMES, get_scheme

HEADER_ROW = 4  # title, scheme line, description, then the header


def build(
    activities: int = 7,
    roles: int = 4,
    *,
    scheme: str = "raci",
    phases: int = 3,
    role_names: list[str] | None = None,
    activity_names: list[str] | None = None,
) -> MatrixDocument:
    """A document with ``activities`` rows over ``phases`` phases and ``roles`` columns.

    Letters cycle through the scheme's letters (some cells left empty); the first activity has
    a note and a description; every role has a short label and a full definition.
    """
    codes = get_scheme(scheme).codes
    names = role_names or [f"Role {i}" for i in range(1, roles + 1)]
    role_docs = [
        RoleDoc(
            key=f"role-{i}",
            name=name,
            short_label=f"R{i}",
            kind=("core", "supporting", "custom")[i % 3],
            summary=f"Summary of {name}.",
            **{field: f"{DEFINITION_LABELS[field]} of {name}" for field in DEFINITION_FIELDS},
        )
        for i, name in enumerate(names, start=1)
    ]
    role_docs[0].key_responsibilities = "First duty\nSecond duty"
    titles = activity_names or [f"Activity {i}" for i in range(1, activities + 1)]
    phase_docs = [PhaseDoc(f"Phase {p}") for p in range(1, min(phases, len(titles)) + 1)]
    for i, name in enumerate(titles):
        cells = {
            role.key: codes[(i + j) % len(codes)]
            for j, role in enumerate(role_docs)
            if (i + j) % 3  # leave some cells empty
        }
        phase_docs[i * len(phase_docs) // len(titles)].activities.append(
            ActivityDoc(name=name, cells=cells)
        )
    first = phase_docs[0].activities[0]
    first.description = "What this activity is about."
    first.notes[role_docs[min(1, len(role_docs) - 1)].key] = "Only for releases.\nAsk first."
    return MatrixDocument(
        title="Website relaunch",
        scheme=scheme,
        description="Who does what when we relaunch.",
        roles=role_docs,
        phases=phase_docs,
        accountable_does_work=True,
        overload_percent=35,
        slug="website-relaunch",
        exported_at=datetime(2026, 3, 4, 10, 30),
        findings=[
            Finding(Severity.ERROR, "activity.missing_accountable", "Nobody is accountable.", 1),
            Finding(Severity.WARNING, "role.unused", "Role 4 has no letter.", None, 4),
            Finding(Severity.INFO, "activity.no_consulted_or_informed", "=1+2 is odd."),
        ],
    )


def workbook_of(doc: MatrixDocument):
    return load_workbook(io.BytesIO(write_xlsx(doc)))


def xlsx_bytes(rows: list[list], *, sheet: str = "Sheet") -> bytes:
    """A hand-typed workbook: the rows as given (None for an empty cell)."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def shape(doc: MatrixDocument):
    """What a round trip must keep, with role keys replaced by role names."""
    names = {role.key: role.name for role in doc.roles}
    return [
        (
            phase.name,
            [
                (
                    activity.name,
                    activity.description,
                    {names[key]: code for key, code in activity.cells.items()},
                    {names[key]: note for key, note in activity.notes.items()},
                )
                for activity in phase.activities
            ],
        )
        for phase in doc.phases
    ]


def roles_of(doc: MatrixDocument):
    return [
        (
            role.name,
            role.short_label,
            role.kind,
            role.summary,
            *(getattr(role, field) for field in DEFINITION_FIELDS),
        )
        for role in doc.roles
    ]


def problem(data: bytes, **kwargs) -> str:
    with pytest.raises(ImportProblem) as caught:
        read_xlsx(data, **kwargs)
    return str(caught.value)


# -- writer -------------------------------------------------------------------------------------


def test_it_writes_the_header_and_every_letter():
    doc = build(activities=10, roles=5)
    ws = workbook_of(doc)["Matrix"]
    assert ws.cell(1, 1).value == "Website relaunch"
    assert ws.cell(1, 1).font.b
    assert "RACI" in ws.cell(2, 1).value
    assert "2026-03-04" in ws.cell(2, 1).value
    assert ws.cell(3, 1).value == "Who does what when we relaunch."
    header = [cell.value for cell in ws[HEADER_ROW]]
    assert header == ["Phase", "Activity", *(role.name for role in doc.roles)]
    row = HEADER_ROW
    for phase, activity in doc.activities():
        row += 1
        assert ws.cell(row, 1).value == phase.name  # on every row, not only the first
        assert ws.cell(row, 2).value == activity.name
        for column, role in enumerate(doc.roles, start=3):
            assert ws.cell(row, column).value == activity.cells.get(role.key)
    assert ws.cell(row + 1, 1).value is None  # the empty row before the legend


def test_it_colours_letters_as_the_app_does():
    doc = build(scheme="rasci", activities=12, roles=5)
    ws = workbook_of(doc)["Matrix"]
    seen = set()
    for row in ws.iter_rows(min_row=HEADER_ROW + 1, max_row=HEADER_ROW + 12, min_col=3):
        for cell in row:
            if cell.value:
                letter = get_scheme("rasci").letter(cell.value)
                assert cell.fill.fill_type == "solid"
                assert cell.fill.fgColor.rgb.lower().endswith(letter.color[1:].lower())
                assert cell.font.color.rgb.lower().endswith(letter.ink[1:].lower())
                assert cell.font.b
                assert cell.alignment.horizontal == "center"
                seen.add(cell.value)
    assert seen == set(get_scheme("rasci").codes)


def test_it_freezes_the_header_and_the_name_columns():
    ws = workbook_of(build())["Matrix"]
    assert ws.freeze_panes == f"C{HEADER_ROW + 1}"


def test_it_sizes_columns_to_the_names():
    doc = build(activity_names=["Short", "A" * 45, "B" * 200], roles=2)
    ws = workbook_of(doc)["Matrix"]
    assert ws.column_dimensions["B"].width == 60  # capped
    doc = build(activity_names=["Short", "A" * 30], roles=2)
    ws = workbook_of(doc)["Matrix"]
    assert 30 < ws.column_dimensions["B"].width < 40
    assert ws.cell(HEADER_ROW, 3).alignment.wrap_text


def test_it_writes_a_legend_below_the_table():
    doc = build(activities=4)
    ws = workbook_of(doc)["Matrix"]
    legend = HEADER_ROW + doc.activity_count + 2
    assert ws.cell(legend, 1).value == "Legend"
    for row, letter in enumerate(RACI.letters, start=legend + 1):
        assert ws.cell(row, 1).value == letter.code
        assert ws.cell(row, 1).fill.fgColor.rgb.lower().endswith(letter.color[1:])
        assert ws.cell(row, 2).value == letter.name
        assert ws.cell(row, 3).value == letter.question


def test_it_writes_notes_and_descriptions_as_comments():
    doc = build()
    ws = workbook_of(doc)["Matrix"]
    note = ws.cell(HEADER_ROW + 1, 4).comment
    assert note.text == "Only for releases.\nAsk first."
    assert note.author == "RACI Builder"
    assert ws.cell(HEADER_ROW + 1, 2).comment.text == "What this activity is about."
    assert ws.cell(HEADER_ROW + 2, 4).comment is None


def test_it_writes_the_roles_sheet():
    doc = build(roles=3)
    ws = workbook_of(doc)["Roles"]
    labels = [DEFINITION_LABELS[field] for field in DEFINITION_FIELDS]
    assert [cell.value for cell in ws[1]] == ["Name", "Short label", "Kind", "Summary", *labels]
    for row, role in enumerate(doc.roles, start=2):
        values = [cell.value for cell in ws[row]]
        assert values[:4] == [role.name, role.short_label, role.kind, role.summary]
        assert values[4:] == [getattr(role, field) for field in DEFINITION_FIELDS]
        assert ws.cell(row, 5).alignment.wrap_text
    assert ws.cell(2, 4 + DEFINITION_FIELDS.index("key_responsibilities") + 1).value == (
        "First duty\nSecond duty"
    )


def test_it_writes_the_findings_sheet():
    doc = build()
    ws = workbook_of(doc)["Findings"]
    text = [[cell.value for cell in row] for row in ws.iter_rows()]
    assert "1 error, 1 warning, 1 info" in text[1][0]
    assert text[3] == ["Severity", "Rule", "Message"]
    assert text[4] == ["Error", "activity.missing_accountable", "Nobody is accountable."]
    assert text[5] == ["Warning", "role.unused", "Role 4 has no letter."]
    assert text[6] == ["Info", "activity.no_consulted_or_informed", "=1+2 is odd."]


def test_it_says_when_there_are_no_findings():
    doc = build()
    doc.findings = []
    ws = workbook_of(doc)["Findings"]
    assert "passed every check" in ws.cell(2, 1).value
    assert ws.max_row == 4


def test_it_writes_an_empty_matrix():
    doc = MatrixDocument(title="Empty")
    workbook = workbook_of(doc)
    ws = workbook["Matrix"]
    assert [ws.cell(HEADER_ROW, column).value for column in (1, 2, 3)] == [
        "Phase",
        "Activity",
        None,
    ]
    assert ws.cell(HEADER_ROW + 2, 1).value == "Legend"
    assert "No role columns" in problem(write_xlsx(doc))
    doc.roles = [RoleDoc(key="sales", name="Sales")]
    assert "no activities" in problem(write_xlsx(doc))  # the legend is not read as activities


def test_it_drops_characters_a_spreadsheet_cannot_hold():
    doc = build(activity_names=["Bell\x07 ring", "Escape\x1b"], roles=2)
    doc.roles[0].summary = "Null\x00 byte"
    back = read_xlsx(write_xlsx(doc))
    assert [a.name for _, a in back.activities()] == ["Bell ring", "Escape"]
    assert back.roles[0].summary == "Null byte"


# -- round trip ---------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", sorted(SCHEMES))
def test_it_reads_back_what_it_wrote(scheme):
    doc = build(activities=20, roles=6, scheme=scheme, phases=4)
    back = read_xlsx(write_xlsx(doc))
    assert back.title == doc.title
    assert back.scheme == scheme
    assert back.description == doc.description
    assert back.accountable_does_work is True
    assert back.overload_percent == 35
    assert shape(back) == shape(doc)
    assert roles_of(back) == roles_of(doc)
    assert len({role.key for role in back.roles}) == len(back.roles)


def test_it_round_trips_the_default_options():
    doc = build()
    doc.accountable_does_work, doc.overload_percent, doc.description = False, 50, ""
    back = read_xlsx(write_xlsx(doc))
    assert (back.accountable_does_work, back.overload_percent, back.description) == (
        False,
        50,
        "",
    )


def test_it_round_trips_a_multi_line_description():
    doc = build()
    doc.description = "First line.\nSecond line."
    assert read_xlsx(write_xlsx(doc)).description == "First line.\nSecond line."


def test_the_title_argument_wins():
    assert read_xlsx(write_xlsx(build()), title="Copy").title == "Copy"


def test_it_round_trips_a_one_activity_matrix_without_notes():
    doc = build(activities=1, roles=1, phases=1)
    doc.phases[0].activities[0].notes = {}
    doc.phases[0].activities[0].cells = {"role-1": "A"}
    assert shape(read_xlsx(write_xlsx(doc))) == shape(doc)


def test_it_reads_a_file_that_excel_saved_again():
    """Re-saving (here with openpyxl) keeps what the reader needs."""
    doc = build(activities=9)
    workbook = workbook_of(doc)
    out = io.BytesIO()
    workbook.save(out)
    assert shape(read_xlsx(out.getvalue())) == shape(doc)


def test_it_reads_edits_made_in_the_spreadsheet():
    doc = build(activities=3, roles=2, phases=1)
    workbook = workbook_of(doc)
    ws = workbook["Matrix"]
    ws.cell(HEADER_ROW + 2, 3).value = "c"  # typed in lower case
    ws.cell(HEADER_ROW + 2, 4).value = None
    ws.cell(HEADER_ROW + 3, 3).comment = Comment("Jane Doe:\nCheck with legal.", "Jane Doe")
    workbook["Roles"].cell(2, 3).value = "Something else"  # not a kind: custom
    out = io.BytesIO()
    workbook.save(out)
    back = read_xlsx(out.getvalue())
    second, third = back.phases[0].activities[1:]
    assert second.cells == {"role-1": "C"}
    assert third.notes == {"role-1": "Check with legal."}
    assert back.roles[0].kind == "custom"


# -- formula injection and odd names ------------------------------------------------------------

FORMULAS = ["=1+2", "+cmd", "-2", "@SUM(1)", "\tx", '=HYPERLINK("http://x","y")']


def test_it_stores_formula_like_names_as_text():
    doc = build(activity_names=FORMULAS, role_names=FORMULAS[:4], phases=1)
    doc.phases[0].name = "=phase()"
    doc.title = "=title"
    workbook = workbook_of(doc)
    ws = workbook["Matrix"]
    texts = [ws.cell(HEADER_ROW, column) for column in range(3, 7)]
    texts += [ws.cell(row, column) for row in range(5, 5 + len(FORMULAS)) for column in (1, 2)]
    texts += [ws.cell(1, 1), workbook["Roles"].cell(2, 1)]
    for cell in texts:
        # A string cell with Excel's quote prefix: never evaluated, shown as typed.
        assert cell.data_type == "s", cell.coordinate
        assert cell.quotePrefix, cell.coordinate
        assert not cell.value.startswith("'"), cell.coordinate


def test_it_reads_files_whose_formula_like_names_carry_a_literal_apostrophe():
    """Spreadsheets typed by hand (and older exports) neutralise with a leading apostrophe."""
    workbook = Workbook()
    ws = workbook.active
    ws.append(["Activity", "'=Sales"])
    ws.append(["'@launch", RACI.codes[1]])
    for row in ws.iter_rows():
        for cell in row:
            cell.data_type = "s"
    out = io.BytesIO()
    workbook.save(out)
    back = read_xlsx(out.getvalue())
    assert back.roles[0].name == "=Sales"
    assert [activity.name for _, activity in back.activities()] == ["@launch"]


def test_it_reads_formula_like_names_back_unchanged():
    doc = build(activity_names=FORMULAS, role_names=FORMULAS[:4], phases=1)
    doc.phases[0].name = "=phase()"
    back = read_xlsx(write_xlsx(doc))
    assert [activity.name for _, activity in back.activities()] == FORMULAS
    assert [role.name for role in back.roles] == FORMULAS[:4]
    assert back.phases[0].name == "=phase()"
    assert shape(back) == shape(doc)
    assert roles_of(back) == roles_of(doc)


def test_it_keeps_html_as_literal_text():
    names = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "Tom & Jerry"]
    doc = build(activity_names=names, role_names=["<b>Sales</b>", "R&D"], phases=1)
    ws = workbook_of(doc)["Matrix"]
    assert ws.cell(HEADER_ROW, 3).value == "<b>Sales</b>"
    assert ws.cell(HEADER_ROW + 2, 2).value == '"><img src=x onerror=alert(1)>'
    back = read_xlsx(write_xlsx(doc))
    assert [activity.name for _, activity in back.activities()] == names
    assert [role.name for role in back.roles] == ["<b>Sales</b>", "R&D"]


def test_it_keeps_unicode():
    doc = build(activity_names=["Überprüfung", "レビュー", "Emoji 🚀"], role_names=["Équipe"])
    assert shape(read_xlsx(write_xlsx(doc))) == shape(doc)


# -- hand-typed files ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header, row_of",
    [
        (["Phase", "Activity", "Sales", "Engineering"], lambda p, a, s, e: [p, a, s, e]),
        (["activity", "PHASE", "Sales", "Engineering"], lambda p, a, s, e: [a, p, s, e]),
        (["Sales", "Activity", "Engineering", "phase"], lambda p, a, s, e: [s, a, e, p]),
        ([" Activity ", "Sales", "Phase", "Engineering"], lambda p, a, s, e: [a, s, p, e]),
    ],
)
def test_it_reads_hand_typed_columns_in_any_order(header, row_of):
    data = xlsx_bytes(
        [
            header,
            row_of("Plan", "Write brief", "a", "r"),
            row_of("Plan", "Budget", "R", None),
            row_of("Build", "Code", " c ", "A"),
            row_of(None, "Party", None, "i"),
            [None] * 4,
            [None] * 4,
        ]
    )
    doc = read_xlsx(data)
    assert doc.title == "Imported matrix"
    assert doc.scheme == "raci"
    assert [role.name for role in doc.roles] == [
        h
        for h in header
        if h.strip().lower()
        in (
            "sales",
            "engineering",
        )
    ]
    keys = {role.name: role.key for role in doc.roles}
    sales, engineering = keys["Sales"], keys["Engineering"]
    assert [(phase.name, [a.name for a in phase.activities]) for phase in doc.phases] == [
        ("Plan", ["Write brief", "Budget"]),
        ("Build", ["Code"]),
        ("Activities", ["Party"]),
    ]
    cells = {activity.name: activity.cells for _, activity in doc.activities()}
    assert cells == {
        "Write brief": {sales: "A", engineering: "R"},
        "Budget": {sales: "R"},
        "Code": {sales: "C", engineering: "A"},
        "Party": {engineering: "I"},
    }


def test_it_reads_a_sheet_without_a_phase_column():
    data = xlsx_bytes([["Activity", "Sales", "Engineering"], ["Ship", "A", "R"], ["Sell", "R"]])
    doc = read_xlsx(data, title="Launch")
    assert doc.title == "Launch"
    assert [phase.name for phase in doc.phases] == ["Activities"]
    assert [a.name for a in doc.phases[0].activities] == ["Ship", "Sell"]
    assert [role.key for role in doc.roles] == ["sales", "engineering"]


def test_it_takes_the_first_column_as_activities_without_an_activity_header():
    data = xlsx_bytes([["Task", "Sales", "Engineering"], ["Ship", "A", "R"]])
    doc = read_xlsx(data)
    assert [role.name for role in doc.roles] == ["Sales", "Engineering"]
    assert doc.phases[0].activities[0].cells == {"sales": "A", "engineering": "R"}


def test_it_finds_the_header_below_a_title():
    data = xlsx_bytes(
        [["Our matrix"], [], ["Activity", "Sales"], ["Ship", "r"], [], ["Notes", "x"]]
    )
    doc = read_xlsx(data)
    assert [a.name for _, a in doc.activities()] == ["Ship"]  # stops at the empty row
    assert doc.title == "Imported matrix"


def test_it_skips_empty_rows_between_header_and_data():
    data = xlsx_bytes([["Activity", "Sales"], [], ["Ship", "r"], ["Sell", "a"]])
    assert [a.name for _, a in read_xlsx(data).activities()] == ["Ship", "Sell"]


def test_it_reads_a_table_not_starting_in_a1():
    data = xlsx_bytes([[], [None, None, "Activity", "Sales"], [None, None, "Ship", "A"]])
    doc = read_xlsx(data)
    assert doc.phases[0].activities[0].cells == {"sales": "A"}


def test_it_prefers_the_sheet_named_matrix():
    workbook = Workbook()
    workbook.active.title = "Read me"
    workbook.active.append(["This is not the matrix"])
    workbook.create_sheet("Matrix").append(["Activity", "Sales"])
    workbook["Matrix"].append(["Ship", "A"])
    out = io.BytesIO()
    workbook.save(out)
    assert read_xlsx(out.getvalue()).roles[0].name == "Sales"


def test_it_reads_numbers_and_comments_in_hand_typed_files():
    workbook = Workbook()
    ws = workbook.active
    ws.append(["Activity", "Sales", 2026])
    ws.append([2025, "A", "r"])
    ws["B2"].comment = Comment("Only in spring.", "Me")
    out = io.BytesIO()
    workbook.save(out)
    doc = read_xlsx(out.getvalue())
    assert [role.name for role in doc.roles] == ["Sales", "2026"]
    activity = doc.phases[0].activities[0]
    assert activity.name == "2025"
    assert activity.notes == {"sales": "Only in spring."}


def test_it_makes_role_keys_unique():
    data = xlsx_bytes([["Activity", "R&D", "R D", "r-d!"], ["Ship", "A", "R", "C"]])
    assert [role.key for role in read_xlsx(data).roles] == ["r-d", "r-d-2", "r-d-3"]


# -- problems -----------------------------------------------------------------------------------


def test_it_rejects_an_unknown_letter_with_row_and_column():
    data = xlsx_bytes(
        [["Activity", "Sales", "Engineering"], ["Ship", "A", "R"], ["Sell", "A", "x"]]
    )
    message = problem(data)
    assert 'unknown letter "X" in row 3, column "Engineering"' in message


def test_it_checks_letters_against_the_files_scheme():
    doc = build(scheme="rasci", activities=3, roles=2)
    back = read_xlsx(write_xlsx(doc))  # S is fine in RASCI
    assert "S" in {code for _, a in back.activities() for code in a.cells.values()}
    data = xlsx_bytes([["Activity", "Sales"], ["Ship", "S"]])
    assert 'unknown letter "S" in row 2, column "Sales"' in problem(data)  # not in RACI

    workbook = workbook_of(build(scheme="daci", activities=3, roles=2))
    workbook["Matrix"].cell(HEADER_ROW + 2, 3).value = "R"  # R is not a DACI letter
    out = io.BytesIO()
    workbook.save(out)
    message = problem(out.getvalue())
    assert f'unknown letter "R" in row {HEADER_ROW + 2}, column "Role 1"' in message
    assert "DACI" in message


def test_it_rejects_a_duplicate_activity():
    data = xlsx_bytes([["Activity", "Sales"], ["Ship", "A"], ["Sell", "R"], ["ship", "A"]])
    message = problem(data)
    assert 'duplicate activity "ship"' in message
    assert "row 4" in message


def test_it_rejects_letters_without_an_activity_name():
    data = xlsx_bytes([["Phase", "Activity", "Sales"], ["Plan", "Ship", "A"], ["Plan", None, "R"]])
    message = problem(data)
    assert "row 3" in message
    assert "activity name is empty" in message


def test_it_rejects_duplicate_role_columns():
    data = xlsx_bytes([["Activity", "Sales", "sales"], ["Ship", "A", "R"]])
    assert 'the role "sales" has two columns' in problem(data)


def test_it_rejects_a_sheet_without_role_columns():
    assert "No role columns" in problem(xlsx_bytes([["Phase", "Activity"], ["Plan", "Ship"]]))
    assert "No role columns" in problem(xlsx_bytes([["Activity"], ["Ship"]]))


def test_it_rejects_a_header_without_activities():
    assert "no activities" in problem(xlsx_bytes([["Activity", "Sales"]]))


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)) * 4,
        b"Phase,Activity,Sales\r\nPlan,Ship,A\r\n",
        b"PK\x03\x04 broken zip",
    ],
    ids=["random bytes", "csv", "broken zip"],
)
def test_it_rejects_what_is_not_a_spreadsheet(data):
    assert problem(data) == "This file is not an Excel spreadsheet (.xlsx)."


def test_it_rejects_a_zip_that_is_not_a_workbook():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hello")
    assert problem(out.getvalue()) == "This file is not an Excel spreadsheet (.xlsx)."


@pytest.mark.parametrize("rows", [[], [[None, None], [None]], [["  "]]])
def test_it_rejects_an_empty_workbook(rows):
    assert problem(xlsx_bytes(rows)) == "The spreadsheet is empty."


def test_it_rejects_empty_bytes():
    assert problem(b"") == "The spreadsheet is empty."


def test_it_rejects_broken_options():
    workbook = workbook_of(build())
    about = workbook["About"]
    labels = {about.cell(row, 1).value: row for row in range(1, about.max_row + 1)}
    about.cell(labels["Scheme"], 2).value = "moscow"
    out = io.BytesIO()
    workbook.save(out)
    assert 'unknown scheme "moscow"' in problem(out.getvalue())

    about.cell(labels["Scheme"], 2).value = "RASCI"  # the name is fine too
    about.cell(labels["Overload percent"], 2).value = 250
    out = io.BytesIO()
    workbook.save(out)
    assert "Overload percent" in problem(out.getvalue())

    about.cell(labels["Overload percent"], 2).value = 80
    out = io.BytesIO()
    workbook.save(out)
    back = read_xlsx(out.getvalue())
    assert (back.scheme, back.overload_percent) == ("rasci", 80)
