"""Two people changing the same cells at the same moment: one value wins, nobody sees an error,
and the history says what each change replaced, so that undoing one puts back the other's.

These run in real transactions, one thread (and connection) per person: on SQLite, and on
PostgreSQL with DATABASE_URL set."""

import threading

import pytest
from django.db import connection
from django.test import Client

from apps.history.models import Action, Change
from apps.history.services import change_undo
from apps.matrices.models import Matrix, Responsibility
from apps.matrices.selectors import grid_data
from apps.matrices.services import responsibility_assign, responsibility_assign_block
from apps.raci.schemes import RACI, Kind
from tests.conftest import make_matrix, make_user

pytestmark = pytest.mark.django_db(transaction=True)

R, A = RACI.code_for(Kind.RESPONSIBLE), RACI.code_for(Kind.ACCOUNTABLE)
C, INFORMED = RACI.code_for(Kind.CONSULTED), RACI.code_for(Kind.INFORMED)
WAIT = 30  # s: a bound for a thread stuck by a bug, not a pause


def run_together(*jobs):
    """Run each job in a thread of its own (with its own database connection); re-raise the
    first error."""
    errors = []

    def run(job):
        try:
            job()
        except BaseException as error:  # handed to the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=WAIT)
    assert not any(thread.is_alive() for thread in threads), "a change never finished"
    if errors:
        raise errors[0]


def replay(matrix) -> dict:
    """Walk the matrix's history in order from the empty matrix: every change's "before" must
    be what the one before it left. Returns the letters it ends with."""
    state = {}
    for change in Change.objects.filter(matrix=matrix).order_by("pk"):
        if change.action == Action.CELL:
            key = (change.activity_id, change.role_id)
            assert change.before["code"] == state.get(key, ""), change.summary
            state[key] = change.after["code"]
        else:
            assert change.action == Action.CELLS
            for a, r, code, _ in change.before["cells"]:
                assert code == state.get((a, r), ""), change.summary
            for a, r, code in change.after["cells"]:
                state[a, r] = code
    return {key: code for key, code in state.items() if code}


def stored(matrix) -> dict:
    return {
        (a, r): code
        for a, r, code in Responsibility.objects.filter(activity__matrix=matrix).values_list(
            "activity_id", "role_id", "code"
        )
    }


def test_simultaneous_changes_to_one_cell_end_with_one_of_the_values():
    user = make_user("concurrent")
    matrix = make_matrix(team=user.personal_team, activities=2, roles=3, fill=False)
    activity, role = matrix.activities.first(), matrix.roles.last()
    codes = [C, INFORMED] * 4
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

    run_together(*(lambda code=code: change(code) for code in codes))
    assert statuses == [200] * len(codes)
    cells = Responsibility.objects.filter(activity=activity, role=role)
    assert cells.count() == 1
    assert cells.get().code in codes
    # Each entry of the history says what the one before it left, and they end where the cell
    # did.
    assert replay(matrix) == stored(matrix)


def test_the_history_records_what_a_near_simultaneous_change_replaced():
    """Ben's page read the cell as R; before his change arrived, Ana's set it to C. His change
    replaced C, not R: the history says so, and undoing it puts back Ana's C."""
    user = make_user("ben")
    matrix = make_matrix(team=user.personal_team, activities=1, roles=2, fill=False)
    activity, role = matrix.activities.get(), matrix.roles.first()
    responsibility_assign(matrix=matrix, activity=activity, role=role, code=R)
    bens_read, anas_saved = threading.Event(), threading.Event()

    def ana():
        assert bens_read.wait(WAIT)
        mine = Matrix.objects.get(pk=matrix.pk)
        responsibility_assign(matrix=mine, activity=activity, role=role, code=C, by=user)
        anas_saved.set()

    def ben():
        # As the cell's view does: the matrix, then the grid, whose cell it passes on.
        mine = Matrix.objects.get(pk=matrix.pk)
        current = grid_data(mine).cell_state(activity.pk, role.pk)
        bens_read.set()
        assert anas_saved.wait(WAIT)
        responsibility_assign(
            matrix=mine, activity=activity, role=role, code=A, by=user, current=current
        )

    run_together(ana, ben)
    changes = list(Change.objects.filter(matrix=matrix).order_by("pk"))
    assert [c.letters for c in changes] == [("", R), (R, C), (C, A)]
    assert changes[-1].summary.endswith(f"{C} → {A}")
    change_undo(change=changes[-1], by=user)
    assert stored(matrix) == {(activity.pk, role.pk): C}


def test_simultaneous_blocks_record_what_each_replaced():
    """Several people filling overlapping blocks at once: the history, replayed, is what the
    cells hold, and undoing the last block puts back what the one before it set."""
    user = make_user("blocks")
    matrix = make_matrix(team=user.personal_team, activities=3, roles=3, fill=False)
    activities, roles = list(matrix.activities.order_by("pk")), list(matrix.roles.order_by("pk"))
    cells = [(a, r) for a in activities for r in roles]
    responsibility_assign_block(matrix=matrix, changes=[(a, r, R) for a, r in cells])
    codes = [C, INFORMED, A, R, C, INFORMED]
    barrier = threading.Barrier(len(codes))

    def fill(code, offset):
        barrier.wait()
        mine = Matrix.objects.get(pk=matrix.pk)
        # Overlapping blocks of six cells: each shares cells with the others.
        block = [(a, r, code) for a, r in (cells * 2)[offset : offset + 6]]
        responsibility_assign_block(matrix=mine, changes=block, by=user)

    run_together(*(lambda c=code, i=i: fill(c, i) for i, code in enumerate(codes)))
    assert replay(matrix) == stored(matrix)
    last = Change.objects.filter(matrix=matrix).order_by("pk").last()
    before = {(a, r): code for a, r, code, _ in last.before["cells"]}
    change_undo(change=last, by=user)
    now = stored(matrix)
    assert {key: now.get(key, "") for key in before} == before


def test_simultaneous_changes_through_the_editor_record_what_each_replaced():
    """The same through the cell's view, which passes the cell it read to the service: each
    entry's "before" is what the entry before it left."""
    user = make_user("racers")
    matrix = make_matrix(team=user.personal_team, activities=1, roles=2, fill=False)
    activity, role = matrix.activities.get(), matrix.roles.first()
    responsibility_assign(matrix=matrix, activity=activity, role=role, code=R)
    codes = [C, INFORMED, A, C, INFORMED, A]
    barrier = threading.Barrier(len(codes))

    def change(code):
        client = Client()
        client.force_login(user)
        client.get(matrix.get_absolute_url())  # the structure cache, as a page would
        barrier.wait()
        response = client.post(
            f"/m/{matrix.slug}/cells/",
            {"activity": activity.pk, "role": role.pk, "code": code},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200

    run_together(*(lambda code=code: change(code) for code in codes))
    assert replay(matrix) == stored(matrix)
    assert Change.objects.filter(matrix=matrix).count() >= 2
