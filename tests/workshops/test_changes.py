"""Every change to a workshop is announced once, by its service, after it commits: what the
live layer pushes to the board and the ballots (apps/workshops/changes.py)."""

import pytest
from django.db import transaction

from apps.workshops import services
from apps.workshops.changes import What, announce, workshop_changed
from apps.workshops.models import Workshop

from .conftest import join, vote


@pytest.fixture
def heard():
    changes = []

    def listener(sender, change, **kwargs):
        changes.append(change)

    workshop_changed.connect(listener)
    yield changes
    workshop_changed.disconnect(listener)


def cells(matrix):
    return list(matrix.activities.all()), list(matrix.roles.order_by("columns__position"))


def test_each_service_announces_its_change_once_after_it_commits(
    db, workshop, matrix, heard, django_capture_on_commit_callbacks
):
    activities, roles = cells(matrix)
    before = Workshop.objects.get(pk=workshop.pk)
    with django_capture_on_commit_callbacks(execute=False) as pending:
        ann = services.participant_join(workshop=workshop, name="Ann")
    assert heard == [] and len(pending) == 1  # not before the commit
    for callback in pending:
        callback()
    with django_capture_on_commit_callbacks(execute=True):
        services.vote_cast(
            participant=ann, activity_id=activities[0].pk, role_id=roles[0].pk, code="A"
        )
        services.workshop_set_state(workshop=workshop, state="paused")
        services.workshop_reveal(workshop=workshop, revealed=True)
        services.workshop_settle(workshop=workshop, cells=[(activities[0], roles[0], "A")])
        services.participant_remove(participant=ann)
        services.workshop_set_state(workshop=workshop, state="closed")

    assert [c.what for c in heard] == [
        What.JOINED,
        What.VOTE,
        What.STATE,
        What.REVEAL,
        What.SETTLED,
        What.REMOVED,
        What.STATE,
    ]
    assert [c.version for c in heard] == list(range(before.version + 1, before.version + 8))
    # Only what participants see raises the stage and reaches the ballots.
    assert [c.for_ballots for c in heard] == [False, False, True, True, False, True, True]
    assert [c.stage - before.stage for c in heard] == [0, 0, 1, 2, 2, 3, 4]
    assert heard[0].participant_id == heard[1].participant_id == heard[5].participant_id == ann.pk
    assert (heard[2].state, heard[3].revealed, heard[-1].closed) == ("paused", True, True)
    assert {c.workshop_id for c in heard} == {workshop.pk}
    after = Workshop.objects.get(pk=workshop.pk)
    assert (after.version, after.stage) == (heard[-1].version, heard[-1].stage)
    assert (workshop.version, workshop.stage) == (after.version, after.stage)


def test_a_change_that_rolls_back_is_never_heard_of(
    db, workshop, matrix, heard, django_capture_on_commit_callbacks
):
    before = Workshop.objects.get(pk=workshop.pk)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.workshop_reveal(workshop=workshop, revealed=True)
        raise RuntimeError("something after it failed")
    assert heard == []
    after = Workshop.objects.get(pk=workshop.pk)
    assert (after.version, after.stage, after.revealed) == (before.version, before.stage, False)


def test_a_refused_change_is_not_announced(db, workshop, heard, django_capture_on_commit_callbacks):
    services.workshop_set_state(workshop=workshop, state="closed")
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(services.WorkshopError):
            services.workshop_set_state(workshop=workshop, state="open")
        with pytest.raises(services.WorkshopError):
            services.participant_join(workshop=workshop, name="Late")
    assert heard == []


def test_a_request_announces_its_change_once_and_the_view_adds_nothing(
    db, workshop, matrix, heard, django_capture_on_commit_callbacks
):
    activities, roles = cells(matrix)
    client, _ = join(workshop, "Ann")
    heard.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert vote(client, workshop, activities[0], roles[0], "A").status_code == 200
    assert [c.what for c in heard] == [What.VOTE]


def test_announcing_outside_the_changes_transaction_is_a_mistake(transactional_db, workshop):
    with pytest.raises(RuntimeError, match="inside the transaction"):
        announce(workshop_id=workshop.pk, what=What.VOTE)
