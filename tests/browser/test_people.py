"""People on roles in Chromium: the holders in the column heads, the person filter (CSP-clean,
axe-clean), a change of holders reaching another browser, a link that focuses its cell, and
"My responsibilities" at laptop and phone widths. Writes people-*.png to test-artifacts."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from apps.catalog.models import Role
from apps.matrices.models import Matrix, Responsibility
from apps.people.services import holders_set
from tests.conftest import make_user

from .conftest import run_axe
from .test_pages import shoot

pytestmark = pytest.mark.browser

SAMPLE = "/m/product-roles/"
LIVE = "#live[data-state='live']"


def watch_errors(page) -> list[str]:
    """Console errors from now on: CSP violations are logged as errors too."""
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def role(name: str) -> Role:
    return Role.objects.get(name=name, team__isnull=True)


def people_on_the_sample(owner) -> Matrix:
    """Ana (the owner) is product manager and product owner; Ben project manager; Dana, of an
    agency, product marketing."""
    from apps.exchange.seeding import sample_team_join

    matrix = Matrix.objects.get(slug="product-roles")
    owner.first_name, owner.last_name = "Ana", "Lopez"
    owner.save()
    ben = make_user("ben", first_name="Ben", last_name="Okafor")
    sample_team_join(user=ben, access="editor")
    holders_set(matrix=matrix, role=role("Product Manager"), users=[owner], by=owner)
    holders_set(matrix=matrix, role=role("Product Owner"), users=[owner], by=owner)
    holders_set(matrix=matrix, role=role("Project Manager"), users=[ben], by=owner)
    holders_set(
        matrix=matrix, role=role("Product Marketing Manager"), new_name="Dana (agency)", by=owner
    )
    return matrix


def dimmed(locator) -> bool:
    """Whether the cell shows its letter in the dimmed grey (people.css --dim-ink)."""
    colour = locator.evaluate("el => getComputedStyle(el).getPropertyValue('--letter-ink')")
    return colour.strip() == "#475569"


def grey(locator) -> bool:
    return locator.evaluate("el => getComputedStyle(el).filter") == "grayscale(1)"


def test_the_person_filter_dims_the_other_roles_and_marks_their_workload(login, server):
    page = login("ana", width=1440, height=900)
    matrix = people_on_the_sample(get_user_model().objects.get(username="ana"))
    errors = watch_errors(page)
    page.goto(server.url + SAMPLE)
    expect(page.locator(LIVE)).to_be_attached()
    heads = page.locator("thead th.role-col")
    manager = page.locator(f"thead th[data-role='{role('Product Manager').pk}']")
    expect(manager.locator(".holder")).to_have_text(["AL"])
    expect(page.locator("#person-filter")).to_be_visible()
    shoot(page, "people-grid")

    styled = page.locator("[style]").count()
    page.get_by_label("Show").select_option(label="Ana Lopez")
    held = {role("Product Manager").pk, role("Product Owner").pk}
    activity = matrix.activities.order_by("phase__position", "position").first()
    for index in range(heads.count()):
        head = heads.nth(index)
        role_id = int(head.get_attribute("data-role"))
        cell = page.locator(f"#cell-{activity.pk}-{role_id}")
        assert dimmed(cell) is (role_id not in held), head.inner_text()
        assert grey(head.locator(".role-head")) is (role_id not in held)
    ana_row = page.locator("#workload-people tr.is-chosen")
    expect(ana_row.locator("th")).to_have_text("Ana Lopez")
    expect(page.locator("#workload-people tr.is-dimmed")).to_have_count(2)
    status = page.locator("#person-filter-status")
    expect(status).to_contain_text("Ana Lopez holds PdM, PO:")
    letters = Responsibility.objects.filter(activity__matrix=matrix, role__in=held).count()
    counted = sum(int(n) for n in ana_row.locator("td.num").last.inner_text().split())
    assert counted == letters
    # Dimmed by a stylesheet of the filter's own (CSSOM), not by style on the cells.
    assert page.locator("[style]").count() == styled
    violations = run_axe(page)
    assert violations == [], [(v["id"], v["help"], len(v["nodes"])) for v in violations]
    shoot(page, "people-filter")
    page.locator("#workload").scroll_into_view_if_needed()
    shoot(page, "people-workload")

    page.get_by_label("Show").select_option(label="everyone")
    assert not dimmed(page.locator(f"#cell-{activity.pk}-{role('Project Manager').pk}"))
    expect(page.locator("#workload-people tr.is-dimmed")).to_have_count(0)
    assert errors == []


def test_a_change_of_holders_shows_in_another_browser(login, server):
    ana = login("ana", width=1440, height=900)
    people_on_the_sample(get_user_model().objects.get(username="ana"))
    vic = login("vic", sample_access="viewer")
    for page in (ana, vic):
        page.goto(server.url + SAMPLE)
        expect(page.locator(LIVE)).to_be_attached()
    errors = watch_errors(ana) + watch_errors(vic)
    owner_id = role("Product Owner").pk
    # Vic keeps "Ana" chosen in the filter while Ana changes who holds the product owner role.
    vic.get_by_label("Show").select_option(label="Ana Lopez")

    item = ana.locator(f"#holders-{owner_id}")
    item.locator("summary").click()
    form = item.locator("form.holders-form")
    expect(form).to_be_visible()
    form.get_by_label("Ben Okafor").check()
    form.get_by_label("Someone without an account").fill("Lee (freelance)")
    form.get_by_role("button", name="Save").click()

    head = vic.locator(f"thead th[data-role='{owner_id}'] .holder")
    expect(head).to_have_text(["AL", "BO", "LE"])
    expect(vic.locator(f"#holders-{owner_id} .holder-names li")).to_have_count(3)
    expect(vic.locator("#person-filter-select")).to_have_value(
        vic.locator("#person-filter-select option", has_text="Ana Lopez").get_attribute("value")
    )
    expect(vic.locator("#person-filter-select option")).to_have_count(5)
    # The viewer has no form to change them.
    expect(vic.locator(f"#holders-{owner_id} details")).to_have_count(0)
    assert errors == []


def test_ticks_not_yet_saved_survive_a_change_of_holders_from_another_browser(login, server):
    ana = login("ana", width=1440, height=900)
    people_on_the_sample(get_user_model().objects.get(username="ana"))
    eve = login("eve", width=1440, height=900, sample_access="editor")
    for page in (ana, eve):
        page.goto(server.url + SAMPLE)
        expect(page.locator(LIVE)).to_be_attached()
    errors = watch_errors(ana) + watch_errors(eve)
    owner_id, project_id = role("Product Owner").pk, role("Project Manager").pk

    # Ana ticks Ben as a product owner, and has not saved yet.
    item = ana.locator(f"#holders-{owner_id}")
    item.locator("summary").click()
    form = item.locator("form.holders-form")
    form.get_by_label("Ben Okafor").check()

    # Meanwhile Eve makes Ana a project manager too.
    theirs = eve.locator(f"#holders-{project_id}")
    theirs.locator("summary").click()
    theirs.locator("form.holders-form").get_by_label("Ana Lopez").check()
    theirs.locator("form.holders-form").get_by_role("button", name="Save").click()
    expect(ana.locator(f"thead th[data-role='{project_id}'] .holder")).to_have_text(["AL", "BO"])

    # Ana's open form kept her tick; the panel catches up once she saves.
    expect(form.get_by_label("Ben Okafor")).to_be_checked()
    expect(item.locator("details")).to_have_attribute("open", "")
    form.get_by_role("button", name="Save").click()
    expect(ana.locator(f"thead th[data-role='{owner_id}'] .holder")).to_have_text(["AL", "BO"])
    expect(ana.locator(f"#holders-{project_id} .holder-names li")).to_have_count(2)
    assert errors == []


def test_a_link_to_a_cell_focuses_it(login, server):
    page = login("ana", width=1440, height=900)
    matrix = Matrix.objects.get(slug="product-roles")
    cell = Responsibility.objects.filter(activity__matrix=matrix).order_by("-activity__position")[0]
    page.goto(f"{server.url}{SAMPLE}#cell-{cell.activity_id}-{cell.role_id}")
    focused = page.locator(f"#cell-{cell.activity_id}-{cell.role_id}")
    expect(focused).to_be_focused()
    expect(focused).to_be_in_viewport()


@pytest.mark.parametrize(("width", "height", "name"), [(1440, 900, "laptop"), (390, 844, "phone")])
def test_my_responsibilities_at_laptop_and_phone_width(login, server, width, height, name):
    page = login("ana", width=width, height=height)
    people_on_the_sample(get_user_model().objects.get(username="ana"))
    errors = watch_errors(page)
    # "Mine" in a phone's menu.
    page.get_by_role("link", name="Mine" if width < 600 else "My responsibilities").click()
    expect(page.get_by_role("heading", name="My responsibilities", level=1)).to_be_visible()
    expect(page.locator(".letter-group")).to_have_count(4)
    violations = run_axe(page)
    assert violations == [], [(v["id"], v["help"], len(v["nodes"])) for v in violations]
    overflow = page.evaluate("document.documentElement.scrollWidth > innerWidth")
    assert not overflow
    shoot(page, f"people-mine-{name}")
    page.locator(".letter-group a").first.click()
    expect(page.locator("td[id^='cell-']:focus")).to_have_count(1)
    assert errors == []
