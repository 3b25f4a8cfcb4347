"""What a webhook hears of: a matrix created, changed, deleted, agreed by everyone or no longer
agreed, a workshop settled; each after its transaction commits. Listens to the lower layers'
announcements (the agreement's: apps/agreement/signals.py); they never import this."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from apps.agreement.signals import agreement_lost, agreement_reached
from apps.matrices.changes import change_committed
from apps.matrices.models import Matrix
from apps.workshops.changes import What, workshop_changed
from apps.workshops.models import Workshop

from .models import Event
from .services import event_send


def _matrix(matrix: Matrix) -> dict:
    return {
        "slug": matrix.slug,
        "title": matrix.title,
        "url": matrix.get_absolute_url(),
        "api": f"/api/v1/matrices/{matrix.slug}",
    }


@receiver(change_committed)
def matrix_changed(sender, change, **kwargs):
    matrix = change.matrix
    # No webhook of the team asked for changes: no query (the flag was read back with the
    # change's version, apps/matrices/changes.py).
    if matrix.team_id is None or not matrix.team.change_webhooks:
        return
    event_send(
        team_id=matrix.team_id,
        event=Event.MATRIX_CHANGED,
        payload={
            "matrix": _matrix(matrix),
            "change": {
                "version": change.version,
                "action": str(change.action),
                "summary": change.summary,
                "by": change.by.get_username() if change.by is not None else None,
            },
        },
    )


@receiver(post_save, sender=Matrix)
def matrix_created(sender, instance, created, raw=False, **kwargs):
    if created and not raw and instance.team_id is not None:
        payload = {"matrix": _matrix(instance)}
        team_id = instance.team_id
        transaction.on_commit(
            lambda: event_send(team_id=team_id, event=Event.MATRIX_CREATED, payload=payload)
        )


@receiver(post_delete, sender=Matrix)
def matrix_deleted(sender, instance, **kwargs):
    if instance.team_id is not None:
        payload = {"matrix": {"slug": instance.slug, "title": instance.title}}
        team_id = instance.team_id
        transaction.on_commit(
            lambda: event_send(team_id=team_id, event=Event.MATRIX_DELETED, payload=payload)
        )


@receiver(workshop_changed)
def workshop_settled(sender, change, **kwargs):
    if change.what != What.SETTLED:
        return
    workshop = Workshop.objects.select_related("matrix").filter(pk=change.workshop_id).first()
    if workshop is None or workshop.matrix.team_id is None:
        return
    event_send(
        team_id=workshop.matrix.team_id,
        event=Event.WORKSHOP_SETTLED,
        payload={"matrix": _matrix(workshop.matrix), "workshop": {"code": workshop.code}},
    )


def _agreement(matrix, event: str, agreed: int, total: int, pending: list[str]) -> None:
    if matrix.team_id is None:
        return
    event_send(
        team_id=matrix.team_id,
        event=event,
        payload={
            "matrix": _matrix(matrix),
            "agreement": {"agreed": agreed, "holders": total, "pending": pending},
        },
    )


@receiver(agreement_reached)
def matrix_agreed(sender, matrix, agreed, total, pending, **kwargs):
    _agreement(matrix, Event.MATRIX_AGREED, agreed, total, pending)


@receiver(agreement_lost)
def matrix_agreement_lost(sender, matrix, agreed, total, pending, **kwargs):
    _agreement(matrix, Event.MATRIX_AGREEMENT_LOST, agreed, total, pending)
