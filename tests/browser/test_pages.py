"""The pages as a person sees them; also writes the screenshots used in the README."""

import os
import shutil

import pytest

from .conftest import ARTIFACTS, run_axe

pytestmark = pytest.mark.browser

DOCS = ARTIFACTS.parent / "docs" / "screenshots"


def shoot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    if os.environ.get("UPDATE_SCREENSHOTS"):
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, DOCS / path.name)


def test_the_sample_matrix_and_role_guide_render_without_errors(login):
    page = login()
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.get_by_role("link", name="Product roles").first.click()
    page.wait_for_selector("table.grid")
    assert page.locator("th.band-head").count() >= 5
    assert page.locator("td.cell .letter").count() > 40
    shoot(page, "matrix")

    page.get_by_role("link", name="Role guide").click()
    page.wait_for_selector("table.guide")
    assert page.get_by_role("columnheader", name="Product Owner").count() == 1
    shoot(page, "role-guide")
    assert errors == []


def test_the_pages_have_no_serious_accessibility_violations(login):
    page = login()
    for path in ["/", "/m/product-roles/", "/roles/"]:
        page.goto(page.url.split("/", 3)[0] + "//" + page.url.split("/", 3)[2] + path)
        violations = run_axe(page)
        assert violations == [], [(v["id"], v["help"], len(v["nodes"])) for v in violations]


def test_the_matrix_is_readable_at_phone_width(login):
    page = login("phil", width=390, height=844)
    page.goto(page.url + "m/product-roles/")
    page.wait_for_selector("table.grid")
    # The activity column stays in view when the grid scrolls sideways.
    page.locator(".grid-scroll").evaluate("el => el.scrollLeft = 400")
    box = page.locator("th.activity").first.bounding_box()
    assert box["x"] < 20
    shoot(page, "matrix-phone")
