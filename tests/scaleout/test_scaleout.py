"""Two app processes on one PostgreSQL database and one Redis: a change made through one reaches
the browsers whose streams are on the other, through Redis's pub/sub, within a second."""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.client import Session

from .conftest import empty_cells, expect_code, sql, type_letter


@pytest.mark.browser
def test_a_change_made_through_one_process_reaches_a_browser_on_the_other_within_a_second(
    stack, person
):
    # Each through a site of nginx in front of one process only: Ana's page and stream are on
    # process 1, Ben's on process 2.
    ana = person("ana", stack.nginx.pinned_url(1))
    ben = person("ben", stack.nginx.pinned_url(2))
    first, second = empty_cells(ana, 2)

    for writer, reader, cell, letter in ((ben, ana, first, "C"), (ana, ben, second, "I")):
        start = time.monotonic()
        type_letter(writer, cell, letter)
        expect_code(reader, cell, letter, timeout=1000)
        assert time.monotonic() - start < 1.0
    for page in (ana, ben):
        assert page.errors == []


def test_requests_in_parallel_leave_no_database_connection_behind(healthy):
    """Each request runs in a thread of its own under ASGI: a connection kept after it would
    never serve another request, and under load the processes ran PostgreSQL out of
    connections. They are closed at the end of each request (CONN_MAX_AGE 0)."""

    def visit(n: int) -> list[int]:
        client = Session("127.0.0.1", healthy.nginx.main.port, tls=True, timeout=30)
        # A share link that does not exist: a database lookup, then 404.
        return [client.get(f"/s/no-such-link-{n}-{i}/").status for i in range(5)]

    with ThreadPoolExecutor(max_workers=40) as pool:
        statuses = [s for batch in pool.map(visit, range(40)) for s in batch]
    assert set(statuses) == {404}
    time.sleep(0.5)
    (open_now,) = sql(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid()"
    )[0]
    assert open_now <= 4
