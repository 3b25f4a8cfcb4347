"""Property tests for the RACI rule engine."""

from hypothesis import given, settings
from hypothesis import strategies as st

from apps.raci.rules import (
    RULE_IDS,
    Finding,
    Options,
    Severity,
    Subject,
    by_activity,
    by_role,
    evaluate,
    sort_findings,
    summarize,
)
from apps.raci.schemes import ALL_CODES, SCHEMES, Kind, Scheme

PROPERTIES = settings(max_examples=200, deadline=None)

schemes = st.sampled_from(list(SCHEMES.values()))
ids = st.one_of(st.integers(min_value=-5, max_value=20), st.text(max_size=3))
names = st.text(max_size=12)  # duplicates, empty and odd unicode names included
subjects = st.lists(st.builds(Subject, ids, names), max_size=8)
options = st.builds(
    Options,
    accountable_does_work=st.booleans(),
    max_consulted=st.integers(min_value=0, max_value=6),
    overload_share=st.floats(min_value=0, max_value=1),
    overload_min_activities=st.integers(min_value=1, max_value=6),
)
codes = st.one_of(
    st.sampled_from([*ALL_CODES, "", "r", "a", " "]),
    st.text(max_size=3),  # arbitrary unicode
    st.none(),
)


@st.composite
def any_matrix(draw):
    scheme = draw(schemes)
    activities = draw(subjects)
    roles = draw(subjects)
    # Cell keys mostly point at real activities and roles, sometimes at ids not in the lists.
    activity_ids = (
        st.one_of(st.sampled_from([a.id for a in activities]), ids) if activities else ids
    )
    role_ids = st.one_of(st.sampled_from([r.id for r in roles]), ids) if roles else ids
    cells = draw(st.dictionaries(st.tuples(activity_ids, role_ids), codes, max_size=40))
    return scheme, activities, roles, cells, draw(options)


@PROPERTIES
@given(any_matrix())
def test_it_never_crashes_and_returns_well_formed_findings(matrix):
    scheme, activities, roles, cells, opts = matrix
    findings = evaluate(scheme, activities, roles, cells, opts)

    assert isinstance(findings, list)
    activity_ids = {a.id for a in activities}
    role_ids = {r.id for r in roles}
    for finding in findings:
        assert isinstance(finding, Finding)
        assert finding.severity in Severity
        assert finding.rule in RULE_IDS
        assert isinstance(finding.message, str) and finding.message
        assert finding.activity_id is None or finding.activity_id in activity_ids
        assert finding.role_id is None or finding.role_id in role_ids
        assert finding.activity_id is not None or finding.role_id is not None
    if not activities:
        assert findings == []
    assert sort_findings(findings, activities, roles) == findings
    assert sum(summarize(findings).values()) == len(findings)
    assert sum(map(len, by_activity(findings).values())) == sum(
        f.activity_id is not None for f in findings
    )
    assert sum(map(len, by_role(findings).values())) == sum(f.role_id is not None for f in findings)
    assert evaluate(scheme, activities, roles, dict(reversed(cells.items())), opts) == findings


@st.composite
def valid_matrix(draw):
    """A matrix that keeps every error rule of its scheme (and of its options)."""
    scheme: Scheme = draw(schemes)
    opts: Options = draw(options)
    code = scheme.code_for
    required = len(scheme.exactly_one) + len(set(scheme.at_least_one) - set(scheme.exactly_one))
    roles = [
        Subject(i, draw(names))
        for i in range(draw(st.integers(min_value=max(required, 1), max_value=8)))
    ]
    activities = [
        Subject(f"a{i}", draw(names)) for i in range(draw(st.integers(min_value=1, max_value=6)))
    ]
    free_kinds = [letter.kind for letter in scheme.letters if letter.kind not in scheme.exactly_one]
    cells: dict[tuple[int | str, int | str], str] = {}
    for activity in activities:
        order = iter(draw(st.permutations(roles)))  # distinct roles for the letters below
        letters = [code(kind) for kind in scheme.exactly_one]
        for kind in scheme.at_least_one:
            if kind in scheme.exactly_one:
                continue
            waived = (
                opts.accountable_does_work
                and kind == Kind.RESPONSIBLE
                and Kind.ACCOUNTABLE in scheme.exactly_one
            )
            if not (waived and draw(st.booleans())):
                letters.append(code(kind))
        consulted = 0
        for role in order:
            if letters:
                cells[(activity.id, role.id)] = letters.pop(0)
                continue
            kinds = [k for k in free_kinds if k != Kind.CONSULTED or consulted < opts.max_consulted]
            kind = draw(st.none() | st.sampled_from(kinds))
            if kind is not None:
                consulted += kind == Kind.CONSULTED
                cells[(activity.id, role.id)] = code(kind)
    return scheme, activities, roles, cells, opts


@PROPERTIES
@given(valid_matrix())
def test_it_finds_no_error_in_a_matrix_that_keeps_the_rules(matrix):
    scheme, activities, roles, cells, opts = matrix
    findings = evaluate(scheme, activities, roles, cells, opts)
    assert [f for f in findings if f.severity == Severity.ERROR] == []
