"""Writes that touch several models. Keyword-only, atomic, named <entity>_<action>."""

from django.db import transaction
from django.utils.text import slugify

from apps.accounts.models import Team
from apps.catalog.models import Role, RoleKind

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
            activity=activity_map[cell.activity_id], role_id=cell.role_id, code=cell.code
        )
        for cell in Responsibility.objects.filter(activity__matrix=source)
    )
