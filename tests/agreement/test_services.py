"""The agreement follows the content: an answer is to a version of that person's letters."""

import datetime as dt

import pytest
from django.utils import timezone

from apps.agreement import services
from apps.agreement.models import Agreement, Event, EventKind, State
from apps.agreement.selectors import agreement_summary, my_part
from apps.exchange.replace import snapshot_restore
from apps.history.models import Change
from apps.history.services import change_undo, snapshot_create
from apps.matrices.services import EditError, activity_delete, responsibility_assign
from apps.people import services as people

from .conftest import A, C, R


def agree(world, user, person):
    part = my_part(world.matrix, user)
    return services.agreement_answer(
        matrix=world.matrix, person=person, by=user, agree=True, seen=part.fingerprint
    )


def state_of(world, person) -> str:
    return Agreement.objects.get(matrix=world.matrix, person=person).state


def test_it_asks_every_holder_and_counts_the_answers(world):
    asked = services.agreement_ask(matrix=world.matrix, by=world.ed)
    assert {a.person for a in asked} == {world.ana_p, world.vi_p, world.dana}
    agree(world, world.ana, world.ana_p)
    services.agreement_record(
        matrix=world.matrix, person=world.dana, by=world.ed, meeting_on=timezone.localdate()
    )
    summary = agreement_summary(world.matrix)
    assert (summary.agreed, summary.total, summary.waiting) == (2, 3, 1)
    assert not summary.everyone
    kinds = list(Event.objects.filter(matrix=world.matrix).values_list("kind", flat=True))
    assert kinds == [EventKind.RECORDED, EventKind.AGREED, EventKind.ASKED]


def test_it_asks_chosen_people_only_if_they_hold_a_role(world):
    services.agreement_ask(matrix=world.matrix, by=world.ed, people=[world.vi_p])
    assert list(Agreement.objects.values_list("person", flat=True)) == [world.vi_p.pk]
    outsider = people.person_create(team=world.team, name="Nobody")
    with pytest.raises(EditError, match="no role"):
        services.agreement_ask(matrix=world.matrix, by=world.ed, people=[outsider])


def test_an_objection_needs_a_bounded_reason_and_names_cells(world):
    part = my_part(world.matrix, world.vi)
    with pytest.raises(EditError, match="why"):
        services.agreement_answer(
            matrix=world.matrix, person=world.vi_p, by=world.vi, agree=False, seen=part.fingerprint
        )
    with pytest.raises(EditError, match="500"):
        services.agreement_answer(
            matrix=world.matrix,
            person=world.vi_p,
            by=world.vi,
            agree=False,
            reason="x" * 501,
            seen=part.fingerprint,
        )
    cell = (world.rows[0].pk, world.roles[1].pk)
    services.agreement_answer(
        matrix=world.matrix,
        person=world.vi_p,
        by=world.vi,
        agree=False,
        reason="Not mine to do",
        objected=[cell, (world.rows[0].pk, world.roles[0].pk)],  # the second is not hers
        seen=part.fingerprint,
    )
    summary = agreement_summary(world.matrix)
    assert summary.objected == 1
    assert summary.objected_cells == [cell]
    assert summary.objections[0].agreement.reason == "Not mine to do"


def test_one_answers_only_for_oneself_and_for_the_letters_shown(world):
    part = my_part(world.matrix, world.vi)
    with pytest.raises(EditError, match="yourself"):
        services.agreement_answer(
            matrix=world.matrix, person=world.vi_p, by=world.ana, agree=True, seen=part.fingerprint
        )
    responsibility_assign(
        matrix=world.matrix, activity=world.rows[0], role=world.roles[1], code=C, by=world.ed
    )
    with pytest.raises(EditError, match="changed"):
        services.agreement_answer(
            matrix=world.matrix, person=world.vi_p, by=world.vi, agree=True, seen=part.fingerprint
        )
    assert not Agreement.objects.exists()


def test_a_change_to_a_persons_letters_outdates_their_answer_only(
    world, django_capture_on_commit_callbacks
):
    agree(world, world.ana, world.ana_p)
    agree(world, world.vi, world.vi_p)
    with django_capture_on_commit_callbacks(execute=True):
        responsibility_assign(
            matrix=world.matrix, activity=world.rows[1], role=world.roles[1], code=C, by=world.ed
        )
    vi = Agreement.objects.get(person=world.vi_p)
    assert vi.state == State.OUTDATED
    assert vi.changed == [f"Activity 1 ({world.roles[1].name}): {R} → {C}"]
    assert state_of(world, world.ana_p) == State.AGREED
    event = Event.objects.filter(kind=EventKind.OUTDATED).get()
    assert "out of date" in event.text and f"{R} → {C}" in event.text


def test_an_unrelated_change_leaves_every_answer_standing(
    world, django_capture_on_commit_callbacks
):
    agree(world, world.ana, world.ana_p)
    agree(world, world.vi, world.vi_p)
    with django_capture_on_commit_callbacks(execute=True):
        # The third column is Dana's: neither Ana's nor Vi's letters move.
        responsibility_assign(
            matrix=world.matrix, activity=world.rows[2], role=world.roles[2], code=C, by=world.ed
        )
    assert state_of(world, world.ana_p) == State.AGREED
    assert state_of(world, world.vi_p) == State.AGREED


def test_undo_brings_an_answer_back_and_undoing_again_outdates_it(
    world, django_capture_on_commit_callbacks
):
    agree(world, world.vi, world.vi_p)
    with django_capture_on_commit_callbacks(execute=True):
        responsibility_assign(
            matrix=world.matrix, activity=world.rows[1], role=world.roles[1], code=C, by=world.ed
        )
    assert state_of(world, world.vi_p) == State.OUTDATED
    with django_capture_on_commit_callbacks(execute=True):
        change_undo(change=Change.objects.filter(matrix=world.matrix).latest("pk"), by=world.ed)
    assert state_of(world, world.vi_p) == State.AGREED
    assert Event.objects.filter(kind=EventKind.RESTORED).exists()
    with django_capture_on_commit_callbacks(execute=True):
        change_undo(change=Change.objects.filter(matrix=world.matrix).latest("pk"), by=world.ed)
    assert state_of(world, world.vi_p) == State.OUTDATED


def test_a_change_of_holders_outdates_the_one_who_gains_or_loses(
    world, django_capture_on_commit_callbacks
):
    agree(world, world.ana, world.ana_p)
    agree(world, world.vi, world.vi_p)
    with django_capture_on_commit_callbacks(execute=True):
        people.holders_set(matrix=world.matrix, role=world.roles[2], users=[world.ana], by=world.ed)
    ana = Agreement.objects.get(person=world.ana_p)
    assert ana.state == State.OUTDATED
    assert ana.changed == [f"Activity 3 ({world.roles[2].name}): new {C}"]
    assert state_of(world, world.vi_p) == State.AGREED


def test_deleting_an_activity_outdates_whoever_held_a_letter_on_it(
    world, django_capture_on_commit_callbacks
):
    agree(world, world.ana, world.ana_p)
    with django_capture_on_commit_callbacks(execute=True):
        activity_delete(activity=world.rows[0], by=world.ed)
    ana = Agreement.objects.get(person=world.ana_p)
    assert ana.state == State.OUTDATED
    assert ana.changed == [f"Activity 0 ({world.roles[0].name}): {A} gone"]


def test_a_snapshot_restored_follows_the_same_rule(world, django_capture_on_commit_callbacks):
    snapshot = snapshot_create(matrix=world.matrix, name="As agreed", by=world.ana)
    agree(world, world.ana, world.ana_p)
    agree(world, world.vi, world.vi_p)
    with django_capture_on_commit_callbacks(execute=True):
        responsibility_assign(
            matrix=world.matrix, activity=world.rows[1], role=world.roles[1], code=C, by=world.ed
        )
    assert state_of(world, world.vi_p) == State.OUTDATED
    with django_capture_on_commit_callbacks(execute=True):
        snapshot_restore(matrix=world.matrix, snapshot=snapshot, by=world.ed)
    # Restored: every activity is new, but Ana's and Vi's letters are those they agreed to.
    assert state_of(world, world.ana_p) == State.AGREED
    assert state_of(world, world.vi_p) == State.AGREED


def test_asking_again_leaves_a_standing_agreement_alone(world):
    agree(world, world.ana, world.ana_p)
    asked = services.agreement_ask(matrix=world.matrix, by=world.ed)
    assert world.ana_p not in {a.person for a in asked}
    assert state_of(world, world.ana_p) == State.AGREED


def test_a_meeting_is_recorded_only_for_people_without_an_account(world):
    with pytest.raises(EditError, match="themselves"):
        services.agreement_record(
            matrix=world.matrix, person=world.vi_p, by=world.ed, meeting_on=timezone.localdate()
        )
    with pytest.raises(EditError, match="future"):
        services.agreement_record(
            matrix=world.matrix,
            person=world.dana,
            by=world.ed,
            meeting_on=timezone.localdate() + dt.timedelta(days=1),
        )
    agreement = services.agreement_record(
        matrix=world.matrix, person=world.dana, by=world.ed, meeting_on=dt.date(2026, 11, 20)
    )
    assert agreement.state == State.AGREED and agreement.meeting_on == dt.date(2026, 11, 20)
    assert "meeting on 20 November 2026" in Event.objects.latest("pk").text
