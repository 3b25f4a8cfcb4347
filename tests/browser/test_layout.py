"""Where things land on the screen: menus inside it (a phone's column menus, a phase's menu near
the bottom), a hint that the grid goes on past its right edge, a new matrix's findings closed
with their counts in view, so that the grid starts above the fold."""

import re

import pytest
from playwright.sync_api import expect

from apps.matrices.models import Matrix, Responsibility
from apps.matrices.services.structure import activity_create, phase_create

pytestmark = pytest.mark.browser

SAMPLE = "/m/product-roles/"
READY = "() => performance.getEntriesByName('raci:interactive').length"

# The part of the screen an element is seen in: the window, cut by every box that clips it.
SEEN_IN = """el => {
    let left = 0, right = document.documentElement.clientWidth;
    let top = 0, bottom = document.documentElement.clientHeight;
    for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
        if (getComputedStyle(node).overflowX === "visible") continue;
        const r = node.getBoundingClientRect();
        left = Math.max(left, r.left + node.clientLeft);
        right = Math.min(right, r.left + node.clientLeft + node.clientWidth);
        top = Math.max(top, r.top + node.clientTop);
        bottom = Math.min(bottom, r.top + node.clientTop + node.clientHeight);
    }
    const box = el.getBoundingClientRect();
    return {left, right, top, bottom, box: {left: box.left, right: box.right, top: box.top,
            bottom: box.bottom}};
}"""


def assert_whole(element, what: str) -> None:
    seen = element.evaluate(SEEN_IN)
    box = seen["box"]
    assert seen["left"] - 0.5 <= box["left"] and box["right"] <= seen["right"] + 0.5, (what, seen)
    assert seen["top"] - 0.5 <= box["top"] and box["bottom"] <= seen["bottom"] + 0.5, (what, seen)


def test_on_a_phone_every_columns_menu_opens_inside_the_screen(login, server):
    page = login("cole", width=390, height=844)
    page.goto(server.url + SAMPLE)
    page.wait_for_function(READY)
    heads = page.locator("thead th.role-col")
    for index in range(heads.count()):
        head = heads.nth(index)
        head.scroll_into_view_if_needed()
        head.locator("details.column-menu > summary").click()
        menu = head.locator(".column-menu .menu-body")
        expect(menu).to_be_visible()
        assert_whole(menu, f"column {index + 1}'s menu")
        page.keyboard.press("Escape")
        expect(menu).to_be_hidden()


def test_a_phases_menu_opened_near_the_bottom_of_the_screen_is_scrolled_into_view(login, server):
    page = login("phoebe", width=1366, height=800)
    page.goto(server.url + SAMPLE)
    page.wait_for_function(READY)
    summary = page.locator("details.phase-menu > summary").nth(1)
    # Bring the phase's head to the last lines of the grid's box and of the window.
    summary.evaluate(
        """el => {
            const box = el.closest(".grid-scroll");
            box.scrollIntoView({block: "end"});
            const room = box.getBoundingClientRect().bottom - el.getBoundingClientRect().bottom;
            box.scrollTop -= room - 12;
        }"""
    )
    summary.click()
    menu = page.locator("details.phase-menu[open] .menu-body")
    expect(menu.get_by_role("button", name="Rename")).to_be_visible()  # its content has come
    page.wait_for_function(
        """() => { const m = document.querySelector("details.phase-menu[open] .menu-body");
                   const r = m.getBoundingClientRect();
                   return r.bottom <= Math.min(innerHeight,
                       m.closest(".grid-scroll").getBoundingClientRect().bottom) + 0.5; }"""
    )
    assert_whole(menu, "the phase's menu")


def test_on_a_phone_a_shadow_says_more_columns_are_to_the_right(login, server):
    page = login("sam", width=390, height=844)
    page.goto(server.url + SAMPLE)
    page.wait_for_function(READY)
    frame = page.locator(".grid-frame")
    more_right = re.compile(r"\bmore-right\b")
    expect(frame).to_have_class(more_right)
    shadow = "el => getComputedStyle(el, '::after').opacity"
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('.grid-frame'), '::after').opacity === '1'"
    )
    # Scrolled to its last column: no more to the right, so no shadow there.
    page.locator(".grid-scroll").evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    expect(frame).not_to_have_class(more_right)
    expect(frame).to_have_class(re.compile(r"\bmore-left\b"))
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('.grid-frame'), '::after').opacity === '0'"
    )
    assert frame.evaluate(shadow) == "0"


def test_a_new_matrix_opens_with_its_findings_closed_and_the_grid_above_the_fold(login, server):
    page = login("nina", width=1440, height=900)
    page.get_by_label("Title").fill("Launch plan")
    page.get_by_text("Blank matrix").click()
    page.get_by_role("button", name="Create matrix").click()
    page.wait_for_function(READY)
    # Its first activities, no letter yet: each lacks its A and its R, 14 errors.
    matrix = Matrix.objects.get(title="Launch plan")
    phase = phase_create(matrix=matrix, name="Plan")
    for i in range(7):
        activity_create(matrix=matrix, phase=phase, name=f"Step {i}")
    page.reload()
    page.wait_for_function(READY)

    panel = page.locator("#findings-panel")
    expect(panel).not_to_have_attribute("open", "")
    expect(panel.locator(".findings")).to_be_hidden()
    expect(page.locator("#summary-heading")).to_have_text("Fix 14 rule errors")
    expect(page.locator("#summary .count-error")).to_have_text("14 errors")
    grid = page.locator("#grid .grid-scroll").bounding_box()
    assert grid["y"] + 150 < 900, f"the grid starts at {grid['y']} px: below the fold"

    # Asked for, the list opens, and stays open while the matrix changes under it.
    page.locator("#findings-panel > summary").click()
    expect(panel.locator(".finding-error")).to_have_count(14)
    first = page.locator("tr.activity-row td").first
    first.click()
    page.locator("#chooser").get_by_role("menuitem", name="Accountable").click()
    expect(page.locator("#summary .count-error")).to_have_text("13 errors")
    expect(panel.locator(".finding-error")).to_have_count(13)
    expect(panel.locator(".findings")).to_be_visible()
    # And closed, it stays closed.
    page.locator("#findings-panel > summary").click()
    expect(panel.locator(".findings")).to_be_hidden()
    first.click()
    page.locator("#chooser").get_by_role("menuitem", name="Clear").click()
    expect(page.locator("#summary .count-error")).to_have_text("14 errors")
    expect(panel.locator(".findings")).to_be_hidden()


def test_on_a_phone_the_names_have_the_room_of_the_rows_check_marks_unless_they_have_a_problem(
    login, server
):
    # The first activity without its Accountable: an error, marked; the others show no mark.
    matrix = Matrix.objects.get(slug="product-roles")
    first = matrix.activities.order_by("phase__position", "position").first()
    Responsibility.objects.filter(activity=first, code="A").delete()
    page = login("tess", width=390, height=844)
    page.goto(server.url + SAMPLE)
    page.wait_for_function(READY)
    rows = page.locator("tr.activity-row")
    expect(rows.first.locator(".row-status.st-error")).to_be_visible()
    expect(rows.nth(1).locator(".row-status.st-ok")).to_be_hidden()
    name_width = """th => {
        const style = getComputedStyle(th);
        return th.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    }"""
    widths = [th.evaluate(name_width) for th in page.locator("th.activity").all()[1:6]]
    assert min(widths) >= 100, widths
