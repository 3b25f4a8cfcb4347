"""Reads that need care: the grid is built in a fixed number of queries whatever its size."""

from collections import Counter, OrderedDict
from dataclasses import dataclass, field

from django.db.models import Count, F, Q

from apps.catalog.models import Role
from apps.raci import overlaps, rules
from apps.raci.schemes import Letter, Scheme

from .holders import Holders, read_holders
from .models import Activity, Matrix, Phase, Responsibility, show_label


@dataclass(slots=True)
class Cell:
    activity: Activity
    role: Role
    letter: Letter | None
    note: str = ""


@dataclass(slots=True)
class Row:
    activity: Activity
    cells: list[Cell]
    findings: list[rules.Finding] = field(default_factory=list)


@dataclass(slots=True)
class Column:
    """A role column with its letter counts and findings, for the column summary."""

    role: Role
    counts: list[tuple[Letter, int]]
    findings: list[rules.Finding]
    activity_count: int = 0

    @property
    def share(self) -> int:
        """The share of activities the role holds any letter on, in percent."""
        if not self.activity_count:
            return 0
        return round(100 * sum(n for _, n in self.counts) / self.activity_count)

    @property
    def segments(self) -> list[dict]:
        """The stacked bar of the workload chart, in percent of the activities."""
        x, parts = 0.0, []
        for letter, n in self.counts:
            if n and self.activity_count:
                width = 100 * n / self.activity_count
                parts.append(
                    {
                        "code": letter.code,
                        "name": letter.name,
                        "n": n,
                        "x": round(x, 2),
                        "width": round(width, 2),
                    }
                )
                x += width
        return parts


@dataclass(slots=True)
class Band:
    phase: Phase
    rows: list[Row] = field(default_factory=list)


@dataclass(slots=True)
class Grid:
    """The grid of a matrix with its rule findings and column counts.

    Built for a cell change (``cell_change_grid``), it has no bands: only the changed row, its
    column, every column's counts and all findings, what the cell update's response shows.
    """

    matrix: Matrix
    scheme: Scheme
    roles: list[Role]
    bands: list[Band]
    columns: list[Column]
    findings: list[rules.Finding]
    activity_count: int
    # Who holds each role column (holders.py), by role id; None where they are not shown (a
    # template, a share link's visitor).
    holders: Holders | None = None

    @property
    def rows(self) -> list[Row]:
        return [row for band in self.bands for row in band.rows]

    @property
    def summary(self) -> dict[str, int]:
        return {severity.value: n for severity, n in rules.summarize(self.findings).items()}

    @property
    def status(self) -> rules.Status:
        return rules.status(self.findings)

    @property
    def letter_totals(self) -> list[tuple[Letter, int]]:
        totals = Counter()
        for column in self.columns:
            for letter, n in column.counts:
                totals[letter.code] += n
        return [(letter, totals[letter.code]) for letter in self.scheme.letters]

    def row(self, activity_id: int) -> Row:
        return next(row for row in self.rows if row.activity.pk == activity_id)

    def column(self, role_id: int) -> Column:
        return next(column for column in self.columns if column.role.pk == role_id)


def matrix_roles(matrix: Matrix) -> list[Role]:
    """The matrix's column roles in order, each named as the matrix shows it (its column's
    label, when renamed in this matrix: MatrixRole.shown_role)."""
    roles = (
        Role.objects.filter(columns__matrix=matrix)
        .annotate(column_label=F("columns__label"))
        .order_by("columns__position", "pk")
    )
    return [show_label(role, role.column_label) for role in roles]


def rule_options(matrix: Matrix) -> rules.Options:
    return rules.Options(
        accountable_does_work=matrix.accountable_does_work,
        overload_share=matrix.overload_percent / 100,
    )


def overlap_options(matrix: Matrix) -> overlaps.Options:
    return overlaps.Options(
        threshold=matrix.overlap_threshold,
        note_unheld=matrix.unheld_roles_note,
        warn_shared=matrix.shared_accountable_warning,
    )


def overlap_findings(matrix: Matrix, rows, roles, codes, holders: Holders | None):
    """The findings about the people who hold the roles (apps/raci/overlaps.py): none where
    the holders are not known, nor where nobody holds a role (no overlap rule can find
    anything then, and the letters need not be gone through)."""
    if not holders:
        return []
    return overlaps.evaluate(
        matrix.scheme_definition, rows, roles, codes, holders, overlap_options(matrix)
    )


@dataclass(slots=True)
class GridData:
    """What a grid is built from, as fetched: enough to rebuild it after a cell change."""

    roles: list[Role]
    phases: list[Phase]
    activities: list[Activity]
    codes: dict[tuple[int, int], str]
    notes: dict[tuple[int, int], str] = field(default_factory=dict)
    holders: Holders | None = None

    def cell_state(self, activity_id: int, role_id: int) -> dict | None:
        """A cell as the services and the history see it: {"code", "note"}, or None."""
        code = self.codes.get((activity_id, role_id))
        if not code:
            return None
        return {"code": code, "note": self.notes.get((activity_id, role_id), "")}


@dataclass(frozen=True, slots=True)
class Structure:
    """A matrix's columns, phases and activities: what changes seldom, unlike its cells.

    ``rows`` are the activities in the grid's order (by phase, then position); the subjects are
    what the rule engine takes, made once per structure rather than once per request.
    """

    roles: tuple[Role, ...]
    phases: tuple[Phase, ...]
    activities: tuple[Activity, ...]
    rows: tuple[Activity, ...]
    activity_by_pk: dict[int, Activity]
    role_by_pk: dict[int, Role]
    row_subjects: tuple[rules.Subject, ...]
    role_subjects: tuple[rules.Subject, ...]
    # Who holds each column (holders.py); they change with the structure's version too.
    holders: Holders | None = None

    @classmethod
    def of(cls, roles, phases, activities, holders: Holders | None = None) -> "Structure":
        band = {phase.pk: index for index, phase in enumerate(phases)}
        # sorted() is stable: within a phase, activities keep their (position, pk) order.
        rows = tuple(sorted(activities, key=lambda activity: band[activity.phase_id]))
        return cls(
            roles=tuple(roles),
            phases=tuple(phases),
            activities=tuple(activities),
            rows=rows,
            activity_by_pk={activity.pk: activity for activity in activities},
            role_by_pk={role.pk: role for role in roles},
            row_subjects=tuple(rules.Subject(a.pk, a.name) for a in rows),
            role_subjects=tuple(rules.Subject(r.pk, r.name) for r in roles),
            holders=holders,
        )


STRUCTURE_CACHE_SIZE = 64
_structures: OrderedDict[tuple, Structure] = OrderedDict()


def matrix_structure(matrix: Matrix) -> Structure:
    """The columns, phases and activities of a matrix, and who holds each column, from this
    process's cache when it holds them for the matrix's current ``structure_version``, else in
    three queries (four once the people app reads the holders, holders.py).

    Every process keeps its own small cache; the version comes from the matrix row each
    request reads anyway, and every structural change raises it (services.structure_changed),
    so no process serves an old structure and none needs telling. The creation time in the key
    keeps a new matrix that reuses a deleted one's id from meeting its cached structure.
    Callers must not change the objects: they are shared between requests.
    """
    key = (matrix.pk, matrix.created_at, matrix.structure_version)
    structure = _structures.get(key)
    if structure is not None:
        _structures.move_to_end(key)
        return structure
    structure = Structure.of(
        roles=matrix_roles(matrix),
        phases=list(Phase.objects.filter(matrix=matrix)),
        activities=list(Activity.objects.filter(matrix=matrix).order_by("position", "pk")),
        holders=read_holders(matrix),
    )
    _structures[key] = structure
    while len(_structures) > STRUCTURE_CACHE_SIZE:
        _structures.popitem(last=False)
    return structure


def structure_cache_clear() -> None:
    _structures.clear()


def grid_data(matrix: Matrix) -> GridData:
    """Columns, phases and activities (cached, see matrix_structure) and the cells: one query
    when the structure is cached, four when it is not."""
    codes, notes = {}, {}
    for activity_id, role_id, code, note in Responsibility.objects.filter(
        activity__matrix=matrix
    ).values_list("activity_id", "role_id", "code", "note"):
        codes[activity_id, role_id] = code
        if note:
            notes[activity_id, role_id] = note
    structure = matrix_structure(matrix)
    return GridData(
        roles=list(structure.roles),
        phases=list(structure.phases),
        activities=list(structure.activities),
        codes=codes,
        notes=notes,
        # The holders are the team's business: a share link's visitor sees none (nor the
        # findings about them).
        holders=None if getattr(matrix, "shared", False) else structure.holders,
    )


def matrix_grid(matrix: Matrix, data: GridData | None = None) -> Grid:
    """The grid of a matrix with the rule findings; no queries beyond ``grid_data``."""
    data = data or grid_data(matrix)
    scheme = matrix.scheme_definition
    letters = {letter.code: letter for letter in scheme.letters}
    roles, codes, notes = data.roles, data.codes, data.notes
    role_pks = [role.pk for role in roles]
    bands = {phase.pk: Band(phase) for phase in data.phases}
    for activity in data.activities:
        activity_pk, cells = activity.pk, []
        for role, role_pk in zip(roles, role_pks, strict=True):
            letter = letters.get(codes.get((activity_pk, role_pk)))
            note = notes.get((activity_pk, role_pk), "") if letter else ""
            cells.append(Cell(activity, role, letter, note))
        bands[activity.phase_id].rows.append(Row(activity, cells))
    ordered = [row for band in bands.values() for row in band.rows]

    row_subjects = [rules.Subject(row.activity.pk, row.activity.name) for row in ordered]
    role_subjects = [rules.Subject(role.pk, role.name) for role in roles]
    findings = rules.evaluate(scheme, row_subjects, role_subjects, codes, rule_options(matrix))
    people = overlap_findings(matrix, row_subjects, role_subjects, codes, data.holders)
    if people:
        findings = rules.sort_findings(findings + people, row_subjects, role_subjects)
    per_activity = rules.by_activity(findings)
    per_role = rules.by_role(findings)
    for row in ordered:
        row.findings = per_activity.get(row.activity.pk, [])
    columns = []
    for index, role in enumerate(roles):
        counts = Counter(row.cells[index].letter.code for row in ordered if row.cells[index].letter)
        columns.append(
            Column(
                role=role,
                counts=[(letter, counts[letter.code]) for letter in scheme.letters],
                findings=[f for f in per_role.get(role.pk, []) if f.activity_id is None],
                activity_count=len(ordered),
            )
        )
    return Grid(
        matrix=matrix,
        scheme=scheme,
        roles=roles,
        bands=list(bands.values()),
        columns=columns,
        findings=findings,
        activity_count=len(ordered),
        holders=data.holders,
    )


def grid_cell(matrix: Matrix, activity: Activity, role: Role) -> Cell:
    """One cell as the grid shows it (a letter of the scheme, its note), in one query."""
    stored = Responsibility.objects.filter(activity=activity, role=role).values_list("code", "note")
    code, note = next(iter(stored), ("", ""))
    letter = {letter.code: letter for letter in matrix.scheme_definition.letters}.get(code)
    return Cell(activity, role, letter, note if letter else "")


# -- One cell changed ---------------------------------------------------------------------------
#
# A cell update answers with the cell, its row's status, its column's summary, the findings
# (of every row and every role) and the changed role's workload. It reads the letters of the
# whole matrix (one query; the findings of the other rows are stored nowhere), but it builds no
# grid: the columns' counts come from the letters, and the rule engine checks only the changed
# row and the rows whose letters have findings. An activity's own findings depend only on the
# letters it holds (the roles' names only go into the messages), so each set of letters is
# checked once per process.


def cell_change_grid(matrix: Matrix, data: GridData, activity: Activity, role: Role):
    """The grid as a cell update shows it: see ``cells_change_grid``. Returns (grid, row,
    column) for the one changed cell."""
    grid, rows, columns = cells_change_grid(matrix, data, [(activity.pk, role.pk)])
    return grid, rows[0], columns[0]


def cells_change_grid(matrix: Matrix, data: GridData, keys):
    """The grid as a change to the cells ``keys`` ((activity id, role id) pairs) shows it, from
    ``data`` (with the change applied) and no query: the changed rows and columns, every
    column's counts and all findings, the same as ``matrix_grid`` gives; no bands.

    Returns (grid, rows, columns): the changed rows and columns in the grid's order, leaving
    out any whose activity or role is no longer in the matrix."""
    structure = matrix_structure(matrix)
    changed_rows = {a for a, _ in keys if a in structure.activity_by_pk}
    changed_columns = {r for _, r in keys if r in structure.role_by_pk}
    scheme, options = matrix.scheme_definition, rule_options(matrix)
    letters = {letter.code: letter for letter in scheme.letters}
    column_pks = structure.role_by_pk
    in_grid = [(key, code) for key, code in data.codes.items() if key[1] in column_pks]
    counts = Counter((role_id, code) for (_, role_id), code in in_grid)
    held: dict[int, list[str]] = {}
    for (activity_id, _), code in in_grid:
        held.setdefault(activity_id, []).append(code)
    verdicts = _letter_sets_verdicts(scheme, options)
    checked = []
    for subject in structure.row_subjects:
        codes = tuple(sorted(held.get(subject.id, ())))
        found = verdicts.get(codes)
        if found is None:
            found = verdicts[codes] = _letters_have_findings(scheme, options, codes)
        if found or subject.id in changed_rows:
            checked.append(subject)
    findings = [
        finding
        for finding in rules.evaluate(scheme, checked, structure.role_subjects, data.codes, options)
        if finding.activity_id is not None  # the roles' are made from the counts, below
    ]
    # The people's findings over the whole matrix, as matrix_grid makes them (a quick pass
    # over the letters, and none at all for a matrix without holders).
    people = overlap_findings(
        matrix, structure.row_subjects, structure.role_subjects, data.codes, data.holders
    )
    people_per_role = rules.by_role(finding for finding in people if finding.activity_id is None)
    # The roles' own go in with their columns, below.
    findings += [f for f in people if f.role_id is None or f.activity_id is not None]
    columns = []
    for column_role, subject in zip(structure.roles, structure.role_subjects, strict=True):
        column_counts = [(letter, counts[column_role.pk, letter.code]) for letter in scheme.letters]
        kinds = [letter.kind for letter, n in column_counts for _ in range(n)]
        # The rule engine's check of one role, as evaluate() makes it for every role.
        role_findings = rules.check_role(scheme, subject, kinds, structure.row_subjects, options)
        if column_role.pk in people_per_role:
            role_findings = rules.sort_findings(
                role_findings + people_per_role[column_role.pk], (), structure.role_subjects
            )
        findings += role_findings
        columns.append(
            Column(column_role, column_counts, role_findings, activity_count=len(structure.rows))
        )
    findings = rules.sort_findings(findings, structure.row_subjects, structure.role_subjects)

    per_activity = rules.by_activity(findings)
    rows = []
    for activity in structure.rows:
        if activity.pk not in changed_rows:
            continue
        cells = []
        for column_role in structure.roles:
            key = (activity.pk, column_role.pk)
            letter = letters.get(data.codes.get(key))
            note = data.notes.get(key, "") if letter else ""
            cells.append(Cell(activity, column_role, letter, note))
        rows.append(Row(activity, cells, per_activity.get(activity.pk, [])))
    grid = Grid(
        matrix=matrix,
        scheme=scheme,
        roles=list(structure.roles),
        bands=[],
        columns=columns,
        findings=findings,
        activity_count=len(structure.rows),
        holders=data.holders,
    )
    return grid, rows, [column for column in columns if column.role.pk in changed_columns]


_LETTER_SETS_KEPT = 4096
_letter_sets: dict[tuple, dict[tuple[str, ...], bool]] = {}


def _letter_sets_verdicts(scheme: Scheme, options: rules.Options) -> dict[tuple[str, ...], bool]:
    """This process's verdicts for a scheme and options: sorted codes -> findings or not."""
    verdicts = _letter_sets.setdefault((scheme.key, options), {})
    if len(verdicts) >= _LETTER_SETS_KEPT:
        verdicts.clear()
    return verdicts


def _letters_have_findings(scheme: Scheme, options: rules.Options, codes) -> bool:
    """Whether an activity holding these letters has findings of its own, as the rule engine
    says for one such activity."""
    roles = [rules.Subject(index, "") for index in range(len(codes))]
    cells = {(0, index): code for index, code in enumerate(codes)}
    findings = rules.evaluate(scheme, [rules.Subject(0, "")], roles, cells, options)
    return any(finding.activity_id is not None for finding in findings)


def available_roles(matrix: Matrix):
    """Catalog roles and the team's own roles that are not columns yet."""
    return (
        Role.objects.filter(Q(team__isnull=True) | Q(team=matrix.team_id))
        .exclude(columns__matrix=matrix)
        .order_by("team", "position", "name")
    )


def matrices_for_home(user):
    """The user's matrices with their sizes, most recently changed first, in one query (every
    announced change sets ``updated_at``, see changes.announce)."""
    return (
        Matrix.objects.for_user(user)
        .select_related("team")
        .annotate(
            activity_count=Count("activities", distinct=True),
            role_count=Count("columns", distinct=True),
            changed_at=F("updated_at"),
        )
        .order_by("-changed_at", "pk")
    )
