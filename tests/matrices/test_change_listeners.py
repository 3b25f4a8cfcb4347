"""What a cell update costs once its commit is heard (apps/matrices/changes.py's
``change_committed``): nothing beyond its own queries on a matrix where the agreement, the
notices and the webhooks have nothing to do; and where they have, they still act."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import AccessLevel
from apps.agreement.models import Agreement, State
from apps.agreement.services import agreement_answer, agreement_ask
from apps.matrices.models import Matrix
from apps.notices.letters import fingerprint, letters_of
from apps.notices.models import Kind, Notice
from apps.people.services import holders_set
from apps.webhooks.models import Delivery, Event
from apps.webhooks.services import webhook_create, webhook_delete
from bench.queries import count
from tests.conftest import add_member, make_matrix, make_user
from tests.matrices.test_editor_cells import (
    CONSULTED,
    HX,
    INFORMED,
    assign_url,
    columns,
    rows,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _public_webhook_targets(monkeypatch):
    monkeypatch.setattr("apps.webhooks.services.resolve", lambda url: None)


def post_cell(client, matrix, activity, role, code, capture):
    """The cell update through the view, its commit's listeners run; the queries, counted as
    the benchmark counts them (bench/queries.py: no transaction control)."""
    with CaptureQueriesContext(connection) as captured, capture(execute=True):
        response = client.post(
            assign_url(matrix), {"activity": activity.pk, "role": role.pk, "code": code}, **HX
        )
    assert response.status_code == 200
    return count(captured.captured_queries)


@pytest.mark.parametrize("size", [20, 300])
def test_a_cell_update_on_a_plain_matrix_costs_no_query_after_its_commit(
    client_in, team, user, django_capture_on_commit_callbacks, size
):
    """No agreement asked, a named person without an account on the column, no announced
    activity, and a webhook of the team that asked for other events only: 7 queries (session,
    user, matrix + access, cells, the version, the write, history), the target of
    docs/performance.md, with the listeners heard."""
    matrix = make_matrix(team=team, activities=size, roles=12, phases=6)
    activity, role = rows(matrix)[size // 2], columns(matrix)[5]
    holders_set(matrix=matrix, role=role, new_name="Dana (agency)", by=user)
    webhook_create(team=team, url="https://example.com/h", events=[Event.MATRIX_AGREED], by=user)
    client_in.get(matrix.get_absolute_url())
    for code in (CONSULTED, INFORMED, ""):
        assert (
            post_cell(client_in, matrix, activity, role, code, django_capture_on_commit_callbacks)
            <= 7
        )
    assert not Delivery.objects.exists()


def test_a_matrix_with_an_agreement_a_member_holder_and_a_webhook_still_hears_a_cell_update(
    client_in, team, user, django_capture_on_commit_callbacks
):
    vi = make_user("vi")
    add_member(team, vi, AccessLevel.VIEWER)
    matrix = make_matrix(team=team, activities=4, roles=3, phases=1)
    activity, role = rows(matrix)[2], columns(matrix)[2]
    client_in.get(matrix.get_absolute_url())
    assert (
        post_cell(client_in, matrix, activity, role, CONSULTED, django_capture_on_commit_callbacks)
        <= 7
    )

    holders_set(matrix=matrix, role=role, users=[vi], by=user)
    agreement_ask(matrix=matrix, by=user)
    person = Agreement.objects.get(matrix=matrix).person
    seen = fingerprint(letters_of(matrix.pk, [person.pk])[person.pk])
    agreement_answer(matrix=matrix, person=person, by=vi, agree=True, seen=seen)
    hook = webhook_create(
        team=team, url="https://example.com/h", events=[Event.MATRIX_CHANGED], by=user
    )
    matrix.refresh_from_db()
    assert matrix.agreement_asked and matrix.holders_with_accounts
    Notice.objects.all().delete()

    queries = post_cell(
        client_in, matrix, activity, role, INFORMED, django_capture_on_commit_callbacks
    )
    assert queries > 7
    # Vi's letter moved: Vi is told, Vi's answer is out of date, the webhook gets the change.
    assert Notice.objects.get(user=vi, kind=Kind.LETTERS).text.endswith(
        f"C → I on {activity.name} as {role.name}"
    )
    assert Agreement.objects.get(matrix=matrix, person=person).state == State.OUTDATED
    delivery = Delivery.objects.get(webhook=hook, event=Event.MATRIX_CHANGED)
    assert delivery.payload["change"]["summary"].endswith(": C → I")

    # The webhook removed: the team's changes are no longer looked for.
    webhook_delete(webhook=hook)
    assert not Matrix.objects.get(pk=matrix.pk).team.change_webhooks


def test_the_migrations_mark_the_matrices_and_teams_that_have_listeners_already(team, user):
    """The backfill of the flags' migrations, run on today's models."""
    from importlib import import_module

    from django.apps import apps

    vi = make_user("vi")
    add_member(team, vi, AccessLevel.VIEWER)
    plain, held, asked = (make_matrix(team=team) for _ in range(3))
    holders_set(matrix=plain, role=columns(plain)[0], new_name="Dana (agency)", by=user)
    holders_set(matrix=held, role=columns(held)[0], users=[vi], by=user)
    holders_set(matrix=asked, role=columns(asked)[0], new_name="Dana (agency)", by=user)
    agreement_ask(matrix=asked, by=user)
    webhook_create(team=team, url="https://example.com/h", events=[Event.MATRIX_CHANGED], by=user)
    other = make_user("other").personal_team
    webhook_create(team=other, url="https://example.com/h", events=[Event.MATRIX_AGREED], by=user)
    Matrix.objects.update(agreement_asked=False, holders_with_accounts=False)
    type(team).objects.update(change_webhooks=False)

    import_module("apps.matrices.migrations.0009_listener_flags").backfill(apps, None)
    import_module("apps.accounts.migrations.0004_team_change_webhooks").backfill(apps, None)

    flags = (
        dict(Matrix.objects.filter(team=team).values_list("pk", "agreement_asked")),
        dict(Matrix.objects.filter(team=team).values_list("pk", "holders_with_accounts")),
    )
    assert flags[0] == {plain.pk: False, held.pk: False, asked.pk: True}
    assert flags[1] == {plain.pk: False, held.pk: True, asked.pk: False}
    team.refresh_from_db()
    other.refresh_from_db()
    assert team.change_webhooks and not other.change_webhooks
