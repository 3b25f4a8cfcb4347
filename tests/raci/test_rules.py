"""Unit tests for the RACI rule engine: one or more tests per rule, positive and negative."""

import ast
from pathlib import Path

import pytest

from apps.raci import rules
from apps.raci.rules import (
    RULE_IDS,
    Finding,
    Options,
    Severity,
    Status,
    Subject,
    by_activity,
    by_role,
    evaluate,
    sort_findings,
    status,
    summarize,
)
from apps.raci.schemes import DACI, RACI, RASCI, Scheme

ROLES = ("Alice", "Bob", "Carol", "Dan", "Eve")


def check(
    scheme: Scheme, rows: dict[str, str], roles: tuple[str, ...] = ROLES, **options
) -> list[Finding]:
    """Evaluate a matrix written as rows of space-separated codes ("." is an empty cell).

    Activities get ids 1, 2, ... and roles ids "alice", "bob", ... in the order given.
    """
    activities = [Subject(i, name) for i, name in enumerate(rows, start=1)]
    columns = [Subject(name.lower(), name) for name in roles]
    cells = {}
    for activity, row in zip(activities, rows.values(), strict=True):
        codes = row.split()
        assert len(codes) <= len(columns), "more codes than roles"
        for role, code in zip(columns, codes, strict=False):
            if code != ".":
                cells[(activity.id, role.id)] = code
    return evaluate(scheme, activities, columns, cells, Options(**options))


def rule_ids(findings: list[Finding]) -> list[str]:
    return [finding.rule for finding in findings]


def only(findings: list[Finding], rule: str) -> list[Finding]:
    return [finding for finding in findings if finding.rule == rule]


def one(findings: list[Finding], rule: str) -> Finding:
    matching = only(findings, rule)
    assert len(matching) == 1, rule_ids(findings)
    return matching[0]


# A RACI matrix that breaks no rule: every role is R or A somewhere, every activity has
# exactly one A, one R and someone consulted or informed.
CLEAN = {
    "Plan": "A R C",
    "Build": "C A R",
    "Ship": "R I A",
}
CLEAN_ROLES = ("Alice", "Bob", "Carol")


# --- A clean matrix and empty ones -----------------------------------------------------------


def test_it_finds_nothing_wrong_with_a_clean_matrix():
    assert check(RACI, CLEAN, CLEAN_ROLES) == []


def test_it_finds_nothing_in_an_empty_matrix():
    assert evaluate(RACI, [], [], {}) == []


def test_it_does_not_warn_about_unused_roles_when_there_are_no_activities():
    assert evaluate(RACI, [], [Subject(1, "Alice"), Subject(2, "Bob")], {}) == []


def test_it_reports_only_the_missing_letters_for_an_activity_without_letters():
    findings = check(RACI, {"Plan": ". ."}, ("Alice", "Bob"))
    activity_findings = [f for f in findings if f.activity_id == 1]
    assert rule_ids(activity_findings) == [
        "activity.missing_accountable",
        "activity.missing_responsible",
    ]


# --- activity.missing_accountable / activity.several_accountable ----------------------------


def test_it_reports_an_activity_without_accountable_as_an_error():
    finding = one(check(RACI, {"Plan": "R C"}, ("Alice", "Bob")), "activity.missing_accountable")
    assert finding.severity == Severity.ERROR
    assert finding.activity_id == 1
    assert finding.role_id is None
    assert '"Plan"' in finding.message
    assert "Accountable" in finding.message


def test_it_accepts_exactly_one_accountable():
    findings = check(RACI, {"Plan": "A R C"}, ("Alice", "Bob", "Carol"))
    assert not only(findings, "activity.missing_accountable")
    assert not only(findings, "activity.several_accountable")


def test_it_reports_several_accountable_as_an_error_naming_the_roles():
    finding = one(check(RACI, {"Plan": "A A R C"}), "activity.several_accountable")
    assert finding.severity == Severity.ERROR
    assert finding.activity_id == 1
    assert "Alice" in finding.message
    assert "Bob" in finding.message
    assert "Carol" not in finding.message
    assert "exactly one Accountable" in finding.message


# --- activity.missing_responsible (at least one) and accountable_does_work --------------------


def test_it_reports_an_activity_without_responsible_as_an_error():
    finding = one(check(RACI, {"Plan": "A C"}, ("Alice", "Bob")), "activity.missing_responsible")
    assert finding.severity == Severity.ERROR
    assert '"Plan"' in finding.message
    assert "Responsible" in finding.message


def test_it_accepts_a_responsible_role():
    assert not only(check(RACI, {"Plan": "A R"}, ("Alice", "Bob")), "activity.missing_responsible")


def test_it_lets_the_accountable_do_the_work_when_the_option_is_on():
    findings = check(RACI, {"Plan": "A C"}, ("Alice", "Bob"), accountable_does_work=True)
    assert not only(findings, "activity.missing_responsible")
    assert not [f for f in findings if f.severity == Severity.ERROR]


def test_it_still_needs_a_responsible_or_accountable_with_the_option_on():
    findings = check(RACI, {"Plan": "C I"}, ("Alice", "Bob"), accountable_does_work=True)
    finding = one(findings, "activity.missing_responsible")
    assert finding.severity == Severity.ERROR
    assert "Accountable" in finding.message
    assert one(findings, "activity.missing_accountable").severity == Severity.ERROR


def test_it_ignores_the_option_for_the_exactly_one_driver_of_daci():
    findings = check(DACI, {"Decide": "A C"}, ("Alice", "Bob"), accountable_does_work=True)
    assert one(findings, "activity.missing_responsible").severity == Severity.ERROR


# --- activity.several_responsible ------------------------------------------------------------


def test_it_warns_about_several_responsible_roles_in_raci():
    finding = one(check(RACI, {"Plan": "A R R C"}), "activity.several_responsible")
    assert finding.severity == Severity.WARNING
    assert "Bob" in finding.message
    assert "Carol" in finding.message
    assert "splitting" in finding.message


def test_it_does_not_warn_about_a_single_responsible_role():
    assert not only(check(RACI, {"Plan": "A R C"}), "activity.several_responsible")


# --- activity.too_many_consulted --------------------------------------------------------------


def test_it_warns_when_more_than_three_roles_are_consulted():
    finding = one(check(RACI, {"Plan": "A C C C C"}), "activity.too_many_consulted")
    assert finding.severity == Severity.WARNING
    assert finding.activity_id == 1
    assert '"Plan"' in finding.message
    assert "4 Consulted" in finding.message
    assert "more than 3" in finding.message


def test_it_accepts_three_consulted_roles():
    assert not only(check(RACI, {"Plan": "A C C C R"}), "activity.too_many_consulted")


def test_it_uses_the_max_consulted_option():
    rows = {"Plan": "A R C C"}
    assert not only(check(RACI, rows, max_consulted=2), "activity.too_many_consulted")
    finding = one(check(RACI, rows, max_consulted=1), "activity.too_many_consulted")
    assert "more than 1" in finding.message
    assert one(check(RACI, {"Plan": "A R C"}, max_consulted=0), "activity.too_many_consulted")


# --- activity.no_consulted_or_informed --------------------------------------------------------


def test_it_notes_an_activity_where_nobody_is_consulted_or_informed():
    finding = one(check(RACI, {"Plan": "A R"}), "activity.no_consulted_or_informed")
    assert finding.severity == Severity.INFO
    assert finding.activity_id == 1
    assert '"Plan"' in finding.message
    assert "Consulted" in finding.message
    assert "Informed" in finding.message


@pytest.mark.parametrize("row", ["A R C", "A R I", "A R C I"])
def test_it_does_not_note_an_activity_where_someone_is_consulted_or_informed(row):
    assert not only(check(RACI, {"Plan": row}), "activity.no_consulted_or_informed")


# --- role.unused ------------------------------------------------------------------------------


def test_it_warns_about_a_role_without_any_letter():
    findings = check(RACI, CLEAN, (*CLEAN_ROLES, "Dan"))
    finding = one(findings, "role.unused")
    assert finding.severity == Severity.WARNING
    assert finding.role_id == "dan"
    assert finding.activity_id is None
    assert '"Dan"' in finding.message


def test_it_does_not_warn_about_roles_that_have_letters():
    assert not only(check(RACI, CLEAN, CLEAN_ROLES), "role.unused")


# --- role.no_responsible_or_accountable -------------------------------------------------------


def test_it_notes_a_role_that_is_never_responsible_or_accountable():
    findings = check(RACI, {"Plan": "A R C", "Build": "A R I"}, ("Alice", "Bob", "Carol"))
    finding = one(findings, "role.no_responsible_or_accountable")
    assert finding.severity == Severity.INFO
    assert finding.role_id == "carol"
    assert '"Carol"' in finding.message
    assert "only ever Consulted or Informed" in finding.message
    assert "Responsible or Accountable" in finding.message


def test_it_does_not_note_a_role_that_is_responsible_somewhere():
    findings = check(RACI, {"Plan": "A R C", "Build": "A C R"}, ("Alice", "Bob", "Carol"))
    assert not only(findings, "role.no_responsible_or_accountable")


def test_it_does_not_note_an_unused_role_twice():
    findings = check(RACI, {"Plan": "A R ."}, ("Alice", "Bob", "Carol"))
    assert [f.rule for f in findings if f.role_id == "carol"] == ["role.unused"]


# --- role.overloaded --------------------------------------------------------------------------

FOUR = {
    "Plan": "A R . C",
    "Build": "A I R .",
    "Test": "A R C .",
    "Ship": "C . R A",
}
FOUR_ROLES = ("Alice", "Bob", "Carol", "Dan")


def test_it_warns_about_a_role_that_is_responsible_or_accountable_on_most_activities():
    findings = check(RACI, FOUR, FOUR_ROLES)
    overloaded = only(findings, "role.overloaded")
    assert [f.role_id for f in overloaded] == ["alice"]
    finding = overloaded[0]
    assert finding.severity == Severity.WARNING
    assert '"Alice"' in finding.message
    assert "3 of 4" in finding.message
    assert "75%" in finding.message


def test_it_does_not_warn_about_a_role_on_exactly_half_of_the_activities():
    findings = check(RACI, FOUR, FOUR_ROLES)
    assert "bob" not in [f.role_id for f in only(findings, "role.overloaded")]  # 2 of 4
    assert "carol" not in [f.role_id for f in only(findings, "role.overloaded")]  # 2 of 4


def test_it_does_not_warn_about_overload_on_matrices_with_fewer_than_four_activities():
    three = {"Plan": "A R C", "Build": "A C R", "Ship": "A R C"}
    assert not only(check(RACI, three, CLEAN_ROLES), "role.overloaded")


def test_it_uses_the_overload_options():
    three = {"Plan": "A R C", "Build": "A C R", "Ship": "A R C"}
    findings = check(RACI, three, CLEAN_ROLES, overload_min_activities=3)
    assert [f.role_id for f in only(findings, "role.overloaded")] == ["alice", "bob"]
    findings = check(RACI, FOUR, FOUR_ROLES, overload_share=0.75)
    assert not only(findings, "role.overloaded")
    findings = check(RACI, FOUR, FOUR_ROLES, overload_share=0.25)
    assert [f.role_id for f in only(findings, "role.overloaded")] == ["alice", "bob", "carol"]


# --- cell.unknown_letter ----------------------------------------------------------------------


def test_it_reports_an_unknown_letter_as_an_error_naming_the_activity_and_role():
    findings = check(RACI, {"Plan": "A R X"}, ("Alice", "Bob", "Carol"))
    finding = one(findings, "cell.unknown_letter")
    assert finding.severity == Severity.ERROR
    assert (finding.activity_id, finding.role_id) == (1, "carol")
    assert '"Plan"' in finding.message
    assert '"Carol"' in finding.message
    assert "'X'" in finding.message
    assert "R, A, C or I" in finding.message


def test_it_otherwise_ignores_an_unknown_letter():
    findings = check(RACI, {"Plan": "A x"}, ("Alice", "Bob"))
    assert sorted(rule_ids(findings)) == [
        "activity.missing_responsible",
        "activity.no_consulted_or_informed",
        "cell.unknown_letter",
        "role.unused",  # Bob's only letter does not count
    ]


def test_it_does_not_crash_on_codes_that_are_not_strings():
    activities, roles = [Subject(1, "Plan")], [Subject(1, "Alice"), Subject(2, "Bob")]
    findings = evaluate(RACI, activities, roles, {(1, 1): 42, (1, 2): ["A"]})  # type: ignore[dict-item]
    assert rule_ids(findings).count("cell.unknown_letter") == 2


@pytest.mark.parametrize("empty", ["", None])
def test_it_treats_empty_codes_as_empty_cells(empty):
    activities, roles = [Subject(1, "Plan")], [Subject(1, "Alice"), Subject(2, "Bob")]
    findings = evaluate(RACI, activities, roles, {(1, 1): "A", (1, 2): empty})
    assert "cell.unknown_letter" not in rule_ids(findings)
    assert "role.unused" in rule_ids(findings)


def test_it_ignores_cells_of_unknown_activities_and_roles():
    activities, roles = [Subject(1, "Plan")], [Subject(1, "Alice"), Subject(2, "Bob")]
    cells = {(1, 1): "A", (1, 2): "R", (2, 1): "X", (1, 3): "Y", (9, 9): "A"}
    assert rule_ids(evaluate(RACI, activities, roles, cells)) == [
        "activity.no_consulted_or_informed"
    ]


def test_it_uses_the_first_of_repeated_ids():
    activities = [Subject(1, "Plan"), Subject(1, "Plan again")]
    roles = [Subject(1, "Alice"), Subject(2, "Bob"), Subject(1, "Alice again")]
    findings = evaluate(RACI, activities, roles, {(1, 1): "A", (1, 2): "R"})
    assert rule_ids(findings) == ["activity.no_consulted_or_informed"]
    assert '"Plan"' in findings[0].message


# --- RASCI ------------------------------------------------------------------------------------


def test_it_accepts_support_in_rasci():
    findings = check(RASCI, {"Plan": "A R S C"}, ("Alice", "Bob", "Carol", "Dan"))
    assert "cell.unknown_letter" not in rule_ids(findings)
    assert not [f for f in findings if f.severity == Severity.ERROR]


def test_it_rejects_support_in_raci():
    findings = check(RACI, {"Plan": "A R S C"}, ("Alice", "Bob", "Carol", "Dan"))
    assert one(findings, "cell.unknown_letter").role_id == "carol"


def test_it_applies_the_raci_rules_to_rasci():
    findings = check(RASCI, {"Plan": "S S", "Build": "A A R R C"})
    assert one(findings, "activity.missing_accountable").activity_id == 1
    assert one(findings, "activity.missing_responsible").activity_id == 1
    assert one(findings, "activity.several_accountable").activity_id == 2
    assert one(findings, "activity.several_responsible").severity == Severity.WARNING


def test_it_notes_a_support_only_role_in_rasci():
    findings = check(RASCI, {"Plan": "A R S", "Build": "R A S"}, ("Alice", "Bob", "Carol"))
    finding = one(findings, "role.no_responsible_or_accountable")
    assert finding.role_id == "carol"
    assert "Support" in finding.message


def test_it_does_not_count_support_as_consulted_or_informed():
    findings = check(RASCI, {"Plan": "A R S"}, ("Alice", "Bob", "Carol"))
    assert one(findings, "activity.no_consulted_or_informed").activity_id == 1


# --- DACI -------------------------------------------------------------------------------------


def test_it_accepts_a_clean_daci_matrix():
    rows = {"Choose vendor": "D A C", "Approve budget": "A D I", "Pick date": "C A D"}
    assert check(DACI, rows, ("Alice", "Bob", "Carol")) == []


def test_it_requires_exactly_one_approver_in_daci():
    finding = one(check(DACI, {"Decide": "D C"}, ("Alice", "Bob")), "activity.missing_accountable")
    assert finding.severity == Severity.ERROR
    assert "Approver" in finding.message
    assert '"Decide"' in finding.message


def test_it_requires_no_other_letter_in_daci():
    findings = check(DACI, {"Decide": "D A"}, ("Alice", "Bob"))
    assert rule_ids(findings) == ["activity.no_consulted_or_informed"]


def test_it_requires_exactly_one_driver_in_daci():
    finding = one(check(DACI, {"Decide": "A C"}, ("Alice", "Bob")), "activity.missing_responsible")
    assert finding.severity == Severity.ERROR
    assert "Driver" in finding.message
    assert "exactly one" in finding.message


def test_it_reports_several_drivers_as_an_error_in_daci():
    finding = one(check(DACI, {"Decide": "A D D"}), "activity.several_responsible")
    assert finding.severity == Severity.ERROR
    assert "Driver" in finding.message
    assert "Bob, Carol" in finding.message


def test_it_reports_several_approvers_in_daci():
    finding = one(check(DACI, {"Decide": "A A D"}), "activity.several_accountable")
    assert finding.severity == Severity.ERROR
    assert "Approver" in finding.message


def test_it_uses_the_daci_names_in_messages():
    findings = check(DACI, {"Decide": "A D C C C C"}, (*ROLES, "Fay"))
    assert "Contributor" in one(findings, "activity.too_many_consulted").message
    findings = check(DACI, {"Decide": "A D"}, ("Alice", "Bob"))
    message = one(findings, "activity.no_consulted_or_informed").message
    assert "Contributor" in message
    assert "Consulted" not in message


def test_it_rejects_raci_letters_that_daci_lacks():
    finding = one(check(DACI, {"Decide": "A D R"}), "cell.unknown_letter")
    assert "DACI" in finding.message
    assert "D, A, C or I" in finding.message


def test_it_says_driver_or_approver_for_overloaded_daci_roles():
    rows = {"One": "A D C", "Two": "A C D", "Three": "A D C", "Four": "A C D"}
    finding = one(check(DACI, rows, ("Alice", "Bob", "Carol")), "role.overloaded")
    assert finding.role_id == "alice"
    assert "Driver or Approver" in finding.message
    assert "100%" in finding.message


# --- Sorting ----------------------------------------------------------------------------------


def test_it_sorts_by_severity_then_activity_then_role():
    rows = {
        "Plan": "R",  # error: no A; info: no C or I
        "Build": "A R X .",  # error: unknown letter (Carol); info: no C or I
        "Ship": ". . . .",  # errors: no A, no R
    }
    findings = check(RACI, rows, ("Alice", "Bob", "Carol", "Dan"))
    assert [(f.severity, f.rule, f.activity_id, f.role_id) for f in findings] == [
        (Severity.ERROR, "activity.missing_accountable", 1, None),
        (Severity.ERROR, "cell.unknown_letter", 2, "carol"),
        (Severity.ERROR, "activity.missing_accountable", 3, None),
        (Severity.ERROR, "activity.missing_responsible", 3, None),
        (Severity.WARNING, "role.unused", None, "carol"),
        (Severity.WARNING, "role.unused", None, "dan"),
        (Severity.INFO, "activity.no_consulted_or_informed", 1, None),
        (Severity.INFO, "activity.no_consulted_or_informed", 2, None),
    ]


def test_it_puts_an_activitys_own_findings_before_its_cells():
    findings = check(RACI, {"Plan": "Q R"}, ("Alice", "Bob"))
    assert rule_ids(findings)[:2] == ["activity.missing_accountable", "cell.unknown_letter"]


def test_it_sorts_findings_in_any_order_the_same_way():
    findings = check(RACI, {"Plan": "R", "Build": "A R X ."}, ("Alice", "Bob", "Carol", "Dan"))
    activities = [Subject(1, "Plan"), Subject(2, "Build")]
    roles = [Subject(name.lower(), name) for name in ("Alice", "Bob", "Carol", "Dan")]
    assert sort_findings(reversed(findings), activities, roles) == sort_findings(
        findings, activities, roles
    )


# --- Helpers for the UI -----------------------------------------------------------------------


def test_it_summarizes_findings_by_severity():
    findings = check(RACI, {"Plan": "R", "Build": "A R X ."}, ("Alice", "Bob", "Carol", "Dan"))
    assert summarize(findings) == {Severity.ERROR: 2, Severity.WARNING: 2, Severity.INFO: 2}
    assert list(summarize(findings)) == [Severity.ERROR, Severity.WARNING, Severity.INFO]
    assert summarize([]) == {Severity.ERROR: 0, Severity.WARNING: 0, Severity.INFO: 0}


def test_it_gives_the_matrix_status_from_the_worst_finding():
    error = Finding(Severity.ERROR, "activity.missing_accountable", "m", activity_id=1)
    warning = Finding(Severity.WARNING, "role.unused", "m", role_id=1)
    info = Finding(Severity.INFO, "activity.no_consulted_or_informed", "m", activity_id=1)
    assert status([]) == Status.OK
    assert status([info]) == Status.INFO
    assert status([info, warning]) == Status.WARNING
    assert status([info, error, warning]) == Status.ERROR
    assert status(check(RACI, CLEAN, CLEAN_ROLES)) == "ok"


def test_it_groups_findings_by_activity_and_by_role():
    findings = check(RACI, {"Plan": "R", "Build": "A R X ."}, ("Alice", "Bob", "Carol", "Dan"))
    grouped = by_activity(findings)
    assert list(grouped) == [1, 2]
    assert rule_ids(grouped[1]) == [
        "activity.missing_accountable",
        "activity.no_consulted_or_informed",
    ]
    assert rule_ids(grouped[2]) == ["cell.unknown_letter", "activity.no_consulted_or_informed"]
    roles = by_role(findings)
    assert list(roles) == ["carol", "dan"]
    assert rule_ids(roles["carol"]) == ["cell.unknown_letter", "role.unused"]
    assert rule_ids(roles["dan"]) == ["role.unused"]
    assert by_activity([]) == {} == by_role([])


# --- Options, rule ids, messages and the letters ------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        {"max_consulted": -1},
        {"overload_share": 1.5},
        {"overload_share": -0.1},
        {"overload_min_activities": 0},
    ],
)
def test_it_rejects_invalid_options(options):
    with pytest.raises(ValueError):
        Options(**options)


def test_it_only_uses_known_rule_ids():
    rows = {"Plan": "R R C C C C", "Build": "A A X", "Ship": ". .", "Test": "A R", "Do": "A R"}
    findings = check(RACI, rows, (*ROLES, "Fay", "Gus"))
    assert {f.rule for f in findings} <= RULE_IDS
    assert {f.rule for f in findings} == {
        "activity.missing_accountable",
        "activity.missing_responsible",
        "activity.several_accountable",
        "activity.several_responsible",
        "activity.too_many_consulted",
        "activity.no_consulted_or_informed",
        "cell.unknown_letter",
        "role.unused",
        "role.no_responsible_or_accountable",
        "role.overloaded",
    }


@pytest.mark.parametrize("scheme", [RACI, RASCI, DACI], ids=lambda s: s.key)
def test_it_writes_every_message_as_one_sentence(scheme):
    letters = " ".join(scheme.codes)
    rows = {
        "Plan": letters,
        "Build": " ".join([scheme.codes[0]] * 2 + [scheme.codes[1]] * 2),
        "Ship": ". . .",
        "Test": "Z " + " ".join(scheme.codes[:2]),
        "Run": " ".join(scheme.codes[:2]),
    }
    findings = check(scheme, rows, (*ROLES, "Fay", "Gus"))
    assert len({f.rule for f in findings}) >= 6
    for finding in findings:
        message = finding.message
        assert message[0].isupper() and message.endswith("."), message
        assert ". " not in message and "? " not in message, message


def test_rules_module_hard_codes_no_letter_and_imports_no_django():
    tree = ast.parse(Path(rules.__file__).read_text())
    letters = {letter.code for scheme in (RACI, RASCI, DACI) for letter in scheme.letters}
    literals = {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    assert not literals & letters
    imported = {
        name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for name in (
            [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else [alias.name for alias in node.names]
        )
    }
    assert not [name for name in imported if name.split(".")[0] == "django"]
