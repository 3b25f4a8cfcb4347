"""The agreement on the matrix page and on My responsibilities, for each kind of user."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from apps.agreement.models import Agreement, Review, State
from apps.agreement.selectors import my_part
from apps.agreement.services import agreement_answer, agreement_ask
from apps.notices.models import AnnouncedActivity
from apps.sharing.services import share_link_create

from .conftest import HX, client_for


def url(world, name):
    return reverse(f"agreement:{name}", args=[world.matrix.slug])


def test_the_team_sees_the_state_on_the_matrix_page(world):
    agreement_ask(matrix=world.matrix, by=world.ed)
    part = my_part(world.matrix, world.vi)
    cell = f"{world.rows[0].pk}-{world.roles[1].pk}"
    agreement_answer(
        matrix=world.matrix,
        person=world.vi_p,
        by=world.vi,
        agree=False,
        reason="QA signs this off, not me",
        objected=[(world.rows[0].pk, world.roles[1].pk)],
        seen=part.fingerprint,
    )
    page = client_for(world.ana).get(world.matrix.get_absolute_url()).content.decode()
    assert f'data-hx-get="{url(world, "panel")}" data-hx-trigger="load"' in page  # panel next
    page = client_for(world.ana).get(url(world, "panel"), **HX).content.decode()
    assert "Agreed by 0 of 3 (2 waiting, 1 objected)" in page
    assert "QA signs this off, not me" in page
    assert f'data-objected="{cell}"' in page
    assert "Ask for agreement" in page  # Ana owns the team
    assert "Your part" in page  # and holds the first column
    viewer_page = client_for(world.vi).get(url(world, "panel"), **HX).content.decode()
    assert "Agreed by 0 of 3" in viewer_page and "Ask for agreement" not in viewer_page


def test_a_share_link_guest_sees_no_agreement(world):
    agreement_ask(matrix=world.matrix, by=world.ed)
    link = share_link_create(matrix=world.matrix, by=world.ana)
    page = Client().get(reverse("sharing:view", args=[link.token])).content.decode()
    assert 'id="agreement"' not in page and "Agreed by" not in page
    assert "notice-bell" not in page  # no account, no notices


def test_an_editor_asks_with_htmx_and_gets_the_panel(world):
    client = client_for(world.ed)
    response = client.post(url(world, "ask"), {"people": [world.vi_p.pk, world.dana.pk]}, **HX)
    assert response.status_code == 200
    assert "Agreed by 0 of 3 (2 waiting, 1 not asked)" in response.content.decode()
    assert set(Agreement.objects.values_list("person", flat=True)) == {
        world.vi_p.pk,
        world.dana.pk,
    }


def test_asking_nobody_is_a_400_that_changes_nothing(world):
    response = client_for(world.ed).post(url(world, "ask"), {}, **HX)
    assert response.status_code == 400
    assert "Choose whom to ask" in response.content.decode()
    assert not Agreement.objects.exists()


def test_viewers_strangers_and_visitors_cannot_ask(world):
    assert (
        client_for(world.vi).post(url(world, "ask"), {"people": [world.vi_p.pk]}).status_code == 403
    )
    assert (
        client_for(world.stranger).post(url(world, "ask"), {"people": [world.vi_p.pk]}).status_code
        == 404
    )
    assert Client().post(url(world, "ask"), {"people": [world.vi_p.pk]}).status_code == 302
    assert not Agreement.objects.exists()


def test_a_viewer_answers_for_themselves_on_the_matrix(world):
    part = my_part(world.matrix, world.vi)
    client = client_for(world.vi)
    refused = client.post(
        url(world, "answer"), {"answer": "object", "seen": part.fingerprint}, **HX
    )
    assert refused.status_code == 400 and "Say why you object" in refused.content.decode()
    response = client.post(
        url(world, "answer"), {"answer": "agree", "seen": part.fingerprint}, **HX
    )
    assert response.status_code == 200
    assert "You agreed to these letters" in response.content.decode()
    assert Agreement.objects.get(person=world.vi_p).state == State.AGREED


def test_an_answer_to_letters_since_changed_is_refused(world):
    client = client_for(world.vi)
    response = client.post(url(world, "answer"), {"answer": "agree", "seen": "0" * 32}, **HX)
    assert response.status_code == 400
    assert "look at them again" in response.content.decode()
    assert not Agreement.objects.exists()


def test_someone_without_a_role_cannot_answer(world):
    response = client_for(world.ed).post(
        url(world, "answer"), {"answer": "agree", "seen": "x"}, **HX
    )
    assert response.status_code == 400
    assert "no role" in response.content.decode()


def test_csrf_is_checked(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.ed)
    assert client.post(url(world, "ask"), {"people": [world.vi_p.pk]}).status_code == 403
    assert not Agreement.objects.exists()


def test_my_responsibilities_asks_and_answers_without_javascript(world):
    agreement_ask(matrix=world.matrix, by=world.ed)
    client = client_for(world.vi)
    page = client.get(reverse("people:mine")).content.decode()
    assert f'hx-get="{reverse("agreement:asked")}"' in page
    part_page = client.get(reverse("agreement:asked"), **HX).content.decode()
    assert "Asked to agree" in part_page and "You are asked to agree to your letters" in part_page
    part = my_part(world.matrix, world.vi)
    response = client.post(
        url(world, "answer"),
        {"answer": "agree", "seen": part.fingerprint, "next": reverse("people:mine")},
    )
    assert response.status_code == 302 and response.url == reverse("people:mine")
    assert "You agreed." in client.get(reverse("people:mine")).content.decode()  # the message
    assert "Asked to agree" not in client.get(reverse("agreement:asked")).content.decode()


def test_an_editor_records_a_meeting_and_sets_the_review(world):
    client = client_for(world.ed)
    response = client.post(
        url(world, "record"), {"person": world.dana.pk, "meeting_on": "2026-11-20"}, **HX
    )
    assert response.status_code == 200
    assert "Agreed in the meeting on 20 November 2026" in response.content.decode()
    refused = client.post(
        url(world, "record"), {"person": world.vi_p.pk, "meeting_on": "2026-11-20"}, **HX
    )
    assert refused.status_code == 400
    response = client.post(url(world, "review"), {"every_days": "90"}, **HX)
    assert "Review every 90 days" in response.content.decode()
    assert Review.objects.get().due_on == dt.date.today() + dt.timedelta(days=90)
    assert client.post(url(world, "review"), {"every_days": "0"}, **HX).status_code == 400
    client.post(url(world, "announce"), {"activities": [world.rows[1].pk]}, **HX)
    assert list(AnnouncedActivity.objects.values_list("activity", flat=True)) == [world.rows[1].pk]


def test_the_matrix_list_says_review_due(world):
    from apps.accounts.services import team_create
    from tests.conftest import make_matrix

    Review.objects.create(matrix=world.matrix, every_days=30, due_on=dt.date(2026, 1, 1))
    theirs = make_matrix(team=team_create(name="Other", owner=world.stranger))
    Review.objects.create(matrix=theirs, every_days=30, due_on=dt.date(2026, 1, 1))
    client = client_for(world.vi)
    page = client.get(reverse("matrices:home")).content.decode()
    assert f'<span id="review-due-{world.matrix.pk}"></span>' in page
    ids = f"{world.matrix.pk},{theirs.pk}"
    marks = client.get(reverse("agreement:due"), {"ids": ids}, **HX).content.decode()
    assert f'id="review-due-{world.matrix.pk}"' in marks and "review due" in marks
    assert f'id="review-due-{theirs.pk}"' not in marks  # not Vi's to see
    assert client.get(reverse("agreement:due"), {"ids": "1;drop"}).status_code == 400


@pytest.mark.parametrize("extra", [0, 6])
def test_the_panel_takes_as_many_queries_however_many_holders(
    world, extra, django_assert_num_queries
):
    from apps.people import services as people

    extras = [people.person_create(team=world.team, name=f"Extra {i}") for i in range(extra)]
    people.holders_set(
        matrix=world.matrix, role=world.roles[2], people=[world.dana, *extras], by=world.ed
    )
    agreement_ask(matrix=world.matrix, by=world.ed)
    client = client_for(world.ana)
    client.get(url(world, "panel"))
    with django_assert_num_queries(14):
        client.get(url(world, "panel"))
