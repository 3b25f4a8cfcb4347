"""Asking for agreement, answering, recording, and keeping answers true to the letters.
Keyword-only, atomic, named <entity>_<action>."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from apps.matrices.models import Matrix
from apps.matrices.services import EditError
from apps.notices.letters import as_rows, differences, fingerprint, from_rows, letters_of
from apps.notices.models import Kind
from apps.notices.services import Tell, notices_create
from apps.people.models import Holder, Person

from .models import REASON_MAX, STANDING, Agreement, Event, EventKind, Review, State
from .signals import announce, changed


@dataclass(frozen=True, slots=True)
class HoldersMoved:
    """A change of who holds one column: the column's role, and the people who held it before."""

    role_id: int
    before: frozenset[int]


def holders_of(matrix: Matrix) -> list[Person]:
    """The people who hold a column of the matrix, by name (one query)."""
    people = (
        Person.objects.filter(holdings__matrix=matrix, holdings__role__columns__matrix=matrix)
        .distinct()
        .select_related("user")
    )
    return sorted(people, key=lambda p: (p.display_name.casefold(), p.pk))


def _asked_lock(matrix: Matrix) -> None:
    """Mark that the matrix's agreement was asked: from now on every change to it reviews the
    answers (receivers.py); a matrix never asked skips that review at no query. The mark is an
    update of the matrix's row, so it takes the row's lock as its changes take it
    (apps/matrices/changes.py ``matrix_lock``), commits with the answer or request or not at
    all, and a change reads it back under that lock: a change either sees it or locked the row
    first, and then an answer reads its letters after the change."""
    if not Matrix.objects.filter(pk=matrix.pk).update(agreement_asked=True):
        raise Matrix.DoesNotExist("The matrix was deleted while it was being changed.")
    matrix.agreement_asked = True


def _event(*, matrix, by, kind, person=None, text: str) -> Event:
    return Event.objects.create(
        matrix=matrix,
        by=by if by and by.is_authenticated else None,
        kind=kind,
        person=person,
        text=text[:1000],
    )


@transaction.atomic
def agreement_ask(*, matrix: Matrix, by, people: list[Person] | None = None) -> list[Agreement]:
    """Ask ``people`` (holders of the matrix; all of them when None) to agree to their part.
    Someone whose agreement stands for their letters as they are is left as they are; the
    others wait for their answer and, if they have an account, are told."""
    _asked_lock(matrix)
    holders = {p.pk: p for p in holders_of(matrix)}
    if people is None:
        chosen = list(holders.values())
    else:
        stray = [p.display_name for p in people if p.pk not in holders]
        if stray:
            raise EditError(
                f"{', '.join(stray)} hold{'s' if len(stray) == 1 else ''} no role here."
            )
        chosen = [holders[p.pk] for p in people]
    if not chosen:
        raise EditError("Nobody holds a role in this matrix yet: say who holds them first.")
    now = timezone.now()
    current = letters_of(matrix.pk, [p.pk for p in chosen])
    existing = {a.person_id: a for a in Agreement.objects.filter(matrix=matrix, person__in=chosen)}
    asked = []
    for person in chosen:
        agreement = existing.get(person.pk) or Agreement(matrix=matrix, person=person)
        if agreement.state == State.AGREED and agreement.fingerprint == fingerprint(
            current.get(person.pk, {})
        ):
            continue
        agreement.state, agreement.asked_at, agreement.asked_by = State.WAITING, now, by
        agreement.save()
        asked.append(agreement)
    if not asked:
        raise EditError("Everyone you chose has agreed to their letters as they are.")
    names = ", ".join(a.person.display_name for a in asked)
    _event(matrix=matrix, by=by, kind=EventKind.ASKED, text=f"Agreement asked of {names}")
    by_name = by.get_full_name() or by.get_username()
    notices_create(
        team_id=matrix.team_id,
        matrix=matrix,
        kind=Kind.ASKED,
        tells=[
            Tell(
                a.person.user_id,
                f"{by_name} asks you to agree to your part of {matrix.title}",
                f"{matrix.get_absolute_url()}#agreement",
            )
            for a in asked
            if a.person.user_id and a.person.user_id != by.pk
        ],
    )
    changed(matrix=matrix)
    return asked


def _my_agreement(matrix: Matrix, person: Person) -> Agreement:
    agreement = Agreement.objects.filter(matrix=matrix, person=person).first()
    return agreement or Agreement(matrix=matrix, person=person)


@transaction.atomic
def agreement_answer(
    *,
    matrix: Matrix,
    person: Person,
    by,
    agree: bool,
    seen: str,
    reason: str = "",
    objected: list[tuple[int, int]] = (),
) -> Agreement:
    """``person`` (the user ``by``'s own) agrees to their letters, or objects, with a reason.
    ``seen`` is the fingerprint of the letters the page showed them: if the letters have
    changed since, nothing is recorded and they are asked to look again."""
    if person.user_id != by.pk:
        raise EditError("You can only answer for yourself.")
    # The matrix's row, as its changes take it: the letters read here stay the ones answered
    # until this commits, and two last answers at once are counted one after the other (else
    # neither sees the other's, and the matrix never announces that everyone agreed).
    _asked_lock(matrix)
    if person.pk not in {p.pk for p in holders_of(matrix)}:
        raise EditError("You hold no role in this matrix.")
    letters = letters_of(matrix.pk, [person.pk])[person.pk]
    if seen != fingerprint(letters):
        raise EditError("Your letters changed since this page was shown; look at them again.")
    reason = " ".join(reason.split())
    if not agree and not reason:
        raise EditError("Say why you object.")
    if len(reason) > REASON_MAX:
        raise EditError(f"A reason has at most {REASON_MAX} characters.")
    objected = [[a, r] for a, r in objected if (a, r) in letters]
    agreement = _my_agreement(matrix, person)
    before = {person.pk: agreement.state if agreement.pk else None}
    _answer(agreement, letters, by, State.AGREED if agree else State.OBJECTED)
    agreement.reason = "" if agree else reason
    agreement.objected = [] if agree else sorted(objected)
    agreement.meeting_on = None
    agreement.save()
    name = person.display_name
    text = f"{name} agreed" if agree else f"{name} objected: {reason}"
    _event(
        matrix=matrix,
        by=by,
        person=person,
        text=text,
        kind=EventKind.AGREED if agree else EventKind.OBJECTED,
    )
    _agreed_by_everyone(matrix, before)
    changed(matrix=matrix)
    return agreement


def _answer(agreement: Agreement, letters, by, state: State) -> None:
    agreement.state = agreement.answer = state
    agreement.letters = as_rows(letters)
    agreement.fingerprint = fingerprint(letters)
    agreement.answered_at, agreement.answered_by = timezone.now(), by
    agreement.changed, agreement.outdated_at = [], None


@transaction.atomic
def agreement_record(*, matrix: Matrix, person: Person, by, meeting_on: dt.date) -> Agreement:
    """An editor records that a person without an account agreed, in a meeting, to their
    letters as they are now."""
    if person.has_account:
        raise EditError(f"{person.display_name} answers for themselves.")
    _asked_lock(matrix)  # as agreement_answer does
    if person.pk not in {p.pk for p in holders_of(matrix)}:
        raise EditError(f"{person.display_name} holds no role in this matrix.")
    letters = letters_of(matrix.pk, [person.pk])[person.pk]
    if meeting_on > timezone.localdate():
        raise EditError("The meeting's date cannot be in the future.")
    agreement = _my_agreement(matrix, person)
    before = {person.pk: agreement.state if agreement.pk else None}
    _answer(agreement, letters, by, State.AGREED)
    agreement.reason, agreement.objected, agreement.meeting_on = "", [], meeting_on
    agreement.save()
    _event(
        matrix=matrix,
        by=by,
        person=person,
        kind=EventKind.RECORDED,
        text=f"{person.display_name} agreed in the meeting on {meeting_on:%d %B %Y}",
    )
    _agreed_by_everyone(matrix, before)
    changed(matrix=matrix)
    return agreement


@transaction.atomic
def agreements_review(
    *, matrix: Matrix, by=None, summary: str = "", holders: HoldersMoved | None = None
) -> list[Agreement]:
    """After a change: an answer whose person's letters are no longer the ones they answered
    goes out of date, with what changed; one whose letters are back to those (an undo) stands
    again; the others are left as they are. Returns the answers whose state changed.
    ``holders``: the change gave a column other holders, which alone may make the matrix agreed
    by everyone (one who had not agreed holds nothing now) or not (a newcomer, not asked)."""
    answered = list(
        Agreement.objects.select_for_update(of=("self",))
        .filter(matrix=matrix, state__in=[*STANDING, State.OUTDATED])
        .select_related("person__user")
    )
    if not answered:
        return []
    now_letters = letters_of(matrix.pk, [a.person_id for a in answered])
    # Whether everyone had agreed before this change is only worth reading again (two queries)
    # when it may have: every answer agreed, as these rows said before any of them moved.
    all_agreed = all(a.state == State.AGREED for a in answered)
    moved, before = [], {}
    for agreement in answered:
        letters = now_letters.get(agreement.person_id, {})
        same = fingerprint(letters) == agreement.fingerprint
        name = agreement.person.display_name
        because = f" by “{summary}”" if summary else ""
        was_state = agreement.state
        if agreement.state == State.OUTDATED:
            if not same:
                agreement.changed = differences(from_rows(agreement.letters), letters)
                agreement.save(update_fields=["changed"])
                continue
            agreement.state, agreement.changed, agreement.outdated_at = agreement.answer, [], None
            text = f"{name}'s answer stands again{because}: their letters are as they answered"
            kind = EventKind.RESTORED
        elif same:
            continue
        else:
            agreement.changed = differences(from_rows(agreement.letters), letters)
            agreement.state, agreement.outdated_at = State.OUTDATED, timezone.now()
            text = f"{name}'s answer is out of date{because}: " + "; ".join(agreement.changed)
            kind = EventKind.OUTDATED
        before[agreement.person_id] = was_state
        agreement.save(update_fields=["state", "changed", "outdated_at"])
        _event(matrix=matrix, by=by, person=agreement.person, kind=kind, text=text)
        moved.append(agreement)
    if holders is not None:
        # Who held a role before the change: the column's holders then, and every holder of
        # the other columns, which the change left as they were (one query, on this rare path).
        held_before = holders.before | set(
            Holder.objects.filter(matrix=matrix, role__columns__matrix=matrix)
            .exclude(role_id=holders.role_id)
            .values_list("person_id", flat=True)
        )
        states = {a.person_id: before.get(a.person_id, a.state) for a in answered}
        was = bool(held_before) and all(states.get(pk) == State.AGREED for pk in held_before)
        _agreed_by_everyone(matrix, before, was=was)
    elif any(a.state == State.AGREED for a in moved) or (all_agreed and moved):
        _agreed_by_everyone(matrix, before)
    if moved:
        changed(matrix=matrix)
    return moved


def _agreed_by_everyone(
    matrix: Matrix, before: dict[int, str | None], was: bool | None = None
) -> None:
    """Read the matrix's agreement once, after an answer or a review changed the states of the
    people in ``before`` (their states before it): announce when the matrix became agreed by
    everyone, or stopped being so (``was``: whether it was, when the holders changed too).
    When it is agreed, its next review is an interval from today."""
    from .selectors import agreement_summary

    summary = agreement_summary(matrix)
    if was is None:
        was = bool(summary.rows) and all(
            before.get(row.person.pk, row.state) == State.AGREED for row in summary.rows
        )
    announce(matrix=matrix, was=was, summary=summary)
    if summary.everyone:
        review = Review.objects.filter(matrix=matrix).first()
        if review is not None:
            review.due_on = timezone.localdate() + dt.timedelta(days=review.every_days)
            review.reminded_on = None
            review.save(update_fields=["due_on", "reminded_on"])


@transaction.atomic
def review_set(*, matrix: Matrix, every_days: int | None) -> Review | None:
    """Review the matrix every ``every_days`` days, counted from today (None: no review)."""
    from .tasks import remind_at, review_check

    changed(matrix=matrix)
    if every_days is None:
        Review.objects.filter(matrix=matrix).delete()
        return None
    if not 1 <= every_days <= 3650:
        raise EditError("A review interval is between 1 and 3650 days.")
    due = timezone.localdate() + dt.timedelta(days=every_days)
    review, _ = Review.objects.update_or_create(
        matrix=matrix, defaults={"every_days": every_days, "due_on": due, "reminded_on": None}
    )
    review_check.using(run_after=remind_at(due)).enqueue(matrix.pk)
    return review
