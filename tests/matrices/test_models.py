import pytest
from django.db import IntegrityError, transaction

from apps.matrices.models import Responsibility
from apps.raci.schemes import RACI
from tests.conftest import make_matrix

pytestmark = pytest.mark.django_db


def test_a_role_holds_at_most_one_letter_per_activity(team):
    matrix = make_matrix(team=team, fill=False)
    activity, role = matrix.activities.first(), matrix.roles.first()
    Responsibility.objects.create(activity=activity, role=role, code=RACI.codes[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        Responsibility.objects.create(activity=activity, role=role, code=RACI.codes[2])


def test_the_database_refuses_a_letter_no_scheme_knows(team):
    matrix = make_matrix(team=team, fill=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        Responsibility.objects.create(
            activity=matrix.activities.first(), role=matrix.roles.first(), code="Z"
        )
