"""Writes of the workshop app. Keyword-only, atomic, named <entity>_<action>.

Each change is announced once, inside its transaction (changes.py), for the live layer to push
after it commits. Settling goes into the matrix only through
``apps.matrices.services.responsibility_assign``, so the matrix's history records what a
workshop decided, as it does for the editor.
"""

import hashlib
import hmac
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from apps.matrices.models import Activity, Matrix
from apps.matrices.services import responsibility_assign_block

from .changes import What, announce
from .models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    MAX_PARTICIPANTS_LIMIT,
    NONE,
    JoinAttempt,
    Participant,
    SettledCell,
    Workshop,
    WorkshopState,
)
from .votes import vote_cast, votes_uncount

__all__ = ["vote_cast"]  # with the other writes, for the views and the tests


class WorkshopError(ValueError):
    """Something a participant or facilitator asked for that cannot be done; says why."""


class RateLimited(WorkshopError):
    pass


class JoinCapped(WorkshopError):
    """The workshop is full, or its address has joined it as often as it may."""

    def __init__(self, message: str, *, full: bool):
        super().__init__(message)
        self.full = full


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def workshop_start(*, matrix: Matrix, activities: Iterable[Activity], by=None) -> Workshop:
    """Open a workshop on ``activities`` of ``matrix`` with a code no live workshop uses."""
    activities = list(activities)
    if not activities:
        raise WorkshopError("Choose at least one activity for the workshop.")
    if any(activity.matrix_id != matrix.pk for activity in activities):
        raise WorkshopError("Every activity must belong to this matrix.")
    for _ in range(20):
        try:
            with transaction.atomic():
                workshop = Workshop.objects.create(matrix=matrix, code=new_code(), created_by=by)
                workshop.activities.set(activities)
                return workshop
        except IntegrityError:  # the code is taken by a live workshop: draw another
            continue
    raise WorkshopError("Could not find a free workshop code; close some old workshops.")


@transaction.atomic
def workshop_set_state(*, workshop: Workshop, state: str) -> Workshop:
    if state not in WorkshopState.values:
        raise WorkshopError(f'"{state}" is not a workshop state.')
    if workshop.is_closed:
        raise WorkshopError("This workshop is closed; start a new one.")
    workshop.state = state
    workshop.closed_at = timezone.now() if state == WorkshopState.CLOSED else None
    workshop.save(update_fields=["state", "closed_at"])
    _announced(workshop, announce(workshop_id=workshop.pk, what=What.STATE))
    return workshop


@transaction.atomic
def workshop_reveal(*, workshop: Workshop, revealed: bool) -> Workshop:
    workshop.revealed = revealed
    workshop.save(update_fields=["revealed"])
    _announced(workshop, announce(workshop_id=workshop.pk, what=What.REVEAL))
    return workshop


def _announced(workshop: Workshop, change) -> None:
    """Keep the caller's copy of the workshop at the counters its change raised."""
    workshop.version, workshop.stage = change.version, change.stage


def address_key(ip: str) -> str:
    """What a participant row keeps of the address they joined from: a keyed hash."""
    return hmac.new(settings.SECRET_KEY.encode(), ip.encode(), hashlib.sha256).hexdigest()


def participant_join(*, workshop: Workshop, name: str, ip: str = "") -> Participant:
    """A new participant with a fresh secret token (the caller keeps it in the session).

    Refused (JoinCapped) when the workshop has its ``max_participants`` in it, or when ``ip``
    has joined it ``WORKSHOP_JOINS_PER_ADDRESS`` times (removed participants count: removing
    and joining again cannot go round the cap). Counted under the workshop's row lock, so
    every process sees the same counts and two joins cannot both take the last place.
    """
    name = " ".join(name.split())
    if not name:
        raise WorkshopError("Type the name the others know you by.")
    if workshop.is_closed:
        raise WorkshopError("This workshop has closed.")
    joined_from = address_key(ip) if ip else ""
    taken = WorkshopError(
        f"Someone has already joined as “{name}”; add an initial or choose another name."
    )
    try:
        with transaction.atomic():
            cap = (
                Workshop.objects.select_for_update()
                .values_list("max_participants", flat=True)
                .get(pk=workshop.pk)
            )
            _check_caps(workshop, cap=cap, joined_from=joined_from)
            if workshop.participants.filter(removed_at__isnull=True, name__iexact=name).exists():
                raise taken
            participant = Participant.objects.create(
                workshop=workshop,
                name=name,
                token=secrets.token_urlsafe(32),
                joined_from=joined_from,
            )
            announce(workshop_id=workshop.pk, what=What.JOINED, participant_id=participant.pk)
            return participant
    except IntegrityError:  # somebody took the name a moment ago
        raise taken from None


def _check_caps(workshop: Workshop, *, cap: int, joined_from: str) -> None:
    if workshop_is_full(workshop, cap=cap):
        raise JoinCapped(workshop_full_message(cap), full=True)
    limit = settings.WORKSHOP_JOINS_PER_ADDRESS
    if joined_from and workshop.participants.filter(joined_from=joined_from).count() >= limit:
        raise JoinCapped(
            f"{limit} people have already joined this workshop from your network, the most it "
            "allows; ask the facilitator.",
            full=False,
        )


def workshop_is_full(workshop: Workshop, *, cap: int | None = None) -> bool:
    cap = workshop.max_participants if cap is None else cap
    return workshop.participants.filter(removed_at__isnull=True).count() >= cap


def workshop_full_message(cap: int) -> str:
    return (
        f"This workshop is full: {cap} {'person has' if cap == 1 else 'people have'} joined, "
        "the most the facilitator allows. Ask them to make room."
    )


@transaction.atomic
def workshop_set_capacity(*, workshop: Workshop, max_participants: int) -> Workshop:
    """Set how many people may be in the workshop at once (those already in it stay)."""
    if not 1 <= max_participants <= MAX_PARTICIPANTS_LIMIT:
        raise WorkshopError(f"Allow between 1 and {MAX_PARTICIPANTS_LIMIT} participants.")
    workshop.max_participants = max_participants
    workshop.save(update_fields=["max_participants"])
    _announced(workshop, announce(workshop_id=workshop.pk, what=What.CAPACITY))
    return workshop


@transaction.atomic
def participant_remove(*, participant: Participant) -> None:
    """Remove a participant and their votes; their session cannot join this workshop again."""
    # Announced first: raising the counters holds the workshop's row, so no vote of theirs
    # slips in between counting their votes out and marking them removed.
    announce(workshop_id=participant.workshop_id, what=What.REMOVED, participant_id=participant.pk)
    votes_uncount(participant_ids=[participant.pk], workshop_id=participant.workshop_id)
    participant.removed_at = timezone.now()
    participant.answered = 0
    participant.save(update_fields=["removed_at", "answered"])


@transaction.atomic
def participants_remove(*, workshop: Workshop, participant_ids: Iterable[int]) -> int:
    """Remove several participants of ``workshop`` and their votes at once, announced once;
    return how many were removed (ids not of this workshop, or removed already, are ignored)."""
    # As in participant_join: the workshop's row first (no vote, join or removal of theirs
    # slips in between), then who is still there to remove.
    Workshop.objects.select_for_update().filter(pk=workshop.pk).values_list("pk").first()
    ids = list(
        workshop.participants.filter(
            pk__in=set(participant_ids), removed_at__isnull=True
        ).values_list("pk", flat=True)
    )
    if not ids:
        return 0
    change = announce(workshop_id=workshop.pk, what=What.REMOVED, participant_ids=ids)
    votes_uncount(participant_ids=ids, workshop_id=workshop.pk)
    Participant.objects.filter(pk__in=ids).update(removed_at=timezone.now(), answered=0)
    _announced(workshop, change)
    return len(ids)


@transaction.atomic
def workshop_settle(
    *, workshop: Workshop, cells: Iterable[tuple[Activity, object, str]], by=None
) -> int:
    """Put the chosen letters into the matrix; return how many cells changed there.

    ``cells`` holds (activity, role, code) with ``NONE`` to clear. They go into the matrix
    through the editor's block service: one change in its history ("Settled the workshop …"),
    undone in one step, announced once; cells already holding the value are left alone.
    """
    matrix = workshop.matrix
    cells = list(cells)
    for _, _, code in cells:
        if code != NONE and not matrix.scheme_definition.has(code):
            raise WorkshopError(f'"{code}" is not a letter of {matrix.scheme_definition.name}.')
    n = len(cells)
    changed = responsibility_assign_block(
        matrix=matrix,
        changes=cells,
        by=by,
        summary=f"Settled the workshop {workshop.code}: {n} cell{'s' if n != 1 else ''}",
    )
    SettledCell.objects.bulk_create(
        [SettledCell(workshop=workshop, activity=a, role=r, code=c) for a, r, c in cells],
        update_conflicts=True,
        unique_fields=["workshop", "activity", "role"],
        update_fields=["code", "settled_at"],
    )
    _announced(workshop, announce(workshop_id=workshop.pk, what=What.SETTLED))
    return changed


def _minute() -> int:
    return int(timezone.now().timestamp() // 60)


def _attempt_count(key: str, minute: int) -> int:
    """Add one to ``key``'s count for ``minute``; return the new count.

    Kept in the database, not in a per-process cache, so that several server processes share
    the counts with no extra service.
    """
    with transaction.atomic():
        updated = JoinAttempt.objects.filter(key=key, minute=minute).update(count=F("count") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    JoinAttempt.objects.create(key=key, minute=minute, count=1)
            except IntegrityError:  # another request created it a moment ago
                JoinAttempt.objects.filter(key=key, minute=minute).update(count=F("count") + 1)
        return JoinAttempt.objects.get(key=key, minute=minute).count


def join_attempt_check(*, ip: str, session_key: str) -> None:
    """Count a join attempt of this browser session; raise RateLimited when the session made
    too many this minute, or when its address made too many *failed* ones.

    Only failures count against an address: a whole room may reach the server through one
    address (a company's NAT, a proxy), and fifty people joining at once must not lock each
    other out, while someone guessing codes fails nearly every time.
    """
    minute = _minute()
    JoinAttempt.objects.filter(minute__lt=minute - 1).delete()
    failures = (
        JoinAttempt.objects.filter(key=f"failed-ip:{ip}", minute=minute)
        .values_list("count", flat=True)
        .first()
        or 0
    )
    session = _attempt_count(f"session:{session_key}", minute)
    if (
        failures >= settings.WORKSHOP_JOINS_PER_MINUTE_PER_IP
        or session > settings.WORKSHOP_JOINS_PER_MINUTE_PER_SESSION
    ):
        raise RateLimited("Too many attempts to join from here; wait a minute and try again.")


def join_attempt_failed(*, ip: str) -> None:
    """Count a failed join attempt (wrong code, closed workshop, refused name) of ``ip``."""
    _attempt_count(f"failed-ip:{ip}", _minute())
