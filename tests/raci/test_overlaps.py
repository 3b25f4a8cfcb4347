"""The overlap rules: what the people who hold the roles make of the letters (plain Python)."""

import ast
from pathlib import Path

import pytest

from apps.raci import overlaps
from apps.raci.rules import Severity, Subject
from apps.raci.schemes import DACI, RACI, Kind

A = RACI.code_for(Kind.ACCOUNTABLE)
R = RACI.code_for(Kind.RESPONSIBLE)
C = RACI.code_for(Kind.CONSULTED)
I = RACI.code_for(Kind.INFORMED)  # noqa: E741

PDM, PO, PM, PMM = (Subject(i, name) for i, name in enumerate(["PdM", "PO", "PM", "PMM"], 1))
ROLES = [PDM, PO, PM, PMM]
ANA, BEN, DANA = Subject(101, "Ana"), Subject(102, "Ben"), Subject(103, "Dana (agency)")


def activities(n: int) -> list[Subject]:
    return [Subject(10 + i, f"Activity {i}") for i in range(n)]


def evaluate(cells, holders, *, rows=None, scheme=RACI, **options):
    rows = rows if rows is not None else activities(6)
    return overlaps.evaluate(scheme, rows, ROLES, cells, holders, overlaps.Options(**options))


def rules_of(findings) -> list[str]:
    return [finding.rule for finding in findings]


# -- One person, the A through two roles ------------------------------------------------------


def test_one_person_accountable_through_two_roles_on_an_activity_is_an_error():
    rows = activities(2)
    cells = {(rows[0].id, PDM.id): A, (rows[0].id, PO.id): A, (rows[1].id, PDM.id): A}
    findings = evaluate(cells, {PDM.id: [ANA], PO.id: [ANA]}, rows=rows)
    assert rules_of(findings) == [overlaps.ACCOUNTABLE_TWICE]
    error = findings[0]
    assert error.severity == Severity.ERROR and error.activity_id == rows[0].id
    assert error.role_id is None
    assert "Ana is Accountable" in error.message and "(PdM, PO)" in error.message
    assert "a single A must mean a single person" in error.message


def test_two_people_holding_the_two_accountable_roles_is_left_to_the_role_rules():
    rows = activities(1)
    cells = {(rows[0].id, PDM.id): A, (rows[0].id, PO.id): A}
    assert evaluate(cells, {PDM.id: [ANA], PO.id: [BEN]}, rows=rows) == []


# -- One person, both A and R through two roles, often -------------------------------------------


def a_and_r_on(count: int, rows):
    cells = {}
    for row in rows[:count]:
        cells[row.id, PDM.id] = A
        cells[row.id, PO.id] = R
    return cells


@pytest.mark.parametrize(
    ("count", "threshold", "warned"), [(3, 3, True), (2, 3, False), (5, 0, False), (1, 1, True)]
)
def test_one_person_accountable_and_responsible_warns_from_the_threshold(count, threshold, warned):
    rows = activities(6)
    findings = evaluate(a_and_r_on(count, rows), {PDM.id: [ANA], PO.id: [ANA]}, threshold=threshold)
    assert rules_of(findings) == ([overlaps.ACCOUNTABLE_AND_RESPONSIBLE] if warned else [])
    if warned:
        warning = findings[0]
        assert warning.severity == Severity.WARNING
        assert warning.activity_id is None and warning.role_id is None
        assert "Ana is both Accountable (as PdM) and Responsible (as PO)" in warning.message
        assert f"on {count} activities" in warning.message


def test_the_warning_names_three_activities_and_counts_the_rest():
    rows = activities(6)
    findings = evaluate(a_and_r_on(5, rows), {PDM.id: [ANA], PO.id: [ANA]})
    assert '"Activity 0", "Activity 1", "Activity 2" and 2 more' in findings[0].message


def test_different_people_on_the_a_and_the_r_are_fine():
    rows = activities(6)
    assert evaluate(a_and_r_on(5, rows), {PDM.id: [ANA], PO.id: [BEN]}) == []


def test_daci_speaks_its_own_letters():
    rows = activities(3)
    approver = DACI.code_for(Kind.ACCOUNTABLE)
    driver = DACI.code_for(Kind.RESPONSIBLE)
    cells = {(row.id, PDM.id): approver for row in rows} | {(row.id, PO.id): driver for row in rows}
    findings = evaluate(cells, {PDM.id: [ANA], PO.id: [ANA]}, rows=rows, scheme=DACI)
    assert "both Approver (as PdM) and Driver (as PO)" in findings[0].message


# -- A role with letters and nobody holding it ----------------------------------------------------


def test_a_role_with_letters_and_no_holder_gets_a_note_once_some_role_has_one():
    rows = activities(2)
    cells = {(rows[0].id, PDM.id): A, (rows[0].id, PM.id): R, (rows[1].id, PMM.id): I}
    findings = evaluate(cells, {PDM.id: [ANA]}, rows=rows)
    assert rules_of(findings) == [overlaps.NO_HOLDER, overlaps.NO_HOLDER]
    assert [finding.role_id for finding in findings] == [PM.id, PMM.id]  # PO has no letter
    assert all(finding.severity == Severity.INFO for finding in findings)
    assert 'Nobody holds role "PM"' in findings[0].message


def test_no_note_when_nobody_holds_any_role_or_the_option_is_off():
    rows = activities(1)
    cells = {(rows[0].id, PDM.id): A}
    assert evaluate(cells, {}, rows=rows) == []
    assert evaluate(cells, {PDM.id: []}, rows=rows) == []
    assert evaluate(cells, {PO.id: [ANA]}, rows=rows, note_unheld=False) == []


# -- What the engine takes ------------------------------------------------------------------------


def test_it_ignores_unknown_codes_rows_columns_and_holders_of_roles_not_in_the_matrix():
    rows = activities(1)
    cells = {
        (rows[0].id, PDM.id): "X",
        (999, PDM.id): A,
        (rows[0].id, 999): A,
        (rows[0].id, PO.id): "",
        (rows[0].id, PM.id): None,
    }
    assert evaluate(cells, {PDM.id: [ANA], 999: [ANA]}, rows=rows) == []


def test_findings_come_most_severe_first_and_in_grid_order():
    rows = activities(4)
    cells = a_and_r_on(3, rows) | {(rows[3].id, PDM.id): A, (rows[3].id, PO.id): A}
    cells[rows[0].id, PM.id] = C
    findings = evaluate(cells, {PDM.id: [ANA], PO.id: [ANA, DANA]})
    assert rules_of(findings) == [
        overlaps.ACCOUNTABLE_TWICE,
        overlaps.ACCOUNTABLE_AND_RESPONSIBLE,
        overlaps.ACCOUNTABLE_SHARED,
        overlaps.NO_HOLDER,
    ]
    assert [finding.severity for finding in findings] == [
        Severity.ERROR,
        Severity.WARNING,
        Severity.WARNING,
        Severity.INFO,
    ]


def test_options_refuse_a_negative_threshold():
    with pytest.raises(ValueError, match="threshold"):
        overlaps.Options(threshold=-1)


def test_the_overlaps_module_imports_no_django():
    source = Path(overlaps.__file__).read_text(encoding="utf-8")
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    assert not [name for name in imported if name.split(".")[0] == "django"]


# -- One role, the A, held by several people ----------------------------------------------------


def test_a_role_accountable_somewhere_and_held_by_two_people_is_a_warning_about_it():
    rows = activities(3)
    cells = {(rows[0].id, PO.id): A, (rows[1].id, PO.id): A, (rows[2].id, PM.id): R}
    findings = evaluate(cells, {PO.id: [ANA, BEN], PM.id: [ANA, DANA]}, rows=rows)
    assert rules_of(findings) == [overlaps.ACCOUNTABLE_SHARED]
    warning = findings[0]
    assert warning.severity == Severity.WARNING and warning.role_id == PO.id
    assert warning.activity_id is None
    assert 'Role "PO" is Accountable for 2 activities' in warning.message
    assert "2 people hold it (Ana, Ben)" in warning.message


def test_one_holder_or_no_accountable_letter_is_not_shared():
    rows = activities(1)
    assert evaluate({(rows[0].id, PO.id): A}, {PO.id: [ANA]}, rows=rows) == []
    assert evaluate({(rows[0].id, PO.id): C}, {PO.id: [ANA, BEN]}, rows=rows) == []
