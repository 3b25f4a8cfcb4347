"""Registering webhooks, and queueing deliveries for the worker (tasks.deliver), which sends
them: never inside a request."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import Team

from .models import PING, Delivery, Event, Status, Webhook
from .targets import resolve

MAX_PER_TEAM = 20


def webhook_create(*, team: Team, url: str, events: list[str], by) -> Webhook:
    """UnsafeTarget (a ValueError) when the URL may not be sent to."""
    resolve(url)
    with transaction.atomic():
        hooks = _team_hooks(team.pk)
        if len(hooks) >= MAX_PER_TEAM:
            raise ValueError(f"A team has at most {MAX_PER_TEAM} webhooks.")
        hook = Webhook.objects.create(
            team=team,
            url=url,
            events=[event for event in Event.values if event in events],
            secret=secrets.token_hex(32),
            created_by=by,
        )
        _change_webhooks_mark(team.pk, [*hooks, hook])
    return hook


@transaction.atomic
def webhook_delete(*, webhook: Webhook) -> None:
    webhook.delete()
    webhooks_recount(team_id=webhook.team_id)


@transaction.atomic
def webhooks_recount(*, team_id: int) -> None:
    """Mark whether one of the team's webhooks asked for every change to its matrices, after
    its webhooks changed by other means than the two services above (the admin)."""
    _change_webhooks_mark(team_id, _team_hooks(team_id))


def _team_hooks(team_id: int) -> list[Webhook]:
    """The team's webhooks, read under its row's lock: two registrations or removals at once
    mark ``Team.change_webhooks`` one after the other, each from the webhooks the other left."""
    Team.objects.select_for_update().filter(pk=team_id).first()
    return list(Webhook.objects.filter(team=team_id))


def _change_webhooks_mark(team_id: int, hooks: list[Webhook]) -> None:
    """``Team.change_webhooks``, which each change to a matrix reads back with its version
    (apps/matrices/changes.py): without it, no change looks for the team's webhooks."""
    wanted = any(Event.MATRIX_CHANGED in hook.events for hook in hooks)
    Team.objects.filter(pk=team_id).update(change_webhooks=wanted)


def _queue(deliveries: list[Delivery]) -> None:
    from .tasks import deliver

    for delivery in deliveries:
        transaction.on_commit(lambda pk=delivery.pk: deliver.enqueue(pk))


def event_send(*, team_id: int, event: str, payload: dict) -> list[Delivery]:
    """A delivery to each of the team's webhooks that asked for ``event``."""
    hooks = [hook for hook in Webhook.objects.filter(team=team_id) if event in hook.events]
    if not hooks:
        return []
    body = {"event": event, "sent_at": timezone.now().isoformat(), "team": team_id, **payload}
    with transaction.atomic():
        deliveries = Delivery.objects.bulk_create(
            Delivery(webhook=hook, event=event, payload=body) for hook in hooks
        )
        _queue(deliveries)
    return deliveries


def delivery_test(*, webhook: Webhook) -> Delivery:
    """The "Send a test event" button: a ping, delivered as any event is."""
    payload = {
        "event": PING,
        "sent_at": timezone.now().isoformat(),
        "team": webhook.team_id,
        "message": "A test event from RACI Builder.",
    }
    with transaction.atomic():
        delivery = Delivery.objects.create(webhook=webhook, event=PING, payload=payload)
        _queue([delivery])
    return delivery


def delivery_outcome(*, delivery: Delivery, code: int | None, error: str = "") -> timedelta | None:
    """Record an attempt; return how long to wait before the next one, or None when done
    (delivered, or given up after the last of WEBHOOK_RETRY_DELAYS)."""
    now = timezone.now()
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.response_code = code
    delivery.error = error[:300]
    delays = settings.WEBHOOK_RETRY_DELAYS
    wait = None
    if code is not None and 200 <= code < 300:
        delivery.status = Status.DELIVERED
        delivery.next_attempt_at = None
    elif delivery.attempts <= len(delays):
        wait = timedelta(seconds=delays[delivery.attempts - 1])
        delivery.status = Status.RETRYING
        delivery.next_attempt_at = now + wait
    else:
        delivery.status = Status.FAILED
        delivery.next_attempt_at = None
    delivery.save()
    return wait
