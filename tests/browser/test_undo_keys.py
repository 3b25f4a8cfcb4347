"""Undo and redo from the keyboard, as in a spreadsheet: Ctrl+Z in the grid does what the Undo
button does, Ctrl+Shift+Z and Ctrl+Y redo; in a text field they are the browser's own. A
block's history entry and its undo count the same cells: those that changed."""

import re

import pytest
from playwright.sync_api import expect

from apps.history.models import Action, Change

from .conftest import focus_cell

pytestmark = pytest.mark.browser

SAMPLE = "/m/product-roles/"
CELLS = "table.grid td[id^='cell-']"


@pytest.fixture
def editor(login, server):
    page = login("ada", sample_access="editor")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(server.url + SAMPLE)
    expect(page.locator("#live[data-state='live']")).to_be_attached()
    page.errors = errors
    return page


def cell_id(page, row, col):
    return (
        page.locator("table.grid tr.activity-row")
        .nth(row)
        .locator("td[id^='cell-']")
        .nth(col)
        .get_attribute("id")
    )


def newest():
    return Change.objects.order_by("-pk").first()


def test_ctrl_z_undoes_and_ctrl_y_or_ctrl_shift_z_redo_in_the_grid(editor):
    page = editor
    target = page.locator(f"{CELLS}:empty").first.get_attribute("id")
    cell = page.locator(f"#{target}")
    focus_cell(page, target)
    page.keyboard.press("c")  # and at once, before the server has it: undo waits for it
    page.keyboard.press("ControlOrMeta+z")
    expect(page.get_by_text(re.compile(r"Undone: .*set C")).first).to_be_visible()
    expect(cell).to_have_text("")
    expect(cell).to_be_focused()  # back on the cell it was pressed on, for the next key
    assert newest().summary.startswith("Undo: ")

    page.keyboard.press("ControlOrMeta+Shift+z")
    expect(page.get_by_text(re.compile(r"Redone: .*set C")).first).to_be_visible()
    expect(cell).to_have_text("C")
    expect(cell).to_be_focused()
    assert newest().summary.startswith("Redo: ")

    page.keyboard.press("ControlOrMeta+z")
    expect(page.get_by_text(re.compile(r"Undone: .*set C")).first).to_be_visible()
    expect(cell).to_have_text("")
    expect(cell).to_be_focused()  # the page is back and ready for the next key
    page.keyboard.press("ControlOrMeta+y")
    expect(page.get_by_text(re.compile(r"Redone: .*set C")).first).to_be_visible()
    expect(cell).to_have_text("C")
    expect(cell).to_be_focused()
    # Nothing more to redo: said, and nothing changes.
    count = Change.objects.count()
    page.keyboard.press("ControlOrMeta+y")
    expect(page.get_by_text("There is nothing to redo.")).to_be_visible()
    expect(cell).to_have_text("C")
    assert Change.objects.count() == count
    # The help line says so.
    expect(page.locator("#editor-help")).to_contain_text("undoes")
    expect(page.locator("#editor-help")).to_contain_text("redoes")
    assert page.errors == []


def test_in_a_text_field_ctrl_z_is_the_browsers_own(editor):
    page = editor
    field = page.locator("input[id^='add-activity-']").first
    field.fill("")
    field.focus()
    page.keyboard.type("Plan")
    count = Change.objects.count()
    page.keyboard.press("ControlOrMeta+z")
    expect(field).to_have_value("")  # the browser undid the typing
    expect(field).to_be_focused()  # no page load
    assert Change.objects.count() == count


def test_fill_down_says_how_many_cells_changed_and_its_undo_the_same(editor):
    page = editor
    # A 4 x 2 block whose first row holds two letters, and one cell below already one of them.
    top = [cell_id(page, 0, col) for col in (0, 1)]
    for col, letter in zip((0, 1), "AR", strict=True):
        focus_cell(page, top[col])
        page.keyboard.press(letter.lower())
        for row in (1, 2, 3):
            focus_cell(page, cell_id(page, row, col))
            page.keyboard.press("Delete" if (row, col) != (2, 0) else letter.lower())
    expect(page.locator(f"{CELLS}.pending")).to_have_count(0)
    focus_cell(page, top[0])
    for key in ("Shift+ArrowDown",) * 3 + ("Shift+ArrowRight",):
        page.keyboard.press(key)
    page.keyboard.press("ControlOrMeta+d")
    expect(page.locator(f"#{cell_id(page, 3, 1)}")).to_have_text("R")
    expect(page.locator(f"{CELLS}.pending")).to_have_count(0)
    fill = newest()
    assert fill.action == Action.CELLS
    assert fill.summary == "Filled down 5 cells"  # 8 cells, 2 in the first row, 1 already A
    page.keyboard.press("ControlOrMeta+z")
    expect(page.get_by_text("Undone: Filled down 5 cells")).to_be_visible()
    assert newest().summary == "Undo: 5 cells put back as they were"
