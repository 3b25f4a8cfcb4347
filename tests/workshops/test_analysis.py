"""What the votes say: majorities, agreement, conflicts and role confusion (plain Python)."""

from apps.raci import rules
from apps.raci.schemes import DACI, RACI
from apps.workshops import analysis

NONE = analysis.NONE
PDM, PJM, PO = 1, 2, 3
ROLES = [PDM, PJM, PO]


def by_activity(*votes):
    return analysis.ballots(votes)


def test_it_counts_a_role_left_alone_by_someone_who_answered_as_none():
    votes = by_activity((10, 1, PDM, "A"), (11, 1, PJM, "A"))
    result = analysis.tally(RACI, [1, 2], ROLES, votes)[1]
    assert result.answered == 2
    assert result.cells[PDM].counts == {"A": 1, NONE: 1}
    assert result.cells[PO].counts == {NONE: 2}
    assert result.cells[PO].in_play is False


def test_it_takes_the_most_common_answer_and_scores_agreement_as_its_share():
    votes = by_activity((10, 1, PDM, "A"), (11, 1, PDM, "A"), (12, 1, PDM, "R"), (13, 1, PDM, "A"))
    cell = analysis.tally(RACI, [1], ROLES, votes)[1].cells[PDM]
    assert (cell.majority, cell.tie, cell.agreement) == ("A", False, 0.75)
    assert cell.distribution(RACI) == [("R", 1), ("A", 3)]
    assert cell.heat == 2


def test_a_tie_goes_to_the_matrix_value_else_to_the_schemes_first_letter():
    votes = by_activity((10, 1, PDM, "A"), (11, 1, PDM, "C"))
    assert analysis.tally(RACI, [1], ROLES, votes)[1].cells[PDM].majority == "A"
    current = {(1, PDM): "C"}
    cell = analysis.tally(RACI, [1], ROLES, votes, current)[1].cells[PDM]
    assert (cell.majority, cell.tie) == ("C", True)


def test_an_activity_nobody_answered_has_no_majority_and_no_score():
    result = analysis.tally(RACI, [1], ROLES, {})[1]
    assert result.answered == 0 and result.agreement is None
    assert result.cells[PDM].majority is None and result.cells[PDM].heat == 0


def test_activity_agreement_averages_the_cells_someone_gave_a_letter():
    votes = by_activity((10, 1, PDM, "A"), (11, 1, PDM, "A"), (10, 1, PJM, "R"))
    result = analysis.tally(RACI, [1], ROLES, votes)[1]
    # PDM: both say A (1.0); PJM: R vs none (0.5); PO: nobody gave a letter (ignored).
    assert result.agreement == 0.75
    assert round(result.disagreement, 2) == 0.25


def test_several_roles_named_for_the_one_accountable_letter_is_a_conflict():
    votes = by_activity(
        (10, 1, PDM, "A"), (11, 1, PJM, "A"), (12, 1, PDM, "A"), (10, 2, PO, "A"), (11, 2, PO, "A")
    )
    found = analysis.conflicts(RACI, votes)
    assert [(c.activity_id, c.code, c.named) for c in found] == [(1, "A", [(PDM, 2), (PJM, 1)])]


def test_daci_has_two_letters_that_only_one_role_may_hold():
    votes = by_activity((10, 1, PDM, "D"), (11, 1, PJM, "D"))
    assert [c.code for c in analysis.conflicts(DACI, votes)] == ["D"]


def test_role_confusion_pairs_roles_given_the_same_a_or_r_by_different_people():
    votes = by_activity(
        # Activities 1 and 2: one names the Product Manager accountable, one the Project Manager.
        (10, 1, PDM, "A"), (11, 1, PJM, "A"),
        (10, 2, PJM, "A"), (11, 2, PDM, "A"),
        # Activity 3: both name both as responsible: agreement, not confusion.
        (10, 3, PDM, "R"), (10, 3, PJM, "R"), (11, 3, PDM, "R"), (11, 3, PJM, "R"),
        # Activity 4: the Product Owner and the Product Manager do the work, for different people.
        (10, 4, PO, "R"), (11, 4, PDM, "R"),
    )  # fmt: skip
    pairs = analysis.role_confusion(RACI, votes)
    assert [(p.roles, p.activities, p.codes) for p in pairs] == [
        ((PDM, PJM), [1, 2], {"A"}),
        ((PDM, PO), [4], {"R"}),
    ]
    assert pairs[0].share(4) == 0.5


def test_the_majority_proposal_is_checked_by_the_rule_engine():
    votes = by_activity((10, 1, PDM, "R"), (11, 1, PDM, "R"))
    results = analysis.tally(RACI, [1, 2], ROLES, votes)
    activities = [rules.Subject(1, "Roadmap"), rules.Subject(2, "Launch")]
    roles = [rules.Subject(r, f"Role {r}") for r in ROLES]
    findings = analysis.majority_findings(RACI, activities, roles, results)
    # Only the answered activity is checked; it has nobody accountable.
    assert [(f.activity_id, f.rule) for f in findings] == [(1, "activity.missing_accountable")]
