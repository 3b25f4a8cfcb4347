"""Two app instances (a WSGI and an ASGI process each) on one PostgreSQL database and one Redis:
a change made through one instance's pages reaches the browsers whose streams are on the other's,
through Redis's pub/sub, within a second."""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.client import Session

from .conftest import empty_cells, expect_code, sql, type_letter


@pytest.mark.browser
def test_a_change_made_through_one_process_reaches_a_browser_on_the_other_within_a_second(
    stack, person
):
    # Each through a site of nginx in front of one instance only: Ana's edits go through WSGI
    # process 1 and her stream is on ASGI process 1; Ben's, on instance 2.
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


def test_requests_in_parallel_keep_one_database_connection_per_thread_not_per_request(healthy):
    """The pages' WSGI processes keep a connection per thread (CONN_MAX_AGE, config/settings.py)
    and reuse it: however many requests, PostgreSQL holds at most one per thread (two processes
    of one worker with config.serving.WSGI_THREADS threads each), plus the streams' own."""
    from config.serving import WSGI_THREADS

    def visit(n: int) -> list[int]:
        client = Session("127.0.0.1", healthy.nginx.main.port, tls=True, timeout=30)
        # A share link that does not exist: a database lookup, then 404.
        return [client.get(f"/s/no-such-link-{n}-{i}/").status for i in range(5)]

    def connections() -> int:
        return sql(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )[0][0]

    kept = len(healthy.pages) * WSGI_THREADS
    for _ in range(2):
        with ThreadPoolExecutor(max_workers=40) as pool:
            statuses = [s for batch in pool.map(visit, range(40)) for s in batch]
        assert set(statuses) == {404}
        assert connections() <= kept + 2
