"""People are told when a change gives them a letter, takes one away or alters one."""

from apps.matrices.services import activity_delete, responsibility_assign
from apps.notices.models import AnnouncedActivity, Kind, Notice
from apps.people import services as people

from .conftest import C, I, R


def texts(user) -> list[str]:
    return list(Notice.objects.filter(user=user).order_by("pk").values_list("text", flat=True))


def test_a_letter_changed_by_someone_else_tells_its_holder(
    world, django_capture_on_commit_callbacks
):
    Notice.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        responsibility_assign(
            matrix=world.matrix, activity=world.rows[1], role=world.roles[1], code=C, by=world.ed
        )
    notice = Notice.objects.get()
    assert notice.user == world.vi and notice.kind == Kind.LETTERS
    assert notice.text == f"Launch plan: {R} → {C} on Activity 1 as {world.roles[1].name}"
    assert notice.path == f"/m/{world.matrix.slug}/#cell-{world.rows[1].pk}-{world.roles[1].pk}"
    assert notice.mail_after is not None  # Vi has an address and mail by default


def test_ones_own_change_tells_nobody(world, django_capture_on_commit_callbacks):
    Notice.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        responsibility_assign(
            matrix=world.matrix, activity=world.rows[1], role=world.roles[1], code=C, by=world.vi
        )
    assert not Notice.objects.exists()


def test_a_new_holder_hears_of_the_letters_they_gain_and_the_old_of_those_they_lose(
    world, django_capture_on_commit_callbacks
):
    Notice.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        people.holders_set(matrix=world.matrix, role=world.roles[1], users=[world.ana], by=world.ed)
    role = world.roles[1].name
    assert texts(world.ana)[0].startswith(f"Launch plan: {R} on Activity 0 as {role}")
    assert texts(world.vi)[0].startswith(f"Launch plan: {R} taken away on Activity 0 as {role}")


def test_a_deleted_activity_takes_its_letters_away(world, django_capture_on_commit_callbacks):
    Notice.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        activity_delete(activity=world.rows[0], by=world.ed)
    assert texts(world.vi) == [
        f"Launch plan: {R} taken away on Activity 0 as {world.roles[1].name}"
    ]
    assert Notice.objects.get(user=world.vi).path == world.matrix.get_absolute_url()


def test_nobody_outside_the_team_is_told(world, django_capture_on_commit_callbacks):
    from apps.accounts.models import Membership

    Membership.objects.filter(team=world.team, user=world.vi).delete()  # Vi leaves
    Notice.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        responsibility_assign(
            matrix=world.matrix, activity=world.rows[1], role=world.roles[1], code=C, by=world.ed
        )
    assert not Notice.objects.exists()


def test_the_informed_of_an_announced_activity_hear_of_its_changes(
    world, django_capture_on_commit_callbacks
):
    # Ana is Informed on activity 2 (through the first column) ...
    responsibility_assign(
        matrix=world.matrix, activity=world.rows[2], role=world.roles[0], code=I, by=world.ana
    )
    AnnouncedActivity.objects.create(activity=world.rows[2], by=world.ed)
    Notice.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        # ... and Dana's letter on it changes: Ana's own letters did not move.
        responsibility_assign(
            matrix=world.matrix, activity=world.rows[2], role=world.roles[2], code=C, by=world.ed
        )
    notice = Notice.objects.get(user=world.ana)
    assert notice.kind == Kind.ANNOUNCED
    assert notice.text.startswith("Launch plan: Activity 2 changed (")
    # Not announced: no word.
    Notice.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        responsibility_assign(
            matrix=world.matrix, activity=world.rows[3], role=world.roles[2], code=R, by=world.ed
        )
    assert not Notice.objects.filter(user=world.ana).exists()


def test_asking_for_agreement_tells_those_asked(world):
    from apps.agreement.services import agreement_ask

    Notice.objects.all().delete()
    agreement_ask(matrix=world.matrix, by=world.ed)
    asked = Notice.objects.filter(kind=Kind.ASKED)
    assert {n.user for n in asked} == {world.ana, world.vi}  # Dana has no account
    assert asked.first().path.endswith("#agreement")
