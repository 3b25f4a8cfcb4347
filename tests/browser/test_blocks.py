"""Working a block at a time, as in a spreadsheet: select, type or clear, copy and paste with the
real clipboard (as Excel, LibreOffice and Google Sheets put blocks on it), fill down and right,
undo. On the sample matrix (29 activities, 9 roles)."""

import re

import pytest
from playwright.sync_api import expect

from apps.history.models import Action, Change
from apps.matrices.models import Matrix

from .conftest import focus_cell, run_axe

pytestmark = pytest.mark.browser

SAMPLE = "/m/product-roles/"
CELLS = "table.grid td[id^='cell-']"


@pytest.fixture
def editor(login, server):
    page = login("ada", sample_access="editor")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
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


def text_at(page, row, col):
    return page.locator(f"#{cell_id(page, row, col)}").text_content()


def block(page, top, left, bottom, right):
    return [[text_at(page, r, c) for c in range(left, right + 1)] for r in range(top, bottom + 1)]


def select(page, top, left, bottom, right):
    focus_cell(page, cell_id(page, top, left))
    for _ in range(bottom - top):
        page.keyboard.press("Shift+ArrowDown")
    for _ in range(right - left):
        page.keyboard.press("Shift+ArrowRight")


def clipboard(page) -> str:
    return page.evaluate("navigator.clipboard.readText()")


def put_on_clipboard(page, text: str) -> None:
    page.evaluate("text => navigator.clipboard.writeText(text)", text)


def saved(page):
    """Every letter typed has been confirmed by the server."""
    expect(page.locator(f"{CELLS}.pending")).to_have_count(0)


def block_changes():
    return list(Change.objects.filter(action=Action.CELLS).order_by("pk"))


def test_a_block_copied_in_the_grid_is_pasted_elsewhere_in_one_step(editor):
    page = editor
    select(page, 0, 0, 1, 2)
    expect(page.locator("#selection-status")).to_have_text("2 rows by 3 columns selected, 6 cells.")
    copied = block(page, 0, 0, 1, 2)
    page.keyboard.press("ControlOrMeta+c")
    assert clipboard(page) == "\r\n".join("\t".join(line) for line in copied) + "\r\n"

    focus_cell(page, cell_id(page, 10, 4))
    page.keyboard.press("ControlOrMeta+v")
    saved(page)
    assert block(page, 10, 4, 11, 6) == copied
    (change,) = block_changes()
    assert change.summary.startswith("Pasted") and len(change.after["cells"]) <= 6
    page.reload()
    assert block(page, 10, 4, 11, 6) == copied
    assert page.errors == []


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ("Excel", "r\tC\r\n a \t\r\n"),  # CRLF, a last line break, spaces, lower case
        ("Google Sheets", "R\tc\na\t"),  # LF, no last line break
    ],
)
def test_a_block_from_a_spreadsheet_pastes_as_cells(editor, source, text):
    page = editor
    put_on_clipboard(page, text)
    focus_cell(page, cell_id(page, 5, 3))
    page.keyboard.press("ControlOrMeta+v")
    saved(page)
    assert block(page, 5, 3, 6, 4) == [["R", "C"], ["A", ""]], source


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("R\tX\nC\tI", "Row 1, column 2: 'X' is not a letter of RACI"),
        ("R\tC\tA", "room for"),
    ],
)
def test_a_bad_paste_changes_nothing_and_says_why(editor, text, message):
    page = editor
    last = page.locator("table.grid tr.activity-row").first.locator("td[id^='cell-']").count()
    before = block(page, 3, last - 2, 4, last - 1)
    put_on_clipboard(page, text)
    focus_cell(page, cell_id(page, 3, last - 2))
    page.keyboard.press("ControlOrMeta+v")
    expect(page.locator("#grid-status")).to_contain_text(message)
    expect(page.locator("#grid-status")).to_have_class(re.compile("is-error"))
    assert block(page, 3, last - 2, 4, last - 1) == before
    assert block_changes() == []


def test_fill_down_and_fill_right_copy_the_first_row_and_column(editor):
    page = editor
    select(page, 2, 1, 4, 3)
    top = block(page, 2, 1, 2, 3)[0]
    page.keyboard.press("ControlOrMeta+d")
    saved(page)
    assert block(page, 2, 1, 4, 3) == [top, top, top]

    select(page, 6, 0, 7, 2)
    left = [line[0] for line in block(page, 6, 0, 7, 0)]
    page.keyboard.press("ControlOrMeta+r")
    saved(page)
    assert block(page, 6, 0, 7, 2) == [[value] * 3 for value in left]
    assert len(block_changes()) <= 2


def test_a_letter_or_delete_on_a_selection_is_one_step_and_undo_puts_it_back(editor):
    page = editor
    before = block(page, 0, 0, 2, 1)
    select(page, 0, 0, 2, 1)
    page.keyboard.press("i")
    saved(page)
    assert block(page, 0, 0, 2, 1) == [["I", "I"]] * 3
    (change,) = block_changes()
    assert change.summary.startswith("Set") and change.summary.endswith("to I")

    page.get_by_role("button", name="Undo").click()
    page.wait_for_url(re.compile(r"/m/product-roles/"))
    expect(page.locator("table.grid")).to_be_visible()
    assert block(page, 0, 0, 2, 1) == before

    select(page, 0, 0, 2, 1)
    page.keyboard.press("Delete")
    saved(page)
    assert block(page, 0, 0, 2, 1) == [["", ""]] * 3


def test_clear_row_and_clear_column_from_their_menus(editor):
    page = editor
    first_row = page.locator("table.grid tr.activity-row").first
    first_row.get_by_role("button", name=re.compile("^Options for")).click()
    page.locator("#row-menu").get_by_role("button", name="Clear row").click()
    saved(page)
    expect(first_row.locator("td[id^='cell-']:not(:empty)")).to_have_count(0)

    menu = page.locator("table.grid thead .column-menu").nth(1)
    menu.locator("summary").click()
    menu.get_by_role("button", name="Clear column").click()
    saved(page)
    column = [text_at(page, r, 1) for r in range(29)]
    assert column == [""] * 29
    assert [c.summary.split(":")[0] for c in block_changes()] == [
        "Cleared the row",
        "Cleared the column",
    ]


def test_the_keyboard_alone_selects_and_sets_a_block_and_axe_is_content(editor):
    page = editor
    page.locator("#editor-help").click()  # somewhere before the grid
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id.startsWith('cell-')"):
            break
    assert page.evaluate("document.activeElement.id") == cell_id(page, 0, 0)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Shift+ArrowDown")
    expect(page.locator("#selection-status")).to_contain_text("2 rows by 2 columns")
    page.keyboard.press("c")
    saved(page)
    assert block(page, 1, 0, 2, 1) == [["C", "C"], ["C", "C"]]
    page.keyboard.press("Escape")
    expect(page.locator("#grid-selection")).to_be_hidden()
    assert run_axe(page) == []


def test_a_viewer_may_select_and_copy_but_not_paste(login, server):
    page = login("vince", sample_access="viewer")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    page.goto(server.url + SAMPLE)
    select(page, 0, 0, 0, 1)
    page.keyboard.press("ControlOrMeta+c")
    assert clipboard(page) == "\t".join(block(page, 0, 0, 0, 1)[0]) + "\r\n"
    before = block(page, 4, 0, 4, 1)
    put_on_clipboard(page, "R\tR")
    focus_cell(page, cell_id(page, 4, 0))
    page.keyboard.press("ControlOrMeta+v")
    page.keyboard.press("Delete")
    page.wait_for_timeout(300)
    assert block(page, 4, 0, 4, 1) == before
    assert Matrix.objects.get(slug="product-roles").changes.count() == 0
