"""The rule engine: checks a responsibility matrix and says what is wrong with it.

Plain Python, no Django. The engine never names a letter: it works on the letters' *kinds*
(see ``schemes.Kind``) and asks the scheme for codes and names, so the same rules check RACI,
RASCI and DACI matrices, and the messages speak the scheme's language ("Accountable" in RACI,
"Approver" in DACI).

Input: a scheme, the activities (rows, in order), the roles (columns, in order) and the cells,
a mapping ``(activity_id, role_id) -> code``. Empty cells may be missing, ``""`` or ``None``.
A code that is not a letter of the scheme is reported (``cell.unknown_letter``) and otherwise
ignored; cells whose activity or role is not in the lists are ignored. If an id appears twice in
the activities or the roles, the first occurrence wins.

Output: a sorted list of ``Finding``. The rules, by id:

Per activity
    ``activity.missing_<kind>``   ERROR    no role holds a kind the scheme requires: a kind in
                                           ``scheme.exactly_one`` or ``scheme.at_least_one``.
                                           With ``Options.accountable_does_work``, a missing
                                           at-least-one responsible role is fine when the
                                           activity has an accountable role (who does the work).
    ``activity.several_<kind>``   ERROR    several roles hold a kind of ``scheme.exactly_one``.
    ``activity.several_responsible`` WARNING several responsible roles, in a scheme where that
                                           kind is not exactly-one (RACI, RASCI); the same id is
                                           an ERROR in a scheme where it is (DACI's Driver).
    ``activity.too_many_consulted`` WARNING more than ``Options.max_consulted`` consulted roles.
    ``activity.no_consulted_or_informed`` INFO the activity has letters but nobody is consulted
                                           or informed. Not reported for an activity without
                                           any letter: its missing-kind errors say enough.
Per role (only when there is at least one activity)
    ``role.unused``               WARNING  the role has no letter on any activity.
    ``role.no_responsible_or_accountable`` INFO the role has letters, but never a responsible or
                                           accountable one.
    ``role.overloaded``           WARNING  the role is responsible or accountable on more than
                                           ``Options.overload_share`` of the activities; only
                                           checked from ``Options.overload_min_activities``
                                           activities on, to keep small matrices quiet.
Per cell
    ``cell.unknown_letter``       ERROR    the code is not a letter of the scheme.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from .schemes import Kind, Letter, Scheme

type SubjectId = int | str


@dataclass(frozen=True, slots=True)
class Subject:
    """An activity (a row) or a role (a column) of the matrix."""

    id: SubjectId
    name: str


class Severity(StrEnum):
    ERROR = "error"  # the matrix is wrong: fix it
    WARNING = "warning"  # the matrix is probably not what you want
    INFO = "info"  # worth a second look


class Status(StrEnum):
    """The state of a whole matrix: the worst severity among its findings, or OK."""

    OK = "ok"
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Finding:
    severity: Severity
    rule: str  # stable id, one of RULE_IDS
    message: str  # one sentence: what is wrong and how to fix it
    activity_id: SubjectId | None = None
    role_id: SubjectId | None = None


@dataclass(frozen=True, slots=True)
class Options:
    """Per-matrix settings for the rules."""

    # The accountable role also does the work, so an activity needs no separate responsible role.
    accountable_does_work: bool = False
    # More consulted roles than this on one activity is a warning.
    max_consulted: int = 3
    # A role responsible or accountable on more than this share of the activities is a warning...
    overload_share: float = 0.5
    # ...but only on matrices with at least this many activities.
    overload_min_activities: int = 4

    def __post_init__(self) -> None:
        if self.max_consulted < 0:
            raise ValueError("max_consulted must be 0 or more")
        if not 0 <= self.overload_share <= 1:
            raise ValueError("overload_share must be between 0 and 1")
        if self.overload_min_activities < 1:
            raise ValueError("overload_min_activities must be 1 or more")


DEFAULT_OPTIONS = Options()

UNKNOWN_LETTER = "cell.unknown_letter"
TOO_MANY_CONSULTED = "activity.too_many_consulted"
NO_CONSULTED_OR_INFORMED = "activity.no_consulted_or_informed"
ROLE_UNUSED = "role.unused"
ROLE_NO_RESPONSIBLE_OR_ACCOUNTABLE = "role.no_responsible_or_accountable"
ROLE_OVERLOADED = "role.overloaded"


def missing_rule(kind: Kind) -> str:
    return f"activity.missing_{kind.value}"


def several_rule(kind: Kind) -> str:
    return f"activity.several_{kind.value}"


RULE_IDS: frozenset[str] = frozenset(
    {missing_rule(kind) for kind in Kind}
    | {several_rule(kind) for kind in Kind}
    | {
        UNKNOWN_LETTER,
        TOO_MANY_CONSULTED,
        NO_CONSULTED_OR_INFORMED,
        ROLE_UNUSED,
        ROLE_NO_RESPONSIBLE_OR_ACCOUNTABLE,
        ROLE_OVERLOADED,
    }
)

_SEVERITY_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}

type Holders = dict[Kind, list[Subject]]


def evaluate(
    scheme: Scheme,
    activities: Sequence[Subject],
    roles: Sequence[Subject],
    cells: Mapping[tuple[SubjectId, SubjectId], str | None],
    options: Options = DEFAULT_OPTIONS,
) -> list[Finding]:
    """Check the matrix against the scheme's rules; return the findings, most severe first."""
    activities = _unique(activities)
    roles = _unique(roles)
    if not activities:
        return []
    letters = {letter.code: letter for letter in scheme.letters}
    findings: list[Finding] = []
    kinds_by_role: dict[SubjectId, list[Kind]] = {role.id: [] for role in roles}
    for activity in activities:
        holders: Holders = {kind: [] for kind in Kind}
        for role in roles:
            code = cells.get((activity.id, role.id))
            if code is None or code == "":
                continue
            letter = letters.get(code) if isinstance(code, str) else None
            if letter is None:
                findings.append(_unknown_letter(scheme, activity, role, code))
                continue
            holders[letter.kind].append(role)
            kinds_by_role[role.id].append(letter.kind)
        findings.extend(_check_activity(scheme, activity, holders, options))
    for role in roles:
        findings.extend(check_role(scheme, role, kinds_by_role[role.id], activities, options))
    return sort_findings(findings, activities, roles)


def sort_findings(
    findings: Iterable[Finding], activities: Sequence[Subject], roles: Sequence[Subject]
) -> list[Finding]:
    """Most severe first, then in activity (row) order, then in role (column) order.

    Within a severity, the findings about activities come first (each activity's own findings
    before those about its cells), then the findings about roles alone; ties keep their order.
    """
    activity_index = _positions(activities)
    role_index = _positions(roles)

    def key(finding: Finding) -> tuple[int, int, int]:
        return (
            _SEVERITY_RANK[finding.severity],
            # Findings about roles alone come after every activity, duplicates included.
            activity_index.get(finding.activity_id, len(activities)),
            role_index.get(finding.role_id, -1),
        )

    return sorted(findings, key=key)


def summarize(findings: Iterable[Finding]) -> dict[Severity, int]:
    """How many findings of each severity, with every severity present (most severe first)."""
    counts = dict.fromkeys(Severity, 0)
    for finding in findings:
        counts[finding.severity] += 1
    return counts


def status(findings: Iterable[Finding]) -> Status:
    """The matrix's status: the worst severity among the findings, or OK if there are none."""
    severities = {finding.severity for finding in findings}
    for severity in Severity:  # most severe first
        if severity in severities:
            return Status(severity.value)
    return Status.OK


def by_activity(findings: Iterable[Finding]) -> dict[SubjectId, list[Finding]]:
    """The findings about each activity (cell findings included), keeping their order."""
    grouped: dict[SubjectId, list[Finding]] = {}
    for finding in findings:
        if finding.activity_id is not None:
            grouped.setdefault(finding.activity_id, []).append(finding)
    return grouped


def by_role(findings: Iterable[Finding]) -> dict[SubjectId, list[Finding]]:
    """The findings about each role (cell findings included), keeping their order."""
    grouped: dict[SubjectId, list[Finding]] = {}
    for finding in findings:
        if finding.role_id is not None:
            grouped.setdefault(finding.role_id, []).append(finding)
    return grouped


# --- The rules ---------------------------------------------------------------------------------


def _check_activity(
    scheme: Scheme, activity: Subject, holders: Holders, options: Options
) -> list[Finding]:
    findings: list[Finding] = []
    name = activity.name

    def report(severity: Severity, rule: str, message: str) -> None:
        findings.append(Finding(severity, rule, message, activity_id=activity.id))

    for kind in scheme.exactly_one:
        letter = _letter_for(scheme, kind)
        if letter is None:
            continue
        held_by = holders[kind]
        if not held_by:
            report(
                Severity.ERROR,
                missing_rule(kind),
                f'Activity "{name}" has no {letter.name} role; '
                f"mark exactly one role as {_label(letter)}.",
            )
        elif len(held_by) > 1:
            report(
                Severity.ERROR,
                several_rule(kind),
                f'Activity "{name}" has {len(held_by)} {letter.name} roles '
                f"({_names(held_by)}); keep exactly one {letter.name} and change the others.",
            )

    for kind in scheme.at_least_one:
        letter = _letter_for(scheme, kind)
        if letter is None or kind in scheme.exactly_one or holders[kind]:
            continue
        accountable = _letter_for(scheme, Kind.ACCOUNTABLE)
        if options.accountable_does_work and kind == Kind.RESPONSIBLE and accountable:
            if holders[Kind.ACCOUNTABLE]:
                continue
            fix = (
                f"mark at least one role as {_label(letter)}, or mark a role as "
                f"{_label(accountable)}, who also does the work on this matrix"
            )
        else:
            fix = f"mark at least one role as {_label(letter)}"
        report(
            Severity.ERROR,
            missing_rule(kind),
            f'Activity "{name}" has no {letter.name} role; {fix}.',
        )

    responsible = _letter_for(scheme, Kind.RESPONSIBLE)
    doers = holders[Kind.RESPONSIBLE]
    if responsible and Kind.RESPONSIBLE not in scheme.exactly_one and len(doers) > 1:
        report(
            Severity.WARNING,
            several_rule(Kind.RESPONSIBLE),
            f'Activity "{name}" has {len(doers)} {responsible.name} roles '
            f"({_names(doers)}); consider splitting the activity so that each part has "
            f"one {responsible.name} role.",
        )

    consulted = _letter_for(scheme, Kind.CONSULTED)
    informed = _letter_for(scheme, Kind.INFORMED)
    asked = holders[Kind.CONSULTED]
    if consulted and len(asked) > options.max_consulted:
        instead = f" and make the others {informed.name}" if informed else ""
        report(
            Severity.WARNING,
            TOO_MANY_CONSULTED,
            f'Activity "{name}" has {len(asked)} {consulted.name} roles ({_names(asked)}), '
            f"more than {options.max_consulted}, which slows the work down; keep the ones "
            f"whose input is essential{instead}.",
        )

    has_letters = any(holders.values())
    if has_letters and consulted and informed and not asked and not holders[Kind.INFORMED]:
        report(
            Severity.INFO,
            NO_CONSULTED_OR_INFORMED,
            f'Nobody is {consulted.name} or {informed.name} on activity "{name}"; if that is '
            f"not intended, mark who gives input as {_label(consulted)} and who needs to "
            f"know as {_label(informed)}.",
        )
    return findings


def check_role(
    scheme: Scheme,
    role: Subject,
    kinds: list[Kind],
    activities: Sequence[Subject],
    options: Options,
) -> list[Finding]:
    """The findings of one role, from the kinds of letter it holds across ``activities``.

    ``evaluate`` calls it for every role; a cell update calls it for the roles alone, from
    each column's counts, without re-checking every activity.
    """
    name = role.name
    if not kinds:
        return [
            Finding(
                Severity.WARNING,
                ROLE_UNUSED,
                f'Role "{name}" has no letter on any activity; give it a letter where it takes '
                f"part, or remove it if the role is not needed.",
                role_id=role.id,
            )
        ]
    owners = _owner_names(scheme)
    if owners is None:
        return []
    leading = sum(kind in (Kind.RESPONSIBLE, Kind.ACCOUNTABLE) for kind in kinds)
    if not leading:
        held = _or_list([letter.name for letter in scheme.letters if letter.kind in kinds])
        return [
            Finding(
                Severity.INFO,
                ROLE_NO_RESPONSIBLE_OR_ACCOUNTABLE,
                f'Role "{name}" is only ever {held}, never {owners}; check that it should not '
                f"own or do any of the work.",
                role_id=role.id,
            )
        ]
    total = len(activities)
    if total >= options.overload_min_activities and leading / total > options.overload_share:
        return [
            Finding(
                Severity.WARNING,
                ROLE_OVERLOADED,
                f'Role "{name}" is {owners} on {leading} of {total} activities '
                f"({leading / total:.0%}); share the work with other roles so that it does "
                f"not become a bottleneck.",
                role_id=role.id,
            )
        ]
    return []


def _unknown_letter(scheme: Scheme, activity: Subject, role: Subject, code: object) -> Finding:
    choices = _or_list(scheme.codes)
    return Finding(
        Severity.ERROR,
        UNKNOWN_LETTER,
        f'The cell for activity "{activity.name}" and role "{role.name}" holds {code!r}, '
        f"which is not a {scheme.name} letter; change it to {choices}, or clear it.",
        activity_id=activity.id,
        role_id=role.id,
    )


# --- Helpers -----------------------------------------------------------------------------------


def _unique(subjects: Sequence[Subject]) -> list[Subject]:
    """The subjects without repeated ids; the first occurrence wins."""
    seen: dict[SubjectId, Subject] = {}
    for subject in subjects:
        seen.setdefault(subject.id, subject)
    return list(seen.values())


def _positions(subjects: Sequence[Subject]) -> dict[SubjectId, int]:
    positions: dict[SubjectId, int] = {}
    for index, subject in enumerate(subjects):
        positions.setdefault(subject.id, index)
    return positions


def _letter_for(scheme: Scheme, kind: Kind) -> Letter | None:
    code = scheme.code_for(kind)
    return None if code is None else scheme.letter(code)


def _label(letter: Letter) -> str:
    return f"{letter.name} ({letter.code})"


def _names(subjects: Sequence[Subject]) -> str:
    return ", ".join(subject.name for subject in subjects)


def _or_list(words: Sequence[str]) -> str:
    """Join words as in "x", "x or y" and "x, y or z"."""
    return " or ".join([", ".join(words[:-1]), words[-1]]) if len(words) > 1 else "".join(words)


def _owner_names(scheme: Scheme) -> str | None:
    """The responsible and accountable names joined by "or"; None if the scheme has neither."""
    letters = [
        letter
        for kind in (Kind.RESPONSIBLE, Kind.ACCOUNTABLE)
        if (letter := _letter_for(scheme, kind)) is not None
    ]
    return _or_list([letter.name for letter in letters]) or None
