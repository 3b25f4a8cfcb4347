"""A vote, the request a whole room makes at once: one short transaction that checks, saves and
counts it.

``vote_record`` is the one write both ways of voting share (the ballot's stream,
apps/live/workshop, and the page's form, views/participant.py). In one transaction it raises the
workshop's version on the condition that the workshop is open and the participant still in it
(one ``UPDATE ... RETURNING``, which also holds the workshop's row until the vote commits, so a
workshop's votes are counted one after the other), upserts the vote and moves the cell's tally
from the old letter to the new one (models.Tally, ActivityTally, Participant.answered). The board
reads those counts instead of every vote (docs/workshop.md, "What a vote costs"). On PostgreSQL
the same steps run as one function call (migrations/0004_vote_function.py), so that the row is
held for microseconds rather than across round trips.
"""

from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from .changes import What, WorkshopChange, announce_committed
from .models import ActivityTally, Participant, Tally, Vote, Workshop, WorkshopState


class VoteRefused(ValueError):
    """A vote that cannot be taken, with the HTTP status that says why and a sentence for the
    person (409: voting paused or closed; 403: not, or no longer, a participant)."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


def _tables() -> dict[str, str]:
    return {
        "workshop": Workshop._meta.db_table,
        "participant": Participant._meta.db_table,
        "vote": Vote._meta.db_table,
        "tally": Tally._meta.db_table,
        "activity": ActivityTally._meta.db_table,
    }


def vote_record(
    *, workshop_id: int, participant_id: int, activity_id: int, role_id: int, code: str
) -> WorkshopChange:
    """Save one vote and count it; return the change (the workshop's version after it).

    The caller has checked that the activity is one of the workshop's, the role a column of its
    matrix and ``code`` a letter of its scheme or ``NONE``. Raises VoteRefused when the workshop
    is not open or the participant not in it; nothing is changed then. Announces nothing: the
    caller publishes the change (``vote_cast`` after commit; the stream itself).
    """
    now = timezone.now()
    if connection.vendor == "postgresql":
        row = _record_function(workshop_id, participant_id, activity_id, role_id, code, now)
    else:
        row = _record_statements(workshop_id, participant_id, activity_id, role_id, code, now)
    if row is None:
        raise _refusal(workshop_id, participant_id)
    return WorkshopChange(
        workshop_id, row[0], row[1], row[2], bool(row[3]), What.VOTE, participant_id
    )


def _record_function(workshop_id, participant_id, activity_id, role_id, code, now):
    """PostgreSQL: the whole vote in one statement, the function of migration 0004, which holds
    the workshop's row for the function's own time, not across round trips. Outside a
    transaction (a vote over the stream) the statement commits by itself."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT version, stage, state, revealed "
            "FROM workshops_vote_record(%s, %s, %s, %s, %s, %s)",
            [workshop_id, participant_id, activity_id, role_id, code, now],
        )
        return cursor.fetchone()


def _record_statements(workshop_id, participant_id, activity_id, role_id, code, now):
    """SQLite: the same statements one by one in a transaction (one process writes at a
    time anyway). Returns (version, stage, state, revealed), or None when refused."""
    t = _tables()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {t['workshop']} SET version = version + 1 "  # noqa: S608 - our tables
            f"WHERE id = %s AND state = %s AND EXISTS (SELECT 1 FROM {t['participant']} "
            "WHERE id = %s AND workshop_id = %s AND removed_at IS NULL) "
            "RETURNING version, stage, state, revealed",
            [workshop_id, WorkshopState.OPEN, participant_id, workshop_id],
        )
        row = cursor.fetchone()
        if row is None:
            return None
        cursor.execute(
            f"SELECT role_id, code FROM {t['vote']} "  # noqa: S608
            "WHERE participant_id = %s AND activity_id = %s",
            [participant_id, activity_id],
        )
        mine = dict(cursor.fetchall())
        old = mine.get(role_id)
        if old == code:
            return row  # the same letter again: nothing to count
        cursor.execute(
            f"INSERT INTO {t['vote']} (participant_id, activity_id, role_id, code, updated_at) "  # noqa: S608
            "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (participant_id, activity_id, role_id) "
            "DO UPDATE SET code = excluded.code, updated_at = excluded.updated_at",
            [participant_id, activity_id, role_id, code, now],
        )
        if old is not None:
            cursor.execute(
                f"UPDATE {t['tally']} SET count = count - 1 "  # noqa: S608
                "WHERE workshop_id = %s AND activity_id = %s AND role_id = %s AND code = %s",
                [workshop_id, activity_id, role_id, old],
            )
        cursor.execute(
            f"INSERT INTO {t['tally']} (workshop_id, activity_id, role_id, code, count) "  # noqa: S608
            "VALUES (%s, %s, %s, %s, 1) ON CONFLICT (workshop_id, activity_id, role_id, code) "
            f"DO UPDATE SET count = {t['tally']}.count + 1",
            [workshop_id, activity_id, role_id, code],
        )
        if not mine:  # the participant's first answer on this activity
            cursor.execute(
                f"UPDATE {t['participant']} SET answered = answered + 1 WHERE id = %s",  # noqa: S608
                [participant_id],
            )
            cursor.execute(
                f"INSERT INTO {t['activity']} (workshop_id, activity_id, answered) "  # noqa: S608
                "VALUES (%s, %s, 1) ON CONFLICT (workshop_id, activity_id) "
                f"DO UPDATE SET answered = {t['activity']}.answered + 1",
                [workshop_id, activity_id],
            )
    return row


def _refusal(workshop_id: int, participant_id: int) -> VoteRefused:
    """Why the conditional update found nothing (read only on this rare path)."""
    state = Workshop.objects.filter(pk=workshop_id).values_list("state", flat=True).first()
    active = Participant.objects.filter(
        pk=participant_id, workshop_id=workshop_id, removed_at__isnull=True
    ).exists()
    if state is None or not active:
        return VoteRefused(403, "You are not in this workshop; join it again to vote.")
    label = WorkshopState(state).label.lower()
    return VoteRefused(409, f"Voting is {label}; your answers are kept.")


def vote_cast(*, participant: Participant, activity_id: int, role_id: int, code: str) -> int:
    """A vote from the page's form: recorded, and announced once it commits (the live layer
    pushes it). Returns the workshop's version after it."""
    change = vote_record(
        workshop_id=participant.workshop_id,
        participant_id=participant.pk,
        activity_id=activity_id,
        role_id=role_id,
        code=code,
    )
    announce_committed(change)  # at once if that committed; else when the caller's does
    return change.version


def votes_uncount(*, participant_ids: list[int], workshop_id: int) -> None:
    """Take these participants' votes out of the tallies and delete them (inside the caller's
    transaction, which holds the workshop's row: see participant_remove)."""
    votes = Vote.objects.filter(participant_id__in=participant_ids)
    for participant_id in participant_ids:
        theirs = Vote.objects.filter(participant_id=participant_id)
        Tally.objects.filter(workshop_id=workshop_id).filter(
            Exists(
                theirs.filter(
                    activity_id=OuterRef("activity_id"),
                    role_id=OuterRef("role_id"),
                    code=OuterRef("code"),
                )
            )
        ).update(count=F("count") - 1)
        ActivityTally.objects.filter(workshop_id=workshop_id).filter(
            Exists(theirs.filter(activity_id=OuterRef("activity_id")))
        ).update(answered=F("answered") - 1)
    votes.delete()
    Participant.objects.filter(pk__in=participant_ids).update(answered=0)
