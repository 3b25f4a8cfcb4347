"""Several people on one matrix at once, each in their own browser: editors Ana and Ben, viewer
Vic. What one does, the others see without reloading; who is there shows in the header."""

import re
import time

import pytest
from playwright.sync_api import expect

from apps.history.models import Change
from apps.matrices.models import Responsibility

from .conftest import focus_cell

pytestmark = pytest.mark.browser

SAMPLE = "/m/product-roles/"
LIVE = "#live[data-state='live']"


@pytest.fixture
def people(login, server):
    """Ana and Ben (editors) and Vic (viewer) with the sample matrix open, streams connected."""
    pages = {}
    for name, access in (("ana", "editor"), ("ben", "editor"), ("vic", "viewer")):
        page = login(name, sample_access=access)
        errors = []
        page.on("console", lambda m, e=errors: e.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error, e=errors: e.append(str(error)))
        page.goto(server.url + SAMPLE)
        expect(page.locator(LIVE)).to_be_attached()
        page.errors = errors
        pages[name] = page
    # Everyone sees the two others.
    for page in pages.values():
        expect(page.locator("#presence .avatar")).to_have_count(2)
    return pages


def empty_cells(page, n):
    cells = page.locator("table.grid td[id^='cell-']:empty")
    return [cells.nth(i).get_attribute("id") for i in range(n)]


def type_letter(page, cell_id, letter):
    focus_cell(page, cell_id)
    page.keyboard.press(letter)


def code_of(page, cell_id):
    return page.locator(f"#{cell_id}").text_content().strip()


def test_edits_appear_in_the_other_browsers_both_ways(people):
    ana, ben, vic = people["ana"], people["ben"], people["vic"]
    first, second = empty_cells(ana, 2)

    type_letter(ana, first, "c")
    for page in (ben, vic):
        expect(page.locator(f"#{first}")).to_have_text("C", timeout=1000)
    type_letter(ben, second, "i")
    for page in (ana, vic):
        expect(page.locator(f"#{second}")).to_have_text("I", timeout=1000)

    # What came with them: the row's check, the column's summary and the findings panel match
    # what a fresh page shows.
    row = first.split("-")[1]
    regions = (f"#status-{row}", "#summary .summary-counts", "#workload tbody")
    live = [ben.locator(region).text_content() for region in regions]
    vic.reload()
    assert [vic.locator(region).text_content() for region in regions] == live
    for page in people.values():
        assert page.errors == []


def test_the_header_shows_who_is_here_and_each_focused_cell_in_their_colour(people):
    ana, ben, vic = people["ana"], people["ben"], people["vic"]
    avatars = ana.locator("#presence .avatar")
    expect(avatars).to_have_count(2)
    # Names show on focus (and hover); the viewer is marked as viewing.
    avatars.last.focus()
    expect(avatars.last.locator(".avatar-name")).to_be_visible()
    assert "Vic" in avatars.last.inner_text() or "vic" in avatars.last.inner_text()
    expect(ana.locator("#presence")).to_contain_text(re.compile("viewing"))

    (cell_id,) = empty_cells(ben, 1)
    focus_cell(ben, cell_id)
    outlined = ana.locator(f"#{cell_id}.peer-focus")
    expect(outlined).to_be_visible(timeout=1000)
    expect(outlined).to_have_attribute("data-peer", "BE")
    ana.screenshot(path=str(artifact("live-presence.png")))

    # Whoever closes the tab is gone at once (well within 30 seconds).
    vic.context.close()
    expect(ana.locator("#presence .avatar")).to_have_count(1, timeout=5000)


def test_two_people_setting_one_cell_at_once_end_with_the_same_letter(people):
    ana, ben = people["ana"], people["ben"]
    (cell_id,) = empty_cells(ana, 1)
    focus_cell(ana, cell_id)
    focus_cell(ben, cell_id)
    ana.keyboard.press("r")
    ben.keyboard.press("c")

    # The server's order decides, and every browser ends with the same letter.
    activity, role = map(int, cell_id.split("-")[1:])
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        # The letter read once both changes are in: read before, it may be the first's.
        if Change.objects.filter(activity_id=activity, role_id=role).count() == 2:
            stored = Responsibility.objects.filter(activity_id=activity, role_id=role).first()
            break
        time.sleep(0.05)
    final = stored.code
    for page in people.values():
        expect(page.locator(f"#{cell_id}")).to_have_text(final, timeout=2000)
    # History keeps both; whoever was overwritten is told who set what.
    changes = list(Change.objects.filter(activity_id=activity, role_id=role).order_by("pk"))
    assert [c.after["code"] for c in changes][-1] == final and len(changes) == 2
    loser = ana if final == "C" else ben
    winner_name = "ben" if final == "C" else "ana"
    expect(loser.locator("#live-notice")).to_have_text(
        re.compile(rf"{winner_name} set this to {final}", re.I), timeout=2000
    )


def test_a_browser_that_lost_its_connection_catches_up_when_it_is_back(people):
    ana, ben = people["ana"], people["ben"]
    online = {"ok": True}
    sockets = []

    def route(ws):
        if not online["ok"]:
            ws.close(code=1001)
            return
        ws.connect_to_server()
        sockets.append(ws)

    # Ben's stream goes through a route the test can cut (as Wi-Fi would).
    ben.route_web_socket(re.compile(r"/ws/"), route)
    ben.reload()
    expect(ben.locator(LIVE)).to_be_attached()
    online["ok"] = False
    for ws in sockets:
        ws.close()
    expect(ben.locator("#live-status")).to_have_text("Reconnecting…", timeout=3000)

    cells = empty_cells(ana, 3)
    for cell_id, letter in zip(cells, "rci", strict=True):
        type_letter(ana, cell_id, letter)
        expect(ana.locator(f"#{cell_id}")).to_have_text(letter.upper())
    for cell_id in cells:
        assert code_of(ben, cell_id) == ""  # Ben has not heard of them yet

    online["ok"] = True
    expect(ben.locator(LIVE)).to_be_attached(timeout=15000)
    for cell_id, letter in zip(cells, "RCI", strict=True):
        expect(ben.locator(f"#{cell_id}")).to_have_text(letter, timeout=3000)
    assert grid_state(ben) == grid_state(ana)


def test_a_viewer_removed_from_the_team_stops_receiving(people, login, server):
    ana, vic = people["ana"], people["vic"]
    # The team's owner removes Vic from the sample team, on the team's page.
    team_page = login("olga", sample_access="owner")
    team_page.goto(server.url + "/teams/")
    team_page.get_by_role("link", name=re.compile("Sample team")).click()
    team_page.on("dialog", lambda dialog: dialog.accept())
    team_page.get_by_role("button", name=re.compile(r"Remove\s+vic")).click()
    expect(vic.locator("#live[data-state='closed']")).to_be_attached(timeout=3000)
    expect(vic.locator("#live-status")).to_contain_text("no longer")

    (cell_id,) = empty_cells(ana, 1)
    type_letter(ana, cell_id, "i")
    expect(ana.locator(f"#{cell_id}")).to_have_text("I")
    time.sleep(1)
    assert code_of(vic, cell_id) == ""


def grid_state(page) -> dict:
    """Every cell's letter, every row's check and the findings' counts, as the page shows them."""
    return page.evaluate(
        """() => ({
            cells: Array.from(
                document.querySelectorAll("td[id^='cell-']"), td => td.id + ":" + td.textContent
            ),
            checks: Array.from(
                document.querySelectorAll(".row-status"), mark => mark.textContent.trim()
            ),
            summary: document.querySelector("#summary .summary-counts").textContent.trim(),
        })"""
    )


def artifact(name):
    from tests.browser.conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name
