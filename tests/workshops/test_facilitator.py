"""Starting, running and settling a workshop as a facilitator (an editor of the team)."""

import csv
import io
import json

import pytest
from django.test import Client

from apps.accounts.models import AccessLevel
from apps.matrices.models import Responsibility
from apps.raci.schemes import RACI, Kind
from apps.workshops import services
from apps.workshops.models import SettledCell, Workshop, WorkshopState
from tests.conftest import make_matrix, make_user

from .conftest import accept_all, join, member_client, vote

A = RACI.code_for(Kind.ACCOUNTABLE)
R = RACI.code_for(Kind.RESPONSIBLE)
C = RACI.code_for(Kind.CONSULTED)


def cells(matrix):
    return list(matrix.activities.all()), list(matrix.roles.order_by("columns__position"))


def code_of(activity, role):
    cell = Responsibility.objects.filter(activity=activity, role=role).first()
    return cell.code if cell else ""


def test_an_editor_starts_a_workshop_on_chosen_activities(client_in, matrix):
    activities, _ = cells(matrix)
    page = client_in.get(f"/m/{matrix.slug}/workshops/")
    assert page.content.decode().count('type="checkbox" name="activities"') == 4
    response = client_in.post(
        f"/m/{matrix.slug}/workshops/", {"activities": [activities[1].pk, activities[3].pk]}
    )
    workshop = Workshop.objects.get()
    assert response.status_code == 302 and response["Location"] == workshop.get_absolute_url()
    assert set(workshop.activities.all()) == {activities[1], activities[3]}
    assert len(workshop.code) == 6 and set(workshop.code) <= set("ACDEFHJKMNPRTUVWXY34679")
    board = client_in.get(response["Location"]).content.decode()
    assert workshop.spoken_code in board
    assert f"http://testserver/w/{workshop.code}/" in board
    assert '<svg viewBox="0 0' in board and 'class="segno"' in board  # the QR code
    assert "style=" not in board.split('class="segno"')[1].split("</svg>")[0]


def test_starting_without_activities_or_with_anothers_is_refused(client_in, matrix, team):
    response = client_in.post(f"/m/{matrix.slug}/workshops/", {})
    assert response.status_code == 400
    assert "Choose at least one activity" in response.content.decode()
    other = make_matrix(team=team, activities=1)
    response = client_in.post(
        f"/m/{matrix.slug}/workshops/", {"activities": [other.activities.first().pk]}
    )
    assert response.status_code == 400
    assert not Workshop.objects.exists()


def test_live_workshops_never_share_a_code(db, matrix, monkeypatch):
    codes = iter(["AAAAAA", "AAAAAA", "CCCCCC"])
    monkeypatch.setattr(services, "new_code", lambda: next(codes))
    first = services.workshop_start(matrix=matrix, activities=matrix.activities.all())
    second = services.workshop_start(matrix=matrix, activities=matrix.activities.all())
    assert (first.code, second.code) == ("AAAAAA", "CCCCCC")


@pytest.mark.parametrize(
    ("access", "status"), [(AccessLevel.VIEWER, 403), (None, 404), ("anonymous", 302)]
)
def test_only_editors_of_the_team_may_facilitate(db, workshop, team, access, status):
    if access == "anonymous":
        client = Client()
    elif access is None:
        client = Client()
        client.force_login(make_user())
    else:
        client = member_client(team, access)
    base = f"/m/{workshop.matrix.slug}/workshops/"
    wid = f"{base}{workshop.pk}/"
    participant = services.participant_join(workshop=workshop, name="Ann")
    for method, url, data in [
        ("get", base, {}),
        ("post", base, {"activities": [workshop.activities.first().pk]}),
        ("get", wid, {}),
        ("get", f"{wid}live/", {}),
        ("post", f"{wid}state/", {"state": "closed"}),
        ("post", f"{wid}reveal/", {"revealed": "on"}),
        ("post", f"{wid}settle/", {}),
        ("get", f"{wid}settle/preview/", {"keep": "on"}),
        ("post", f"{wid}participants/{participant.pk}/remove/", {}),
        ("get", f"{wid}export.csv", {}),
        ("get", f"{wid}export.json", {}),
    ]:
        assert getattr(client, method)(url, data).status_code == status, url
    workshop.refresh_from_db()
    assert workshop.is_open and not workshop.revealed
    assert workshop.participants.filter(removed_at__isnull=True).count() == 1


def test_a_workshop_is_reached_only_through_its_own_matrix(client_in, workshop, team):
    other = make_matrix(team=team)
    assert client_in.get(f"/m/{other.slug}/workshops/{workshop.pk}/").status_code == 404


def test_pause_reopen_and_close(client_in, workshop):
    url = f"{workshop.get_absolute_url()}state/"
    for state in ["paused", "open", "closed"]:
        response = client_in.post(url, {"state": state}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        workshop.refresh_from_db()
        assert workshop.state == state
    assert workshop.closed_at is not None
    assert (
        "Closed" in response.content.decode() and "Reopen voting" not in response.content.decode()
    )
    response = client_in.post(url, {"state": "open"})
    assert response.status_code == 409
    assert "closed; start a new one" in response.content.decode()
    assert client_in.post(url, {"state": "sleeping"}).status_code == 400


def test_the_board_shows_the_distribution_agreement_conflicts_and_confusion(client_in, db, team):
    from apps.exchange.seeding import sample_matrix_ensure

    matrix = sample_matrix_ensure()
    matrix.team.memberships.create(user=client_in.session and team.personal_for, access="editor")
    roles = {r.name: r for r in matrix.roles.all()}
    activities = list(matrix.activities.all()[:3])
    workshop = services.workshop_start(matrix=matrix, activities=activities)
    ann, _ = join(workshop, "Ann")
    bob, _ = join(workshop, "Bob")
    cat, _ = join(workshop, "Cat")
    for activity in activities[:2]:
        vote(ann, workshop, activity, roles["Product Manager"], A)
        vote(bob, workshop, activity, roles["Project Manager"], A)
        vote(cat, workshop, activity, roles["Product Manager"], A)
    page = client_in.get(workshop.get_absolute_url()).content.decode()
    assert "Product Manager ↔ Project Manager" in page
    assert "2 activities" in page
    assert "Product Manager (2), Project Manager (1)" in page  # the rule conflict
    # The Product Manager cell's distribution, as read out and as drawn (a chip, then a count).
    assert f"Product Manager on {activities[0].name}: mostly A, A 2, none 1" in page
    assert '<span class="letter ws-dist-code letter-A">A</span>2</span>' in page
    assert '<span class="letter ws-dist-code letter-none">\N{EN DASH}</span>1</span>' in page
    assert "67%" in page  # that cell's agreement
    assert "heat-3" in page


def test_the_version_endpoint_answers_204_until_something_changes(client_in, workshop, matrix):
    url = f"{workshop.get_absolute_url()}live/?version="
    workshop.refresh_from_db()
    assert client_in.get(url + str(workshop.version), HTTP_HX_REQUEST="true").status_code == 204
    ann, _ = join(workshop, "Ann")
    response = client_in.get(url + str(workshop.version), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Ann" in response.content.decode()
    activities, roles = cells(matrix)
    before = Workshop.objects.get().version
    vote(ann, workshop, activities[0], roles[0], A)
    assert Workshop.objects.get().version == before + 1


def _crowd(workshop, matrix, people, split=True):
    activities, roles = cells(matrix)
    clients = []
    for i in range(people):
        client, participant = join(workshop, f"P{i}")
        clients.append(client)
        for activity in activities:
            for j, role in enumerate(roles):
                code = A if (j == (i % 2 if split else 0)) else C
                services.vote_cast(
                    participant=participant, activity_id=activity.pk, role_id=role.pk, code=code
                )
    return clients


@pytest.mark.parametrize("size", [(2, 2, 1), (10, 7, 6)])
def test_the_board_and_version_endpoint_take_constant_queries(
    client_in, team, user, django_assert_num_queries, size
):
    activities, roles, people = size
    matrix = make_matrix(team=team, activities=activities, roles=roles)
    workshop = services.workshop_start(matrix=matrix, activities=matrix.activities.all(), by=user)
    _crowd(workshop, matrix, people)
    # Session, user, matrix, workshop; then activities, participants, the kept tallies (cells,
    # activities), matrix cells, settled cells, the confusable letters' votes (the roles come
    # from the matrix's structure cache, warm after one view).
    url = workshop.get_absolute_url()
    client_in.get(url)
    with django_assert_num_queries(11):
        assert client_in.get(url).status_code == 200
    workshop.refresh_from_db()
    url = f"{workshop.get_absolute_url()}live/?version={workshop.version}"
    with django_assert_num_queries(4):
        response = client_in.get(url)
        assert response.status_code == 204


def test_accepting_the_majority_of_one_activity_writes_it_into_the_matrix(
    client_in, workshop, matrix
):
    activities, roles = cells(matrix)
    clients = [join(workshop, name)[0] for name in ["Ann", "Bob", "Cat"]]
    for client, code in zip(clients, [C, C, A], strict=True):
        vote(client, workshop, activities[0], roles[2], code)
        vote(client, workshop, activities[0], roles[3], R)
    assert code_of(activities[0], roles[0]) == A  # make_matrix filled it
    response = client_in.post(
        f"{workshop.get_absolute_url()}settle/",
        {"activity": activities[0].pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    # The majority: roles 0 and 1 none (nobody named them), C for role 2, R for role 3.
    assert [code_of(activities[0], r) for r in roles] == ["", "", C, R]
    assert code_of(activities[1], roles[0]) == A  # other activities untouched
    assert SettledCell.objects.filter(workshop=workshop).count() == 4
    assert "Settled ✓" in response.content.decode()


def test_a_cell_can_be_settled_to_another_value_than_the_majority(client_in, workshop, matrix):
    activities, roles = cells(matrix)
    ann, _ = join(workshop, "Ann")
    vote(ann, workshop, activities[0], roles[2], C)
    url = f"{workshop.get_absolute_url()}settle/"
    data = {"activity": activities[0].pk, "role": roles[2].pk, "code": "I"}
    assert client_in.post(url, data).status_code == 302
    assert code_of(activities[0], roles[2]) == "I"
    assert code_of(activities[0], roles[0]) == A  # the rest of the row is left alone
    data["code"] = "none"
    client_in.post(url, data)
    assert code_of(activities[0], roles[2]) == ""


def test_settling_goes_through_the_editors_service(client_in, workshop, matrix, monkeypatch):
    calls = []
    monkeypatch.setattr(
        services, "responsibility_assign_block", lambda **kwargs: calls.append(kwargs) or 1
    )
    activities, roles = cells(matrix)
    ann, _ = join(workshop, "Ann")
    vote(ann, workshop, activities[0], roles[2], C)
    client_in.post(
        f"{workshop.get_absolute_url()}settle/",
        {"activity": activities[0].pk, "role": roles[2].pk},
    )
    assert [(list(c["changes"]), c["by"].username) for c in calls] == [
        ([(activities[0], roles[2], C)], "alice")
    ]
    assert calls[0]["summary"].startswith(f"Settled the workshop {workshop.code}")


def test_a_settled_workshop_is_one_change_in_the_history_and_one_undo(client_in, workshop, matrix):
    from apps.history.models import Action, Change
    from apps.history.services import change_undo

    activities, roles = cells(matrix)
    before = [code_of(a, r) for a in activities for r in roles]
    ann, _ = join(workshop, "Ann")
    vote(ann, workshop, activities[0], roles[2], C)
    vote(ann, workshop, activities[1], roles[3], C)
    assert accept_all(client_in, workshop, keep=False).status_code == 302
    change = Change.objects.get(matrix=matrix)
    assert change.action == Action.CELLS
    assert change.summary.startswith(f"Settled the workshop {workshop.code}")
    change_undo(change=change, by=None)
    assert [code_of(a, r) for a in activities for r in roles] == before


def test_accepting_every_majority_settles_answered_activities_only(client_in, workshop, matrix):
    activities, roles = cells(matrix)
    ann, _ = join(workshop, "Ann")
    vote(ann, workshop, activities[0], roles[1], A)
    accept_all(client_in, workshop, keep=False)
    assert [code_of(activities[0], r) for r in roles] == ["", A, "", ""]
    assert code_of(activities[1], roles[0]) == A  # nobody answered it: left as it was


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"role": 1}, 400, "Say which activity"),
        ({"activity": "x"}, 400, "whole number"),
        ({"activity": 99999}, 404, "not part of this workshop"),
        ({"code": "Q"}, 400, "Select a valid choice"),
        ({}, 400, "Look at the preview"),
        ({"plan": "e2a8fb14f8ba12e2c1e4bd5d2a1a3a9c"}, 409, "changed since that preview"),
    ],
)
def test_bad_settle_requests_are_refused_and_change_nothing(
    client_in, workshop, data, status, message
):
    before = list(Responsibility.objects.values_list("activity", "role", "code"))
    response = client_in.post(f"{workshop.get_absolute_url()}settle/", data)
    assert response.status_code == status
    assert message in response.content.decode()
    assert list(Responsibility.objects.values_list("activity", "role", "code")) == before


def test_reveal_and_remove_change_what_participants_see(client_in, workshop):
    _ann_client, ann = join(workshop, "Ann")
    url = workshop.get_absolute_url()
    client_in.post(f"{url}reveal/", {"revealed": "on"})
    workshop.refresh_from_db()
    assert workshop.revealed
    client_in.post(f"{url}reveal/", {})
    workshop.refresh_from_db()
    assert not workshop.revealed
    response = client_in.post(f"{url}participants/{ann.pk}/remove/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Nobody has joined yet" in response.content.decode()
    assert client_in.post(f"{url}participants/{ann.pk}/remove/").status_code == 404


def test_the_results_export_as_csv_and_json_with_names_anonymised_on_request(
    client_in, workshop, matrix
):
    activities, roles = cells(matrix)
    ann, _ = join(workshop, "=Ann")
    bob, _ = join(workshop, "Bob")
    vote(ann, workshop, activities[0], roles[0], A)
    vote(bob, workshop, activities[0], roles[0], None)
    url = workshop.get_absolute_url()
    response = client_in.get(f"{url}export.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Participant", "Phase", "Activity", "Role", "Letter"]
    assert rows[1] == ["'=Ann", "Phase 0", "Activity 0", roles[0].name, "A"]
    assert rows[2][0] == "Bob" and rows[2][4] == "none"
    anonymous = client_in.get(f"{url}export.csv?anonymous=on").content.decode("utf-8-sig")
    assert "Ann" not in anonymous and "Participant 1" in anonymous
    data = json.loads(client_in.get(f"{url}export.json?anonymous=on").content)
    assert data["workshop"]["anonymised"] is True
    assert [p["name"] for p in data["participants"]] == ["Participant 1", "Participant 2"]
    first = data["activities"][0]["cells"][0]
    assert first["votes"] == {"A": 1, "none": 1}
    assert client_in.get(f"{url}export.xml").status_code == 404


def test_a_closed_workshop_keeps_its_board_and_can_still_be_settled(client_in, workshop, matrix):
    activities, roles = cells(matrix)
    ann, _ = join(workshop, "Ann")
    vote(ann, workshop, activities[0], roles[2], C)
    services.workshop_set_state(workshop=workshop, state=WorkshopState.CLOSED)
    page = client_in.get(workshop.get_absolute_url()).content.decode()
    assert "Scan to join" not in page
    client_in.post(f"{workshop.get_absolute_url()}settle/", {"activity": activities[0].pk})
    assert code_of(activities[0], roles[2]) == C


def test_the_matrix_page_offers_editors_to_start_a_workshop(client_in, matrix, team):
    assert f"/m/{matrix.slug}/workshops/" in client_in.get(f"/m/{matrix.slug}/").content.decode()
    viewer = member_client(team, AccessLevel.VIEWER)
    assert "Start a workshop" not in viewer.get(f"/m/{matrix.slug}/").content.decode()


@pytest.mark.parametrize("size", [(2, 2, 1, 1), (10, 7, 6, 4)])
def test_the_start_page_board_redraw_and_exports_take_constant_queries(
    client_in, team, user, django_assert_num_queries, size
):
    activities, roles, people, earlier = size
    matrix = make_matrix(team=team, activities=activities, roles=roles)
    for _ in range(earlier):
        services.workshop_start(matrix=matrix, activities=matrix.activities.all(), by=user)
    workshop = Workshop.objects.filter(matrix=matrix).first()
    _crowd(workshop, matrix, people)
    # Session, user, matrix (with its team), activities, workshops with their people.
    with django_assert_num_queries(5):
        assert client_in.get(f"/m/{matrix.slug}/workshops/").status_code == 200
    url = workshop.get_absolute_url()
    # The board over HTTP (board_live) once something changed: as the page, in 11 queries.
    client_in.get(url)  # fills the structure cache
    with django_assert_num_queries(11):
        response = client_in.get(f"{url}live/?version=0", HTTP_HX_REQUEST="true")
        assert response.status_code == 200
    # The board's reads, then the votes once more, in the participants' order.
    with django_assert_num_queries(12):
        assert client_in.get(f"{url}export.csv").status_code == 200
    with django_assert_num_queries(12):
        assert client_in.get(f"{url}export.json?anonymous=on").status_code == 200


def test_the_board_warns_when_phones_cannot_reach_its_address(client_in, workshop, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "192.168.1.20", "raci.lan"]
    url = workshop.get_absolute_url()
    for host in ["127.0.0.1:8000", "localhost", "[::1]:8000"]:
        assert "Phones cannot reach" in client_in.get(url, HTTP_HOST=host).content.decode()
    for host in ["192.168.1.20:8000", "raci.lan"]:
        page = client_in.get(url, HTTP_HOST=host).content.decode()
        assert "Phones cannot reach" not in page
        assert f"http://{host}/w/{workshop.code}/" in page
