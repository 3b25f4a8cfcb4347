"""Webhooks, delivered for real: a change made through the API queues a delivery (never sent
inside the request), the task worker (``manage.py db_worker``, run here in batch mode) sends it
to an HTTP server started by the test, which checks the signature, answers 500 twice and sees
the retries; addresses on the server's own network are refused unless allowed, at saving and
at sending, and redirects are not followed."""

import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from apps.webhooks.models import Delivery, Event, Status, Webhook
from apps.webhooks.services import delivery_test, webhook_create
from apps.webhooks.targets import UnsafeTarget
from tests.api.conftest import Api

from .receiver import Receiver


@pytest.fixture(autouse=True)
def _loopback_allowed(settings):
    settings.WEBHOOK_ALLOWED_PRIVATE_NETWORKS = ["127.0.0.1/32"]
    settings.WEBHOOK_RETRY_DELAYS = [0, 0, 0]
    settings.WEBHOOK_TIMEOUT_SECONDS = 5


@pytest.fixture
def world(live_world):
    return live_world


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def readme_verify():
    """The README's signature check, run as written there."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```python\n(import hashlib.*?def verify.*?)```", readme, re.S).group(1)
    namespace = {}
    exec(block, namespace)  # noqa: S102 - our own README
    return namespace["verify"]


def verify(secret: str, header: str, body: bytes) -> bool:
    return readme_verify()(secret, header, body)


def test_it_delivers_a_signed_change_and_retries_after_a_500(world):
    with Receiver(answers=(500, 500, 200)) as receiver:
        hook = webhook_create(
            team=world.team, url=receiver.url, events=[Event.MATRIX_CHANGED], by=world.owner
        )
        api = Api(world.tokens["editor"])
        response = api.put(
            f"matrices/{world.matrix.slug}/cells/{world.activity.pk}/{world.role.pk}",
            {"code": "C"},
        )
        assert response.status_code == 200
        delivery = Delivery.objects.get(webhook=hook)
        assert delivery.status == Status.PENDING  # queued, not sent inside the request
        assert receiver.received == []

        run_worker()
        received = receiver.wait_for(3)

    assert len(received) == 3
    for request in received:
        assert request.headers["X-Raci-Event"] == "matrix.changed"
        assert verify(hook.secret, request.headers["X-Raci-Signature"], request.body)
        assert not verify("another secret", request.headers["X-Raci-Signature"], request.body)
    payload = json.loads(received[-1].body)
    assert payload["event"] == "matrix.changed"
    assert payload["matrix"]["slug"] == world.matrix.slug
    assert payload["change"]["summary"] == f"{world.role.name} on “{world.activity.name}”: A → C"
    assert payload["change"]["version"] == response.json()["version"]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == (
        Status.DELIVERED,
        3,
        200,
    )


def test_it_gives_up_after_the_last_retry(world, settings):
    settings.WEBHOOK_RETRY_DELAYS = [0]
    with Receiver(answers=(500,)) as receiver:
        hook = webhook_create(
            team=world.team, url=receiver.url, events=[Event.MATRIX_CREATED], by=world.owner
        )
        Api(world.tokens["owner"]).post("matrices", {"title": "Q3", "team": world.team.pk})
        run_worker()
        assert len(receiver.wait_for(2)) == 2
    delivery = Delivery.objects.get(webhook=hook)
    assert (delivery.status, delivery.attempts, delivery.response_code) == (Status.FAILED, 2, 500)
    assert delivery.event == "matrix.created"


def test_it_does_not_follow_redirects(world, settings):
    settings.WEBHOOK_RETRY_DELAYS = []
    with Receiver(answers=(302, 200), location="/elsewhere") as receiver:
        hook = webhook_create(
            team=world.team, url=receiver.url, events=[Event.MATRIX_CHANGED], by=world.owner
        )
        delivery = delivery_test(webhook=hook)
        run_worker()
        received = receiver.wait_for(1)
    assert [r.path for r in received] == ["/hook"]
    delivery.refresh_from_db()
    assert delivery.status == Status.FAILED and delivery.response_code == 302


def test_it_refuses_the_servers_own_network_unless_allowed(world, settings):
    settings.WEBHOOK_ALLOWED_PRIVATE_NETWORKS = []
    for url in (
        "http://127.0.0.1:9/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "ftp://example.com/hook",
    ):
        with pytest.raises(UnsafeTarget):
            webhook_create(team=world.team, url=url, events=[Event.MATRIX_CHANGED], by=world.owner)
    assert not Webhook.objects.exists()


def test_it_checks_the_address_again_at_sending(world, settings):
    with Receiver() as receiver:
        hook = webhook_create(
            team=world.team, url=receiver.url, events=[Event.MATRIX_CHANGED], by=world.owner
        )
        settings.WEBHOOK_ALLOWED_PRIVATE_NETWORKS = []
        settings.WEBHOOK_RETRY_DELAYS = []
        delivery = delivery_test(webhook=hook)
        run_worker()
        assert receiver.received == []
    delivery.refresh_from_db()
    assert delivery.status == Status.FAILED
    assert "private, loopback or link-local" in delivery.error


def test_the_owner_registers_a_webhook_and_sends_a_test_event(world, client):
    client.force_login(world.owner)
    page = reverse("webhooks:team", args=[world.team.pk])
    with Receiver() as receiver:
        response = client.post(page, {"url": receiver.url, "events": ["matrix.changed"]})
        assert response.status_code == 302
        hook = Webhook.objects.get(team=world.team)
        assert hook.events == ["matrix.changed"]
        client.post(reverse("webhooks:test", args=[world.team.pk, hook.pk]))
        run_worker()
        received = receiver.wait_for(1)
    assert received[0].headers["X-Raci-Event"] == "ping"
    assert verify(hook.secret, received[0].headers["X-Raci-Signature"], received[0].body)
    listing = client.get(page)
    assert b"Delivered" in listing.content and b"ping" in listing.content


def test_a_refused_address_is_said_on_the_page_and_nothing_is_saved(world, client, settings):
    settings.WEBHOOK_ALLOWED_PRIVATE_NETWORKS = []
    client.force_login(world.owner)
    response = client.post(
        reverse("webhooks:team", args=[world.team.pk]),
        {"url": "http://127.0.0.1/hook", "events": ["matrix.changed"]},
    )
    assert response.status_code == 400
    assert b"private, loopback or link-local" in response.content
    assert not Webhook.objects.exists()
