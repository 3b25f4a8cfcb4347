"""A matrix as a whole: creating, copying, renaming, its rule options and scheme, deleting."""

from collections import Counter

from django.db import transaction
from django.utils.text import slugify

from apps.accounts.models import Team
from apps.catalog.models import Role, RoleKind
from apps.raci.schemes import get_scheme

from ..changes import Action, announce, matrix_deleted, quoted
from ..models import Activity, Matrix, MatrixRole, Phase, Responsibility

SLUG_MAX_LENGTH = Matrix._meta.get_field("slug").max_length


def unique_matrix_slug(title: str) -> str:
    base = (slugify(title) or "matrix")[: SLUG_MAX_LENGTH - 8].strip("-") or "matrix"
    slug, n = base, 2
    while Matrix.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def matrix_create(
    *,
    title: str,
    team: Team,
    created_by=None,
    description: str = "",
    template: Matrix | None = None,
    slug: str | None = None,
) -> Matrix:
    """Create a matrix: a copy of ``template`` (its columns, phases, activities and cells),
    or a blank one with the core roles as columns and no activities."""
    matrix = Matrix.objects.create(
        title=title,
        slug=slug or unique_matrix_slug(title),
        description=description if description or template is None else template.description,
        scheme=template.scheme if template else Matrix._meta.get_field("scheme").default,
        # The template's rule options; a blank matrix gets the models' defaults.
        **({name: getattr(template, name) for name in OPTION_FIELDS} if template else {}),
        team=team,
        created_by=created_by,
    )
    if template is None:
        core = Role.objects.catalog().filter(kind=RoleKind.CORE).order_by("position", "pk")
        MatrixRole.objects.bulk_create(
            MatrixRole(matrix=matrix, role=role, position=i) for i, role in enumerate(core)
        )
        return matrix
    matrix_copy_contents(source=template, target=matrix)
    return matrix


def matrix_copy_contents(*, source: Matrix, target: Matrix) -> None:
    """Copy columns, phases, activities and cells of ``source`` into the empty ``target``."""
    MatrixRole.objects.bulk_create(
        MatrixRole(
            matrix=target, role_id=column.role_id, position=column.position, label=column.label
        )
        for column in source.columns.all()
    )
    phase_map = {}
    for phase in source.phases.all():
        phase_map[phase.pk] = Phase(matrix=target, name=phase.name, position=phase.position)
    Phase.objects.bulk_create(phase_map.values())
    activity_map = {}
    for activity in source.activities.all():
        activity_map[activity.pk] = Activity(
            matrix=target,
            phase=phase_map[activity.phase_id],
            name=activity.name,
            description=activity.description,
            position=activity.position,
        )
    Activity.objects.bulk_create(activity_map.values())
    Responsibility.objects.bulk_create(
        Responsibility(
            activity=activity_map[cell.activity_id],
            role_id=cell.role_id,
            code=cell.code,
            note=cell.note,
        )
        for cell in Responsibility.objects.filter(activity__matrix=source)
    )


DETAIL_FIELDS = ("title", "description")
OPTION_FIELDS = (
    "accountable_does_work",
    "overload_percent",
    "overlap_threshold",
    "unheld_roles_note",
    "shared_accountable_warning",
)


@transaction.atomic
def matrix_update(*, matrix: Matrix, by=None, **fields) -> Matrix:
    """Change the title and description, or the rule options, of a matrix."""
    before = {name: getattr(matrix, name) for name in fields}
    if before == fields:
        return matrix
    for name, value in fields.items():
        setattr(matrix, name, value)
    matrix.save(update_fields=[*fields, "updated_at"])
    if set(fields) <= set(DETAIL_FIELDS):
        action = Action.DETAILS
        summary = (
            f"Renamed the matrix {quoted(before['title'])} to {quoted(matrix.title)}"
            if before.get("title", matrix.title) != matrix.title
            else "Edited the description"
        )
    else:
        action, summary = Action.OPTIONS, "Changed the rule options"
    announce(matrix=matrix, by=by, action=action, summary=summary, before=before, after=fields)
    return matrix


def matrix_duplicate(*, matrix: Matrix, by) -> Matrix:
    suffix = " (copy)"
    room = Matrix._meta.get_field("title").max_length - len(suffix)
    return matrix_create(
        title=f"{matrix.title[:room].rstrip()}{suffix}",
        team=matrix.team,
        created_by=by,
        description=matrix.description,
        template=matrix,
    )


@transaction.atomic
def matrix_delete(*, matrix: Matrix) -> None:
    matrix_id = matrix.pk
    matrix.delete()
    transaction.on_commit(lambda: matrix_deleted.send_robust(sender=Matrix, matrix_id=matrix_id))


def scheme_change_preview(*, matrix: Matrix, scheme_key: str) -> dict[str, int]:
    """How many cells of each letter a change to ``scheme_key`` would drop."""
    target = get_scheme(scheme_key)
    counts = Counter(
        Responsibility.objects.filter(activity__matrix=matrix).values_list("code", flat=True)
    )
    return {code: n for code, n in sorted(counts.items()) if not target.has(code)}


@transaction.atomic
def matrix_change_scheme(
    *, matrix: Matrix, scheme_key: str, by=None, restore: list | None = None
) -> int:
    """Switch scheme, keeping the letters both schemes share; return how many cells dropped.

    ``restore`` (cells as [activity id, role id, code, note]) puts back letters an earlier
    change dropped: what undo of a scheme change does.
    """
    target = get_scheme(scheme_key)
    old = matrix.scheme_definition
    if target.key == old.key:
        return 0
    matrix.scheme = target.key
    # First: the matrix's lock (changes.py), then the letters it drops, as they are.
    matrix.save(update_fields=["scheme", "updated_at"])
    dropping = Responsibility.objects.filter(activity__matrix=matrix).exclude(code__in=target.codes)
    dropped_cells = [
        list(cell) for cell in dropping.values_list("activity_id", "role_id", "code", "note")
    ]
    dropped, _ = dropping.delete()
    restored = []
    if restore:
        activities = set(matrix.activities.values_list("pk", flat=True))
        columns = set(matrix.columns.values_list("role_id", flat=True))
        restored = [
            [a, r, code, note]
            for a, r, code, note in restore
            if a in activities and r in columns and target.has(code)
        ]
        Responsibility.objects.bulk_create(
            (
                Responsibility(activity_id=a, role_id=r, code=code, note=note)
                for a, r, code, note in restored
            ),
            ignore_conflicts=True,
        )
    letters = f", dropping {dropped} letter{'s' if dropped != 1 else ''}" if dropped else ""
    announce(
        matrix=matrix,
        by=by,
        action=Action.SCHEME,
        summary=f"Changed the scheme from {old.name} to {target.name}{letters}",
        before={"scheme": old.key, "dropped": dropped_cells},
        # The letters it put back (an undo): who holds them is told (apps/notices).
        after={"scheme": target.key, "restored": [cell[:3] for cell in restored]},
    )
    return dropped
