"""What the grid shows, checked in Chromium where it is drawn: a pointed-at (or tapped) row keeps
its letters' colours, the drag grip stays clear of the activity's name, a role's tooltip never
covers its column's menu, and a dimmed column's empty cells stay empty."""

import io

import pytest
from django.contrib.auth import get_user_model
from PIL import Image
from playwright.sync_api import expect

from apps.matrices.models import Matrix
from apps.sharing.services import share_link_create

from .test_people import people_on_the_sample, role

pytestmark = pytest.mark.browser

SAMPLE = "/m/product-roles/"
READY = "() => performance.getEntriesByName('raci:interactive').length"


def open_grid(page, url: str) -> None:
    page.goto(url)
    page.wait_for_function(READY)


def badge_colours(page, row) -> list[tuple[str, tuple, tuple]]:
    """For each cell of ``row`` that holds a letter: its letter, the colour its badge should
    have (the scheme's --letter-bg) and the colour on the screen at the badge's left side (its
    middle holds the letter itself)."""
    shot = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
    found = []
    for cell in row.locator("td[class*='l-']:not(.n)").all():
        box = cell.bounding_box()
        if box["x"] < 0 or box["x"] + box["width"] > shot.width - 20:
            continue  # scrolled out of the grid's box (a phone's shows four columns)
        expected = cell.evaluate(
            """el => {
                const probe = document.createElement("span");
                probe.style.color = getComputedStyle(el).getPropertyValue("--letter-bg");
                document.body.append(probe);
                const rgb = getComputedStyle(probe).color.match(/\\d+/g).map(Number);
                probe.remove();
                return rgb;
            }"""
        )
        badge = cell.evaluate("el => parseFloat(getComputedStyle(el).backgroundSize)")
        x = box["x"] + box["width"] / 2 - badge / 2 + 4
        y = box["y"] + box["height"] / 2
        found.append((cell.inner_text(), tuple(expected), shot.getpixel((round(x), round(y)))))
    return found


def assert_badges_kept(page, row) -> None:
    colours = badge_colours(page, row)
    assert colours, "the row has no letter to look at"
    for letter, expected, seen in colours:
        assert all(abs(a - b) <= 12 for a, b in zip(expected, seen, strict=True)), (
            f"{letter}'s badge shows {seen}, not its colour {expected}"
        )


def test_a_pointed_at_row_keeps_its_letters_colours_in_the_editor_and_on_a_share_page(
    login, server
):
    page = login("hoveren", width=1366, height=900)
    open_grid(page, server.url + SAMPLE)
    row = page.locator("tr.activity-row").nth(2)
    row.locator("th.activity").hover()
    # The row is tinted (its header's colour changed) ...
    expect(row.locator("th.activity")).to_have_css("background-color", "rgb(250, 251, 255)")
    # ... and every letter keeps its badge.
    for cell in row.locator("td[class*='l-']").all():
        assert "svg" in cell.evaluate("el => getComputedStyle(el).backgroundImage")
    assert_badges_kept(page, row)

    # A guest of a share link sees the same grid, read-only.
    link = share_link_create(
        matrix=Matrix.objects.get(slug="product-roles"),
        by=get_user_model().objects.get(username="hoveren"),
    )
    guest = page.context.browser.new_page(viewport={"width": 1366, "height": 900})
    try:
        open_grid(guest, server.url + link.get_absolute_url())
        shared_row = guest.locator("tr.activity-row").nth(2)
        shared_row.locator("th.activity").hover()
        assert_badges_kept(guest, shared_row)
    finally:
        guest.close()


def test_on_a_phone_the_last_tapped_row_keeps_its_letters_colours(browser, server, seeded):
    from apps.exchange.seeding import sample_team_join
    from tests.conftest import make_user

    sample_team_join(user=make_user("tapper"), access="viewer")
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    try:
        page = context.new_page()
        page.goto(f"{server.url}/accounts/login/")
        page.get_by_label("Username").fill("tapper")
        page.get_by_label("Password").fill("pw")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{server.url}/")
        open_grid(page, server.url + SAMPLE)
        row = page.locator("tr.activity-row").nth(1)
        row.locator("td[class*='l-']").first.tap()
        expect(row.locator("th.activity")).to_have_css("background-color", "rgb(250, 251, 255)")
        assert_badges_kept(page, row)
    finally:
        context.close()


GRIP_AND_NAME = """th => {
    const grip = getComputedStyle(th, "::before");
    const range = document.createRange();
    range.setStart(th.firstChild, 0);
    range.setEnd(th.firstChild, 1);
    const box = th.getBoundingClientRect();
    return {
        gripRight: box.left + parseFloat(grip.left) + parseFloat(grip.width),
        nameLeft: range.getBoundingClientRect().left,
        shown: grip.content !== "none",
    };
}"""


@pytest.mark.parametrize("width", [1366, 390])
def test_the_drag_grip_stays_clear_of_the_activity_names(login, server, width):
    page = login("gripper", width=width, height=900)
    open_grid(page, server.url + SAMPLE)
    for compact in (False, True):
        if compact:
            page.get_by_role("button", name="Compact view").click()
            expect(page.locator("main.compact")).to_be_attached()
            page.wait_for_function(READY)
        for th in page.locator("tr.activity-row th.activity").all()[:5]:
            found = th.evaluate(GRIP_AND_NAME)
            assert found["shown"]
            assert found["gripRight"] + 2 <= found["nameLeft"], (compact, th.inner_text(), found)


@pytest.mark.parametrize(("width", "columns"), [(1366, [-1, -2]), (390, [0, 3, -1])])
def test_a_columns_menu_is_never_under_its_roles_tooltip(login, server, width, columns):
    page = login("menus", width=width, height=900)
    open_grid(page, server.url + SAMPLE)
    heads = page.locator("thead th.role-col")
    for index in columns:
        head = heads.nth(index if index >= 0 else heads.count() + index)
        head.locator("details.column-menu > summary").click()
        menu = head.locator("details.column-menu .menu-body")
        expect(menu).to_be_visible()
        expect(head.locator(".role-tip")).to_be_hidden()
        # What is on top at the menu's first button is the menu.
        button = menu.get_by_role("button", name="Clear column")
        box = button.bounding_box()
        on_top = page.evaluate(
            "([x, y]) => document.elementFromPoint(x, y)?.closest('.menu-body, .role-tip')"
            "?.className",
            [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
        )
        assert on_top == "menu-body", f"column {index}: {on_top} over the menu"
        page.keyboard.press("Escape")
        expect(menu).to_be_hidden()
    # The tooltip still explains a role to whoever points at its name.
    heads.nth(1).locator(".role-head").hover()
    expect(heads.nth(1).locator(".role-tip")).to_be_visible()


def test_a_dimmed_columns_empty_cells_show_nothing(login, server):
    page = login("ana", width=1440, height=900)
    people_on_the_sample(get_user_model().objects.get(username="ana"))
    open_grid(page, server.url + SAMPLE)
    page.get_by_label("Show").select_option(label="Ana Lopez")
    expect(page.locator("#grid-table.person-view")).to_be_attached()
    sales = role("Sales").pk  # not Ana's: dimmed
    column = page.locator(f"#grid-table tbody td[id$='-{sales}']")
    letters = [c for c in column.all() if c.inner_text().strip()]
    blanks = [c for c in column.all() if not c.inner_text().strip()]
    assert letters and blanks, "the sample's Sales column has letters and gaps"
    for cell in blanks[:5]:
        assert cell.evaluate("el => getComputedStyle(el).backgroundImage") == "none"
    # Its letters are there, in grey badges.
    for cell in letters[:3]:
        image = cell.evaluate("el => getComputedStyle(el).backgroundImage")
        assert "e2e8f0" in image, image
