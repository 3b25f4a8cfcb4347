"""Renaming a column from its menu, by keyboard alone: the grid redraws with the new name, a
name another column has is refused in the form, and the page keeps to its CSP."""

import pytest
from playwright.sync_api import expect

from .conftest import run_axe
from .test_editor import open_editor
from .test_pages import shoot

pytestmark = pytest.mark.browser


def open_column_menu(page, index=0):
    header = page.locator("th.role-col").nth(index)
    header.locator(".column-menu summary").focus()
    page.keyboard.press("Enter")
    field = header.get_by_label("Name in this matrix")
    expect(field).to_be_visible()
    return header, field


def test_a_column_is_renamed_from_its_menu_with_the_keyboard(login, server):
    page = login()
    errors = open_editor(page, server)
    header, field = open_column_menu(page)
    old = header.locator(".role-name").inner_text()
    field.focus()
    page.keyboard.press("Control+A")  # in a text field, the browser's own: the field's text
    page.keyboard.type("Launch captain")
    page.keyboard.press("Enter")
    expect(page.locator("th.role-col").first.locator(".role-name")).to_have_text("Launch captain")
    # The other columns, and the letters, stay; the role keeps its name outside this matrix.
    expect(page.locator("th.role-col")).to_have_count(9)
    header, field = open_column_menu(page)
    expect(header).to_contain_text(f"Renamed from {old}")
    assert errors == []  # nothing the CSP blocked, no script error

    # Another column's name is refused where it was typed, and said to screen readers.
    second = page.locator("th.role-col").nth(1).locator(".role-name").inner_text()
    field.fill(second.upper())
    field.press("Enter")
    message = header.locator(".form-message[role=alert]")
    expect(message).to_have_text(f'There is already a column called "{second}" in this matrix.')
    expect(page.locator("th.role-col").first.locator(".role-name")).to_have_text("Launch captain")

    violations = run_axe(page)
    assert violations == [], [(v["id"], v["help"], len(v["nodes"])) for v in violations]
    # What the console says now is the refusal's 400 (the browser's and htmx's), nothing else.
    assert errors and all("400" in error for error in errors), errors


@pytest.mark.parametrize("width", [1280, 390])
def test_screenshots_of_the_column_rename(login, server, width):
    page = login(f"w{width}", width=width, height=844)
    errors = open_editor(page, server)
    header, field = open_column_menu(page, 1)
    header.scroll_into_view_if_needed()
    field.fill("Launch captain")
    shoot(page, f"column-rename-{width}")
    assert errors == []
