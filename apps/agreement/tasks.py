"""Review reminders, run by the worker: when a matrix's review is due, its owners are told (a
notice, and their mail through the digest). Each check queues the next for the due date."""

import datetime as dt

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from apps.accounts.models import AccessLevel, Membership
from apps.notices.models import Kind
from apps.notices.services import Tell, notices_create

from .models import Review

REMIND_HOUR = 8


def remind_at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(REMIND_HOUR)))


@task()
def review_check(matrix_id: int) -> bool:
    """Remind the owners if the review is due and they have not been reminded; else queue the
    check again for the due date. True when a reminder went."""
    return review_remind(matrix_id=matrix_id)


@transaction.atomic
def review_remind(*, matrix_id: int, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    review = (
        Review.objects.select_for_update()
        .select_related("matrix")
        .filter(matrix_id=matrix_id)
        .first()
    )
    if review is None or review.reminded_on is not None:
        return False
    if review.due_on > today:
        review_check.using(run_after=remind_at(review.due_on)).enqueue(matrix_id)
        return False
    matrix = review.matrix
    owners = Membership.objects.filter(team_id=matrix.team_id, access=AccessLevel.OWNER)
    notices_create(
        team_id=matrix.team_id,
        matrix=matrix,
        kind=Kind.REVIEW,
        tells=[
            Tell(
                user_id,
                f"{matrix.title} is due for review (every {review.every_days} days)",
                matrix.get_absolute_url() + "#agreement",
            )
            for user_id in owners.values_list("user_id", flat=True)
        ],
    )
    review.reminded_on = today
    review.save(update_fields=["reminded_on"])
    return True
