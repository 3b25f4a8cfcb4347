"""The grid editor as a person uses it: mouse, keyboard, drag and drop, errors, persistence.

The sample matrix (/m/product-roles/) is owned by the "Sample team", which `login` makes the
user an owner of. It is a copy of the reference template: 29 activities and 9 roles in RACI,
every activity with exactly one A and at least one R.
"""

import re

import pytest
from playwright.sync_api import expect

from .conftest import focus_cell, run_axe
from .test_pages import shoot

pytestmark = pytest.mark.browser

SAMPLE = "/m/product-roles/"
NO_CODE = ":empty"
CELLS = "td[id^='cell-']"


def open_editor(page, server, path=SAMPLE):
    """Open a matrix in the editor; return the console errors the page logs from now on.

    CSP violations are logged as console errors too, so an empty list also means grid.js kept
    to the policy.
    """
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(server.url + path)
    expect(page.locator('table.grid[data-editable="true"]')).to_be_visible()
    # The grid's script has run: exactly one cell is in the tab order (a roving tabindex).
    expect(page.locator('table.grid td[tabindex="0"]')).to_have_count(1)
    return errors


def rows(page):
    return page.locator("table.grid tr.activity-row")


def cell_at(page, row, column):
    return rows(page).nth(row).locator(CELLS).nth(column)


def cell(page, cell_id):
    return page.locator(f"#{cell_id}")


def button(page, cell_id):
    return page.locator(f"#{cell_id}")


def row_ids(page, n):
    return [rows(page).nth(i).get_attribute("id") for i in range(n)]


def expect_in_view(locator):
    """The element is focused and shows: not scrolled away, nor under a sticky header."""
    expect(locator).to_be_focused()
    uncovered = locator.evaluate(
        """el => {
            const r = el.getBoundingClientRect();
            const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
            return el.contains(hit) || (hit ? hit.outerHTML.slice(0, 200) : "nothing");
        }"""
    )
    assert uncovered is True, f"the focused cell is hidden under {uncovered}"


def error_count(page) -> int:
    """The number of errors the summary panel reports."""
    counter = page.locator("#summary .count-error[data-count]")
    if counter.count():
        return int(counter.first.get_attribute("data-count"))
    text = page.locator("#summary").inner_text()  # "3 errors", "Errors: 3", "No errors"
    match = re.search(r"(\d+)\s+errors?\b", text, re.IGNORECASE) or re.search(
        r"\berrors?\b\W{0,3}(\d+)", text, re.IGNORECASE
    )
    return int(match.group(1)) if match else 0


def test_a_matrix_is_created_from_the_template_on_the_home_page(login, server):
    page = login()
    page.get_by_label("Title").fill("Mobile app launch")
    # "Start from" stays on the reference template, which is chosen already.
    template = page.get_by_role("group", name="Start from").get_by_role(
        "radio", name=re.compile("Product roles")
    )
    expect(template).to_be_checked()
    page.get_by_role("button", name="Create matrix").click()
    page.wait_for_url(re.compile(r"/m/[\w-]+/$"))
    assert not page.url.endswith(SAMPLE)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mobile app launch")
    expect(page.locator('table.grid[data-editable="true"]')).to_be_visible()
    expect(rows(page)).to_have_count(29)
    expect(page.locator("table.grid thead th.role-col")).to_have_count(9)
    expect(page.locator('table.grid td[tabindex="0"]')).to_have_count(1)


def test_a_click_on_a_cell_opens_the_chooser_and_sets_the_letter(login, server):
    page = login()
    errors = open_editor(page, server)
    cell_id = page.locator(f"table.grid {CELLS}{NO_CODE}").first.get_attribute("id")
    page.evaluate("window.__marker = 1")

    button(page, cell_id).click()
    chooser = page.get_by_role("menu")
    expect(chooser).to_be_visible()
    expect(chooser.get_by_role("menuitem").first).to_be_focused()
    # Just below the cell (or just above it, when there is no room below).
    cell_box, chooser_box = cell(page, cell_id).bounding_box(), chooser.bounding_box()
    below = abs(chooser_box["y"] - (cell_box["y"] + cell_box["height"])) < 4
    above = abs(chooser_box["y"] + chooser_box["height"] - cell_box["y"]) < 4
    assert below or above, (cell_box, chooser_box)
    assert abs(chooser_box["x"] - cell_box["x"]) < cell_box["width"] + chooser_box["width"]

    page.locator('#chooser .chooser-option[data-code="C"]').click()
    expect(cell(page, cell_id)).to_have_text("C")
    expect(chooser).to_be_hidden()
    expect(button(page, cell_id)).to_be_focused()
    expect(page.locator('table.grid td[tabindex="0"]')).to_have_count(1)
    assert page.evaluate("window.__marker") == 1, "the page was reloaded"
    assert errors == []


def test_the_chooser_works_from_the_keyboard(login, server):
    page = login()
    open_editor(page, server)
    cell_id = page.locator(f"table.grid {CELLS}{NO_CODE}").first.get_attribute("id")
    chooser = page.get_by_role("menu")
    options = chooser.get_by_role("menuitem")

    focus_cell(page, cell_id)
    page.keyboard.press("Enter")
    expect(chooser).to_be_visible()
    expect(options.first).to_be_focused()
    page.keyboard.press("End")
    expect(options.last).to_be_focused()
    page.keyboard.press("ArrowDown")  # wraps round
    expect(options.first).to_be_focused()
    page.keyboard.press("Escape")
    expect(chooser).to_be_hidden()
    expect(button(page, cell_id)).to_be_focused()
    expect(cell(page, cell_id)).to_have_text("")

    page.keyboard.press("Enter")
    expect(chooser).to_be_visible()
    page.keyboard.press("ArrowDown")
    code = options.nth(1).get_attribute("data-code")
    page.keyboard.press("Enter")
    expect(chooser).to_be_hidden()
    expect(cell(page, cell_id)).to_have_text(code)
    expect(button(page, cell_id)).to_be_focused()


def test_the_keyboard_moves_between_cells_and_sets_letters(login, server):
    page = login()
    errors = open_editor(page, server)
    first_id = cell_at(page, 0, 0).get_attribute("id")
    target_id = cell_at(page, 1, 1).get_attribute("id")
    expect(button(page, first_id)).to_have_attribute("tabindex", "0")

    focus_cell(page, first_id)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    expect(button(page, target_id)).to_be_focused()
    expect(button(page, target_id)).to_have_attribute("tabindex", "0")
    expect(page.locator('table.grid td[tabindex="0"]')).to_have_count(1)

    page.keyboard.press("i")
    expect(cell(page, target_id)).to_have_text("I")
    # The cell was replaced by the server's answer; focus stays on it.
    expect(button(page, target_id)).to_be_focused()
    expect(button(page, target_id)).to_have_attribute("tabindex", "0")

    page.keyboard.press("Delete")
    expect(page.locator(f"#{target_id}{NO_CODE}")).to_have_count(1)
    expect(button(page, target_id)).to_be_focused()

    # Edges, Home/End and Ctrl+Home/End.
    page.keyboard.press("End")
    expect(rows(page).nth(1).locator(CELLS).last).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(rows(page).nth(1).locator(CELLS).last).to_be_focused()
    page.keyboard.press("Control+End")
    expect_in_view(rows(page).last.locator(CELLS).last)
    page.keyboard.press("ArrowDown")
    expect(rows(page).last.locator(CELLS).last).to_be_focused()
    page.keyboard.press("Control+Home")
    expect_in_view(button(page, first_id))
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowLeft")
    expect(button(page, first_id)).to_be_focused()
    expect(page.locator('table.grid td[tabindex="0"]')).to_have_count(1)
    assert errors == []


def test_keyboard_focus_is_never_hidden_under_the_sticky_headers(login, server):
    page = login("phil", width=390, height=844)
    open_editor(page, server)
    roles = page.locator("table.grid thead th.role-col").count()
    focus_cell(page, cell_at(page, 0, 0).get_attribute("id"))
    page.keyboard.press("End")
    expect_in_view(cell_at(page, 0, roles - 1))
    for column in range(roles - 2, -1, -1):
        page.keyboard.press("ArrowLeft")
        expect_in_view(cell_at(page, 0, column))
    for row in range(1, 8):
        page.keyboard.press("ArrowDown")
        expect_in_view(cell_at(page, row, 0))
    page.keyboard.press("Control+End")
    for row in range(27, 20, -1):
        page.keyboard.press("ArrowUp")
        expect_in_view(cell_at(page, row, roles - 1))


def test_a_missing_accountable_is_flagged_and_cleared(login, server):
    page = login()
    errors = open_editor(page, server)
    row = rows(page).first
    activity = row.get_attribute("id").removeprefix("activity-")
    a_id = row.locator("td.l-A").get_attribute("id")
    row_error = page.locator(f"#status-{activity}.st-error")
    expect(row_error).to_have_count(0)
    errors_before = error_count(page)

    focus_cell(page, a_id)
    page.keyboard.press("Delete")
    expect(page.locator(f"#{a_id}{NO_CODE}")).to_have_count(1)
    expect(row_error.first).to_be_attached()
    assert error_count(page) > errors_before

    focus_cell(page, a_id)
    page.keyboard.press("a")
    expect(cell(page, a_id)).to_have_text("A")
    expect(row_error).to_have_count(0)
    assert error_count(page) == errors_before
    assert errors == []


def test_changes_are_kept_after_a_reload(login, server):
    page = login()
    open_editor(page, server)
    empty = page.locator(f"table.grid {CELLS}{NO_CODE}")
    clicked, typed = empty.nth(0).get_attribute("id"), empty.nth(1).get_attribute("id")
    cleared = page.locator("table.grid td.l-R").first.get_attribute("id")

    button(page, clicked).click()
    page.locator('#chooser .chooser-option[data-code="C"]').click()
    expect(cell(page, clicked)).to_have_text("C")
    focus_cell(page, typed)
    page.keyboard.press("I")
    expect(cell(page, typed)).to_have_text("I")
    focus_cell(page, cleared)
    page.keyboard.press("Backspace")
    expect(page.locator(f"#{cleared}{NO_CODE}")).to_have_count(1)

    page.reload()
    expect(cell(page, clicked)).to_have_text("C")
    expect(cell(page, typed)).to_have_text("I")
    expect(page.locator(f"#{cleared}{NO_CODE}")).to_have_count(1)


def test_move_down_swaps_two_activities_and_keeps_focus(login, server):
    page = login()
    errors = open_editor(page, server)
    first, second = row_ids(page, 2)

    row = page.locator(f"#{first}")
    # The row's options menu is loaded into one shared popover when it opens.
    row.get_by_role("button", name=re.compile(r"^Options for")).click()
    move_down = page.locator("#row-menu").get_by_role("button", name=re.compile(r"^Move down"))
    expect(page.locator("#row-menu button").first).to_be_focused()  # the keyboard is in it
    move_down.press("Enter")
    expect(rows(page).nth(0)).to_have_attribute("id", second)
    expect(rows(page).nth(1)).to_have_attribute("id", first)
    # The grid was replaced; focus stays with the moved activity.
    expect(page.locator(f"#{first} :focus")).to_have_count(1)
    expect(page.locator('table.grid td[tabindex="0"]')).to_have_count(1)

    page.reload()
    expect(rows(page).nth(0)).to_have_attribute("id", second)
    expect(rows(page).nth(1)).to_have_attribute("id", first)
    assert errors == []


def test_the_grid_is_one_tab_stop_and_shift_f10_opens_a_rows_options(login, server):
    page = login()
    errors = open_editor(page, server)
    first, second = row_ids(page, 2)
    # Tab goes from the grid's one cell to whatever follows the grid, not through its rows.
    assert page.locator("table.grid .row-menu:not([tabindex='-1'])").count() == 0
    cell_id = cell_at(page, 0, 1).get_attribute("id")
    focus_cell(page, cell_id)
    page.keyboard.press("Shift+F10")
    move_down = page.locator("#row-menu").get_by_role("button", name=re.compile(r"^Move down"))
    expect(move_down).to_be_visible()
    expect(page.locator("#row-menu button").first).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("#row-menu")).to_be_hidden()
    expect(cell(page, cell_id)).to_be_focused()
    assert row_ids(page, 2) == [first, second]
    assert errors == []


def test_an_activity_is_dragged_to_a_new_place(login, server):
    page = login()
    errors = open_editor(page, server)
    first, _, third = row_ids(page, 3)

    page.locator(f"#{third} th.activity").drag_to(
        page.locator(f"#{first} th.activity"), target_position={"x": 8, "y": 4}
    )
    expect(rows(page).nth(0)).to_have_attribute("id", third)
    expect(rows(page).nth(1)).to_have_attribute("id", first)
    expect(page.locator("table.grid .is-dragging, table.grid .drop-before")).to_have_count(0)

    page.reload()
    expect(rows(page).nth(0)).to_have_attribute("id", third)
    assert errors == []


def test_errors_from_the_server_are_shown_and_cleared(login, server):
    page = login()
    open_editor(page, server)
    status = page.locator("#grid-status")
    cell_id = page.locator(f"table.grid {CELLS}{NO_CODE}").first.get_attribute("id")

    page.route(
        "**/cells/",
        lambda route: route.fulfill(
            status=409, body="Someone else changed this cell.", content_type="text/plain"
        ),
    )
    focus_cell(page, cell_id)
    page.keyboard.press("c")
    expect(status).to_have_text("Someone else changed this cell.")
    expect(status).to_contain_class("is-error")
    expect(page.locator(f"#{cell_id}{NO_CODE}")).to_have_count(1)
    expect(cell(page, cell_id)).not_to_contain_class("is-saving")
    page.unroute("**/cells/")

    page.route("**/cells/", lambda route: route.abort())
    focus_cell(page, cell_id)
    page.keyboard.press("c")
    expect(status).to_have_text("Could not reach the server; your change was not saved.")
    page.unroute("**/cells/")

    focus_cell(page, cell_id)
    page.keyboard.press("c")
    expect(cell(page, cell_id)).to_have_text("C")
    expect(status).to_have_text("")
    expect(status).not_to_contain_class("is-error")


def test_a_duplicate_activity_name_is_refused_in_the_form(login, server):
    page = login()
    open_editor(page, server)
    first = page.locator("tbody.band").first
    existing = first.locator("tr.activity-row th.activity").first.evaluate(
        "th => th.firstChild.textContent"
    )
    count = page.locator("tr.activity-row").count()
    form = first.locator("tr.add-row form")
    form.get_by_role("textbox").fill(existing)
    form.get_by_role("button", name="Add").click()
    expect(form.locator(".form-message")).to_contain_text("There is already an activity called")
    expect(page.locator("#grid-status")).to_have_text("")
    assert page.locator("tr.activity-row").count() == count


def test_with_every_catalog_role_in_the_grid_the_add_column_area_offers_a_custom_role(
    login, server
):
    page = login()
    open_editor(page, server)  # the sample holds every catalog role
    forms = page.locator(".structure-forms")
    expect(forms).to_contain_text("Every catalog role")
    expect(forms.locator("select#add-column")).to_have_count(0)  # no empty dropdown
    forms.get_by_label("Name").fill("Quality Assurance")  # the form is open, right there
    forms.get_by_label("Short label").fill("QA")
    forms.get_by_role("button", name="Create and add").click()
    expect(page.locator("th.role-col")).to_have_count(10)
    expect(forms).to_contain_text("Every catalog role")

    # A removed column's role is offered again, in the grid that htmx redrew.
    page.on("dialog", lambda dialog: dialog.accept())
    header = page.locator("th.role-col").first
    name = header.locator(".role-name").inner_text()
    header.locator(".column-menu summary").click()
    header.get_by_role("button", name="Remove column").click()
    expect(page.locator("th.role-col")).to_have_count(9)
    expect(forms).not_to_contain_text("Every catalog role")
    choices = forms.get_by_label("Add a role column").locator("option")
    expect(choices.filter(has_text=name)).to_have_count(1)


def test_the_editor_and_role_guide_have_no_serious_accessibility_violations(login, server):
    page = login()
    open_editor(page, server)
    violations = run_axe(page)
    assert violations == [], [(v["id"], v["help"], len(v["nodes"])) for v in violations]

    page.locator(f"table.grid {CELLS}").first.click()
    expect(page.get_by_role("menu")).to_be_visible()
    violations = run_axe(page)
    assert violations == [], [(v["id"], v["help"], len(v["nodes"])) for v in violations]

    page.goto(server.url + "/roles/")
    violations = run_axe(page)
    assert violations == [], [(v["id"], v["help"], len(v["nodes"])) for v in violations]


def test_screenshots_of_the_editor(login, server):
    page = login()
    errors = open_editor(page, server)
    page.locator("#summary").evaluate("el => el.scrollIntoView()")
    cell_at(page, 1, 2).click()
    expect(page.get_by_role("menu")).to_be_visible()
    assert errors == []
    shoot(page, "editor")

    phone = login("phil", width=390, height=844)
    errors = open_editor(phone, server)
    assert errors == []
    shoot(phone, "editor-phone")
