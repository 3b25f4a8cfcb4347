import pytest
from django.core.management import call_command

from apps.catalog.models import Role, Source
from apps.exchange.seeding import REFERENCE_SLUG, SAMPLE_SLUG, seed_reference_content
from apps.matrices.models import Activity, Matrix, MatrixRole, Phase, Responsibility

pytestmark = pytest.mark.django_db

MODELS = [Source, Role, Matrix, MatrixRole, Phase, Activity, Responsibility]


def snapshot():
    return {model.__name__: sorted(map(repr, model.objects.values())) for model in MODELS}


def test_seeding_twice_changes_nothing(capsys):
    call_command("seed")
    before = snapshot()
    call_command("seed")
    assert "Seeded 0 new object(s)" in capsys.readouterr().out
    assert snapshot() == before


def test_seeding_an_empty_database_creates_everything():
    for model in reversed(MODELS):
        model.objects.all().delete()
    created = seed_reference_content()
    assert created > 50
    assert Matrix.objects.filter(slug=REFERENCE_SLUG, is_template=True).exists()
    assert seed_reference_content() == 0


def test_seeding_keeps_what_staff_edited_in_the_admin():
    role = Role.objects.get(slug="product-owner")
    role.focus = "Edited by staff"
    role.save()
    call_command("seed")
    role.refresh_from_db()
    assert role.focus == "Edited by staff"


def test_the_sample_matrix_is_a_copy_of_the_reference_template():
    call_command("seed")
    sample = Matrix.objects.get(slug=SAMPLE_SLUG)
    template = Matrix.objects.get(slug=REFERENCE_SLUG)
    assert not sample.is_template and sample.team is not None

    def cells(matrix):
        return sorted(
            Responsibility.objects.filter(activity__matrix=matrix).values_list(
                "activity__phase__name", "activity__name", "role__slug", "code"
            )
        )

    assert cells(sample) == cells(template)
    assert list(sample.roles.order_by("columns__position").values_list("slug", flat=True)) == list(
        template.roles.order_by("columns__position").values_list("slug", flat=True)
    )
