"""What the API reads does not cost more queries as the data grows: the same count for a small
and a large matrix (or team), read through each list and the grid."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.history.models import Change
from apps.matrices.selectors import structure_cache_clear
from apps.matrices.services import responsibility_assign
from apps.people.services import holders_set
from tests.conftest import make_matrix

from .conftest import Api

pytestmark = pytest.mark.django_db

READS = (
    "matrices/{slug}/grid",
    "matrices/{slug}/findings",
    "matrices/{slug}/history",
    "matrices/{slug}/export/csv",
    "matrices",
    "teams/{team}/people",
    "me/responsibilities",
)


def queries(api, path: str) -> int:
    structure_cache_clear()
    with CaptureQueriesContext(connection) as captured:
        response = api.get(path)
    assert response.status_code == 200, response.content
    return len(captured.captured_queries)


def grow(world, matrix, n: int) -> None:
    activities = list(matrix.activities.all())
    roles = list(matrix.roles.all())
    for i, role in enumerate(roles):
        holders_set(matrix=matrix, role=role, users=[world.editor], by=world.owner)
        for activity in activities[: n + i]:
            responsibility_assign(matrix=matrix, activity=activity, role=role, code="C")


@pytest.mark.parametrize("path", READS)
def test_a_read_costs_the_same_however_large(world, path):
    api = Api(world.tokens["editor"])
    small = make_matrix(team=world.team, activities=2, roles=2, phases=1)
    grow(world, small, 1)
    count_small = queries(api, path.format(slug=small.slug, team=world.team.pk))
    large = make_matrix(team=world.team, activities=40, roles=8, phases=5)
    grow(world, large, 30)
    for _ in range(3):
        make_matrix(team=world.team)
    assert Change.objects.filter(matrix=large).count() > 60
    count_large = queries(api, path.format(slug=large.slug, team=world.team.pk))
    assert count_large == count_small
