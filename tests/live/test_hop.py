"""A server process's streams keep one database connection (apps/live/hop.py): every vote,
redraw and access check of a room is a hop, and opening a connection for each cost a fifth of
a busy process's CPU."""

import pytest
from django.db import connection

from apps.accounts.models import Team
from apps.live import hop

from .conftest import run


def _which():
    Team.objects.exists()  # uses the thread's connection, opening one if needed
    return connection.connection  # the object itself: held, so never confused with a new one


def _break() -> None:
    connection.connection.close()  # the server went away under a kept connection
    connection.errors_occurred = True


def _close() -> None:
    connection.close()


def hops(*calls):
    """Each call as a hop, in one scenario (so on one thread: ``run`` gives each scenario a
    thread of its own); the thread's connection closed at the end."""

    async def main():
        try:
            return [await hop.database_hop(call)() for call in calls]
        finally:
            await hop.database_hop(_close)()

    return run(main)


@pytest.fixture
def kept(transactional_db):
    hop.keep_connections()
    yield
    hop.keep_connections(False)


def test_hops_reuse_the_kept_connection(kept):
    first, second, third = hops(_which, _which, _which)
    assert first is second is third


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a SQLite connection is a file: it does not go away (run in CI's PostgreSQL pass)",
)
def test_a_connection_left_unusable_is_replaced_on_the_next_hop(kept):
    before, _, after, again = hops(_which, _break, _which, _which)
    assert before is not after
    assert again is after  # and kept again


def test_without_keeping_every_hop_opens_its_own(transactional_db):
    def open_and_report():
        _which()
        return connection.connection is not None

    # Closed after the hop, as Channels does.
    assert hops(open_and_report, lambda: connection.connection) == [True, None]
