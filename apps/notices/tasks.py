"""The digest mail, built and sent by the worker (``manage.py db_worker``), never in a request.

Delivery is recorded in the database so that a worker killed mid-batch loses no notice and sends
none twice: each person's digest is first *claimed* (a ``Delivery`` row, their due notices
attached to it, one transaction), then sent, then marked sent. A notice not yet claimed waits
for the next run. A delivery claimed but never marked sent (the worker died while sending) is
sent again by a later run, once ``RETRY_AFTER`` has passed, with the same Message-ID; only a
worker that dies in the instant between the SMTP server accepting the mail and the database
recording it can cause a second copy, and that copy carries the same Message-ID. A run that
finds work to do first queues a later one, which finishes it should this run die.
"""

import datetime as dt
import logging
import uuid
from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.db.models import F
from django.tasks import task
from django.utils import timezone

from apps.accounts.models import Membership

from .models import Delivery, Notice

log = logging.getLogger(__name__)

RETRY_AFTER = dt.timedelta(minutes=10)


@task()
def send_digests() -> int:
    """Send every digest that is due; return how many mails went."""
    return deliver_due()


def deliver_due(*, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    sent = 0
    # Should this run die, a later one finishes its work: queued (and committed) first.
    unsent = Delivery.objects.filter(sent_at=None)
    if unsent.exists() or Notice.objects.filter(delivery=None, mail_after__lte=now).exists():
        send_digests.using(run_after=now + RETRY_AFTER + dt.timedelta(minutes=1)).enqueue()
    for delivery in Delivery.objects.filter(sent_at=None, tried_at__lte=now - RETRY_AFTER):
        claimed = Delivery.objects.filter(pk=delivery.pk, sent_at=None, attempts=delivery.attempts)
        if claimed.update(attempts=F("attempts") + 1, tried_at=now):
            sent += _send(delivery)
    while True:
        due = Notice.objects.filter(delivery=None, mail_after__lte=now)
        user_id = due.values_list("user_id", flat=True).first()
        if user_id is None:
            return sent
        delivery = _claim(user_id, now)
        if delivery is not None:
            sent += _send(delivery)


def _claim(user_id: int, now: dt.datetime) -> Delivery | None:
    """Attach the user's due notices to a new delivery (one transaction). Notices of teams the
    user is no longer in never go by mail."""
    with transaction.atomic():
        due = Notice.objects.filter(user_id=user_id, delivery=None, mail_after__lte=now)
        teams = set(
            Membership.objects.filter(user_id=user_id, user__is_active=True).values_list(
                "team_id", flat=True
            )
        )
        due.exclude(team__in=teams).update(mail_after=None)
        delivery = Delivery.objects.create(
            user_id=user_id,
            to=get_user_model().objects.filter(pk=user_id).values_list("email", flat=True).first()
            or "",
            message_id=f"<digest-{uuid.uuid4().hex}@{settings.NOTICE_MAIL_DOMAIN}>",
            tried_at=now,
        )
        if not delivery.to or not due.filter(team__in=teams).update(delivery=delivery):
            due.update(mail_after=None)  # nobody to write to: the notices stay in the app
            delivery.delete()
            return None
    return delivery


def _send(delivery: Delivery) -> int:
    notices = list(delivery.notices.select_related("matrix", "team").order_by("at", "pk"))
    message = digest_message(delivery, notices)
    mailers.default.send_messages([message])
    Delivery.objects.filter(pk=delivery.pk).update(sent_at=timezone.now())
    return 1


def digest_message(delivery: Delivery, notices: list[Notice]) -> EmailMessage:
    n = len(notices)
    subject = f"RACI Builder: {n} notice{'s' if n != 1 else ''} about your part"
    by_matrix = defaultdict(list)
    for notice in notices:
        by_matrix[notice.matrix.title if notice.matrix else notice.team.name].append(notice)
    site = settings.SITE_URL.rstrip("/")
    lines = ["Here is what changed in your part of your teams' matrices.", ""]
    for title, group in by_matrix.items():
        lines += [title, "-" * min(len(title), 70)]
        for notice in group:
            lines.append(f"* {notice.text}")
            if notice.path:
                lines.append(f"  {site}{notice.path}")
        lines.append("")
    lines += [
        "You are told this because you hold roles in these matrices.",
        f"Choose how you hear about each team: {site}/notices/",
    ]
    return EmailMessage(
        subject=subject,
        body="\n".join(lines),
        to=[delivery.to],
        headers={"Message-ID": delivery.message_id},
    )
