"""The agreement told to a team's webhooks: ``matrix.agreed`` once, when the last holder agrees;
``matrix.agreement_lost`` once, when a change puts an agreed matrix's answer out of date (or
someone who agreed objects). Announced by the agreement after commit (apps/agreement/signals.py)
and heard by apps/webhooks; nothing for another team, nothing for a share-link guest."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.accounts.services import team_create
from apps.agreement import services
from apps.agreement.selectors import my_part
from apps.history.models import Change
from apps.history.services import change_undo
from apps.matrices.services import activity_create, responsibility_assign
from apps.people import services as people
from apps.sharing.services import share_link_create
from apps.webhooks.models import Delivery, Event, Webhook
from apps.webhooks.services import webhook_create
from tests.conftest import make_user

from .conftest import C

AGREEMENT_EVENTS = [Event.MATRIX_AGREED, Event.MATRIX_AGREEMENT_LOST]


@pytest.fixture(autouse=True)
def _loopback_allowed(settings):
    settings.WEBHOOK_ALLOWED_PRIVATE_NETWORKS = ["127.0.0.1/32"]


@pytest.fixture
def hooks(world):
    """The team's webhook wants every event; another team's wants the agreement's."""
    ours = webhook_create(
        team=world.team, url="http://127.0.0.1:9/ours", events=Event.values, by=world.ana
    )
    owner = make_user("olga")
    theirs = webhook_create(
        team=team_create(name="Elsewhere", owner=owner),
        url="http://127.0.0.1:9/theirs",
        events=AGREEMENT_EVENTS,
        by=owner,
    )
    return ours, theirs


def agree(world, user, person):
    services.agreement_answer(
        matrix=world.matrix,
        person=person,
        by=user,
        agree=True,
        seen=my_part(world.matrix, user).fingerprint,
    )


def everyone_agrees(world):
    services.agreement_ask(matrix=world.matrix, by=world.ed)
    agree(world, world.ana, world.ana_p)
    agree(world, world.vi, world.vi_p)
    services.agreement_record(
        matrix=world.matrix, person=world.dana, by=world.ed, meeting_on=timezone.localdate()
    )


def sent(hook) -> list[str]:
    return list(
        Delivery.objects.filter(webhook=hook, event__in=AGREEMENT_EVENTS)
        .order_by("pk")
        .values_list("event", flat=True)
    )


def test_the_last_agreement_sends_matrix_agreed_once(
    world, hooks, django_capture_on_commit_callbacks
):
    ours, theirs = hooks
    with django_capture_on_commit_callbacks(execute=True):
        services.agreement_ask(matrix=world.matrix, by=world.ed)
        agree(world, world.ana, world.ana_p)
        agree(world, world.vi, world.vi_p)
    assert sent(ours) == []  # Dana has not agreed yet
    with django_capture_on_commit_callbacks(execute=True):
        services.agreement_record(
            matrix=world.matrix, person=world.dana, by=world.ed, meeting_on=timezone.localdate()
        )
    delivery = Delivery.objects.get(webhook=ours, event=Event.MATRIX_AGREED)
    payload = delivery.payload
    assert payload["event"] == "matrix.agreed" and payload["team"] == world.team.pk
    assert payload["matrix"] == {
        "slug": world.matrix.slug,
        "title": "Launch plan",
        "url": world.matrix.get_absolute_url(),
        "api": f"/api/v1/matrices/{world.matrix.slug}",
    }
    assert payload["agreement"] == {"agreed": 3, "holders": 3, "pending": []}
    assert sent(theirs) == []  # another team hears nothing of this one's matrices

    # Further changes that leave everyone's letters as they agreed to them send nothing more:
    # a new activity, with no letters yet, and Ana agreeing again.
    with django_capture_on_commit_callbacks(execute=True):
        activity_create(
            matrix=world.matrix, phase=world.rows[0].phase, name="Retrospective", by=world.ed
        )
        agree(world, world.ana, world.ana_p)
    assert sent(ours) == ["matrix.agreed"]
    assert Delivery.objects.filter(webhook=ours, event=Event.MATRIX_CHANGED).count() == 1


def test_an_outdated_answer_loses_the_agreement_and_agreeing_again_restores_it(
    world, hooks, django_capture_on_commit_callbacks
):
    ours, theirs = hooks
    with django_capture_on_commit_callbacks(execute=True):
        everyone_agrees(world)
    with django_capture_on_commit_callbacks(execute=True):
        # Vi holds the second column: their R on the second activity becomes a C.
        responsibility_assign(
            matrix=world.matrix, activity=world.rows[1], role=world.roles[1], code=C, by=world.ed
        )
    assert sent(ours) == ["matrix.agreed", "matrix.agreement_lost"]
    lost = Delivery.objects.get(webhook=ours, event=Event.MATRIX_AGREEMENT_LOST).payload
    assert lost["agreement"] == {"agreed": 2, "holders": 3, "pending": ["1 out of date"]}
    assert lost["matrix"]["slug"] == world.matrix.slug

    with django_capture_on_commit_callbacks(execute=True):
        agree(world, world.vi, world.vi_p)
    assert sent(ours) == ["matrix.agreed", "matrix.agreement_lost", "matrix.agreed"]
    assert sent(theirs) == []


def test_undo_that_brings_the_answer_back_restores_the_agreement(
    world, hooks, django_capture_on_commit_callbacks
):
    ours, _ = hooks
    with django_capture_on_commit_callbacks(execute=True):
        everyone_agrees(world)
        responsibility_assign(
            matrix=world.matrix, activity=world.rows[1], role=world.roles[1], code=C, by=world.ed
        )
    with django_capture_on_commit_callbacks(execute=True):
        change_undo(change=Change.objects.filter(matrix=world.matrix).latest("pk"), by=world.ed)
    assert sent(ours) == ["matrix.agreed", "matrix.agreement_lost", "matrix.agreed"]


def test_an_objection_after_agreeing_loses_the_agreement(
    world, hooks, django_capture_on_commit_callbacks
):
    ours, _ = hooks
    with django_capture_on_commit_callbacks(execute=True):
        everyone_agrees(world)
        services.agreement_answer(
            matrix=world.matrix,
            person=world.vi_p,
            by=world.vi,
            agree=False,
            reason="On second thought, QA signs this off",
            seen=my_part(world.matrix, world.vi).fingerprint,
        )
    assert sent(ours) == ["matrix.agreed", "matrix.agreement_lost"]
    lost = Delivery.objects.get(webhook=ours, event=Event.MATRIX_AGREEMENT_LOST).payload
    assert lost["agreement"]["pending"] == ["1 objected"]


def test_a_newcomer_to_a_column_loses_the_agreement_and_their_leaving_restores_it(
    world, hooks, django_capture_on_commit_callbacks
):
    ours, _ = hooks
    with django_capture_on_commit_callbacks(execute=True):
        everyone_agrees(world)
        # Ed now holds the first column with Ana: Ana's letters are as she agreed, but Ed
        # has not been asked.
        people.holders_set(
            matrix=world.matrix, role=world.roles[0], users=[world.ana, world.ed], by=world.ana
        )
    assert sent(ours) == ["matrix.agreed", "matrix.agreement_lost"]
    lost = Delivery.objects.get(webhook=ours, event=Event.MATRIX_AGREEMENT_LOST).payload
    assert lost["agreement"] == {"agreed": 3, "holders": 4, "pending": ["1 not asked"]}
    with django_capture_on_commit_callbacks(execute=True):
        change_undo(change=Change.objects.filter(matrix=world.matrix).latest("pk"), by=world.ed)
    assert sent(ours) == ["matrix.agreed", "matrix.agreement_lost", "matrix.agreed"]


def test_the_last_one_waiting_holding_nothing_now_makes_it_agreed(
    world, hooks, django_capture_on_commit_callbacks
):
    ours, _ = hooks
    with django_capture_on_commit_callbacks(execute=True):
        services.agreement_ask(matrix=world.matrix, by=world.ed)
        agree(world, world.ana, world.ana_p)
        agree(world, world.vi, world.vi_p)
        people.holders_set(matrix=world.matrix, role=world.roles[2], by=world.ana)  # nobody
    assert sent(ours) == ["matrix.agreed"]
    payload = Delivery.objects.get(webhook=ours, event=Event.MATRIX_AGREED).payload
    assert payload["agreement"] == {"agreed": 2, "holders": 2, "pending": []}


def test_a_webhook_hears_only_the_agreement_events_it_asked_for(
    world, django_capture_on_commit_callbacks
):
    hook = webhook_create(
        team=world.team,
        url="http://127.0.0.1:9/lost-only",
        events=[Event.MATRIX_AGREEMENT_LOST],
        by=world.ana,
    )
    with django_capture_on_commit_callbacks(execute=True):
        everyone_agrees(world)
    assert not Delivery.objects.filter(webhook=hook).exists()


def test_a_share_link_guest_sends_nothing_and_is_sent_nothing(
    world, hooks, django_capture_on_commit_callbacks
):
    ours, _ = hooks
    with django_capture_on_commit_callbacks(execute=True):
        services.agreement_ask(matrix=world.matrix, by=world.ed)
        agree(world, world.ana, world.ana_p)
        agree(world, world.vi, world.vi_p)
    link = share_link_create(matrix=world.matrix, by=world.ana)
    guest = Client()
    guest.get(reverse("sharing:view", args=[link.token]))
    seen = my_part(world.matrix, world.vi).fingerprint
    with django_capture_on_commit_callbacks(execute=True):
        response = guest.post(
            reverse("agreement:answer", args=[world.matrix.slug]),
            {"answer": "agree", "seen": seen},
        )
    assert response.status_code in (302, 403, 404)
    assert sent(ours) == []
    with django_capture_on_commit_callbacks(execute=True):
        services.agreement_record(
            matrix=world.matrix, person=world.dana, by=world.ed, meeting_on=timezone.localdate()
        )
    payload = Delivery.objects.get(webhook=ours, event=Event.MATRIX_AGREED).payload
    assert link.token not in str(payload)  # the team's page, never the guest's link
    assert payload["matrix"]["url"] == world.matrix.get_absolute_url()


def test_a_change_to_an_agreed_matrix_reads_no_more_than_before(
    world, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """The agreement hears every change: one that touches nobody's letters costs what it did
    before the webhooks listened: its savepoint, the answers (locked), the holders and their
    letters, the savepoint released; five, as before ``matrix.agreed`` existed."""
    with django_capture_on_commit_callbacks(execute=True):
        everyone_agrees(world)
    with django_assert_num_queries(NUM_REVIEW_QUERIES):
        assert services.agreements_review(matrix=world.matrix, by=world.ed) == []


NUM_REVIEW_QUERIES = 5


def test_the_owner_chooses_the_agreement_events_on_the_webhooks_page(world):
    client = Client()
    client.force_login(world.ana)
    page_url = reverse("webhooks:team", args=[world.team.pk])
    page = client.get(page_url).content.decode()
    assert 'value="matrix.agreed"' in page and 'value="matrix.agreement_lost"' in page
    response = client.post(
        page_url, {"url": "http://127.0.0.1:9/agreed", "events": ["matrix.agreed"]}
    )
    assert response.status_code == 302
    assert Webhook.objects.get(team=world.team).events == ["matrix.agreed"]
