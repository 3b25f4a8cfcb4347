"""Reads for the workshop pages, each in a fixed number of queries whatever the size."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from apps.catalog.models import Role
from apps.matrices.models import Activity, Responsibility
from apps.matrices.selectors import matrix_structure, rule_options
from apps.raci import rules
from apps.raci.schemes import Scheme

from . import analysis
from .models import NONE, ActivityTally, Participant, SettledCell, Tally, Vote, Workshop


def workshop_activities(workshop: Workshop) -> list[Activity]:
    return list(
        workshop.activities.select_related("phase").order_by("phase__position", "position", "pk")
    )


def active_participants(workshop: Workshop) -> list[Participant]:
    """Participants still in the workshop, with ``answered``: activities they answered (kept
    by each vote's transaction)."""
    return list(workshop.participants.filter(removed_at__isnull=True))


def counts(workshop: Workshop) -> tuple[dict[tuple[int, int], dict[str, int]], dict[int, int]]:
    """The workshop's kept tallies: (activity, role) -> code -> participants, and activity ->
    participants who answered it. Two queries; their size grows with the cells, not the room."""
    cells: dict[tuple[int, int], dict[str, int]] = {}
    for a, r, code, n in Tally.objects.filter(workshop=workshop, count__gt=0).values_list(
        "activity_id", "role_id", "code", "count"
    ):
        cells.setdefault((a, r), {})[code] = n
    answered = dict(
        ActivityTally.objects.filter(workshop=workshop, answered__gt=0).values_list(
            "activity_id", "answered"
        )
    )
    return cells, answered


def mixed_roles(
    workshop: Workshop, scheme: Scheme, activity_ids: Iterable[int]
) -> dict[int, analysis.Mixed]:
    """The roles mixed up on these activities (analysis.confusion_by_activity): the one reading
    that needs each participant's votes, only those giving the confusable letters."""
    codes = [c for kind in analysis.CONFUSABLE_KINDS if (c := scheme.code_for(kind))]
    activity_ids = list(activity_ids)
    votes = Vote.objects.filter(
        activity_id__in=activity_ids,
        code__in=codes,
        participant__workshop=workshop,
        participant__removed_at__isnull=True,
    ).values_list("participant_id", "activity_id", "role_id", "code")
    mixed = analysis.confusion_by_activity(scheme, analysis.ballots(votes))
    return {a: mixed.get(a, set()) for a in activity_ids}


@dataclass(slots=True)
class BoardCell:
    role: Role
    result: analysis.CellResult
    current: str
    settled: str | None
    distribution: list[tuple[str, int]]


@dataclass(slots=True)
class BoardRow:
    activity: Activity
    result: analysis.ActivityResult
    cells: list[BoardCell]
    conflicts: list[analysis.Conflict] = field(default_factory=list)
    findings: list[rules.Finding] = field(default_factory=list)

    @property
    def settled(self) -> bool:
        return all(
            cell.settled is not None for cell in self.cells if cell.result.majority is not None
        ) and any(cell.settled is not None for cell in self.cells)


@dataclass(slots=True)
class ConfusionRow:
    first: Role
    second: Role
    activities: list[Activity]
    codes: str
    share: float


@dataclass(slots=True)
class Board:
    workshop: Workshop
    scheme: Scheme
    participants: list[Participant]
    roles: list[Role]
    rows: list[BoardRow]
    confusion: list[ConfusionRow]

    @property
    def activity_count(self) -> int:
        return len(self.rows)

    @property
    def answered_rows(self) -> list[BoardRow]:
        return [row for row in self.rows if row.result.answered]

    @property
    def by_disagreement(self) -> list[BoardRow]:
        return sorted(self.answered_rows, key=lambda row: -row.result.disagreement)

    @property
    def conflict_rows(self) -> list[BoardRow]:
        return [row for row in self.rows if row.conflicts or row.findings]

    @property
    def agreement(self) -> float | None:
        scores = [row.result.agreement for row in self.answered_rows]
        return sum(scores) / len(scores) if scores else None


def board(workshop: Workshop, *, mixed: dict[int, analysis.Mixed] | None = None) -> Board:
    """Everything the facilitator's board shows, from the kept tallies in a fixed number of
    queries (the roles come from the matrix's structure cache). ``mixed``: the role confusion
    per activity, when the caller keeps it (apps/live/workshop/renders.py); else read."""
    matrix = workshop.matrix
    scheme = matrix.scheme_definition
    activities = workshop_activities(workshop)
    structure = matrix_structure(matrix)  # the roles, cached per process
    roles = list(structure.roles)
    participants = active_participants(workshop)
    activity_ids = [a.pk for a in activities]
    role_ids = [r.pk for r in roles]
    role_by_id = structure.role_by_pk
    cell_counts, answered = counts(workshop)
    current = {
        (a, r): code
        for a, r, code in Responsibility.objects.filter(activity_id__in=activity_ids).values_list(
            "activity_id", "role_id", "code"
        )
    }
    settled = {
        (a, r): code
        for a, r, code in SettledCell.objects.filter(workshop=workshop).values_list(
            "activity_id", "role_id", "code"
        )
    }
    results = analysis.from_counts(scheme, activity_ids, role_ids, cell_counts, answered, current)
    subjects = [rules.Subject(a.pk, a.name) for a in activities]
    findings = rules.by_activity(
        analysis.majority_findings(
            scheme,
            subjects,
            list(structure.role_subjects),
            results,
            rule_options(matrix),
        )
    )
    conflicts: dict[int, list[analysis.Conflict]] = {}
    for conflict in analysis.conflicts_in(scheme, results):
        # Name the roles for the page (a role dropped from the matrix is left out).
        conflict.named = [(role_by_id[r], n) for r, n in conflict.named if r in role_by_id]
        conflicts.setdefault(conflict.activity_id, []).append(conflict)
    rows = []
    for activity in activities:
        result = results[activity.pk]
        cells = [
            BoardCell(
                role=role,
                result=result.cells[role.pk],
                current=current.get((activity.pk, role.pk), NONE),
                settled=settled.get((activity.pk, role.pk)),
                distribution=result.cells[role.pk].distribution(scheme),
            )
            for role in roles
        ]
        rows.append(
            BoardRow(
                activity,
                result,
                cells,
                conflicts.get(activity.pk, []),
                findings.get(activity.pk, []),
            )
        )
    if mixed is None:
        mixed = mixed_roles(workshop, scheme, [a for a in activity_ids if answered.get(a)])
    result = Board(workshop, scheme, participants, roles, rows, [])
    result.confusion = board_confusion(result, mixed)
    return result


def board_confusion(board: "Board", mixed: dict[int, analysis.Mixed]) -> list["ConfusionRow"]:
    """The role confusion table from the roles mixed up per activity (``mixed_roles``)."""
    role_by_id = {role.pk: role for role in board.roles}
    activity_by_id = {row.activity.pk: row.activity for row in board.rows if row.result.answered}
    n_answered = len(activity_by_id)
    return [
        ConfusionRow(
            role_by_id[pair.roles[0]],
            role_by_id[pair.roles[1]],
            [activity_by_id[a] for a in pair.activities],
            "/".join(code for code in board.scheme.codes if code in pair.codes),
            pair.share(n_answered),
        )
        for pair in analysis.confusion_total({a: mixed[a] for a in activity_by_id if a in mixed})
        if pair.roles[0] in role_by_id and pair.roles[1] in role_by_id
    ]


@dataclass(slots=True)
class Ballot:
    """What one participant sees: their own votes, and the group's once revealed."""

    workshop: Workshop
    participant: Participant
    scheme: Scheme
    activities: list[Activity]
    roles: list[Role]
    mine: dict[tuple[int, int], str]
    group: dict[int, analysis.ActivityResult] | None = None

    @property
    def answered(self) -> set[int]:
        return {activity for activity, _ in self.mine}

    def choices(self, activity: Activity) -> list[dict]:
        """Per role: the participant's letter (None: not answered) and, once revealed, the
        group's answers."""
        group = self.group.get(activity.pk) if self.group else None
        rows = []
        for role in self.roles:
            cell = group.cells[role.pk] if group else None
            rows.append(
                {
                    "role": role,
                    "chosen": self.mine.get((activity.pk, role.pk)),
                    "group": cell.distribution(self.scheme) if cell and cell.answered else None,
                    "majority": cell.majority if cell else None,
                }
            )
        return rows

    @property
    def grid_rows(self) -> list[tuple[Activity, list[dict]]]:
        return [(activity, self.choices(activity)) for activity in self.activities]


def ballot(workshop: Workshop, participant: Participant, *, activity_ids=None) -> Ballot:
    """The participant's ballot in three queries (four once the results are revealed; the roles
    come from the matrix's structure cache);
    ``activity_ids`` limits the group's results to those activities."""
    activities = workshop_activities(workshop)
    roles = list(matrix_structure(workshop.matrix).roles)
    mine = {
        (a, r): code
        for a, r, code in participant.votes.values_list("activity_id", "role_id", "code")
    }
    result = Ballot(
        workshop, participant, workshop.matrix.scheme_definition, activities, roles, mine
    )
    if workshop.revealed:
        ids = activity_ids if activity_ids is not None else [a.pk for a in activities]
        result.group = group_results(workshop, result.scheme, roles, ids)
    return result


def group_results(workshop: Workshop, scheme: Scheme, roles, activity_ids=None):
    """The group's answers (the same for every participant), from the kept tallies."""
    cell_counts, answered = counts(workshop)
    if activity_ids is None:
        activity_ids = list(
            workshop.activities.order_by("phase__position", "position", "pk").values_list(
                "pk", flat=True
            )
        )
    return analysis.from_counts(scheme, activity_ids, [r.pk for r in roles], cell_counts, answered)
