"""Changes that rewrite many letters at once (a snapshot restored, a scheme changed, and their
undo) tell each holder whose letters moved, once per change, and nobody else."""

from apps.exchange.replace import snapshot_restore
from apps.history.models import Change
from apps.history.services import change_undo, snapshot_create
from apps.matrices.services import matrix_change_scheme, responsibility_assign
from apps.notices.models import Kind, Notice

from .conftest import C, R


def texts(user) -> list[str]:
    return list(Notice.objects.filter(user=user).order_by("pk").values_list("text", flat=True))


def undo_last(world, by):
    change_undo(change=Change.objects.filter(matrix=world.matrix).latest("pk"), by=by)


def test_a_snapshot_restored_tells_each_holder_whose_letters_it_moved_once(
    world, django_capture_on_commit_callbacks
):
    snapshot = snapshot_create(matrix=world.matrix, name="As agreed", by=world.ana)
    for row in world.rows[:3]:  # three of Vi's Rs become Cs
        responsibility_assign(
            matrix=world.matrix, activity=row, role=world.roles[1], code=C, by=world.ed
        )
    Notice.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        snapshot_restore(matrix=world.matrix, snapshot=snapshot, by=world.ed)
    role = world.roles[1].name
    assert texts(world.vi) == [
        "Launch plan: Restored the snapshot “As agreed”: "
        + "; ".join(f"Activity {n} ({role}): {C} → {R}" for n in range(3))
    ]
    notice = Notice.objects.get(user=world.vi)
    assert notice.kind == Kind.LETTERS and notice.path == world.matrix.get_absolute_url()
    # Ana's letters are as they were; Ed restored it himself.
    assert not Notice.objects.exclude(user=world.vi).exists()

    Notice.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        undo_last(world, world.ana)  # the Cs come back
    (text,) = texts(world.vi)
    assert text.startswith("Launch plan: Put back the contents as they were before a restore: ")
    assert f"Activity 2 ({role}): {R} → {C}" in text


def test_a_restore_that_takes_a_column_away_tells_its_holder(
    world, django_capture_on_commit_callbacks
):
    from apps.matrices.services import column_remove

    column_remove(matrix=world.matrix, role=world.roles[0], by=world.ed)
    snapshot = snapshot_create(matrix=world.matrix, name="Without Ana", by=world.ed)
    undo_last(world, world.ed)  # Ana's column is back
    Notice.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        snapshot_restore(matrix=world.matrix, snapshot=snapshot, by=world.vi)
    (text,) = texts(world.ana)
    assert text.startswith("Launch plan: Restored the snapshot “Without Ana”: Activity 0 (")
    assert text.endswith(" gone")
    assert not texts(world.vi)  # who restored it; and Vi's letters did not move


def test_a_scheme_change_tells_the_holders_of_the_letters_it_drops_and_its_undo_too(
    world, django_capture_on_commit_callbacks
):
    Notice.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        matrix_change_scheme(matrix=world.matrix, scheme_key="daci", by=world.ed)
    role = world.roles[1].name
    # Vi's four Rs go (DACI has none); Ana's As stay; one notice for the four.
    assert texts(world.vi) == [
        "Launch plan: " + "; ".join(f"{R} taken away on Activity {n} as {role}" for n in range(4))
    ]
    assert not texts(world.ana)

    Notice.objects.all().delete()
    world.matrix.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        undo_last(world, world.ana)
    assert texts(world.vi) == [
        "Launch plan: " + "; ".join(f"{R} on Activity {n} as {role}" for n in range(4))
    ]


def test_many_letters_moved_make_one_notice_that_counts_the_rest(
    world, django_capture_on_commit_callbacks
):
    from apps.matrices.services import activity_create

    for n in range(4, 8):
        row = activity_create(
            matrix=world.matrix, phase=world.rows[0].phase, name=f"Activity {n}", by=world.ed
        )
        responsibility_assign(
            matrix=world.matrix, activity=row, role=world.roles[1], code=R, by=world.ed
        )
    Notice.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        matrix_change_scheme(matrix=world.matrix, scheme_key="daci", by=world.ed)
    (text,) = texts(world.vi)
    assert text.endswith(" and 3 more")
