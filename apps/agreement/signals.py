"""What the agreement tells the apps above it (apps/webhooks, apps/live), which it never
imports: a matrix became agreed by everyone who holds its roles, or stopped being so. Sent once
per transition, after the transaction that caused it commits (``transaction.on_commit``); one
that rolls back is never heard of.

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
# Anything the agreement's panel shows moved (an answer, a request, a review date, an answer
# out of date): sent with ``matrix_id`` after commit, once per service call. The live layer
# tells the matrix's open pages to read the panel again (apps/live/receivers.py).
agreement_changed = Signal()


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


def changed(*, matrix) -> None:
    """Tell, after commit, that the matrix's agreement reads differently now."""
    sender, matrix_id = type(matrix), matrix.pk
    transaction.on_commit(lambda: agreement_changed.send_robust(sender=sender, matrix_id=matrix_id))
