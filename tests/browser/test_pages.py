"""The pages as a person sees them; also writes the screenshots used in the README."""

import os
import shutil

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from apps.matrices.models import Matrix, Responsibility
from apps.workshops.services import workshop_start

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
    assert page.locator("td[id^='cell-'][class^='l-']").count() > 40
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


# One line: every piece of text the item shows sits on the same line (an item may show one of
# two labels, "My responsibilities" or, on a phone, "Mine").
ONE_LINE = """el => {
    const range = document.createRange();
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    const lines = new Set();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        range.selectNodeContents(node);
        for (const rect of range.getClientRects()) if (rect.width) lines.add(Math.round(rect.top));
    }
    // Whole, too: not cut off by the menu's own edge (it scrolls when the items do not fit).
    const clip = (el.closest("nav") || document.body).getBoundingClientRect();
    const box = el.getBoundingClientRect();
    return lines.size === 1 && box.right <= Math.min(innerWidth, clip.right) + 0.5;
}"""


def test_at_phone_width_each_menu_item_keeps_to_one_line(login, server):
    page = login("alexandra", width=390, height=844)
    # Staff have one item more (Admin); the workshop board sets larger type. The items: Matrices,
    # Mine (My responsibilities), Roles (Role guide), Teams, Admin, Log out.
    get_user_model().objects.filter(username="alexandra").update(is_staff=True)
    matrix = Matrix.objects.get(slug="product-roles")
    workshop = workshop_start(matrix=matrix, activities=matrix.activities.all()[:2])
    for path in ["/", "/m/product-roles/", "/roles/", workshop.get_absolute_url()]:
        page.goto(server.url + path)
        items = page.locator(".site-header nav a, .site-header .logout button")
        expect(items).to_have_count(6)
        for i in range(6):
            item = items.nth(i)
            assert item.evaluate(ONE_LINE), f"{path}: “{item.inner_text()}” wraps or is cut off"


def test_at_phone_width_the_findings_panel_shows_its_last_line_whole(login, server):
    page = login("phil", width=390, height=844)
    # Two activities without an Accountable: two errors and the matrix's note, open.
    matrix = Matrix.objects.get(slug="product-roles")
    Responsibility.objects.filter(
        activity__in=matrix.activities.order_by("phase__position", "position")[:2], code="A"
    ).delete()
    page.goto(server.url + "/m/product-roles/")
    page.locator("#findings-panel > summary").click()  # closed until asked
    findings = page.locator("#summary .findings")
    expect(findings.locator("li")).to_have_count(3)
    last = findings.locator("li").last.bounding_box()
    box = findings.bounding_box()
    assert last["y"] + last["height"] <= box["y"] + box["height"] + 0.5
    assert findings.evaluate("el => el.scrollHeight <= el.clientHeight")
