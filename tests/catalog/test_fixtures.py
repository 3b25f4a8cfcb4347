"""The reference content must say what the source articles say, and hold to the RACI rules."""

import json
from collections import Counter
from pathlib import Path

import pytest

from apps.catalog.models import Role, RoleKind
from apps.exchange.seeding import FIXTURE_FILES, REFERENCE_SLUG
from apps.matrices.models import Activity, Matrix, Responsibility
from apps.raci.schemes import RACI, Kind

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
CORE_ROLES = {"Product Manager", "Project Manager", "Product Owner", "Product Marketing Manager"}
# Words from the page debris at the end of two source articles; none belongs in the data.
DEBRIS = [
    "Buscar",
    "Categorías",
    "Read More",
    "BigMoney",
    "Pokrov",
    "Aggregate demand",
    "Like Stars on Earth",
    "Leave a Reply",
    "Required fields are marked",
    "will not be published",
    "Mentor",
    "Crisis management",
    "Dacey Rankins",
]


def test_the_fixture_files_hold_none_of_the_page_debris():
    text = "\n".join((FIXTURES / name).read_text(encoding="utf-8") for name in FIXTURE_FILES)
    for word in DEBRIS:
        assert word.lower() not in text.lower(), word


def test_the_fixtures_use_natural_keys_not_primary_keys():
    for name in FIXTURE_FILES:
        for item in json.loads((FIXTURES / name).read_text(encoding="utf-8")):
            assert "pk" not in item, (name, item["model"])


def test_the_four_core_roles_have_every_definition_field_filled():
    core = Role.objects.catalog().filter(kind=RoleKind.CORE)
    assert set(core.values_list("name", flat=True)) == CORE_ROLES
    for role in core:
        for field in (*Role.DEFINITION_FIELDS, "summary", "short_label"):
            assert getattr(role, field).strip(), f"{role.name}: {field} is empty"
        assert len(role.responsibility_list) >= 3, role.name
        assert role.sources.exists(), role.name


def test_the_supporting_roles_are_the_collaborators_the_articles_name():
    names = set(
        Role.objects.catalog().filter(kind=RoleKind.SUPPORTING).values_list("name", flat=True)
    )
    assert {"Engineering", "UX/UI Design", "Sales", "Executive Sponsor"} <= names
    for role in Role.objects.catalog().filter(kind=RoleKind.SUPPORTING):
        assert role.focus.strip() and role.sources.exists(), role.name


def test_the_reference_template_has_25_to_40_activities_in_5_to_7_phases():
    template = Matrix.objects.get(slug=REFERENCE_SLUG)
    assert template.is_template and template.team is None
    assert 25 <= template.activities.count() <= 40
    assert 5 <= template.phases.count() <= 7
    assert set(template.roles.values_list("name", flat=True)) >= CORE_ROLES


def test_every_reference_activity_has_exactly_one_accountable_and_a_responsible():
    template = Matrix.objects.get(slug=REFERENCE_SLUG)
    accountable, responsible = RACI.code_for(Kind.ACCOUNTABLE), RACI.code_for(Kind.RESPONSIBLE)
    for activity in template.activities.all():
        codes = Counter(activity.responsibilities.values_list("code", flat=True))
        assert codes[accountable] == 1, activity.name
        assert codes[responsible] >= 1, activity.name
        assert set(codes) <= set(RACI.codes), activity.name


def test_every_reference_cell_is_in_one_of_the_matrix_columns():
    template = Matrix.objects.get(slug=REFERENCE_SLUG)
    columns = set(template.roles.values_list("pk", flat=True))
    cells = Responsibility.objects.filter(activity__matrix=template)
    assert set(cells.values_list("role_id", flat=True)) <= columns


@pytest.mark.parametrize(
    "role_slug,activity_words",
    [
        ("product-manager", ["vision", "roadmap"]),
        ("project-manager", ["schedule", "status"]),
        ("product-owner", ["backlog"]),
        ("product-marketing-manager", ["positioning", "campaign"]),
    ],
)
def test_the_reference_matrix_gives_each_core_role_what_the_articles_say_it_owns(
    role_slug, activity_words
):
    accountable = RACI.code_for(Kind.ACCOUNTABLE)
    owned = Activity.objects.filter(
        matrix__slug=REFERENCE_SLUG,
        responsibilities__role__slug=role_slug,
        responsibilities__code=accountable,
    ).values_list("name", flat=True)
    text = " ".join(owned).lower()
    for word in activity_words:
        assert word in text, f"{role_slug} should be accountable for something about {word}"
