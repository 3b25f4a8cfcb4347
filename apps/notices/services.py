"""Writing notices, and the choices a person makes about them. Keyword-only, named
<entity>_<action>.

A notice goes only to a user who is a member of the matrix's team at the time (share-link
guests and people without an account are no users: they get nothing). If the person wants mail
about that team, the notice says when it may go (``mail_after``), and the digest task is queued
for that time in the same transaction: the database-backed task queue commits with the notice
or not at all, so no notice is ever without its mail run.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import Membership

from .models import EmailChoice, Kind, Notice, Preference
from .signals import unread_changed
from .tasks import send_digests

QUARTER = dt.timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class Tell:
    """One notice to write: to ``user_id``, about ``text``, with a link to ``path``."""

    user_id: int
    text: str
    path: str = ""


def next_quarter(now: dt.datetime) -> dt.datetime:
    """The next quarter hour (:00, :15, :30, :45) at least a minute after ``now``: the run
    queued for it then surely starts after the notice's transaction has committed."""
    soon = now + dt.timedelta(minutes=1)
    start = soon.replace(minute=soon.minute - soon.minute % 15, second=0, microsecond=0)
    return start + QUARTER


def next_daily(now: dt.datetime) -> dt.datetime:
    """The next time of the daily digest (settings.NOTICE_DAILY_HOUR, local time)."""
    local = timezone.localtime(now)
    at = local.replace(hour=settings.NOTICE_DAILY_HOUR, minute=0, second=0, microsecond=0)
    return at if at > local else at + dt.timedelta(days=1)


def mail_time(choice: str, now: dt.datetime) -> dt.datetime | None:
    if choice == EmailChoice.EVERY:
        return next_quarter(now)
    if choice == EmailChoice.DAILY:
        return next_daily(now)
    return None


@transaction.atomic
def notices_create(*, team_id: int, matrix=None, kind: Kind, tells: list[Tell]) -> list[Notice]:
    """Write the notices of ``tells`` for the users who are members of the team (others are
    left out), each once per text; queue the digest for their mail time."""
    if not tells:
        return []
    members = set(
        Membership.objects.filter(
            team_id=team_id, user__in={t.user_id for t in tells}, user__is_active=True
        ).values_list("user_id", flat=True)
    )
    choices = dict(
        Preference.objects.filter(team_id=team_id, user__in=members).values_list("user", "email")
    )
    with_address = set(
        Membership.objects.filter(team_id=team_id, user__in=members)
        .exclude(user__email="")
        .values_list("user_id", flat=True)
    )
    now = timezone.now()
    seen, notices = set(), []
    for tell in tells:
        if tell.user_id not in members or (tell.user_id, tell.text) in seen:
            continue
        seen.add((tell.user_id, tell.text))
        choice = choices.get(tell.user_id, EmailChoice.EVERY)
        notices.append(
            Notice(
                user_id=tell.user_id,
                team_id=team_id,
                matrix=matrix,
                kind=kind,
                text=tell.text[:500],
                path=tell.path[:300],
                mail_after=mail_time(choice, now) if tell.user_id in with_address else None,
            )
        )
    if not notices:
        return []
    # One run per mail time, whoever it is for: a notice already waiting for that time had it
    # queued in its own transaction.
    times = {n.mail_after for n in notices if n.mail_after is not None}
    queued = set(
        Notice.objects.filter(delivery=None, mail_after__in=times).values_list(
            "mail_after", flat=True
        )
    )
    Notice.objects.bulk_create(notices)
    unread_changed(user_ids={n.user_id for n in notices})
    for at in sorted(times - queued):
        send_digests.using(run_after=at).enqueue()
    return notices


def notices_read(*, user, pks=None) -> int:
    """Mark the user's notices (all, or those of ``pks``) read; return how many were unread."""
    unread = Notice.objects.filter(user=user, read_at=None)
    if pks is not None:
        unread = unread.filter(pk__in=pks)
    count = unread.update(read_at=timezone.now())
    if count:
        unread_changed(user_ids={user.pk})  # the bell of the person's other pages
    return count


def preference_set(*, user, team, email: str) -> Preference:
    """The user's mail choice for one of their teams. Pending notices follow it: no email
    drops them from the mail, another choice moves them to its time."""
    if email not in EmailChoice.values:
        raise ValueError(f"Unknown choice {email!r}.")
    with transaction.atomic():
        preference, _ = Preference.objects.update_or_create(
            user=user, team=team, defaults={"email": email}
        )
        pending = Notice.objects.filter(
            user=user, team=team, delivery=None, mail_after__isnull=False
        )
        at = mail_time(email, timezone.now())
        pending.update(mail_after=at)
        if at is not None and pending.exists():
            send_digests.using(run_after=at).enqueue()
    return preference


@transaction.atomic
def activities_announce(*, matrix, activity_ids, by) -> set[int]:
    """Mark exactly ``activity_ids`` (of the matrix) as announced: their changes tell their
    Informed. Returns the ids now announced."""
    from apps.matrices.models import Activity

    from .models import AnnouncedActivity

    wanted = set(
        Activity.objects.filter(matrix=matrix, pk__in=list(activity_ids)).values_list(
            "pk", flat=True
        )
    )
    AnnouncedActivity.objects.filter(activity__matrix=matrix).exclude(activity__in=wanted).delete()
    have = set(
        AnnouncedActivity.objects.filter(activity__matrix=matrix).values_list(
            "activity_id", flat=True
        )
    )
    AnnouncedActivity.objects.bulk_create(
        AnnouncedActivity(activity_id=pk, by=by) for pk in wanted - have
    )
    return wanted
