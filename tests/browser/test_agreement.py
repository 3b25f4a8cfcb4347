"""Agreement in Chromium: an owner asks, a member objects on My responsibilities (their letter
is then outlined in the grid), the owner agrees on the matrix page; a change to a member's
letter reaches their bell while they have the matrix open. CSP-clean and axe-clean. Writes
agreement-*.png to test-artifacts (and docs/screenshots with UPDATE_SCREENSHOTS=1)."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from apps.matrices.models import Matrix, Responsibility
from apps.matrices.services import responsibility_assign

from .conftest import run_axe
from .test_pages import shoot
from .test_people import LIVE, SAMPLE, people_on_the_sample, role, watch_errors

pytestmark = pytest.mark.browser


def test_ask_object_and_agree(login, server):
    ana = login("ana", width=1440, height=900)
    people_on_the_sample(get_user_model().objects.get(username="ana"))
    errors = watch_errors(ana)

    ana.goto(server.url + SAMPLE)
    panel = ana.locator("#agreement")
    expect(panel.locator("#agreement-state")).to_contain_text("Not asked yet: 3 people hold")
    panel.locator("#agreement-ask summary").click()
    panel.get_by_role("button", name="Ask for agreement").click()
    expect(panel.locator("#agreement-state")).to_contain_text("Agreed by 0 of 3 (3 waiting)")

    # Ben (an editor of the sample team, who holds the project manager's role) answers on My
    # responsibilities, without the matrix open.
    context = ana.context.browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors += watch_errors(page)
    page.goto(f"{server.url}/accounts/login/")
    page.get_by_label("Username").fill("ben")
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()
    # Told that he now holds the project manager's letters, and asked to agree to them.
    expect(page.locator("#notice-bell .bell-count")).to_have_text("2 unread")
    page.get_by_role("link", name="My responsibilities").click()
    asked = page.locator("#agreement-asked")
    expect(asked).to_contain_text("You are asked to agree to your letters.")
    violations = run_axe(page)
    assert violations == [], [(v["id"], v["help"], len(v["nodes"])) for v in violations]
    shoot(page, "agreement-asked")
    first = asked.locator("input[name=cells]").first
    objected_cell = first.get_attribute("value")
    first.check()
    asked.get_by_label("If you object").fill("Release planning is the product owner's call.")
    asked.get_by_role("button", name="Object").click()
    expect(page.locator(".messages")).to_contain_text("Your objection is recorded.")
    expect(page.locator("#agreement-asked")).to_have_count(0)

    # Ana sees the objection, and the letter outlined in the grid; she agrees to her own part.
    ana.reload()
    expect(panel.locator("#agreement-state")).to_contain_text(
        "Agreed by 0 of 3 (2 waiting, 1 objected)"
    )
    expect(panel).to_contain_text("Release planning is the product owner's call.")
    expect(ana.locator(f"#cell-{objected_cell}.objected")).to_have_count(1)
    mine = panel.locator("#agreement-mine")
    mine.get_by_role("button", name="Agree").click()
    expect(panel.locator("#agreement-state")).to_contain_text(
        "Agreed by 1 of 3 (1 waiting, 1 objected)"
    )
    expect(panel.locator("#agreement-mine")).to_contain_text("You agreed to these letters")
    violations = run_axe(ana)
    assert violations == [], [(v["id"], v["help"], len(v["nodes"])) for v in violations]
    panel.scroll_into_view_if_needed()
    panel.screenshot(path=str(_artifact("agreement-panel")))
    _publish("agreement-panel")
    assert errors == []
    context.close()


def test_a_change_to_my_letter_rings_my_bell_and_outdates_my_answer(login, server):
    login("ana", width=1440, height=900)  # the sample team's owner
    matrix = people_on_the_sample(get_user_model().objects.get(username="ana"))
    vic = login("vic", sample_access="editor")
    from apps.people.services import holders_set

    vic_user = get_user_model().objects.get(username="vic")
    manager = role("Project Manager")
    holders_set(matrix=matrix, role=manager, users=[vic_user], by=vic_user)  # her own change
    errors = watch_errors(vic)
    vic.goto(server.url + SAMPLE)
    expect(vic.locator(LIVE)).to_be_attached()
    mine = vic.locator("#agreement-mine")
    mine.get_by_role("button", name="Agree").click()
    expect(vic.locator("#agreement-state")).to_contain_text("Agreed by 1 of 3 (2 not asked)")
    expect(vic.locator("#notice-bell .bell-count")).to_have_count(0)

    # Ana changes one of Vic's letters (through the service the grid's request calls): Vic's
    # page hears of it on its stream, and the bell and the panel follow without a reload.
    cell = Responsibility.objects.filter(activity__matrix=matrix, role=manager).first()
    responsibility_assign(
        matrix=Matrix.objects.get(pk=matrix.pk),
        activity=cell.activity,
        role=manager,
        code="C" if cell.code != "C" else "I",
        by=get_user_model().objects.get(username="ana"),
    )
    expect(vic.locator("#notice-bell .bell-count")).to_contain_text("1", timeout=10_000)
    expect(vic.locator("#agreement-state")).to_contain_text("1 out of date", timeout=10_000)
    expect(vic.locator("#agreement-mine")).to_contain_text(
        "Your letters changed since you answered"
    )
    vic.locator("#notice-bell").click()
    expect(vic.get_by_role("heading", name="Notices")).to_be_visible()
    expect(vic.locator(".notice.unread")).to_have_count(1)
    violations = run_axe(vic)
    assert violations == [], [(v["id"], v["help"], len(v["nodes"])) for v in violations]
    shoot(vic, "agreement-notices")
    vic.get_by_role("button", name="Mark all read").click()
    expect(vic.locator("#notice-bell .bell-count")).to_have_count(0)
    assert errors == []


def _artifact(name):
    from .conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / f"{name}.png"


def _publish(name):
    import os
    import shutil

    from .test_pages import DOCS

    if os.environ.get("UPDATE_SCREENSHOTS"):
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copy(_artifact(name), DOCS / f"{name}.png")
