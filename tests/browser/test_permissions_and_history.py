"""Access levels and the history, as people use them in the browser.

A viewer of the sample team sees the matrix, its history and its share link without a single
edit control; an editor's change shows in the history with who made it and undo puts it back;
a cell's note shows on keyboard focus. Also: accessibility of the history, compare, team and
share pages, and the screenshots of those pages (docs/screenshots/history.png and team.png with
UPDATE_SCREENSHOTS=1).
"""

import os
import re
import shutil

import pytest
from playwright.sync_api import expect

from apps.accounts.models import AccessLevel, Membership
from apps.accounts.services import invite_create
from apps.exchange.seeding import sample_team
from apps.history.services import change_undo, snapshot_create
from apps.matrices.models import Responsibility
from apps.matrices.services import responsibility_annotate, responsibility_assign
from apps.sharing.services import share_link_create
from tests.conftest import make_user

from .conftest import ARTIFACTS, focus_cell, run_axe

pytestmark = pytest.mark.browser

SAMPLE = "/m/product-roles/"
NO_CODE = ":empty"
CELLS = "td[id^='cell-']"
# Shown in the README; the other screenshots are only written to test-artifacts/.
DOCS = {"history": "history.png", "team": "team.png"}

# What only an editor may see or use, on the matrix page.
EDIT_CONTROLS = {
    "editable grid": "table.grid[data-editable], table.grid[data-assign-url]",
    "letter chooser": "#chooser",
    "note dialog": "#note-dialog",
    "add-activity, phase and column forms": "form.add-form, .structure-forms",
    "row, phase and column menus": ".row-menu, #row-menu, .phase-menu, .column-menu",
    "drag handles": "[draggable=true]",
    "share menu": ".share-menu",
    "htmx writes": "[data-hx-post], [data-hx-put], [data-hx-patch], [data-hx-delete]",
    "undo": "form[action$='/history/undo/']",
}


def shoot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    if name in DOCS and os.environ.get("UPDATE_SCREENSHOTS"):
        docs = ARTIFACTS.parent / "docs" / "screenshots"
        docs.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, docs / DOCS[name])


def console_errors(page) -> list[str]:
    """Console errors from now on; CSP violations are reported there too."""
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def assert_no_serious_violations(page):
    violations = run_axe(page)
    assert violations == [], [
        (v["id"], v["help"], [n["target"] for n in v["nodes"]][:5]) for v in violations
    ]


def test_a_viewer_sees_the_matrix_history_and_share_link_without_edit_controls(
    login, server, seeded
):
    activity = seeded.activities.order_by("phase__position", "position").first()
    noted = Responsibility.objects.filter(activity=activity).select_related("role").first()
    responsibility_annotate(
        matrix=seeded,
        activity=activity,
        role=noted.role,
        note="Signs off the brief with the sponsor",
        by=None,
    )
    link = share_link_create(matrix=seeded, by=None)

    page = login("vera", sample_access=AccessLevel.VIEWER)
    errors = console_errors(page)
    page.goto(server.url + SAMPLE)
    expect(page.locator("table.grid")).to_be_visible()
    expect(page.locator(".matrix-details .eyebrow")).to_contain_text("view only")
    for what, selector in EDIT_CONTROLS.items():
        expect(page.locator(selector), what).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile(r"^Undo"))).to_have_count(0)
    expect(page.get_by_role("link", name="History")).to_be_visible()

    # A click or a typed letter changes nothing.
    cell_id = f"cell-{activity.pk}-{noted.role_id}"
    code = page.locator(f"#{cell_id}").text_content()
    page.locator(f"#{cell_id}").click()
    page.keyboard.press("c")
    expect(page.get_by_role("menu")).to_have_count(0)
    expect(page.locator(f"#{cell_id}")).to_have_text(code)

    # The read-only grid takes the keyboard too: one tab stop, the arrow keys; the note shows
    # when the keyboard reaches its cell, and the cell says what it holds.
    note = page.locator("#note-tip")
    page.mouse.move(1, 1)
    page.evaluate("document.activeElement.blur()")
    expect(note).to_be_hidden()
    focus_cell(page, cell_id)
    expect(note).to_be_visible()
    expect(note).to_have_text("Signs off the brief with the sponsor")
    expect(page.locator(f"#{cell_id}")).to_have_attribute(
        "aria-label", re.compile(r": \w+, note: Signs off the brief with the sponsor$")
    )
    page.keyboard.press("Control+End")  # the grid's last cell, which has no note
    expect(note).to_be_hidden()

    # The history lists the note but offers no undo.
    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("History")
    expect(page.locator("table.history tbody tr")).to_have_count(1)
    expect(page.get_by_role("button", name=re.compile("Undo"))).to_have_count(0)
    expect(page.locator("main form[method=post]")).to_have_count(0)
    page.get_by_role("link", name="Snapshots").click()
    expect(page.get_by_role("button", name="Take snapshot")).to_have_count(0)

    # The share link: read-only for anyone holding it, the viewer included.
    page.goto(server.url + link.get_absolute_url())
    expect(page.locator("table.grid")).to_be_visible()
    main = page.locator("main")
    # No control but the compact view's toggle, which changes only how the page looks.
    controls = (
        ":is(form, button, [data-hx-post], [data-hx-get], [draggable]):not(.density, .density *)"
    )
    expect(main.locator(controls)).to_have_count(0)
    expect(main.locator(f"a[href^='{SAMPLE}']")).to_have_count(0)
    expect(page.get_by_role("heading", name="The roles")).to_be_visible()
    assert errors == []


def test_an_editors_change_shows_in_the_history_and_undo_puts_it_back(login, server, seeded):
    activity = seeded.activities.order_by("phase__position", "position").first()
    roles = list(seeded.roles.order_by("columns__position"))
    held = set(Responsibility.objects.filter(activity=activity).values_list("role_id", flat=True))
    column = next(i for i, role in enumerate(roles[:-1]) if role.pk in held)
    responsibility_annotate(
        matrix=seeded, activity=activity, role=roles[column], note="Owns the vision", by=None
    )
    page = login("edna", sample_access=AccessLevel.EDITOR)
    errors = console_errors(page)
    page.goto(server.url + SAMPLE)
    expect(page.locator('table.grid td[tabindex="0"]')).to_have_count(1)

    # In the editor too, the note shows when the keyboard reaches its cell.
    noted = f"cell-{activity.pk}-{roles[column].pk}"
    focus_cell(page, f"cell-{activity.pk}-{roles[column + 1].pk}")
    expect(page.locator("#note-tip")).to_be_hidden()
    page.keyboard.press("ArrowLeft")
    expect(page.locator(f"#{noted}")).to_be_focused()
    expect(page.locator("#note-tip")).to_be_visible()
    expect(page.locator("#note-tip")).to_have_text("Owns the vision")
    target = page.locator(f"table.grid {CELLS}{NO_CODE}").first
    cell_id = target.get_attribute("id")
    role_name = page.locator(f"table.grid thead th[data-role='{cell_id.split('-')[2]}']")
    role_name = role_name.locator(".role-name").inner_text()

    page.locator(f"#{cell_id}").click()
    page.locator('#chooser .chooser-option[data-code="C"]').click()
    expect(page.locator(f"#{cell_id}")).to_have_text("C")

    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("History")
    newest = page.locator("table.history tbody tr").first
    expect(newest.locator(".history-who")).to_have_text("edna")
    expect(newest.locator(".history-what")).to_contain_text(f"{role_name} on")
    expect(newest.locator(".history-what")).to_contain_text("set C")
    # Before and after, as letters: none, then C.
    letters = newest.locator(".history-letters .letter")
    expect(letters.nth(0)).to_contain_class("letter-none")
    expect(letters.nth(1)).to_have_text("C")

    newest.get_by_role("button", name=re.compile(r"^Undo")).click()
    expect(page.locator(".messages")).to_contain_text("Undone:")
    rows = page.locator("table.history tbody tr")
    expect(rows).to_have_count(3)  # the note, the change and its undo
    expect(rows.nth(0).locator(".history-what")).to_contain_text("Undo:")
    expect(rows.nth(1)).to_contain_class("is-undone")
    expect(rows.nth(1).locator(".tag")).to_have_text("undone")
    expect(rows.nth(1).get_by_role("button")).to_have_count(0)
    expect(rows.nth(0).get_by_role("button", name=re.compile(r"^Redo"))).to_be_visible()

    page.get_by_role("navigation", name="Matrix").get_by_role("link", name="Matrix").click()
    expect(page.locator("table.grid")).to_be_visible()
    expect(page.locator(f"#{cell_id}{NO_CODE}")).to_have_count(1)
    assert errors == []


def _history_world(matrix):
    """A few people's changes, a note, an undo, two snapshots and a share link."""
    owner = make_user("olivia", email="olivia@example.com")
    editor = make_user("eddie", email="eddie@example.com")
    viewer = make_user("vic")
    team = sample_team()
    for user, access in (
        (owner, AccessLevel.OWNER),
        (editor, AccessLevel.EDITOR),
        (viewer, AccessLevel.VIEWER),
    ):
        Membership.objects.get_or_create(team=team, user=user, defaults={"access": access})
    snapshot_create(matrix=matrix, name="As agreed on 20 November", by=owner)
    activities = list(matrix.activities.order_by("phase__position", "position")[:4])
    roles = list(matrix.roles.order_by("columns__position"))
    # One cell added, one changed and one removed in each of the first activities.
    for i, activity in enumerate(activities):
        by = owner if i % 2 else editor
        held = dict(Responsibility.objects.filter(activity=activity).values_list("role_id", "code"))
        empty = [r for r in roles if r.pk not in held]
        consulted = [r for r in roles if held.get(r.pk) in ("C", "I")]
        responsibility_assign(matrix=matrix, activity=activity, role=empty[0], code="C", by=by)
        if consulted:
            role = consulted[0]
            new = "I" if held[role.pk] == "C" else "C"
            responsibility_assign(matrix=matrix, activity=activity, role=role, code=new, by=by)
        if len(consulted) > 1:
            responsibility_assign(
                matrix=matrix, activity=activity, role=consulted[1], code="", by=by
            )
    held = Responsibility.objects.filter(activity=activities[0]).select_related("role").first()
    responsibility_annotate(
        matrix=matrix,
        activity=activities[0],
        role=held.role,
        note="Agreed in the kick-off workshop",
        by=owner,
    )
    last = matrix.changes.filter(action="cell").exclude(pk=matrix.changes.first().pk).first()
    last.matrix = matrix
    change_undo(change=last, by=owner)
    snapshot_create(matrix=matrix, name="To be", by=editor)
    invite_create(team=team, access=AccessLevel.EDITOR, created_by=owner)
    link = share_link_create(matrix=matrix, by=owner)
    return team, link


def test_the_history_compare_team_and_share_pages_are_accessible_and_look_right(
    login, server, seeded
):
    team, link = _history_world(seeded)
    snapshots = list(seeded.snapshots.order_by("at"))
    pages = {
        "history": f"{SAMPLE}history/",
        "compare": f"{SAMPLE}compare/?old={snapshots[0].pk}",
        "snapshots": f"{SAMPLE}snapshots/",
        "team": f"/teams/{team.pk}/",
        "shared": link.get_absolute_url(),
    }
    for width, height, suffix in ((1366, 800, ""), (390, 844, "-phone")):
        page = login(f"owner{width}", width=width, height=height)
        errors = console_errors(page)
        for name, path in pages.items():
            page.goto(server.url + path)
            expect(page.locator("main h1")).to_be_visible()
            if name == "compare":
                summary = page.locator(".compare-summary")
                for kind in ("added", "changed", "removed"):
                    expect(summary.locator(f".diff-{kind}")).not_to_contain_text(f"0 {kind}")
                    assert page.locator(f"td.diff-{kind}").count() > 0, kind
            if not suffix:
                assert_no_serious_violations(page)
            shoot(page, name + suffix)
        assert errors == []
