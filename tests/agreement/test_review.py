"""Review dates: when a matrix's review is due, its owners are reminded (once)."""

import datetime as dt

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from apps.agreement.models import Review
from apps.agreement.selectors import my_part
from apps.agreement.services import agreement_answer, agreement_record, review_set
from apps.agreement.tasks import review_remind
from apps.notices.models import Kind, Notice


def test_setting_a_review_queues_its_check_for_the_due_date(world):
    DBTaskResult.objects.all().delete()
    review = review_set(matrix=world.matrix, every_days=90)
    assert review.due_on == timezone.localdate() + dt.timedelta(days=90)
    task = DBTaskResult.objects.get()
    assert task.task_path == "apps.agreement.tasks.review_check"
    assert timezone.localdate(task.run_after) == review.due_on


def test_owners_are_reminded_once_when_it_is_due(world):
    review = review_set(matrix=world.matrix, every_days=30)
    assert not review_remind(matrix_id=world.matrix.pk)  # not yet
    Notice.objects.all().delete()
    later = review.due_on + dt.timedelta(days=1)
    assert review_remind(matrix_id=world.matrix.pk, today=later)
    notice = Notice.objects.get(kind=Kind.REVIEW)
    assert notice.user == world.ana  # the owner; Ed edits, Vi views
    assert notice.text == "Launch plan is due for review (every 30 days)"
    assert not review_remind(matrix_id=world.matrix.pk, today=later)
    assert Notice.objects.filter(kind=Kind.REVIEW).count() == 1


def test_agreement_by_everyone_starts_the_interval_again(world):
    Review.objects.create(matrix=world.matrix, every_days=30, due_on=dt.date(2026, 1, 1))
    for user, person in ((world.ana, world.ana_p), (world.vi, world.vi_p)):
        agreement_answer(
            matrix=world.matrix,
            person=person,
            by=user,
            agree=True,
            seen=my_part(world.matrix, user).fingerprint,
        )
    assert Review.objects.get().due_on == dt.date(2026, 1, 1)  # Dana has not agreed yet
    agreement_record(
        matrix=world.matrix, person=world.dana, by=world.ed, meeting_on=timezone.localdate()
    )
    assert Review.objects.get().due_on == timezone.localdate() + dt.timedelta(days=30)
