"""The agreement and the bell, live in Chromium: an answer given in one browser reaches the
matrix open in another (its state line and the objected letter outlined) without a reload; a
change made by someone else rings the bell of a page with no matrix on it (My responsibilities)
through its own light stream, and a workshop's facilitator has the bell too. Writes
agreement-live-*.png at 1280 and 390 wide to test-artifacts."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from apps.matrices.models import Matrix, Responsibility
from apps.matrices.services import responsibility_assign

from .test_pages import shoot
from .test_people import LIVE, SAMPLE, people_on_the_sample, role, watch_errors

pytestmark = pytest.mark.browser


def sign_in(browser, server, username, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"{server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{server.url}/")
    return page


@pytest.mark.parametrize("width", [1280, 390])
def test_an_answer_reaches_the_other_browser_without_a_reload(login, server, browser, width):
    ana = login("ana", width=width, height=900)
    people_on_the_sample(get_user_model().objects.get(username="ana"))
    errors = watch_errors(ana)
    ana.goto(server.url + SAMPLE)
    expect(ana.locator(LIVE)).to_be_attached()
    panel = ana.locator("#agreement")
    panel.locator("#agreement-ask summary").click()
    panel.get_by_role("button", name="Ask for agreement").click()
    state = panel.locator("#agreement-state")
    expect(state).to_contain_text("Agreed by 0 of 3 (3 waiting)")

    # Ben has the matrix open in his own browser, and objects to one of his letters there.
    ben = sign_in(browser, server, "ben", width)
    errors += watch_errors(ben)
    ben.goto(server.url + SAMPLE)
    expect(ben.locator(LIVE)).to_be_attached()
    mine = ben.locator("#agreement-mine")
    first = mine.locator("input[name=cells]").first
    objected = first.get_attribute("value")
    first.check()
    mine.get_by_label("If you object").fill("Release planning is the product owner's call.")
    mine.get_by_role("button", name="Object").click()
    expect(ben.locator("#agreement-state")).to_contain_text("1 objected")

    # Ana's page follows, never reloaded: the state line, the reason, the letter outlined.
    expect(state).to_contain_text("Agreed by 0 of 3 (2 waiting, 1 objected)", timeout=10_000)
    expect(panel).to_contain_text("Release planning is the product owner's call.")
    expect(ana.locator(f"#cell-{objected}.objected")).to_have_count(1)
    ana.locator(f"#cell-{objected}").scroll_into_view_if_needed()
    shoot(ana, f"agreement-live-objected-{width}")

    # Ben changes his mind and agrees: the mark goes from Ana's grid, the count moves.
    ben.reload()
    ben.locator("#agreement-mine").get_by_role("button", name="Agree").click()
    expect(state).to_contain_text("Agreed by 1 of 3 (2 waiting)", timeout=10_000)
    expect(ana.locator("td.objected")).to_have_count(0)
    state.scroll_into_view_if_needed()
    shoot(ana, f"agreement-live-agreed-{width}")
    assert errors == []
    ben.context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_a_change_by_someone_else_rings_the_bell_on_my_responsibilities(login, server, width):
    login("ana", width=1440, height=900)  # the sample team's owner
    matrix = people_on_the_sample(get_user_model().objects.get(username="ana"))
    ben = login("ben2", sample_access="editor", width=width)
    from apps.people.services import holders_set

    ben_user = get_user_model().objects.get(username="ben2")
    manager = role("Project Manager")
    holders_set(matrix=matrix, role=manager, users=[ben_user], by=ben_user)  # his own change
    errors = watch_errors(ben)
    ben.goto(server.url + "/me/")
    expect(ben.get_by_role("heading", name="My responsibilities")).to_be_visible()
    bell = ben.locator("#notice-bell")
    expect(bell.locator(".bell-count")).to_have_count(0)

    cell = Responsibility.objects.filter(activity__matrix=matrix, role=manager).first()
    responsibility_assign(
        matrix=Matrix.objects.get(pk=matrix.pk),
        activity=cell.activity,
        role=manager,
        code="C" if cell.code != "C" else "I",
        by=get_user_model().objects.get(username="ana"),
    )
    expect(bell.locator(".bell-count")).to_contain_text("1", timeout=10_000)
    shoot(ben, f"agreement-live-bell-{width}")

    # Read on another page of his: this page's bell follows too.
    other = ben.context.new_page()
    other.goto(server.url + "/notices/")
    other.get_by_role("button", name="Mark all read").click()
    expect(bell.locator(".bell-count")).to_have_count(0, timeout=10_000)
    assert errors == []


@pytest.mark.parametrize("width", [1280, 390])
def test_the_facilitators_board_has_the_bell_and_rings_it(login, server, width):
    from apps.workshops.services import workshop_start

    ana = login("ana", width=width, height=900)
    matrix = people_on_the_sample(get_user_model().objects.get(username="ana"))
    ana_user = get_user_model().objects.get(username="ana")
    workshop = workshop_start(matrix=matrix, activities=matrix.activities.all()[:3], by=ana_user)
    errors = watch_errors(ana)
    ana.goto(server.url + workshop.get_absolute_url())
    expect(ana.locator("[data-kind='board'][data-state='live']")).to_be_attached()
    bell = ana.locator("#notice-bell")
    expect(bell).to_be_visible()
    expect(bell.locator(".bell-count")).to_have_count(0)

    # Ben changes one of Ana's letters: the board's own stream rings her bell.
    manager = role("Product Manager")
    cell = Responsibility.objects.filter(activity__matrix=matrix, role=manager).first()
    responsibility_assign(
        matrix=Matrix.objects.get(pk=matrix.pk),
        activity=cell.activity,
        role=manager,
        code="C" if cell.code != "C" else "I",
        by=get_user_model().objects.get(username="ben"),
    )
    expect(bell.locator(".bell-count")).to_contain_text("1", timeout=10_000)
    shoot(ana, f"agreement-live-facilitator-{width}")
    assert errors == []
