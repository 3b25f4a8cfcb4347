"""The live layer listens to what the apps below announce, after it commits, and tells the
consumers (consumers.py) through the channel layer: a change to a matrix goes to everyone who has
it open; a change to someone's access makes their streams check it again."""

from django.contrib.auth import get_user_model, user_logged_out
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from apps.accounts.models import Membership
from apps.agreement.signals import agreement_changed
from apps.matrices.changes import MatrixChange, change_committed, matrix_deleted
from apps.notices.signals import notices_changed
from apps.sharing.services import share_links_revoked
from apps.workshops.changes import WorkshopChange, workshop_changed

from .broadcast import publish
from .groups import matrix_group, shared_group, team_group, user_group
from .origin import origin
from .workshop.groups import ballots_group, board_group


@receiver(change_committed, dispatch_uid="live_matrix_changed")
def matrix_changed(sender, change: MatrixChange, **kwargs) -> None:
    publish(
        matrix_group(change.matrix_id),
        {
            "type": "matrix.changed",
            "matrix": change.matrix_id,
            "version": change.version,
            "action": str(change.action),
            "cells": [list(cell) for cell in change.cells],
            "by": change.by.pk if change.by is not None else None,
            "by_name": change.by_name,
            "summary": change.summary,
            "origin": origin.get(),
        },
    )


@receiver(matrix_deleted, dispatch_uid="live_matrix_deleted")
def matrix_gone(sender, matrix_id: int, **kwargs) -> None:
    publish(matrix_group(matrix_id), {"type": "matrix.deleted"})


@receiver(share_links_revoked, dispatch_uid="live_share_links_revoked")
def share_links_closed(sender, matrix_id: int, **kwargs) -> None:
    publish(shared_group(matrix_id), {"type": "access.check"})


@receiver(agreement_changed, dispatch_uid="live_agreement_changed")
def agreement_moved(sender, matrix_id: int, **kwargs) -> None:
    """An answer, a request, an answer out of date: the team's open pages of the matrix read
    their agreement panel again (share links' visitors are not shown it)."""
    publish(team_group(matrix_id), {"type": "agreement.changed"})


@receiver(notices_changed, dispatch_uid="live_notices_changed")
def bell_rung(sender, user_ids, **kwargs) -> None:
    """Someone's unread notices changed: every page of theirs with a stream reads its bell."""
    for user_id in user_ids:
        publish(user_group(user_id), {"type": "notices.changed"})


@receiver(workshop_changed, dispatch_uid="live_workshop_changed")
def workshop_change(sender, change: WorkshopChange, **kwargs) -> None:
    """Every change reaches the workshop's boards; what participants see, its ballots too."""
    message = {
        "type": "workshop.changed",
        "workshop": change.workshop_id,
        "version": change.version,
        "stage": change.stage,
        "state": change.state,
        "revealed": change.revealed,
        "what": str(change.what),
        "participant": change.participant_id,
        "participants": list(change.participant_ids),
    }
    publish(board_group(change.workshop_id), message)
    if change.for_ballots:
        publish(ballots_group(change.workshop_id), message)


# Memberships change through the team pages' services, the admin and cascades (a team or a user
# deleted): the model's own signals hear all of them. They only ask the streams to check again.


@receiver(post_save, sender=Membership, dispatch_uid="live_membership_saved")
@receiver(post_delete, sender=Membership, dispatch_uid="live_membership_deleted")
def membership_changed(sender, instance: Membership, **kwargs) -> None:
    _check_access_after_commit(instance.user_id)


@receiver(post_save, sender=get_user_model(), dispatch_uid="live_user_saved")
def user_changed(sender, instance, created: bool = False, update_fields=None, **kwargs) -> None:
    # A user made inactive, or given a new password (which signs out their sessions), loses
    # their streams; a login, which saves the time of the last login, changes nothing.
    if created or (update_fields is not None and not {"is_active", "password"} & update_fields):
        return
    _check_access_after_commit(instance.pk)


@receiver(user_logged_out, dispatch_uid="live_user_logged_out")
def user_signed_out(sender, user=None, **kwargs) -> None:
    # The session has ended: its streams (the bell's, which checks rarely, among them) end now.
    if user is not None:
        _check_access_after_commit(user.pk)


def _check_access_after_commit(user_id: int) -> None:
    transaction.on_commit(lambda: publish(user_group(user_id), {"type": "access.check"}))
