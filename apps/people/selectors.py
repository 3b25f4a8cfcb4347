"""Reads of people and what they hold, each in a fixed number of queries whatever the size."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef

from apps.accounts.models import Membership, Team
from apps.catalog.models import Role
from apps.matrices.holders import Holder as HolderView
from apps.matrices.holders import Holders
from apps.matrices.models import Matrix, MatrixRole, Responsibility, show_label
from apps.raci.schemes import Kind, Letter, get_scheme

from .models import Holder, Person, initials, user_name


def _name_key(holder: HolderView) -> tuple[str, int]:
    return holder.name.casefold(), holder.id


def matrix_holders(matrix: Matrix) -> Holders | None:
    """Who holds each role column of the matrix, by role id, in name order (one query); None
    for a template, which belongs to no team and so has no people. What the matrices app
    reads through its hook (apps/matrices/holders.py)."""
    if matrix.team_id is None:
        return None
    found: dict[int, list[HolderView]] = defaultdict(list)
    for holder in Holder.objects.filter(matrix=matrix).select_related("person__user"):
        person = holder.person
        name = person.display_name
        username = person.user.get_username() if person.user_id is not None else ""
        found[holder.role_id].append(
            HolderView(person.pk, name, initials(name), person.has_account, username)
        )
    return {role_id: tuple(sorted(people, key=_name_key)) for role_id, people in found.items()}


# -- The people of a team ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Choice:
    """Someone the holder form offers: a user of the team (``user_id``) or a named person."""

    name: str
    user_id: int | None
    person_id: int | None  # their Person, once they have one

    @property
    def field(self) -> str:
        return "user" if self.user_id is not None else "person"

    @property
    def value(self) -> int:
        return self.user_id if self.user_id is not None else self.person_id


def team_choices(team_id: int) -> list[Choice]:
    """The team's users and its named people, by name (two queries)."""
    persons = list(Person.objects.filter(team_id=team_id))
    by_user = {person.user_id: person.pk for person in persons if person.user_id is not None}
    choices = [
        Choice(user_name(membership.user), membership.user_id, by_user.get(membership.user_id))
        for membership in Membership.objects.filter(team_id=team_id).select_related("user")
    ]
    choices += [Choice(person.name, None, person.pk) for person in persons if not person.user_id]
    return sorted(choices, key=lambda choice: (choice.name.casefold(), choice.value))


@dataclass(slots=True)
class Holding:
    matrix: Matrix
    role: Role


@dataclass(slots=True)
class TeamPerson:
    """A person of the team, for its people page: what they hold, in which matrices."""

    name: str
    person: Person | None  # None: a user of the team who holds nothing yet
    user_id: int | None
    holdings: list[Holding] = field(default_factory=list)

    @property
    def has_account(self) -> bool:
        return self.user_id is not None


def team_people(team: Team) -> list[TeamPerson]:
    """Everyone of the team, users and named people, with the columns they hold (three
    queries). A user who has left the team but still holds a column is listed too."""
    persons = Person.objects.filter(team=team).select_related("user").in_bulk()
    people: dict[int, TeamPerson] = {
        pk: TeamPerson(person.display_name, person, person.user_id)
        for pk, person in persons.items()
    }
    with_account = {person.user_id for person in persons.values() if person.user_id is not None}
    extra = [
        TeamPerson(user_name(membership.user), None, membership.user_id)
        for membership in Membership.objects.filter(team=team).select_related("user")
        if membership.user_id not in with_account
    ]
    for holder in _shown_holders(Holder.objects.filter(person__team=team)).select_related(
        "matrix", "role"
    ):
        people[holder.person_id].holdings.append(Holding(holder.matrix, holder.role))
    everyone = [*people.values(), *extra]
    for person in everyone:
        person.holdings.sort(key=lambda h: (h.matrix.title.casefold(), h.matrix.pk, h.role.name))
    return sorted(everyone, key=lambda p: (p.name.casefold(), p.user_id or 0))


def _shown_holders(holders):
    """Only holders of columns the matrix has (a removed column keeps its holders for undo)."""
    column = MatrixRole.objects.filter(matrix=OuterRef("matrix"), role=OuterRef("role"))
    return holders.filter(Exists(column), matrix__is_template=False)


# -- What people hold: a person's page, and "My responsibilities" ----------------------------


KIND_ORDER = (Kind.RESPONSIBLE, Kind.ACCOUNTABLE, Kind.SUPPORT, Kind.CONSULTED, Kind.INFORMED)


@dataclass(slots=True)
class Entry:
    """One letter a person holds through a role: a row of their responsibilities."""

    letter: Letter
    matrix: Matrix
    phase: str
    activity_id: int
    activity: str
    role: Role

    @property
    def cell_url(self) -> str:
        """The matrix's page with this cell focused (static/js/grid/people.js)."""
        return f"{self.matrix.get_absolute_url()}#cell-{self.activity_id}-{self.role.pk}"


@dataclass(slots=True)
class LetterGroup:
    letter: Letter
    entries: list[Entry]


def responsibilities(*, viewer, user=None, person: Person | None = None) -> list[Entry]:
    """The letters held, through the roles they hold, by ``user`` (in every team) or by
    ``person`` (in theirs), in the matrices ``viewer`` may see: of the teams they belong to,
    never templates. One query, in matrix, phase, activity and column order."""
    holders = Holder.objects.filter(matrix=OuterRef("activity__matrix"), role=OuterRef("role"))
    holders = holders.filter(person__user=user) if person is None else holders.filter(person=person)
    columns = MatrixRole.objects.filter(matrix=OuterRef("activity__matrix"), role=OuterRef("role"))
    cells = (
        Responsibility.objects.filter(
            Exists(holders),
            activity__matrix__is_template=False,
            activity__matrix__team__memberships__user=viewer,
        )
        .select_related("activity__phase", "activity__matrix__team", "role")
        .annotate(column=columns.values("position")[:1], column_label=columns.values("label")[:1])
        .order_by(
            "activity__matrix__title",
            "activity__matrix_id",
            "activity__phase__position",
            "activity__phase_id",
            "activity__position",
            "activity_id",
            "column",
        )
    )
    entries = []
    for cell in cells:
        matrix = cell.activity.matrix
        scheme = get_scheme(matrix.scheme)
        if not scheme.has(cell.code):
            continue
        entries.append(
            Entry(
                letter=scheme.letter(cell.code),
                matrix=matrix,
                phase=cell.activity.phase.name,
                activity_id=cell.activity_id,
                activity=cell.activity.name,
                role=show_label(cell.role, cell.column_label or ""),
            )
        )
    return entries


def by_letter(entries: list[Entry]) -> list[LetterGroup]:
    """The entries grouped by letter: R, A, (S), C, I, or the scheme's letters of those kinds;
    letters of different schemes that share a code and a name are one group."""
    groups: dict[tuple[str, str], LetterGroup] = {}
    for entry in entries:
        key = (entry.letter.code, entry.letter.name)
        groups.setdefault(key, LetterGroup(entry.letter, [])).entries.append(entry)
    return sorted(
        groups.values(),
        key=lambda group: (KIND_ORDER.index(group.letter.kind), group.letter.code),
    )


def held_roles(*, viewer, user=None, person: Person | None = None) -> list[Holder]:
    """The columns held by ``user`` (or ``person``) in the matrices ``viewer`` may see (one
    query), by matrix then column."""
    holders = Holder.objects.filter(person__user=user) if person is None else person.holdings
    return list(
        _shown_holders(holders.filter(matrix__team__memberships__user=viewer))
        .select_related("matrix__team", "role")
        .order_by("matrix__title", "matrix_id", "role__name")
    )


# -- The role guide ---------------------------------------------------------------------------


@dataclass(slots=True)
class GuideHolder:
    name: str
    matrices: list[Matrix]


def guide_holders(user, roles: list[Role]) -> list[list[GuideHolder]]:
    """For each role (in order), who holds it in the matrices of the user's teams, each
    person with the matrices (one query)."""
    if not user.is_authenticated:
        return [[] for _ in roles]
    holders = (
        _shown_holders(Holder.objects.filter(role__in=roles, matrix__team__memberships__user=user))
        .select_related("person__user", "matrix")
        .order_by("matrix__title", "matrix_id")
    )
    found: dict[int, dict[tuple, GuideHolder]] = defaultdict(dict)
    for holder in holders:
        person = holder.person
        # One user is one person in each of their teams: listed once, with every matrix.
        key = ("user", person.user_id) if person.user_id else ("person", person.pk)
        entry = found[holder.role_id].setdefault(key, GuideHolder(person.display_name, []))
        entry.matrices.append(holder.matrix)
    return [
        sorted(found.get(role.pk, {}).values(), key=lambda held: held.name.casefold())
        for role in roles
    ]


# -- One person's workload in a matrix ---------------------------------------------------------


@dataclass(slots=True)
class RoleLoad:
    role: Role
    letters: int
    index: int  # the column's place, for its colour
    x: float = 0.0
    width: float = 0.0


@dataclass(slots=True)
class PersonLoad:
    """A person's letters across every role they hold in a matrix: one bar, by role."""

    holder: HolderView
    roles: list[RoleLoad]
    counts: list[tuple[Letter, int]]

    @property
    def total(self) -> int:
        return sum(load.letters for load in self.roles)

    @property
    def role_ids(self) -> str:
        return " ".join(str(load.role.pk) for load in self.roles)


def person_loads(grid) -> list[PersonLoad]:
    """Each holder's letters in the grid, summed over their roles, with the bar's segments (in
    percent of the longest bar, or of the activities when no one holds more). No query: from
    the grid's column counts and holders."""
    if not grid.holders:
        return []
    loads: dict[int, PersonLoad] = {}
    for index, column in enumerate(grid.columns):
        letters = sum(n for _, n in column.counts)
        for holder in grid.holders.get(column.role.pk, ()):
            load = loads.get(holder.id)
            if load is None:
                load = loads[holder.id] = PersonLoad(
                    holder, [], [(letter, 0) for letter in grid.scheme.letters]
                )
            load.roles.append(RoleLoad(column.role, letters, index))
            load.counts = [
                (letter, n + m)
                for (letter, n), (_, m) in zip(load.counts, column.counts, strict=True)
            ]
    scale = max([grid.activity_count, *(load.total for load in loads.values())]) or 1
    for load in loads.values():
        x = 0.0
        for part in load.roles:
            part.x, part.width = round(x, 2), round(100 * part.letters / scale, 2)
            x += 100 * part.letters / scale
    return sorted(loads.values(), key=lambda load: _name_key(load.holder))
