"""Loading the reference content derived from the source articles, and the sample matrix.

The reference content spans the catalog (sources, roles) and the matrices (the reference
template); the sample matrix belongs to a sample team (accounts). Seeding needs all three, so it
lives here, above them: every import points down the layers (tests/test_layers.py).
"""

from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.db import transaction

from apps.accounts.models import AccessLevel, Membership, Team
from apps.matrices.models import Matrix
from apps.matrices.services import matrix_create

FIXTURE_FILES = ("sources.json", "roles.json", "reference_matrix.json")
REFERENCE_SLUG = "reference-product-roles"
SAMPLE_SLUG = "product-roles"
SAMPLE_TEAM_NAME = "Sample team"


def fixture_path(name: str) -> Path:
    return Path(settings.FIXTURE_DIRS[0]) / name


@transaction.atomic
def seed_reference_content() -> int:
    """Create the objects of the fixtures that do not exist yet; return how many were created.

    Objects are matched by natural key and never overwritten, so running it again changes
    nothing and edits staff made in the admin survive.
    """
    created = 0
    for name in FIXTURE_FILES:
        with fixture_path(name).open(encoding="utf-8") as stream:
            for item in serializers.deserialize("json", stream, handle_forward_references=True):
                if item.object.pk is None:
                    item.save()
                    created += 1
    return created


def sample_team() -> Team:
    team = Team.objects.filter(name=SAMPLE_TEAM_NAME, personal_for=None).order_by("pk").first()
    return team or Team.objects.create(name=SAMPLE_TEAM_NAME)


@transaction.atomic
def sample_matrix_ensure() -> Matrix:
    """The sample matrix 'product-roles', a copy of the reference template."""
    existing = Matrix.objects.filter(slug=SAMPLE_SLUG).first()
    if existing:
        return existing
    template = Matrix.objects.get(slug=REFERENCE_SLUG)
    return matrix_create(
        title="Product roles",
        slug=SAMPLE_SLUG,
        team=sample_team(),
        template=template,
    )


def sample_team_join(*, user, access: str = AccessLevel.OWNER) -> None:
    Membership.objects.get_or_create(team=sample_team(), user=user, defaults={"access": access})
