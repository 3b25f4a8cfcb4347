"""Reads that need care: the grid is built in a fixed number of queries whatever its size."""

from dataclasses import dataclass, field

from django.db.models import Count

from apps.catalog.models import Role
from apps.raci.schemes import Letter, Scheme

from .models import Activity, Matrix, Phase, Responsibility


@dataclass(slots=True)
class Cell:
    activity_id: int
    role: Role
    letter: Letter | None


@dataclass(slots=True)
class Row:
    activity: Activity
    cells: list[Cell]


@dataclass(slots=True)
class Band:
    phase: Phase
    rows: list[Row] = field(default_factory=list)


@dataclass(slots=True)
class Grid:
    matrix: Matrix
    scheme: Scheme
    roles: list[Role]
    bands: list[Band]

    @property
    def activity_count(self) -> int:
        return sum(len(band.rows) for band in self.bands)

    @property
    def letter_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(self.scheme.codes, 0)
        for band in self.bands:
            for row in band.rows:
                for cell in row.cells:
                    if cell.letter:
                        counts[cell.letter.code] += 1
        return counts


def matrix_roles(matrix: Matrix) -> list[Role]:
    return list(Role.objects.filter(columns__matrix=matrix).order_by("columns__position", "pk"))


def matrix_grid(matrix: Matrix) -> Grid:
    """Phases, activities, role columns and cells of a matrix, in four queries."""
    scheme = matrix.scheme_definition
    roles = matrix_roles(matrix)
    bands = {phase.pk: Band(phase) for phase in Phase.objects.filter(matrix=matrix)}
    codes = {
        (activity_id, role_id): code
        for activity_id, role_id, code in Responsibility.objects.filter(
            activity__matrix=matrix
        ).values_list("activity_id", "role_id", "code")
    }
    for activity in Activity.objects.filter(matrix=matrix).order_by("position", "pk"):
        cells = []
        for role in roles:
            code = codes.get((activity.pk, role.pk))
            letter = scheme.letter(code) if code and scheme.has(code) else None
            cells.append(Cell(activity.pk, role, letter))
        bands[activity.phase_id].rows.append(Row(activity, cells))
    return Grid(matrix=matrix, scheme=scheme, roles=roles, bands=list(bands.values()))


def matrices_for_home(user):
    """The user's matrices with their sizes, newest first, in one query."""
    return (
        Matrix.objects.for_user(user)
        .select_related("team")
        .annotate(
            activity_count=Count("activities", distinct=True),
            role_count=Count("columns", distinct=True),
        )
        .order_by("-updated_at", "pk")
    )


def reference_templates():
    return Matrix.objects.templates().annotate(
        activity_count=Count("activities", distinct=True),
        role_count=Count("columns", distinct=True),
    )
