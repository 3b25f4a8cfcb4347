"""Joining and voting as a participant: no account, identity in the session, clear refusals."""

import pytest
from django.db import connection
from django.test import Client

from apps.raci.schemes import RACI, Kind
from apps.workshops import services
from apps.workshops.models import Vote, Workshop, WorkshopState
from tests.conftest import make_matrix

from .conftest import join, vote


@pytest.fixture(autouse=True)
def one_minute(monkeypatch):
    """The join counters are kept per minute: a test that crossed into the next one would see
    them start again (and fail by the clock); every request here falls in the same minute."""
    monkeypatch.setattr(services, "_minute", lambda: 29_000_000)


A = RACI.code_for(Kind.ACCOUNTABLE)
R = RACI.code_for(Kind.RESPONSIBLE)


def cells(matrix):
    return list(matrix.activities.all()), list(matrix.roles.order_by("columns__position"))


def test_joining_by_the_typed_code_leads_to_the_name_form(db, workshop):
    client = Client()
    typed = f" {workshop.code[:3].lower()}-{workshop.code[3:]} "
    response = client.post("/w/", {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == f"/w/{workshop.code}/"
    page = client.get(response["Location"])
    assert b"Your name" in page.content


@pytest.mark.parametrize(
    ("code", "message"),
    [("", "This field is required"), ("ABC12", "6 letters and digits"), ("O0O0O0", "6 letters")],
)
def test_a_malformed_code_is_refused_with_a_message(db, code, message):
    response = Client().post("/w/", {"code": code})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_wrong_or_closed_code_says_so(db, workshop):
    response = Client().post("/w/", {"code": "AAAAAA"})
    assert response.status_code == 400
    assert "No open workshop has the code AAAAAA" in response.content.decode()
    services.workshop_set_state(workshop=workshop, state=WorkshopState.CLOSED)
    response = Client().get(f"/w/{workshop.code}/")
    assert response.status_code == 404
    assert f"The workshop {workshop.code} has closed." in response.content.decode()
    assert workshop.participants.count() == 0


def test_a_duplicate_name_is_refused_whatever_its_case_and_spaces(db, workshop):
    join(workshop, "Ann Lee")
    response = Client().post(f"/w/{workshop.code}/", {"name": "  ann   LEE "})
    assert response.status_code == 400
    assert "Someone has already joined as “ann LEE”" in response.content.decode()
    assert workshop.participants.count() == 1


def test_a_blank_name_is_refused(db, workshop):
    response = Client().post(f"/w/{workshop.code}/", {"name": "   "})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert workshop.participants.count() == 0


def test_join_attempts_are_rate_limited_per_session(db, workshop, settings):
    settings.WORKSHOP_JOINS_PER_MINUTE_PER_SESSION = 3
    client = Client()
    statuses = [client.post("/w/", {"code": "AAAAAA"}).status_code for _ in range(4)]
    assert statuses == [400, 400, 400, 429]
    response = client.post(f"/w/{workshop.code}/", {"name": "Ann"})
    assert response.status_code == 429
    assert "Too many attempts to join from here" in response.content.decode()
    assert workshop.participants.count() == 0


def test_failed_join_attempts_are_rate_limited_per_ip_address_across_sessions(
    db, workshop, settings
):
    settings.WORKSHOP_JOINS_PER_MINUTE_PER_IP = 2
    statuses = [Client().post("/w/", {"code": "AAAAAA"}).status_code for _ in range(3)]
    assert statuses == [400, 400, 429]
    # Typing a guess into the address bar counts too.
    guessed = Client().get("/w/AAAAAC/")
    assert guessed.status_code == 429
    assert "Too many attempts to join from here" in guessed.content.decode()
    other_ip = Client(REMOTE_ADDR="10.0.0.9").post("/w/", {"code": workshop.code})
    assert other_ip.status_code == 302


def test_behind_the_proxy_a_made_up_forwarded_address_does_not_escape_the_limit(
    db, workshop, settings
):
    settings.BEHIND_TLS_PROXY = True
    settings.TRUSTED_PROXY_IPS = ["127.0.0.1"]  # the proxy on the same host, as in production
    settings.WORKSHOP_JOINS_PER_MINUTE_PER_IP = 2
    statuses = [
        Client()
        .post("/w/", {"code": "AAAAAA"}, headers={"X-Forwarded-For": f"10.0.0.{n}, 203.0.113.5"})
        .status_code
        for n in range(3)
    ]
    assert statuses == [400, 400, 429]
    elsewhere = {"X-Forwarded-For": "203.0.113.6"}
    assert Client().post("/w/", {"code": workshop.code}, headers=elsewhere).status_code == 302


def test_a_whole_room_behind_one_address_can_join_at_once(db, workshop, settings):
    """A company NAT or proxy puts fifty phones behind one address: successes do not count."""
    settings.WORKSHOP_JOINS_PER_MINUTE_PER_IP = 2
    for i in range(12):
        client = Client()
        assert client.post("/w/", {"code": workshop.code}).status_code == 302
        assert client.post(f"/w/{workshop.code}/", {"name": f"Person {i}"}).status_code == 302
    assert workshop.participants.count() == 12


def test_a_wrong_code_in_the_address_counts_as_a_failed_attempt(db, workshop, settings):
    settings.WORKSHOP_JOINS_PER_MINUTE_PER_IP = 1
    assert Client().get("/w/AAAAAA/").status_code == 404
    assert Client().post("/w/", {"code": workshop.code}).status_code == 429
    # Opening a live workshop's page is no attempt at all.
    assert Client().get(f"/w/{workshop.code}/").status_code == 200


def test_a_reload_or_rejoin_keeps_the_participant_and_their_votes(db, workshop, matrix):
    client, _participant = join(workshop, "Ann")
    activities, roles = cells(matrix)
    assert vote(client, workshop, activities[0], roles[0], A).status_code == 200
    again = client.get(f"/w/{workshop.code}/")
    assert again.status_code == 302 and again["Location"] == f"/w/{workshop.code}/vote/"
    page = client.get(f"/w/{workshop.code}/vote/").content.decode()
    assert 'value="A" class="ws-choice letter-A" aria-pressed="true"' in page
    assert workshop.participants.count() == 1


def test_a_vote_is_saved_at_once_and_can_be_changed_or_set_to_none(db, workshop, matrix):
    client, participant = join(workshop, "Ann")
    activities, roles = cells(matrix)
    response = vote(client, workshop, activities[0], roles[0], A)
    assert 'aria-pressed="true"' in response.content.decode()
    vote(client, workshop, activities[0], roles[0], R)
    vote(client, workshop, activities[0], roles[1], None)
    assert set(participant.votes.values_list("role_id", "code")) == {
        (roles[0].pk, R),
        (roles[1].pk, ""),
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("code", "X", "Choose one of R, A, C, I or none"),
        ("activity", "abc", "Enter a whole number"),
        ("role", "", "This field is required"),
    ],
)
def test_a_malformed_vote_is_refused_and_changes_nothing(
    db, workshop, matrix, field, value, message
):
    client, participant = join(workshop, "Ann")
    activities, roles = cells(matrix)
    data = {"activity": activities[0].pk, "role": roles[0].pk, "code": A, field: value}
    response = client.post(f"/w/{workshop.code}/cast/", data, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not participant.votes.exists()


def test_a_vote_outside_the_workshop_is_refused(db, workshop, matrix, team, user):
    client, _participant = join(workshop, "Ann")
    other = make_matrix(team=team, activities=1, roles=1)
    activities, roles = cells(matrix)
    subset = services.workshop_start(matrix=matrix, activities=activities[:1], by=user)
    sub_client, _sub_participant = join(subset, "Bob")
    for c, w, activity, role in [
        (client, workshop, other.activities.first(), roles[0]),  # another matrix's activity
        (client, workshop, activities[0], other.roles.first()),  # another matrix's role
        (sub_client, subset, activities[1], roles[0]),  # not among the workshop's activities
    ]:
        response = vote(c, w, activity, role, A)
        assert response.status_code == 400
        assert "not part of this workshop" in response.content.decode()
    assert not Vote.objects.exists()


def test_nobody_can_vote_without_joining_or_in_another_workshop(db, workshop, matrix, user):
    activities, roles = cells(matrix)
    assert vote(Client(), workshop, activities[0], roles[0], A).status_code == 403
    other = services.workshop_start(matrix=matrix, activities=activities, by=user)
    client, _participant = join(workshop, "Ann")
    # Ann's session holds a token for her workshop only.
    assert vote(client, other, activities[0], roles[0], A).status_code == 403
    assert not Vote.objects.exists()


@pytest.mark.parametrize("state", [WorkshopState.PAUSED, WorkshopState.CLOSED])
def test_a_paused_or_closed_workshop_accepts_no_vote(db, workshop, matrix, state):
    client, _participant = join(workshop, "Ann")
    activities, roles = cells(matrix)
    services.workshop_set_state(workshop=workshop, state=state)
    response = vote(client, workshop, activities[0], roles[0], A)
    assert response.status_code == 409
    assert "your answers are kept" in response.content.decode()
    assert not Vote.objects.exists()


def test_a_removed_participant_cannot_vote_or_come_back_under_the_same_session(
    db, workshop, matrix
):
    client, participant = join(workshop, "Ann")
    activities, roles = cells(matrix)
    vote(client, workshop, activities[0], roles[0], A)
    services.participant_remove(participant=participant)
    assert not participant.votes.exists()
    assert vote(client, workshop, activities[0], roles[0], A).status_code == 403
    response = client.post(f"/w/{workshop.code}/", {"name": "Ann again"})
    assert response.status_code == 403
    assert "You were removed" in response.content.decode()
    assert client.get(f"/w/{workshop.code}/vote/").status_code == 403
    # Someone else may take the name.
    join(workshop, "Ann")


def test_removal_from_a_closed_workshop_does_not_bar_a_new_one_with_the_same_code(
    db, workshop, matrix, user
):
    client, participant = join(workshop, "Ann")
    services.participant_remove(participant=participant)
    services.workshop_set_state(workshop=workshop, state=WorkshopState.CLOSED)
    # Codes are unique among live workshops only: a new one may draw the closed one's code.
    again = services.workshop_start(matrix=matrix, activities=matrix.activities.all(), by=user)
    Workshop.objects.filter(pk=again.pk).update(code=workshop.code)
    response = client.post(f"/w/{workshop.code}/", {"name": "Ann"})
    assert response.status_code == 302
    assert again.participants.filter(name="Ann", removed_at__isnull=True).exists()


def test_participants_see_only_their_own_votes_until_the_results_are_revealed(db, workshop, matrix):
    ann, _ = join(workshop, "Ann")
    bob, _ = join(workshop, "Bob")
    activities, roles = cells(matrix)
    vote(ann, workshop, activities[0], roles[0], A)
    vote(bob, workshop, activities[0], roles[0], R)
    page = bob.get(f"/w/{workshop.code}/vote/").content.decode()
    assert (
        "Group:" not in page
        and 'value="A" class="ws-choice letter-A" aria-pressed="true"' not in page
    )
    services.workshop_reveal(workshop=workshop, revealed=True)
    page = bob.get(f"/w/{workshop.code}/vote/").content.decode()
    assert "Group:" in page
    assert page.count("\N{MULTIPLICATION SIGN}1") >= 2  # one A, one R


def test_the_ballot_shows_one_activity_at_a_time_with_its_roles(db, workshop, matrix):
    client, _ = join(workshop, "Ann")
    activities, roles = cells(matrix)
    page = client.get(f"/w/{workshop.code}/vote/?step=2").content.decode()
    assert "Activity <strong>2</strong> of 4" in page
    assert activities[1].name in page
    assert all(role.name in page for role in roles)
    assert "?step=1" in page and "?step=3" in page
    # Out-of-range and malformed steps show the nearest activity rather than an error.
    assert (
        "<strong>4</strong> of 4"
        in client.get(f"/w/{workshop.code}/vote/?step=99").content.decode()
    )
    assert (
        "<strong>1</strong> of 4" in client.get(f"/w/{workshop.code}/vote/?step=x").content.decode()
    )


def test_the_ballot_page_needs_a_joined_session(db, workshop):
    response = Client().get(f"/w/{workshop.code}/vote/")
    assert response.status_code == 302 and response["Location"] == f"/w/{workshop.code}/"


def test_the_live_endpoint_answers_204_until_something_participants_see_changes(db, workshop):
    client, _ = join(workshop, "Ann")
    url = f"/w/{workshop.code}/live/?step=1&stage="
    workshop.refresh_from_db()
    assert client.get(url + str(workshop.stage), HTTP_HX_REQUEST="true").status_code == 204
    services.workshop_set_state(workshop=workshop, state=WorkshopState.PAUSED)
    response = client.get(url + "0", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Voting is paused" in response.content.decode()


def _grow(workshop, matrix, people):
    """Add participants who each vote on every cell."""
    activities, roles = cells(matrix)
    for _i in range(people):
        _client, participant = join(workshop, f"Voter {workshop.participants.count()}")
        for activity in activities:
            for role in roles:
                services.vote_cast(
                    participant=participant, activity_id=activity.pk, role_id=role.pk, code=A
                )


@pytest.mark.parametrize("size", [(2, 2, 1), (8, 6, 5)])
def test_the_participant_pages_and_vote_take_constant_queries(
    db, team, user, django_assert_num_queries, size
):
    activities, roles, people = size
    matrix = make_matrix(team=team, activities=activities, roles=roles)
    workshop = services.workshop_start(matrix=matrix, activities=matrix.activities.all(), by=user)
    _grow(workshop, matrix, people)
    services.workshop_reveal(workshop=workshop, revealed=True)
    client, _participant = join(workshop, "Ann")
    activity, role = cells(matrix)[0][0], cells(matrix)[1][0]
    # Session, participant, activity ids, activities, own votes, the group's kept tallies (cells,
    # activities; the roles come from the matrix's structure cache, warm after one view).
    client.get(f"/w/{workshop.code}/vote/")
    with django_assert_num_queries(7):
        assert client.get(f"/w/{workshop.code}/vote/").status_code == 200
    with django_assert_num_queries(6):
        assert client.get(f"/w/{workshop.code}/vote/?view=grid").status_code == 200
    # Session, participant (with workshop and matrix), role check; then the vote. On SQLite its
    # transaction (the savepoint pair, in the test's transaction): the conditional version
    # raise, the participant's votes on the activity, the upsert, the tally, the first answer's
    # two counts. On PostgreSQL all of that is one call (migrations/0004_vote_function.py).
    with django_assert_num_queries(4 if connection.vendor == "postgresql" else 11):
        assert vote(client, workshop, activity, role, A).status_code == 200
    workshop.refresh_from_db()
    with django_assert_num_queries(2):
        response = client.get(f"/w/{workshop.code}/live/?step=1&stage={workshop.stage}")
        assert response.status_code == 204
