"""Two people setting the same cell at the same moment: one value wins, nobody sees an error."""

import threading

import pytest
from django.db import connection
from django.test import Client

from apps.matrices.models import Responsibility
from apps.raci.schemes import RACI, Kind
from tests.conftest import make_matrix, make_user


@pytest.mark.django_db(transaction=True)
def test_simultaneous_changes_to_one_cell_end_with_one_of_the_values():
    user = make_user("concurrent")
    matrix = make_matrix(team=user.personal_team, activities=2, roles=3, fill=False)
    activity, role = matrix.activities.first(), matrix.roles.last()
    codes = [RACI.code_for(Kind.CONSULTED), RACI.code_for(Kind.INFORMED)] * 4
    barrier = threading.Barrier(len(codes))
    statuses = []

    def change(code):
        client = Client()
        client.force_login(user)
        barrier.wait()
        response = client.post(
            f"/m/{matrix.slug}/cells/",
            {"activity": activity.pk, "role": role.pk, "code": code},
            HTTP_HX_REQUEST="true",
        )
        statuses.append(response.status_code)
        connection.close()

    threads = [threading.Thread(target=change, args=(code,)) for code in codes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert statuses == [200] * len(codes)
    cells = Responsibility.objects.filter(activity=activity, role=role)
    assert cells.count() == 1
    assert cells.get().code in codes
