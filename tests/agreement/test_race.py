"""The two last holders agreeing at the same moment: each answer takes the matrix's row, so the
second sees the first's, and the matrix announces that everyone agreed, once. Real transactions,
a thread (and connection) each: on SQLite, and on PostgreSQL with DATABASE_URL set."""

import threading

import pytest
from django.utils import timezone

from apps.agreement import services
from apps.agreement.selectors import my_part
from apps.agreement.signals import agreement_reached

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_last_answers_at_once_announce_the_agreement_once(world):
    services.agreement_ask(matrix=world.matrix, by=world.ed)
    services.agreement_record(
        matrix=world.matrix, person=world.dana, by=world.ed, meeting_on=timezone.localdate()
    )
    seen = {user: my_part(world.matrix, user).fingerprint for user in (world.ana, world.vi)}
    heard = []

    def hear(sender, **kwargs):
        heard.append(kwargs)

    agreement_reached.connect(hear)
    start = threading.Barrier(2, timeout=30)
    errors = []

    def answer(user, person):
        from django.db import connection

        try:
            start.wait()
            services.agreement_answer(
                matrix=world.matrix, person=person, by=user, agree=True, seen=seen[user]
            )
        except BaseException as error:  # handed to the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=answer, args=(world.ana, world.ana_p)),
        threading.Thread(target=answer, args=(world.vi, world.vi_p)),
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        agreement_reached.disconnect(hear)
    assert not errors, errors
    assert len(heard) == 1
