"""The app as its server commands serve it: the limits every recipe shares (config/serving.py),
tried against the server the browser tests use (tests/asgi_server.py, uvicorn in a thread of
the test process, with the recipes' options)."""

import pytest

from bench.client import Session
from tests.browser.conftest import server  # noqa: F401 (a fixture)


@pytest.fixture
def http(server):  # noqa: F811
    """A client of the served app, straight to it (no proxy in between)."""
    client = Session("127.0.0.1", server.port, timeout=20)
    yield client
    client.close()
