"""What the agreement tells the apps above it (apps/webhooks), which it never imports: a matrix
became agreed by everyone who holds its roles, or stopped being so. Sent once per transition,
after the transaction that caused it commits (``transaction.on_commit``); one that rolls back is
never heard of.

Both signals carry ``matrix``, ``agreed`` (how many holders agree), ``total`` (how many hold a
role) and ``pending`` (what keeps it from being agreed, in words: ["1 out of date"]; empty when
agreed)."""

from django.db import transaction
from django.dispatch import Signal

# Everyone asked agrees: the last answer came in, was recorded, or stands again after an undo.
agreement_reached = Signal()
# An agreed matrix is no longer: a change altered someone's letters (their answer went out of
# date), or someone who had agreed answered again with an objection.
agreement_lost = Signal()


def announce(*, matrix, was: bool, summary) -> None:
    """Tell of the transition from ``was`` (agreed by everyone before) to ``summary``'s state,
    if there is one, after commit."""
    now = summary.everyone
    if was == now:
        return
    signal = agreement_reached if now else agreement_lost
    counts = {"agreed": summary.agreed, "total": summary.total, "pending": summary.pending}
    sender = type(matrix)
    transaction.on_commit(lambda: signal.send_robust(sender=sender, matrix=matrix, **counts))
