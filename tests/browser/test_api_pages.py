"""In Chromium: the API's interactive docs work under the app's Content Security Policy (their
script and styles are our static files; nothing from a CDN), and the API tokens page passes axe."""

import pytest

from tests.browser.conftest import run_axe

pytestmark = pytest.mark.browser


def test_the_interactive_docs_work_under_the_csp(browser, server, seeded):
    context = browser.new_context()
    page = context.new_page()
    problems, requests = [], []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    response = page.goto(f"{server.url}/api/v1/docs")
    assert "script-src" in response.headers["content-security-policy"]
    page.get_by_text("RACI Builder API").first.wait_for(timeout=20_000)
    page.get_by_text("/api/v1/matrices/{slug}/cells/block").first.wait_for(timeout=20_000)
    page.get_by_role("button", name="Authorize").wait_for()
    context.close()
    assert problems == [], problems  # a CSP violation is logged as a console error
    assert all(url.startswith(server.url) for url in requests), requests


def test_the_tokens_page_makes_a_token_and_passes_axe(login, server):
    page = login("tia")
    page.goto(f"{server.url}/accounts/tokens/")
    page.get_by_label("Name").fill("Wiki page")
    page.get_by_role("button", name="Make the token").click()
    secret = page.get_by_label("The new token").input_value()
    assert secret.startswith("raci_")
    assert page.get_by_role("row", name="Wiki page").is_visible()
    assert run_axe(page) == []
