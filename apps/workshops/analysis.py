"""What the votes of a workshop say: per-cell distributions, agreement, rule conflicts and role
confusion. Plain Python on ids and codes, no Django, so it is fast to test.

A participant *answered* an activity when they gave any role on it a letter or an explicit
"none"; for the participants who answered, a role they left alone counts as "none" too.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations

from apps.raci import rules
from apps.raci.schemes import Kind, Scheme

NONE = ""
type Id = int

# The kinds whose holders people mix up: who owns the outcome, who does the work.
CONFUSABLE_KINDS = (Kind.ACCOUNTABLE, Kind.RESPONSIBLE)


@dataclass(slots=True)
class CellResult:
    counts: Counter  # code -> participants, NONE included
    answered: int  # participants who answered the activity
    majority: str | None = None  # None while nobody answered
    tie: bool = False

    @property
    def agreement(self) -> float | None:
        """The share of participants who chose the majority's answer."""
        if not self.answered:
            return None
        return self.counts[self.majority] / self.answered

    @property
    def in_play(self) -> bool:
        """Somebody gave this role a letter (a cell everyone leaves empty says little)."""
        return any(n for code, n in self.counts.items() if code != NONE)

    @property
    def heat(self) -> int:
        """Disagreement in five steps: 0 (all agree, or nothing to agree on) to 4."""
        if not self.in_play or self.agreement is None:
            return 0
        return min(4, round((1 - self.agreement) * 8))

    def distribution(self, scheme: Scheme) -> list[tuple[str, int]]:
        """(code, participants) in the scheme's order, NONE last, zeros left out."""
        order = [*scheme.codes, NONE]
        return [(code, self.counts[code]) for code in order if self.counts[code]]


@dataclass(slots=True)
class ActivityResult:
    activity_id: Id
    answered: int
    cells: dict[Id, CellResult]

    @property
    def agreement(self) -> float | None:
        scores = [cell.agreement for cell in self.cells.values() if cell.in_play]
        if not self.answered:
            return None
        return sum(scores) / len(scores) if scores else 1.0

    @property
    def disagreement(self) -> float:
        return 0.0 if self.agreement is None else 1 - self.agreement

    @property
    def majority(self) -> dict[Id, str]:
        return {
            role: cell.majority for role, cell in self.cells.items() if cell.majority is not None
        }


@dataclass(slots=True)
class Conflict:
    """Several roles were named for a letter that exactly one role may hold."""

    activity_id: Id
    code: str
    named: list[tuple[Id, int]]  # role, participants naming it; most named first


@dataclass(slots=True)
class Confusion:
    """Two roles that participants use interchangeably for owning or doing the work."""

    roles: tuple[Id, Id]
    activities: list[Id] = field(default_factory=list)
    codes: set[str] = field(default_factory=set)

    def share(self, answered_activities: int) -> float:
        return len(self.activities) / answered_activities if answered_activities else 0.0


def ballots(votes: Iterable[tuple[Id, Id, Id, str]]) -> dict[Id, dict[Id, dict[Id, str]]]:
    """activity -> participant -> role -> code, from (participant, activity, role, code)."""
    result: dict[Id, dict[Id, dict[Id, str]]] = defaultdict(lambda: defaultdict(dict))
    for participant, activity, role, code in votes:
        result[activity][participant][role] = code
    return result


def tally(
    scheme: Scheme,
    activity_ids: Sequence[Id],
    role_ids: Sequence[Id],
    by_activity: Mapping[Id, Mapping[Id, Mapping[Id, str]]],
    current: Mapping[tuple[Id, Id], str] | None = None,
) -> dict[Id, ActivityResult]:
    """Every cell's distribution and majority, from each participant's votes (see
    ``from_counts`` for the same from kept counts). A tie goes to the matrix's current value if
    it is among the tied answers, else to the scheme's first letter, "none" last."""
    counts: dict[tuple[Id, Id], Counter] = {}
    answered = {}
    for activity in activity_ids:
        voters = by_activity.get(activity, {})
        answered[activity] = len(voters)
        for role in role_ids:
            counts[activity, role] = Counter(
                c for choices in voters.values() if (c := choices.get(role)) is not None
            )
    return from_counts(scheme, activity_ids, role_ids, counts, answered, current)


def from_counts(
    scheme: Scheme,
    activity_ids: Sequence[Id],
    role_ids: Sequence[Id],
    counts: Mapping[tuple[Id, Id], Mapping[str, int]],
    answered: Mapping[Id, int],
    current: Mapping[tuple[Id, Id], str] | None = None,
) -> dict[Id, ActivityResult]:
    """Every cell's result from the counts of the letters given to it (``NONE``: explicit "no
    part") and the number of participants who answered each activity: those who answered and
    gave the role nothing count as "none" too."""
    current = current or {}
    rank = {code: i for i, code in enumerate([*scheme.codes, NONE])}
    results = {}
    empty: Mapping[str, int] = {}
    for activity in activity_ids:
        n = answered.get(activity, 0)
        cells = {}
        for role in role_ids:
            given = Counter(
                {
                    c: k
                    for c, k in counts.get((activity, role), empty).items()
                    if k > 0 and c != NONE
                }
            )
            rest = n - sum(given.values())
            if rest > 0:
                given[NONE] = rest
            cell = CellResult(counts=given, answered=n)
            if n:
                top = max(given.values())
                tied = [code for code, k in given.items() if k == top]
                now = current.get((activity, role), NONE)
                cell.tie = len(tied) > 1
                cell.majority = now if now in tied else min(tied, key=lambda c: rank.get(c, 99))
            cells[role] = cell
        results[activity] = ActivityResult(activity, n, cells)
    return results


def conflicts_in(scheme: Scheme, results: Mapping[Id, ActivityResult]) -> list[Conflict]:
    """``conflicts`` from the cells' counts: the same, without each participant's votes."""
    found = []
    for kind in scheme.exactly_one:
        code = scheme.code_for(kind)
        for activity, result in results.items():
            named = [
                (role, cell.counts[code])
                for role, cell in result.cells.items()
                if cell.counts[code]
            ]
            if len(named) > 1:
                named.sort(key=lambda pair: -pair[1])
                found.append(Conflict(activity, code, named))
    return found


def conflicts(
    scheme: Scheme, by_activity: Mapping[Id, Mapping[Id, Mapping[Id, str]]]
) -> list[Conflict]:
    """For each letter only one role may hold (the scheme's ``exactly_one``), the activities
    on which participants named different roles for it."""
    found = []
    for kind in scheme.exactly_one:
        code = scheme.code_for(kind)
        for activity, voters in by_activity.items():
            named = Counter(
                role for choices in voters.values() for role, c in choices.items() if c == code
            )
            if len(named) > 1:
                found.append(Conflict(activity, code, named.most_common()))
    return found


def majority_findings(
    scheme: Scheme,
    activities: Sequence[rules.Subject],
    roles: Sequence[rules.Subject],
    results: Mapping[Id, ActivityResult],
    options: rules.Options = rules.DEFAULT_OPTIONS,
) -> list[rules.Finding]:
    """The rule engine's verdict on the majority proposal, activity by activity (answered
    activities only; role-wide findings say little about a subset of the matrix)."""
    answered = [a for a in activities if results[a.id].answered]
    cells = {(a.id, role): code for a in answered for role, code in results[a.id].majority.items()}
    findings = rules.evaluate(scheme, answered, roles, cells, options)
    return [f for f in findings if f.activity_id is not None and f.severity != rules.Severity.INFO]


def role_confusion(
    scheme: Scheme, by_activity: Mapping[Id, Mapping[Id, Mapping[Id, str]]]
) -> list[Confusion]:
    """Pairs of roles (X, Y) such that, on one activity, one participant gives X the A (or R)
    and not Y while another gives it to Y and not X. Most activities first."""
    return confusion_total(confusion_by_activity(scheme, by_activity))


type Mixed = set[
    tuple[tuple[Id, Id], str]
]  # the pairs of roles mixed up on one activity, by letter


def confusion_by_activity(
    scheme: Scheme, by_activity: Mapping[Id, Mapping[Id, Mapping[Id, str]]]
) -> dict[Id, Mixed]:
    """Per activity, the pairs of roles mixed up on it (see ``role_confusion``): kept per
    activity, so that a board recomputes only the activities whose votes changed."""
    mixed: dict[Id, Mixed] = {}
    for activity, voters in by_activity.items():
        found: Mixed = set()
        for kind in CONFUSABLE_KINDS:
            code = scheme.code_for(kind)
            if code is None:
                continue
            holders: dict[Id, set[Id]] = defaultdict(set)  # role -> participants naming it
            for participant, choices in voters.items():
                for role, c in choices.items():
                    if c == code:
                        holders[role].add(participant)
            for x, y in combinations(sorted(holders), 2):
                if holders[x] - holders[y] and holders[y] - holders[x]:
                    found.add(((x, y), code))
        mixed[activity] = found
    return mixed


def confusion_total(mixed: Mapping[Id, Mixed]) -> list[Confusion]:
    """The pairs of ``confusion_by_activity`` over all activities, most activities first."""
    pairs: dict[tuple[Id, Id], Confusion] = {}
    for activity, found in mixed.items():
        for roles, code in found:
            pair = pairs.get(roles)
            if pair is None:
                pair = pairs[roles] = Confusion(roles)
            if not pair.activities or pair.activities[-1] != activity:
                pair.activities.append(activity)  # activities come one after the other
            pair.codes.add(code)
    return sorted(pairs.values(), key=lambda p: (-len(p.activities), p.roles))
