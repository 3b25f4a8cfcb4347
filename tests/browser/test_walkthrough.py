"""A new user's walk through every page at phone width: nothing overflows sideways, and axe-core
finds no serious or critical problem.

Elements that are meant to scroll (the grid, the role guide, the history tabs) may hold wider
content; the page itself may not.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from apps.accounts.services import invite_create
from apps.exchange.seeding import sample_team_join
from apps.history.services import snapshot_create
from apps.matrices.models import Matrix
from apps.sharing.services import share_link_create
from apps.workshops.services import workshop_start
from tests.conftest import make_user

from .conftest import run_axe

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SAMPLE = "/m/product-roles/"


def assert_fits(page, what):
    wide, viewport = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert wide <= viewport, f"{what}: the page scrolls sideways ({wide} > {viewport} px)"


def assert_fits_and_passes_axe(page, what):
    assert_fits(page, what)
    violations = run_axe(page)
    found = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    assert violations == [], (what, found)


def log_in(page, server, username):
    page.goto(f"{server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{server.url}/")


def test_every_page_fits_a_phone_and_passes_axe(browser, server, login):
    page = login("walker", **PHONE)
    url = server.url
    matrix = Matrix.objects.get(slug="product-roles")
    walker = get_user_model().objects.get(username="walker")
    snapshot_create(matrix=matrix, name="As agreed at the kickoff", by=walker)
    link = share_link_create(matrix=matrix, by=walker)
    workshop = workshop_start(matrix=matrix, activities=matrix.activities.all()[:3], by=walker)
    invite = invite_create(team=matrix.team, access="editor", created_by=walker)

    def visit(path, what, on=None):
        (on or page).goto(url + path)
        assert_fits_and_passes_axe(on or page, what)

    # 1. Home, then a blank matrix (test_editor creates one from the template).
    visit("/", "home")
    page.get_by_label("Title").fill("Our blank one")
    page.get_by_role("radio", name=re.compile("Blank matrix")).check()
    page.get_by_role("button", name="Create matrix").click()
    page.wait_for_url(re.compile(r"/m/our-blank-one/$"))
    expect(page.locator("table.grid .activity-row")).to_have_count(0)
    assert_fits_and_passes_axe(page, "blank matrix")

    # 2. The matrix page, with its menus open.
    visit(SAMPLE, "matrix")
    page.locator(".more-menu > summary").click()
    expect(page.get_by_role("button", name="Duplicate this matrix")).to_be_visible()
    assert_fits(page, "matrix, More menu open")  # axe has just read this page

    # 3. Import: the form, a file it refuses, a preview.
    visit("/import/", "import")
    page.locator('input[type="file"]').set_input_files(
        files=[{"name": "bad.csv", "mimeType": "text/csv", "buffer": b"Activity,Sales\nShip,X\n"}]
    )
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#file-error")).to_contain_text('unknown letter "X"')
    assert_fits_and_passes_axe(page, "import error")
    page.locator('input[type="file"]').set_input_files(
        files=[{"name": "ok.csv", "mimeType": "text/csv", "buffer": b"Activity,Sales\nShip,A\n"}]
    )
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("button", name="Create the matrix")).to_be_visible()
    assert_fits_and_passes_axe(page, "import preview")

    # 4. Teams (with a pending invite link), custom roles, the role guide.
    visit("/teams/", "teams")
    visit(f"/teams/{matrix.team.pk}/", "team")
    expect(page.locator(".invite .copy-field input")).to_have_value(re.compile(invite.token))
    visit(f"/roles/team/{matrix.team.pk}/", "custom roles")
    visit("/roles/", "role guide")

    # 5. History, snapshots, compare.
    for tab in ("history", "snapshots", "compare"):
        visit(f"{SAMPLE}{tab}/", tab)

    # 6. The workshop start page.
    visit(f"{SAMPLE}workshops/", "workshop start")

    # 7. Error pages.
    page.goto(url + "/m/no-such-matrix/")
    expect(page.get_by_role("link", name="Back to your matrices")).to_be_visible()
    assert_fits_and_passes_axe(page, "404")

    # Logged out, in a fresh context: share link, joining a workshop, a 403, the lockout.
    context = browser.new_context(viewport=PHONE)
    try:
        guest = context.new_page()
        visit("/accounts/login/", "login", on=guest)
        visit(f"/s/{link.token}/", "share link", on=guest)
        visit("/w/", "join: code", on=guest)
        visit(f"/w/{workshop.code}/", "join: name", on=guest)
        visit(f"/teams/join/{invite.token}/", "team invite", on=guest)

        newbie = make_user("newbie")
        log_in(guest, server, "newbie")
        visit("/", "home, no matrices yet", on=guest)
        expect(guest.get_by_role("heading", name="Start your first matrix")).to_be_visible()
        # A viewer of the sample team may see the matrix but not delete it.
        sample_team_join(user=newbie, access="viewer")
        response = guest.goto(url + SAMPLE + "delete/")
        assert response.status == 403
        assert_fits_and_passes_axe(guest, "403")

        guest.get_by_role("button", name="Log out").click()
        for _ in range(5):
            guest.goto(url + "/accounts/login/")
            guest.get_by_label("Username").fill("newbie")
            guest.get_by_label("Password").fill("wrong")
            guest.get_by_role("button", name="Log in").click()
            guest.wait_for_load_state()
        expect(guest.get_by_role("heading", name="Too many failed logins")).to_be_visible()
        assert_fits_and_passes_axe(guest, "lockout")
    finally:
        context.close()
