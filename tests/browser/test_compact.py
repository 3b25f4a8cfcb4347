"""The compact view: an activity a line, so that a laptop screen shows most of a matrix."""

import pytest
from playwright.sync_api import expect

from apps.accounts.models import Preferences

from .conftest import eventually
from .test_pages import shoot

pytestmark = pytest.mark.browser

SAMPLE = "/m/product-roles/"


def rows_in_view(page) -> int:
    """Activity rows shown whole, inside the grid's scroll box and the window."""
    return page.evaluate(
        """() => {
            const box = document.querySelector(".grid-scroll").getBoundingClientRect();
            const bottom = Math.min(box.bottom, innerHeight);
            return Array.from(document.querySelectorAll("tr.activity-row")).filter(tr => {
                const r = tr.getBoundingClientRect();
                return r.top >= box.top && r.bottom <= bottom;
            }).length;
        }"""
    )


def test_the_compact_view_shows_18_rows_on_a_laptop_and_is_remembered(login, server):
    page = login("cora", width=1440, height=900)
    page.goto(server.url + SAMPLE)
    toggle = page.get_by_role("button", name="Compact view")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    comfortable = rows_in_view(page)

    toggle.click()
    expect(page.locator("main.compact")).to_be_attached()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    assert rows_in_view(page) >= 18 > comfortable
    expect(page.locator("#summary > details")).not_to_have_attribute("open", "")
    assert eventually(lambda: Preferences.objects.get(user__username="cora").compact_grid)

    # Remembered: a new page comes compact; a description shows on hover, and stays readable.
    page.reload()
    expect(page.locator("main.compact")).to_be_attached()
    described = page.locator("tr.activity-row th.activity:has(.activity-description)").first
    described.hover()
    tip = page.locator("#note-tip")
    expect(tip).to_be_visible()
    expect(tip).to_have_text(described.locator(".activity-description").text_content())
    # For the README: a block selected in the compact view.
    page.mouse.move(5, 5)
    first = page.locator("tr.activity-row").nth(4).locator("td[id^='cell-']").nth(2)
    last = page.locator("tr.activity-row").nth(7).locator("td[id^='cell-']").nth(4)
    first.click()
    page.keyboard.press("Escape")
    last.click(modifiers=["Shift"])
    expect(page.locator("#grid-selection")).to_be_visible()
    shoot(page, "editor-compact")

    toggle = page.get_by_role("button", name="Compact view")
    toggle.click()
    expect(page.locator("main.compact")).to_have_count(0)
    assert eventually(lambda: not Preferences.objects.get(user__username="cora").compact_grid)
