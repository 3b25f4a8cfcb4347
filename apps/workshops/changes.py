"""Every change to a workshop is announced here, once, by the service that made it.

A service calls ``announce`` inside the change's transaction. It raises the workshop's counters
(``version`` for every change, ``stage`` also for what participants see) and sends
``workshop_changed`` after the transaction commits (``transaction.on_commit``): the live layer
(apps/live/workshop) listens and pushes the board and the ballots. A change that rolls back is
never heard of. This app imports nothing of its listeners.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, models, transaction
from django.dispatch import Signal

from .models import Workshop, WorkshopState

# Sent after the change commits, with ``change``: a WorkshopChange.
workshop_changed = Signal()


class What(models.TextChoices):
    JOINED = "joined", "Someone joined"
    VOTE = "vote", "A vote"
    STATE = "state", "Voting paused, reopened or closed"
    REVEAL = "reveal", "Results shown or hidden"
    REMOVED = "removed", "Participants removed"
    CAPACITY = "capacity", "The cap on participants changed"
    SETTLED = "settled", "Cells settled into the matrix"


# What participants see: the ballots hear of these. A vote, a join or a settled cell changes
# nothing on a ballot (it shows the participant's own answers, and the group's once revealed):
# they reach only the board.
FOR_BALLOTS = frozenset({What.STATE, What.REVEAL, What.REMOVED})


@dataclass(frozen=True, slots=True)
class WorkshopChange:
    workshop_id: int
    version: int  # the workshop's version after the change
    stage: int  # its stage counter after the change
    state: str  # open, paused or closed, after the change
    revealed: bool  # whether participants see the group's answers, after the change
    what: What
    participant_id: int | None = None  # who joined, voted or was removed
    participant_ids: tuple[int, ...] = ()  # who was removed, when several were at once

    @property
    def for_ballots(self) -> bool:
        return self.what in FOR_BALLOTS

    @property
    def closed(self) -> bool:
        return self.state == WorkshopState.CLOSED


def announce(
    *,
    workshop_id: int,
    what: What,
    participant_id: int | None = None,
    participant_ids: Iterable[int] = (),
) -> WorkshopChange:
    """Raise the workshop's counters and announce the change once it commits.

    Must run inside the change's transaction, so the counters move with it or not at all.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("announce() belongs inside the transaction of the change it announces.")
    version, stage, state, revealed = _raise_counters(workshop_id, stage=what in FOR_BALLOTS)
    change = WorkshopChange(
        workshop_id,
        version,
        stage,
        state,
        bool(revealed),
        What(what),
        participant_id,
        tuple(participant_ids),
    )
    announce_committed(change)
    return change


def announce_committed(change: WorkshopChange) -> None:
    """Send ``change`` once its transaction commits (its counters already raised)."""
    transaction.on_commit(lambda: workshop_changed.send_robust(sender=Workshop, change=change))


def _raise_counters(workshop_id: int, *, stage: bool) -> tuple[int, int, str, bool]:
    """One statement: raise the version (and the stage) and read the row back."""
    table = Workshop._meta.db_table
    stage_sql = ", stage = stage + 1" if stage else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET version = version + 1{stage_sql} "  # noqa: S608 - our table
            "WHERE id = %s RETURNING version, stage, state, revealed",
            [workshop_id],
        )
        row = cursor.fetchone()
    if row is None:
        raise Workshop.DoesNotExist("The workshop was deleted while it was being changed.")
    return row[0], row[1], row[2], row[3]
