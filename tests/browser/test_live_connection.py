"""What a page says of its live connection (static/js/connection.js): a connection that stops
answering without closing is shown as such within seconds, and the page catches up once it is
back; the browser going offline is heeded at once; too many streams are said in words. And a
person's focused cell stays outlined for the others while their letter chooser is open."""

import re

import pytest
from playwright.sync_api import expect

from .test_live import LIVE, code_of, empty_cells, grid_state, type_letter
from .test_live import people as people  # the fixture: Ana, Ben and Vic on the sample matrix

pytestmark = pytest.mark.browser

SAMPLE = "/m/product-roles/"
# A ping after 6 s of quiet, and 3 s for its answer (connection.js): 9 s at the most, and room
# for a busy machine.
NOTICED_WITHIN = 15_000


class Network:
    """One browser's WebSocket traffic, relayed by Playwright, which the test can hold: nothing
    passes either way and nothing is closed, as when Wi-Fi goes without a reset."""

    def __init__(self, page):
        self.holding = False
        page.route_web_socket(re.compile(r"/ws/"), self.route)

    def route(self, ws):
        if self.holding:
            return  # a new connection that is never answered
        server = ws.connect_to_server()
        ws.on_message(lambda message: None if self.holding else server.send(message))
        server.on_message(lambda message: None if self.holding else ws.send(message))


def test_a_connection_that_silently_stops_answering_is_shown_and_caught_up(people):
    ana, ben = people["ana"], people["ben"]
    network = Network(ben)
    ben.reload()
    expect(ben.locator(LIVE)).to_be_attached()

    network.holding = True
    expect(ben.locator("#live-status")).to_have_text("Reconnecting…", timeout=NOTICED_WITHIN)
    expect(ben.locator("#live[data-state='offline']")).to_be_attached()

    cells = empty_cells(ana, 3)
    for cell_id, letter in zip(cells, "rci", strict=True):
        type_letter(ana, cell_id, letter)
        expect(ana.locator(f"#{cell_id}")).to_have_text(letter.upper())
    assert [code_of(ben, cell_id) for cell_id in cells] == ["", "", ""]
    expect(ben.locator("#live[data-state='offline']")).to_be_attached()  # still says so

    network.holding = False
    # Tried again every second or two: live within seconds, with what it missed.
    expect(ben.locator(LIVE)).to_be_attached(timeout=NOTICED_WITHIN)
    for cell_id, letter in zip(cells, "RCI", strict=True):
        expect(ben.locator(f"#{cell_id}")).to_have_text(letter, timeout=3000)
    assert grid_state(ben) == grid_state(ana)


def test_the_browser_going_offline_is_shown_at_once(people):
    ana, ben = people["ana"], people["ben"]
    ben.context.set_offline(True)
    expect(ben.locator("#live-status")).to_have_text("Reconnecting…", timeout=2000)
    (cell_id,) = empty_cells(ana, 1)
    type_letter(ana, cell_id, "a")
    expect(ana.locator(f"#{cell_id}")).to_have_text("A")

    ben.context.set_offline(False)
    expect(ben.locator(LIVE)).to_be_attached(timeout=NOTICED_WITHIN)
    expect(ben.locator(f"#{cell_id}")).to_have_text("A", timeout=3000)


def test_a_focused_cell_stays_outlined_while_its_letter_chooser_is_open(people):
    ana, ben = people["ana"], people["ben"]
    (cell_id,) = empty_cells(ana, 1)
    ana.locator(f"#{cell_id}").click()  # opens the letter chooser, which takes the focus
    expect(ana.locator("#chooser")).to_be_visible()
    outlined = ben.locator(f"#{cell_id}.peer-focus")
    expect(outlined).to_be_visible(timeout=2000)
    ana.keyboard.press("ArrowDown")  # moving through the letters
    expect(ana.locator("#chooser")).to_be_visible()
    expect(outlined).to_have_attribute("data-peer", "AN")
    ana.keyboard.press("Escape")  # back on the cell: still there
    expect(ana.locator(f"#{cell_id}")).to_be_focused()
    expect(outlined).to_be_visible()


def test_one_stream_too_many_is_said_in_words(people, server, settings):
    ana = people["ana"]
    settings.LIVE_STREAMS_PER_SESSION = 1  # Ana's first tab has it
    second = ana.context.new_page()
    second.goto(server.url + SAMPLE)
    expect(second.locator("#live-status")).to_contain_text(
        "Too many live pages are open", timeout=5000
    )
    expect(second.locator("#live[data-state='offline']")).to_be_attached()
