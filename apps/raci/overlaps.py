"""Overlap findings: where the people who hold the roles blur what the letters say.

Plain Python, no Django, beside the rule engine (``rules.py``), whose ``Finding``, ``Severity``
and ``Subject`` it uses. A matrix gives letters to roles; people hold roles, and in a small
company one person often holds two (a product manager who is also the product owner). The
letters can then be right role by role and still wrong person by person.

Input: the scheme, the activities (rows, in order) and the roles (columns, in order) as
``Subject``, the cells ``(activity_id, role_id) -> code`` (as for ``rules.evaluate``), and the
holders: ``role_id -> the people who hold it``, each person a ``Subject`` (their id and name;
one person holding two roles appears under both). Roles missing from ``holders`` have nobody.
Codes that are not letters of the scheme are left to ``rules`` (``cell.unknown_letter``).

Output: the findings, most severe first (``rules.sort_findings``). The rules, by id:

``person.accountable_twice``        ERROR    one person holds the accountable letter through two
                                             or more roles on one activity: a single A must mean
                                             a single person. About the activity.
``person.accountable_and_responsible`` WARNING one person is accountable (through one role) and
                                             responsible (through another) on at least
                                             ``Options.threshold`` activities: nobody checks the
                                             work of the one who does it. About nobody in
                                             particular (no activity, no role); 0 turns it off.
``role.accountable_shared``         WARNING a role that is accountable for some activity is held
                                             by two or more people: each of its A's names
                                             several people. About the role; only with
                                             ``Options.warn_shared``.
``role.no_holder``                  INFO     a role holds a letter but nobody holds the role.
                                             Only once the matrix names a holder for some role
                                             (a team that does not name people is not nagged
                                             on every column), and only with
                                             ``Options.note_unheld``. About the role.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .rules import Finding, Severity, Subject, SubjectId, sort_findings
from .schemes import Kind, Scheme

ACCOUNTABLE_TWICE = "person.accountable_twice"
ACCOUNTABLE_AND_RESPONSIBLE = "person.accountable_and_responsible"
ACCOUNTABLE_SHARED = "role.accountable_shared"
NO_HOLDER = "role.no_holder"

RULE_IDS: frozenset[str] = frozenset(
    {ACCOUNTABLE_TWICE, ACCOUNTABLE_AND_RESPONSIBLE, ACCOUNTABLE_SHARED, NO_HOLDER}
)

# How many activities a warning names before it says "and N more".
NAMED_ACTIVITIES = 3


@dataclass(frozen=True, slots=True)
class Options:
    """Per-matrix settings for the overlap rules."""

    # Warn when one person is accountable and responsible on at least this many activities;
    # 0 never warns.
    threshold: int = 3
    # Note the roles that hold letters but have no holder.
    note_unheld: bool = True
    # Warn about a role that is accountable somewhere and held by several people.
    warn_shared: bool = True

    def __post_init__(self) -> None:
        if self.threshold < 0:
            raise ValueError("threshold must be 0 or more")


DEFAULT_OPTIONS = Options()

type Holders = Mapping[SubjectId, Sequence[Subject]]


def evaluate(
    scheme: Scheme,
    activities: Sequence[Subject],
    roles: Sequence[Subject],
    cells: Mapping[tuple[SubjectId, SubjectId], str | None],
    holders: Holders,
    options: Options = DEFAULT_OPTIONS,
) -> list[Finding]:
    """The overlap findings of the matrix (see the module's docstring), most severe first."""
    activities = _unique(activities)
    roles = _unique(roles)
    role_ids = {role.id for role in roles}
    held = {
        role_id: _unique(people)
        for role_id, people in holders.items()
        if role_id in role_ids and people
    }
    kinds = {letter.code: letter.kind for letter in scheme.letters}
    accountable = _letter_name(scheme, Kind.ACCOUNTABLE)
    responsible = _letter_name(scheme, Kind.RESPONSIBLE)
    role_by_id = {role.id: role for role in roles}

    # Per activity, per person: the roles through which they hold each kind that matters here.
    wanted = {Kind.ACCOUNTABLE, Kind.RESPONSIBLE}
    by_activity: dict[SubjectId, dict[SubjectId, dict[Kind, list[Subject]]]] = {}
    lettered_roles: set[SubjectId] = set()
    # role id -> the activities it is accountable for
    owned: dict[SubjectId, list[SubjectId]] = {}
    activity_ids = {activity.id for activity in activities}
    for (activity_id, role_id), code in cells.items():
        if role_id not in role_ids or activity_id not in activity_ids or not code:
            continue
        kind = kinds.get(code) if isinstance(code, str) else None
        if kind is None:
            continue
        lettered_roles.add(role_id)
        if kind == Kind.ACCOUNTABLE:
            owned.setdefault(role_id, []).append(activity_id)
        if kind not in wanted:
            continue
        for person in held.get(role_id, ()):
            entry = by_activity.setdefault(activity_id, {}).setdefault(person.id, {})
            entry.setdefault(kind, []).append(role_by_id[role_id])

    findings: list[Finding] = []
    people = {person.id: person for group in held.values() for person in group}
    role_order = {role.id: index for index, role in enumerate(roles)}
    # person id -> (activities, accountable roles, responsible roles), for the warning.
    both: dict[SubjectId, tuple[list[Subject], set[SubjectId], set[SubjectId]]] = {}
    for activity in activities:
        for person_id, held_kinds in by_activity.get(activity.id, {}).items():
            person = people[person_id]
            owning = sorted(held_kinds.get(Kind.ACCOUNTABLE, ()), key=lambda r: role_order[r.id])
            doing = held_kinds.get(Kind.RESPONSIBLE, ())
            if accountable and len(owning) > 1:
                findings.append(
                    Finding(
                        Severity.ERROR,
                        ACCOUNTABLE_TWICE,
                        f'{person.name} is {accountable.name} for activity "{activity.name}" '
                        f"through {len(owning)} roles ({_names(owning)}); a single "
                        f"{accountable.code} must mean a single person: keep "
                        f"{accountable.code} on one of these roles.",
                        activity_id=activity.id,
                    )
                )
            if owning and doing:
                entry = both.setdefault(person_id, ([], set(), set()))
                entry[0].append(activity)
                entry[1].update(role.id for role in owning)
                entry[2].update(role.id for role in doing)

    if accountable and responsible and options.threshold:
        for person_id, (shared, owning_ids, doing_ids) in both.items():
            if len(shared) < options.threshold:
                continue
            person = people[person_id]
            owning = [role for role in roles if role.id in owning_ids]
            doing = [role for role in roles if role.id in doing_ids]
            findings.append(
                Finding(
                    Severity.WARNING,
                    ACCOUNTABLE_AND_RESPONSIBLE,
                    f"{person.name} is both {accountable.name} (as {_names(owning)}) and "
                    f"{responsible.name} (as {_names(doing)}) on {len(shared)} activities "
                    f"({_listed(shared)}), so nobody checks the work of the one who does it; "
                    f"give one of these roles to someone else, or make another role "
                    f"{accountable.name} there.",
                )
            )

    if accountable and options.warn_shared:
        for role in roles:
            sharing = held.get(role.id, ())
            count = len(owned.get(role.id, ()))
            if count and len(sharing) > 1:
                findings.append(
                    Finding(
                        Severity.WARNING,
                        ACCOUNTABLE_SHARED,
                        f'Role "{role.name}" is {accountable.name} for {count} '
                        f"activit{'y' if count == 1 else 'ies'} and {len(sharing)} people hold "
                        f"it ({_names(sharing)}); a single {accountable.code} must mean a "
                        f"single person: name one of them, or split the role.",
                        role_id=role.id,
                    )
                )

    if options.note_unheld and held:
        for role in roles:
            if role.id in lettered_roles and role.id not in held:
                findings.append(
                    Finding(
                        Severity.INFO,
                        NO_HOLDER,
                        f'Nobody holds role "{role.name}", which has letters; say who holds it '
                        f"under People on roles, so that its letters reach a person.",
                        role_id=role.id,
                    )
                )
    return sort_findings(findings, activities, roles)


@dataclass(frozen=True, slots=True)
class _Named:
    code: str
    name: str


def _letter_name(scheme: Scheme, kind: Kind) -> _Named | None:
    code = scheme.code_for(kind)
    return None if code is None else _Named(code, scheme.letter(code).name)


def _unique(subjects: Sequence[Subject]) -> list[Subject]:
    seen: dict[SubjectId, Subject] = {}
    for subject in subjects:
        seen.setdefault(subject.id, subject)
    return list(seen.values())


def _names(subjects: Sequence[Subject]) -> str:
    return ", ".join(subject.name for subject in subjects)


def _listed(activities: Sequence[Subject]) -> str:
    named = ", ".join(f'"{activity.name}"' for activity in activities[:NAMED_ACTIVITIES])
    more = len(activities) - NAMED_ACTIVITIES
    return f"{named} and {more} more" if more > 0 else named
