"""Nobody can stuff a workshop: joins per address and participants per workshop are capped, and
the facilitator removes many participants at once (issue 22, item 5)."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from apps.accounts.models import AccessLevel
from apps.workshops import selectors, services
from apps.workshops.changes import What, workshop_changed
from apps.workshops.models import ActivityTally, Participant, Tally, Vote, Workshop
from tests.conftest import make_user

from .conftest import join, member_client, vote


@pytest.fixture
def heard():
    changes = []

    def listener(sender, change, **kwargs):
        changes.append(change)

    workshop_changed.connect(listener)
    yield changes
    workshop_changed.disconnect(listener)


def url(workshop, tail=""):
    return f"/m/{workshop.matrix.slug}/workshops/{workshop.pk}/{tail}"


def people(workshop):
    return sorted(
        workshop.participants.filter(removed_at__isnull=True).values_list("name", flat=True)
    )


# -- Joins per address --------------------------------------------------------------------------


def test_one_address_joins_a_workshop_at_most_the_cap_with_fresh_sessions(db, workshop, settings):
    """The 1,000-joins scenario, shrunk: cap 5, the 6th fresh session from the address is refused
    with a clear message and nothing is created."""
    settings.WORKSHOP_JOINS_PER_ADDRESS = 5
    statuses = [
        Client().post(f"/w/{workshop.code}/", {"name": f"Bot {n}"}).status_code for n in range(5)
    ]
    assert statuses == [302] * 5
    version = Workshop.objects.get(pk=workshop.pk).version
    sessions = Session.objects.count()

    refused = Client().post(f"/w/{workshop.code}/", {"name": "Bot 5"})

    assert refused.status_code == 429
    assert (
        "5 people have already joined this workshop from your network" in refused.content.decode()
    )
    assert workshop.participants.count() == 5
    assert Workshop.objects.get(pk=workshop.pk).version == version  # nothing announced
    assert Session.objects.count() <= sessions + 1  # the refused browser's own session at most
    # Another address still joins; the cap is per workshop and address.
    assert (
        Client(REMOTE_ADDR="10.0.0.9").post(f"/w/{workshop.code}/", {"name": "Ann"}).status_code
        == 302
    )


def test_removing_and_joining_again_does_not_go_round_the_address_cap(db, workshop, settings):
    settings.WORKSHOP_JOINS_PER_ADDRESS = 2
    _, first = join(workshop, "Bot 1")
    join(workshop, "Bot 2")
    services.participant_remove(participant=first)
    assert Client().post(f"/w/{workshop.code}/", {"name": "Bot 3"}).status_code == 429


def test_the_address_is_kept_only_as_a_keyed_hash(db, workshop):
    _, ann = join(workshop, "Ann")
    assert ann.joined_from == services.address_key("127.0.0.1")
    assert "127.0.0.1" not in ann.joined_from


# -- Participants per workshop ------------------------------------------------------------------


def test_a_full_workshop_says_so_on_its_join_page_and_refuses_the_join(db, workshop):
    Workshop.objects.filter(pk=workshop.pk).update(max_participants=2)
    join(workshop, "Ann")
    join(workshop, "Bob")

    page = Client().get(f"/w/{workshop.code}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "This workshop is full: 2 people have joined" in body
    assert 'name="name"' not in body  # no form that can only fail

    refused = Client().post(f"/w/{workshop.code}/", {"name": "Cy"})
    assert refused.status_code == 409
    assert "This workshop is full" in refused.content.decode()
    assert people(workshop) == ["Ann", "Bob"]


def test_a_place_freed_by_a_removal_can_be_taken(db, workshop):
    Workshop.objects.filter(pk=workshop.pk).update(max_participants=1)
    _, ann = join(workshop, "Ann")
    services.participant_remove(participant=ann)
    join(workshop, "Bob")
    assert people(workshop) == ["Bob"]


def test_the_default_cap_is_300_and_the_facilitator_sets_another_on_the_board(client_in, workshop):
    assert workshop.max_participants == 300
    board = client_in.get(url(workshop)).content.decode()
    assert 'name="max_participants"' in board and 'value="300"' in board
    before = Workshop.objects.get(pk=workshop.pk).version

    response = client_in.post(
        url(workshop, "capacity/"), {"max_participants": "40"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert 'value="40"' in response.content.decode()
    workshop.refresh_from_db()
    assert workshop.max_participants == 40 and workshop.version == before + 1


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "Allow at least 1 participant."),
        ("2001", "Allow at most 2000 participants."),
        ("-3", "Allow at least 1 participant."),
        ("lots", "Type a whole number of people."),
        ("", "Say how many people may join."),
    ],
)
def test_a_cap_out_of_bounds_is_refused_and_changes_nothing(client_in, workshop, value, message):
    response = client_in.post(
        url(workshop, "capacity/"), {"max_participants": value}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Workshop.objects.get(pk=workshop.pk).max_participants == 300


def test_the_service_refuses_a_cap_out_of_bounds_too(db, workshop):
    with pytest.raises(services.WorkshopError, match="between 1 and 2000"):
        services.workshop_set_capacity(workshop=workshop, max_participants=2001)


# -- Removing many at once ----------------------------------------------------------------------


def cells(matrix):
    return list(matrix.activities.all()), list(matrix.roles.order_by("columns__position"))


def tallies(workshop):
    return sorted(
        Tally.objects.filter(workshop=workshop, count__gt=0).values_list(
            "activity_id", "role_id", "code", "count"
        )
    )


def test_removing_the_selected_takes_them_and_their_votes_out_in_one_announced_change(
    client_in, workshop, matrix, heard, django_capture_on_commit_callbacks
):
    activities, roles = cells(matrix)
    (ann_c, ann), (bob_c, bob), (cy_c, cy) = (join(workshop, n) for n in ("Ann", "Bob", "Cy"))
    for client in (ann_c, bob_c, cy_c):
        assert vote(client, workshop, activities[0], roles[0], "R").status_code == 200
    assert vote(bob_c, workshop, activities[1], roles[1], "A").status_code == 200
    before = Workshop.objects.get(pk=workshop.pk).version
    heard.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client_in.post(
            url(workshop, "participants/remove/"),
            {"participants": [bob.pk, cy.pk]},
            HTTP_HX_REQUEST="true",
        )

    assert response.status_code == 200
    assert people(workshop) == ["Ann"]
    assert not Vote.objects.filter(participant__in=[bob, cy]).exists()
    assert tallies(workshop) == [(activities[0].pk, roles[0].pk, "R", 1)]
    assert dict(
        ActivityTally.objects.filter(workshop=workshop).values_list("activity_id", "answered")
    ) == {
        activities[0].pk: 1,
        activities[1].pk: 0,
    }
    assert Participant.objects.get(pk=ann.pk).answered == 1
    assert [(c.what, set(c.participant_ids)) for c in heard] == [(What.REMOVED, {bob.pk, cy.pk})]
    assert Workshop.objects.get(pk=workshop.pk).version == before + 1
    board = selectors.board(workshop)
    assert [p.name for p in board.participants] == ["Ann"]
    assert 'id="ws-person-' + str(bob.pk) not in response.content.decode()
    # Their sessions cannot come back.
    assert bob_c.get(f"/w/{workshop.code}/").status_code == 403


def test_removing_all_who_have_not_answered_leaves_those_who_have(client_in, workshop, matrix):
    activities, roles = cells(matrix)
    ann_c, _ = join(workshop, "Ann")
    join(workshop, "Bot 1")
    join(workshop, "Bot 2")
    vote(ann_c, workshop, activities[0], roles[0], "A")

    response = client_in.post(url(workshop, "participants/remove/"), {"unanswered": "on"})

    assert response.status_code == 302
    assert people(workshop) == ["Ann"]
    assert tallies(workshop) == [(activities[0].pk, roles[0].pk, "A", 1)]
    # Nobody left without answers: said so, and nothing changes.
    version = Workshop.objects.get(pk=workshop.pk).version
    again = client_in.post(url(workshop, "participants/remove/"), {"unanswered": "on"})
    assert again.status_code == 409
    assert "nobody was removed" in again.content.decode()
    assert Workshop.objects.get(pk=workshop.pk).version == version


def test_bad_bulk_removals_are_refused_and_change_nothing(client_in, workshop, matrix, user):
    join(workshop, "Ann")
    other = services.workshop_start(matrix=matrix, activities=matrix.activities.all(), by=user)
    stranger = services.participant_join(workshop=other, name="Zed")
    version = Workshop.objects.get(pk=workshop.pk).version
    for data, message in [
        ({}, "Tick the participants to remove."),
        ({"participants": [stranger.pk]}, "has left the workshop already"),
        ({"participants": ["nope"]}, ""),
        ({"participants": [str(2**70)]}, ""),
    ]:
        response = client_in.post(
            url(workshop, "participants/remove/"), data, HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 400, data
        assert message in response.content.decode()
    assert people(workshop) == ["Ann"] and people(other) == ["Zed"]
    assert Workshop.objects.get(pk=workshop.pk).version == version


def test_the_board_offers_ticking_participants_and_removing_them(client_in, workshop):
    _, ann = join(workshop, "Ann")
    board = client_in.get(url(workshop)).content.decode()
    assert f'id="ws-pick-{ann.pk}"' in board and 'form="ws-remove-many"' in board
    assert "Remove selected" in board and "Remove all who have not answered" in board


# -- Who may ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("access", "status"), [(AccessLevel.VIEWER, 403), (None, 404), ("anonymous", 302)]
)
def test_only_editors_cap_a_workshop_or_remove_many(db, workshop, team, access, status):
    if access == "anonymous":
        client = Client()
    elif access is None:
        client = Client()
        client.force_login(make_user())
    else:
        client = member_client(team, access)
    ann = services.participant_join(workshop=workshop, name="Ann")
    remove = client.post(url(workshop, "participants/remove/"), {"participants": [ann.pk]})
    cap = client.post(url(workshop, "capacity/"), {"max_participants": "1"})
    assert (remove.status_code, cap.status_code) == (status, status)
    if access == "anonymous":
        assert remove["Location"].startswith("/accounts/login/")
    assert people(workshop) == ["Ann"]
    assert Workshop.objects.get(pk=workshop.pk).max_participants == 300


def test_capping_and_removing_many_need_the_csrf_token(db, workshop, user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    ann = services.participant_join(workshop=workshop, name="Ann")
    assert (
        client.post(url(workshop, "participants/remove/"), {"participants": [ann.pk]}).status_code
        == 403
    )
    assert client.post(url(workshop, "capacity/"), {"max_participants": "1"}).status_code == 403
    assert people(workshop) == ["Ann"]
    assert Workshop.objects.get(pk=workshop.pk).max_participants == 300
