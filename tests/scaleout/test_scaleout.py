"""Two app processes on one PostgreSQL database and one Redis: a change made through one reaches
the browsers whose streams are on the other, through Redis's pub/sub, within a second."""

import time

import pytest

from .conftest import empty_cells, expect_code, type_letter

pytestmark = pytest.mark.browser


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
