"""The kept tallies and the board's deltas agree with counting every vote from scratch, whatever
the votes, changes of mind and removals (a property test), and concurrent votes on one cell are
all counted."""

import re
import threading

import pytest
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.live.workshop import deltas
from apps.workshops import analysis, selectors, services
from apps.workshops.models import Participant, Tally, Vote
from tests.conftest import make_matrix

CODES = ["R", "A", "C", "I", ""]
PEOPLE = 4

# One step: (participant, activity, role, letter) to vote, or (participant,) to remove them.
vote_step = st.tuples(
    st.integers(0, PEOPLE - 1), st.integers(0, 2), st.integers(0, 2), st.sampled_from(CODES)
)
remove_step = st.tuples(st.integers(1, PEOPLE - 1))  # the first participant always stays
steps = st.lists(st.one_of(vote_step, vote_step, vote_step, remove_step), max_size=20)


def from_scratch(workshop, activity_ids, role_ids):
    votes = Vote.objects.filter(
        participant__workshop=workshop, participant__removed_at__isnull=True
    ).values_list("participant_id", "activity_id", "role_id", "code")
    return analysis.tally(
        workshop.matrix.scheme_definition, activity_ids, role_ids, analysis.ballots(votes)
    )


def first_id(fragment: str) -> str:
    return re.search(r'id="([^"]+)"', fragment).group(1)


def every_part(snap) -> dict[str, str]:
    """Each part a delta may send, rendered from the snapshot's board, by its element's id."""
    board = snap.board
    context = {"workshop": snap.workshop, "matrix": snap.workshop.matrix, "board": board}
    parts = [snap.panels[part] for part in deltas.PANELS]
    for row in board.rows:
        row_context = {**context, "row": row}
        parts += [deltas._render("row_head", row_context), deltas._render("row_tail", row_context)]
        parts += [deltas._render("cell", {**row_context, "cell": cell}) for cell in row.cells]
    parts += [deltas._render("person", {**context, "person": p}) for p in board.participants]
    parts.append(f'<span id="ws-people-count" class="count">{len(board.participants)}</span>')
    return {first_id(part): part for part in parts}


@pytest.mark.django_db(transaction=True)
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=steps)
def test_the_tallies_and_the_board_deltas_agree_with_counting_from_scratch(team, steps):
    matrix = make_matrix(team=team, activities=3, roles=3)
    workshop = services.workshop_start(matrix=matrix, activities=matrix.activities.all())
    activities = list(matrix.activities.order_by("position", "pk"))
    roles = list(matrix.roles.order_by("columns__position"))
    people = [services.participant_join(workshop=workshop, name=f"P{i}") for i in range(PEOPLE)]
    snap, _ = deltas.draw(workshop.pk, None)
    parts = every_part(snap)
    for step in steps:
        person = Participant.objects.get(pk=people[step[0]].pk)
        if len(step) == 1:
            if person.removed_at is None:
                services.participant_remove(participant=person)
        elif person.removed_at is None:
            a, r, code = activities[step[1]].pk, roles[step[2]].pk, step[3]
            services.vote_cast(participant=person, activity_id=a, role_id=r, code=code)
        if len(parts) and step[0] % 2 == 0:  # a redraw now and then, as the window allows
            snap, delta = deltas.draw(workshop.pk, snap)
            assert delta is not None and delta["from"] <= delta["v"] == snap.version
            for fragment in delta["html"] + delta["add"]:
                parts[first_id(fragment)] = fragment
            for gone in delta["gone"]:
                del parts[gone]
    snap, delta = deltas.draw(workshop.pk, snap)
    for fragment in delta["html"] + delta["add"]:
        parts[first_id(fragment)] = fragment
    for gone in delta["gone"]:
        del parts[gone]

    activity_ids, role_ids = [a.pk for a in activities], [r.pk for r in roles]
    scratch = from_scratch(workshop, activity_ids, role_ids)
    cells, answered = selectors.counts(workshop)
    kept = analysis.from_counts(
        workshop.matrix.scheme_definition, activity_ids, role_ids, cells, answered
    )
    for a in activity_ids:
        assert kept[a].answered == scratch[a].answered
        for r in role_ids:
            assert +kept[a].cells[r].counts == +scratch[a].cells[r].counts
            assert kept[a].cells[r].majority == scratch[a].cells[r].majority
    for person in Participant.objects.filter(workshop=workshop, removed_at__isnull=True):
        assert person.answered == person.votes.values("activity").distinct().count()
    # The board the deltas built is the board drawn from scratch, part for part.
    fresh, _ = deltas.draw(workshop.pk, None)
    assert parts == every_part(fresh)


@pytest.mark.django_db(transaction=True)
def test_votes_on_one_cell_from_several_threads_are_all_counted(team):
    matrix = make_matrix(team=team, activities=1, roles=1)
    workshop = services.workshop_start(matrix=matrix, activities=matrix.activities.all())
    activity, role = matrix.activities.get(), matrix.roles.get()
    people = [services.participant_join(workshop=workshop, name=f"P{i}") for i in range(6)]
    barrier = threading.Barrier(len(people))
    errors = []

    def voter(person, codes):
        try:
            barrier.wait()
            for code in codes:
                services.vote_cast(
                    participant=person, activity_id=activity.pk, role_id=role.pk, code=code
                )
        except Exception as error:
            errors.append(error)
        finally:
            close_old_connections()

    threads = [
        threading.Thread(target=voter, args=(person, "RACIR"[i:] + "A" * i))
        for i, person in enumerate(people)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    stored = Vote.objects.values_list("code", flat=True)
    counted = {t.code: t.count for t in Tally.objects.filter(count__gt=0)}
    expected = {}
    for code in stored:
        expected[code] = expected.get(code, 0) + 1
    assert counted == expected and sum(counted.values()) == len(people)
