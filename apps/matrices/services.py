"""Writes that touch several models. Keyword-only, atomic, named <entity>_<action>."""

from collections import Counter

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from apps.accounts.models import Team
from apps.catalog.models import Role, RoleKind
from apps.raci.schemes import get_scheme

from .models import Activity, Matrix, MatrixRole, Phase, Responsibility

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
        accountable_does_work=template.accountable_does_work if template else False,
        overload_percent=template.overload_percent if template else 50,
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
        MatrixRole(matrix=target, role_id=column.role_id, position=column.position)
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


class EditError(ValueError):
    """A change the user asked for that cannot be made; the message says why."""


def responsibility_assign(*, matrix: Matrix, activity: Activity, role, code: str) -> str:
    """Set (or with an empty code, clear) the letter ``role`` holds on ``activity``.

    One statement either way (an upsert or a delete), so two people setting the same cell at
    the same moment end with one of the two values and no error.
    """
    if code and not matrix.scheme_definition.has(code):
        raise EditError(
            f'"{code}" is not a letter of {matrix.scheme_definition.name}; '
            f"use one of {', '.join(matrix.scheme_definition.codes)}."
        )
    if not code:
        Responsibility.objects.filter(activity=activity, role=role).delete()
    else:
        Responsibility.objects.bulk_create(
            [Responsibility(activity=activity, role=role, code=code)],
            update_conflicts=True,
            unique_fields=["activity", "role"],
            update_fields=["code"],
        )
    Matrix.objects.filter(pk=matrix.pk).update(updated_at=timezone.now())
    return code


def _renumber(items) -> None:
    for position, item in enumerate(items):
        item.position = position
    if items:
        type(items[0]).objects.bulk_update(items, ["position"])


@transaction.atomic
def activity_create(*, matrix: Matrix, phase: Phase, name: str, description: str = "") -> Activity:
    if Activity.objects.filter(matrix=matrix, name=name).exists():
        raise EditError(f'There is already an activity called "{name}".')
    last = phase.activities.order_by("-position").values_list("position", flat=True).first()
    return Activity.objects.create(
        matrix=matrix,
        phase=phase,
        name=name,
        description=description,
        position=0 if last is None else last + 1,
    )


@transaction.atomic
def activity_update(*, activity: Activity, name: str, description: str) -> Activity:
    if (
        Activity.objects.filter(matrix=activity.matrix_id, name=name)
        .exclude(pk=activity.pk)
        .exists()
    ):
        raise EditError(f'There is already an activity called "{name}".')
    activity.name, activity.description = name, description
    activity.save(update_fields=["name", "description"])
    return activity


def activity_delete(*, activity: Activity) -> None:
    activity.delete()


@transaction.atomic
def activity_move(*, activity: Activity, phase: Phase, before: Activity | None = None) -> None:
    """Put ``activity`` into ``phase``, just above ``before`` (or last when None)."""
    siblings = [a for a in phase.activities.order_by("position", "pk") if a.pk != activity.pk]
    index = len(siblings)
    if before is not None:
        index = next((i for i, a in enumerate(siblings) if a.pk == before.pk), index)
    activity.phase = phase
    activity.save(update_fields=["phase"])
    siblings.insert(index, activity)
    _renumber(siblings)


@transaction.atomic
def activity_shift(*, activity: Activity, offset: int) -> None:
    """Move an activity one place up (-1) or down (+1); across a phase boundary at the ends."""
    phases = list(activity.matrix.phases.order_by("position", "pk"))
    siblings = list(activity.phase.activities.order_by("position", "pk"))
    local = next(i for i, a in enumerate(siblings) if a.pk == activity.pk)
    if 0 <= local + offset < len(siblings):
        siblings[local], siblings[local + offset] = siblings[local + offset], siblings[local]
        _renumber(siblings)
        return
    phase_index = next(i for i, p in enumerate(phases) if p.pk == activity.phase_id)
    target = phase_index + offset
    if 0 <= target < len(phases):
        # Down into the next phase: first there; up into the previous one: last there.
        first = phases[target].activities.order_by("position", "pk").first() if offset > 0 else None
        activity_move(activity=activity, phase=phases[target], before=first)


@transaction.atomic
def phase_create(*, matrix: Matrix, name: str) -> Phase:
    if Phase.objects.filter(matrix=matrix, name=name).exists():
        raise EditError(f'There is already a phase called "{name}".')
    last = matrix.phases.order_by("-position").values_list("position", flat=True).first()
    return Phase.objects.create(matrix=matrix, name=name, position=0 if last is None else last + 1)


@transaction.atomic
def phase_rename(*, phase: Phase, name: str) -> Phase:
    if Phase.objects.filter(matrix=phase.matrix_id, name=name).exclude(pk=phase.pk).exists():
        raise EditError(f'There is already a phase called "{name}".')
    phase.name = name
    phase.save(update_fields=["name"])
    return phase


def phase_delete(*, phase: Phase) -> None:
    if phase.activities.exists():
        raise EditError(
            f'The phase "{phase.name}" still has activities; move or delete them first.'
        )
    phase.delete()


@transaction.atomic
def phase_shift(*, phase: Phase, offset: int) -> None:
    phases = list(phase.matrix.phases.order_by("position", "pk"))
    i = next(i for i, p in enumerate(phases) if p.pk == phase.pk)
    if 0 <= i + offset < len(phases):
        phases[i], phases[i + offset] = phases[i + offset], phases[i]
        _renumber(phases)


@transaction.atomic
def column_add(*, matrix: Matrix, role: Role) -> MatrixRole:
    if MatrixRole.objects.filter(matrix=matrix, role=role).exists():
        raise EditError(f'"{role.name}" is already a column of this matrix.')
    last = matrix.columns.order_by("-position").values_list("position", flat=True).first()
    return MatrixRole.objects.create(
        matrix=matrix, role=role, position=0 if last is None else last + 1
    )


@transaction.atomic
def column_remove(*, matrix: Matrix, role: Role) -> int:
    """Remove the column and its letters; return how many letters went with it."""
    removed, _ = Responsibility.objects.filter(activity__matrix=matrix, role=role).delete()
    MatrixRole.objects.filter(matrix=matrix, role=role).delete()
    return removed


@transaction.atomic
def column_shift(*, matrix: Matrix, role: Role, offset: int) -> None:
    columns = list(matrix.columns.order_by("position", "pk"))
    i = next(i for i, c in enumerate(columns) if c.role_id == role.pk)
    if 0 <= i + offset < len(columns):
        columns[i], columns[i + offset] = columns[i + offset], columns[i]
        _renumber(columns)


@transaction.atomic
def role_create_custom(
    *, matrix: Matrix, name: str, short_label: str, description: str = ""
) -> Role:
    """A role of the matrix's team, for what the catalog lacks; added as a column."""
    if Role.objects.filter(team=matrix.team, name__iexact=name).exists() or (
        Role.objects.catalog().filter(name__iexact=name).exists()
    ):
        raise EditError(f'A role called "{name}" exists already; add it from the list.')
    base = slugify(f"{name}-{matrix.team_id}")[:70] or "role"
    slug, n = base, 2
    while Role.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    role = Role.objects.create(
        slug=slug,
        name=name,
        short_label=short_label,
        summary=description,
        focus=description,
        kind=RoleKind.CUSTOM,
        team=matrix.team,
    )
    column_add(matrix=matrix, role=role)
    return role


def matrix_update(*, matrix: Matrix, **fields) -> Matrix:
    for name, value in fields.items():
        setattr(matrix, name, value)
    matrix.save(update_fields=[*fields, "updated_at"])
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


def matrix_delete(*, matrix: Matrix) -> None:
    matrix.delete()


def scheme_change_preview(*, matrix: Matrix, scheme_key: str) -> dict[str, int]:
    """How many cells of each letter a change to ``scheme_key`` would drop."""
    target = get_scheme(scheme_key)
    counts = Counter(
        Responsibility.objects.filter(activity__matrix=matrix).values_list("code", flat=True)
    )
    return {code: n for code, n in sorted(counts.items()) if not target.has(code)}


@transaction.atomic
def matrix_change_scheme(*, matrix: Matrix, scheme_key: str) -> int:
    """Switch scheme, keeping the letters both schemes share; return how many cells dropped."""
    target = get_scheme(scheme_key)
    dropped, _ = (
        Responsibility.objects.filter(activity__matrix=matrix)
        .exclude(code__in=target.codes)
        .delete()
    )
    matrix_update(matrix=matrix, scheme=target.key)
    return dropped
