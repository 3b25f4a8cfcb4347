"""Faults of the production recipe, with browsers editing: Redis restarts, an app process dies,
PostgreSQL restarts or cannot be reached. Outages are played by the stack's TCP proxies (see
conftest.py); the times they take are printed (pytest -s) and bounded loosely, as a slow CI
machine may need."""

import time

import pytest

from bench.client import Session

from .conftest import (
    LIVE,
    OFFLINE,
    code_on_page,
    empty_cells,
    expect_code,
    stored_code,
    streams_on,
    type_letter,
    wait_until,
)

pytestmark = pytest.mark.browser


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def test_a_redis_restart_loses_no_edit_and_every_page_catches_up(healthy, person):
    ana = person("ana", healthy.nginx.pinned_url(1))
    ben = person("ben", healthy.nginx.pinned_url(2))
    before, *during = empty_cells(ana, 4)
    type_letter(ana, before, "C")
    expect_code(ben, before, "C")

    healthy.redis.cut()
    healthy.redis_flush()  # a restart without persistence forgets the presence lists
    start = time.monotonic()
    log("redis down")

    # Saving never depends on Redis.
    for page, cell, letter in ((ana, during[0], "R"), (ben, during[1], "I")):
        sent = time.monotonic()
        type_letter(page, cell, letter)
        wait_until(lambda c=cell, x=letter: stored_code(c) == x, seconds=5, what="saved")
        log(f"saved {letter} in {time.monotonic() - sent:.2f} s")
        expect_code(page, cell, letter, timeout=5000)  # and the page that made it shows it

    # Each page is told within seconds (apps/live/watch.py asks Redis every 2 s) and says it is
    # reconnecting, rather than look live while it hears nothing.
    for page in (ana, ben):
        page.locator(OFFLINE).wait_for(state="attached", timeout=8_000)
        log(f"offline after {time.monotonic() - start:.1f} s")
    assert "Reconnecting" in ana.locator("#live-status").inner_text()
    type_letter(ana, during[2], "A")
    wait_until(lambda: stored_code(during[2]) == "A", seconds=5, what="saved while offline")

    healthy.redis.restore()
    back = time.monotonic()
    log("redis back")
    for page in (ana, ben):
        page.locator(LIVE).wait_for(state="attached", timeout=20_000)
        log(f"live again after {time.monotonic() - back:.1f} s")
    # Every page catches up with what it missed.
    for cell in during:
        letter = stored_code(cell)
        for page in (ana, ben):
            expect_code(page, cell, letter, timeout=5000)
    log(f"caught up {time.monotonic() - back:.1f} s after redis came back")
    # And changes flow between the processes again.
    (after,) = empty_cells(ana, 1)
    type_letter(ben, after, "C")
    expect_code(ana, after, "C", timeout=1000)
    assert code_on_page(ben, after) == "C"


def test_when_a_streams_process_dies_its_browsers_reconnect_through_nginx_to_the_other(
    healthy, person
):
    pages = [person(name, healthy.nginx.url) for name in ("ana", "ben", "cy")]
    # Each page's stream is one connection from nginx to an ASGI process.
    counts = [streams_on(app) for app in healthy.streams]
    log(f"connections from nginx per ASGI process: {counts}")
    assert sum(counts) >= len(pages)
    doomed = healthy.streams[0] if counts[0] >= counts[1] else healthy.streams[1]
    cells = empty_cells(pages[0], 2)

    doomed.kill()
    start = time.monotonic()
    log(f"killed {doomed.name}, which had {max(counts)} of the streams")
    # A change made at once, through nginx, by a page that may itself be reconnecting: nginx
    # passes it to the living process, and every page ends up showing it.
    type_letter(pages[1], cells[0], "R")
    wait_until(lambda: stored_code(cells[0]) == "R", seconds=10, what="saved through the other")
    log(f"saved after {time.monotonic() - start:.1f} s")
    for page in pages:
        page.locator(LIVE).wait_for(state="attached", timeout=15_000)
    log(f"all live again after {time.monotonic() - start:.1f} s")
    for page in pages:
        expect_code(page, cells[0], "R", timeout=5000)
    log(f"all caught up after {time.monotonic() - start:.1f} s")
    assert sum(streams_on(app) for app in healthy.streams if app is not doomed) >= len(pages)
    # And they go on together, on the one process left.
    type_letter(pages[2], cells[1], "I")
    for page in pages[:2]:
        expect_code(page, cells[1], "I", timeout=1000)


def test_when_a_pages_process_dies_the_pages_answer_through_the_other_and_streams_stay(
    healthy, person
):
    ana = person("ana", healthy.nginx.url)
    ben = person("ben", healthy.nginx.pinned_url(1))  # instance 1's pages and stream
    client = healthy.session(username="cy")
    page_url = f"/m/{healthy.slug}/"
    cells = empty_cells(ana, 2)

    healthy.pages[0].kill()
    start = time.monotonic()
    log("killed pages1 (WSGI)")
    # Through the main site every request is answered, by the other WSGI process: a refused
    # connection is retried on the next server, and a POST is saved.
    for _ in range(6):
        assert client.get(page_url).status == 200
    type_letter(ana, cells[0], "R")
    wait_until(lambda: stored_code(cells[0]) == "R", seconds=10, what="saved through the other")
    log(f"saved after {time.monotonic() - start:.1f} s")
    # The streams never noticed: the ASGI processes are alive, and the change reaches Ben,
    # whose stream is on instance 1.
    expect_code(ben, cells[0], "R", timeout=2000)
    assert ben.locator(LIVE).count() == 1 and ana.locator(LIVE).count() == 1
    # In front of instance 1 alone, the pages have nobody to answer them (502), but the
    # exports are the ASGI process's (config/nginx/raci.conf), and its streams carry changes.
    signed_in = healthy.session(username="dee")  # through the main site
    pinned_only = Session("127.0.0.1", healthy.nginx.pinned[0].port, tls=True, timeout=10)
    pinned_only.cookies.update(signed_in.cookies)
    assert pinned_only.get(page_url).status == 502
    export = pinned_only.get(f"/m/{healthy.slug}/export/csv/")
    assert export.status == 200 and "R" in export.text
    type_letter(ana, cells[1], "I")
    expect_code(ben, cells[1], "I", timeout=2000)


def error_page(client, url: str, *, within: float):
    sent = time.monotonic()
    answer = client.get(url)
    took = time.monotonic() - sent
    log(f"{url} during the outage: {answer.status} in {took:.2f} s")
    assert answer.status == 500 and took < within
    assert "Something went wrong" in answer.text and "try again in a moment" in answer.text
    assert "Back to your matrices" in answer.text
    return answer


def test_a_postgres_restart_answers_with_an_error_page_and_the_app_recovers_by_itself(
    healthy, person
):
    ana = person("ana", healthy.nginx.url)
    ben = person("ben", healthy.nginx.url)
    client = healthy.session(username="cy")
    page_url = f"/m/{healthy.slug}/"
    assert client.get(page_url).status == 200
    cell, later = empty_cells(ana, 2)

    healthy.postgres.cut()
    log("postgres down")
    # Requests answer at once, with the error page (the connection is refused).
    for _ in range(3):
        error_page(client, page_url, within=2)
    # The editor says the change was not saved.
    type_letter(ana, cell, "C")
    ana.wait_for_function(
        "() => /not saved/.test(document.getElementById('grid-status').textContent)",
        timeout=5000,
    )
    assert stored_code(cell) == ""  # (read straight from PostgreSQL, not through the cut)

    healthy.postgres.restore()
    back = time.monotonic()
    log("postgres back")
    # The next request gets its page: the app reconnects by itself (CONN_HEALTH_CHECKS).
    assert client.get(page_url).status == 200
    for page in (ana, ben):
        page.locator(LIVE).wait_for(state="attached", timeout=15_000)
    log(f"streams live after {time.monotonic() - back:.1f} s")
    type_letter(ana, later, "C")
    expect_code(ben, later, "C", timeout=2000)
    assert stored_code(later) == "C"


def test_a_postgres_that_does_not_answer_gets_an_error_page_within_seconds_not_a_hang(
    healthy,
):
    client = healthy.session(username="dee")
    page_url = f"/m/{healthy.slug}/"
    assert client.get(page_url).status == 200
    # Connections are taken and never answered (a host gone, a network dropping packets): the
    # app gives up after connect_timeout, 5 s (config/settings.py), rather than wait minutes.
    healthy.postgres.hang()
    log("postgres hanging")
    error_page(client, page_url, within=9)
    healthy.postgres.restore()
    assert client.get(page_url).status == 200
