"""Writes to the catalog of roles."""

from django.utils.text import slugify

from .models import Role, RoleKind

SLUG_BASE_LENGTH = 70


def role_create_custom(*, team, name: str, short_label: str, **definition) -> Role:
    """A team's own role, for what the catalog lacks, under a slug no other role has.

    ``definition`` holds the role's text fields (summary, focus, responsibilities, ...).
    """
    base = slugify(f"{name}-{team.pk}")[:SLUG_BASE_LENGTH] or "role"
    slug, n = base, 2
    while Role.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return Role.objects.create(
        slug=slug, name=name, short_label=short_label, kind=RoleKind.CUSTOM, team=team, **definition
    )
