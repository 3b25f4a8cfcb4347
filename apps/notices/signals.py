"""What the notices tell the apps above them (apps/live), which they never import: some
people's unread notices changed (notices written for them, or read). Sent with ``user_ids``
after the transaction commits; the live layer rings the bell of those people's open pages."""

from django.db import transaction
from django.dispatch import Signal

notices_changed = Signal()


def unread_changed(*, user_ids) -> None:
    ids = frozenset(user_ids)
    if ids:
        transaction.on_commit(lambda: notices_changed.send_robust(sender=None, user_ids=ids))
