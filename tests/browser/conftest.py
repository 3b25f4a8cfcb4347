"""Browser tests: one Chromium for the whole session, driven by Playwright.

Playwright cannot download browsers here; it drives Debian's /usr/bin/chromium. Where that is
missing, the tests are skipped with a plain message, except in CI (CI=true), where they fail.
"""

import time
from pathlib import Path

import pytest

from apps.exchange.seeding import sample_matrix_ensure, sample_team_join, seed_reference_content
from tests.asgi_server import AsgiServer
from tests.conftest import CHROMIUM, IN_CI, _missing, make_user  # noqa: F401 (used here and by others)

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Every expect() waits for its condition, and long enough for a busy 2-core CI machine (the default
# is 5 s): a test waits for what the person would see, never for a time. Speed is the bench's.
try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture says what is missing
    pass
else:
    expect.set_options(timeout=15_000)


@pytest.fixture(scope="session")
def server(django_db_setup, django_db_blocker):
    """The app over ASGI (pages and live streams) in a thread, for the whole session.

    It serves the collected static files through whitenoise, as in production: their URLs
    carry content hashes (the manifest storage), which only exist in STATIC_ROOT.
    """
    with django_db_blocker.unblock():
        server = AsgiServer().start()
        yield server
        server.stop()


@pytest.fixture
def seeded(transactional_db):
    """Live-server tests run in real transactions that are flushed after each test."""
    seed_reference_content()
    return sample_matrix_ensure()


@pytest.fixture
def login(browser, server, seeded):
    """Return a function that opens a logged-in page for a new user of the given size."""
    contexts = []

    def open_page(username="alice", *, width=1366, height=800, sample_access="owner"):
        user = make_user(username)
        sample_team_join(user=user, access=sample_access)
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{server.url}/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill("pw")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{server.url}/")
        return page

    yield open_page
    for context in contexts:
        context.close()


def eventually(check, timeout: float = 15.0) -> bool:
    """Whether ``check()`` comes true within ``timeout`` seconds, asked every 50 ms: for what the
    server saves after the page moved on (a preference), which no locator can wait for."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def run_axe(page) -> list[dict]:
    """Inject axe-core and return its serious and critical violations."""
    if not AXE.exists():
        _missing(str(AXE) + " (run npm ci)")
    # Evaluated through the DevTools protocol, so the page's CSP (rightly) does not block it.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document)")
    return [v for v in result["violations"] if v["impact"] in {"serious", "critical"}]


def focus_cell(page, cell_id: str) -> None:
    """Put the keyboard on a grid cell as a person would: click it, and close the letter
    chooser that a click opens in the editor. (Only one cell is focusable until then: the
    grid has one tab stop.)"""
    from playwright.sync_api import expect

    page.locator(f"#{cell_id}").click()
    if page.locator("#chooser:not([hidden])").count():
        page.keyboard.press("Escape")
    expect(page.locator(f"#{cell_id}")).to_be_focused()
