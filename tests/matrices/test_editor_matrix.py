"""The editor page and the matrix-wide edits: details, rule options, copy, delete, scheme."""

import re

import pytest

from apps.accounts.models import AccessLevel
from apps.catalog.models import Role
from apps.matrices.models import Matrix, Responsibility
from apps.raci.schemes import DACI, RACI, RASCI, Kind
from tests.conftest import add_member, make_matrix, make_user

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
ACCOUNTABLE = RACI.code_for(Kind.ACCOUNTABLE)
RESPONSIBLE = RACI.code_for(Kind.RESPONSIBLE)
CONSULTED = RACI.code_for(Kind.CONSULTED)
INFORMED = RACI.code_for(Kind.INFORMED)
TIMES = "\N{MULTIPLICATION SIGN}"


@pytest.fixture
def matrix(team):
    return make_matrix(team=team, activities=3, roles=4, phases=2, title="Launch plan")


@pytest.fixture
def viewer_client(client, team):
    viewer = make_user("victor")
    add_member(team, viewer, AccessLevel.VIEWER)
    client.force_login(viewer)
    return client


def columns(matrix):
    return list(Role.objects.filter(columns__matrix=matrix).order_by("columns__position", "pk"))


def rows(matrix):
    return list(matrix.activities.order_by("phase__position", "position", "pk"))


def cells(matrix):
    """The letters of a matrix by activity name and role, comparable across copies."""
    return sorted(
        Responsibility.objects.filter(activity__matrix=matrix).values_list(
            "activity__name", "role_id", "code"
        )
    )


def error_count(text):
    return int(re.search(r'class="count count-error" data-count="(\d+)"', text).group(1))


# --- The page -----------------------------------------------------------------------------------


def test_an_editor_gets_the_editor(client_in, matrix):
    response = client_in.get(matrix.get_absolute_url())
    assert response.status_code == 200
    text = response.text
    assert 'data-editable="true"' in text
    chooser = re.search(r'<div id="chooser".*?</div>', text, re.S).group(0)
    options = re.findall(r'class="chooser-option[^"]*" data-code="(\w?)"', chooser)
    assert options == [*RACI.codes, ""]
    assert "Clear" in chooser
    # Every cell is one element, the grid one tab stop with a letter chooser for all.
    assert len(re.findall(r'<td id="cell-\d+-\d+"', text)) == 3 * 4
    assert 'role="grid"' in text and "aria-readonly" not in text
    assert 'id="summary"' in text and 'id="workload"' in text
    assert f'data-hx-post="/m/{matrix.slug}/' in text


def test_the_chooser_offers_the_letters_of_the_matrix_scheme(client_in, team):
    matrix = make_matrix(team=team, fill=False)
    matrix.scheme = RASCI.key
    matrix.save()
    chooser = re.search(
        r'<div id="chooser".*?</div>', client_in.get(matrix.get_absolute_url()).text, re.S
    ).group(0)
    assert re.findall(r'data-code="(\w?)"', chooser) == [*RASCI.codes, ""]


def test_a_viewer_gets_a_read_only_grid(viewer_client, matrix):
    response = viewer_client.get(matrix.get_absolute_url())
    assert response.status_code == 200
    text = response.text
    assert "data-editable" not in text
    assert 'aria-readonly="true"' in text
    assert "row-menu" not in text and "draggable" not in text
    assert 'id="chooser"' not in text
    assert "hx-post" not in text
    assert f'action="/m/{matrix.slug}/' not in text
    assert "view only" in text
    # The letters and the summaries are still there.
    assert len(re.findall(rf'<td id="cell-\d+-\d+" class="l-{ACCOUNTABLE}">', text)) == 3
    assert 'id="summary"' in text and 'id="workload"' in text


# --- Title and description ----------------------------------------------------------------------


def test_the_title_and_description_are_edited_in_place(client_in, matrix):
    response = client_in.post(
        f"/m/{matrix.slug}/details/",
        {"title": "Launch plan 2", "description": "For the spring release."},
        **HX,
    )
    assert response.status_code == 200
    text = response.text
    assert text.lstrip().startswith('<div id="details"')
    assert "<h1>Launch plan 2</h1>" in text and "For the spring release." in text
    assert "<html" not in text
    matrix.refresh_from_db()
    assert (matrix.title, matrix.description) == ("Launch plan 2", "For the spring release.")


@pytest.mark.parametrize("title", ["", "   "])
def test_a_blank_title_is_refused(client_in, matrix, title):
    response = client_in.post(
        f"/m/{matrix.slug}/details/", {"title": title, "description": "New"}, **HX
    )
    assert response.status_code == 400
    assert response.text.strip()
    matrix.refresh_from_db()
    assert (matrix.title, matrix.description) == ("Launch plan", "")


def test_a_viewer_may_not_edit_the_details(viewer_client, matrix):
    response = viewer_client.post(f"/m/{matrix.slug}/details/", {"title": "Mine"}, **HX)
    assert response.status_code == 403
    matrix.refresh_from_db()
    assert matrix.title == "Launch plan"


# --- Rule options -------------------------------------------------------------------------------


@pytest.fixture
def accountable_only(team):
    """Three activities, each with an A and somebody informed, but nobody responsible."""
    matrix = make_matrix(team=team, activities=3, roles=2, fill=False)
    owner, reader = columns(matrix)
    for activity in rows(matrix):
        Responsibility.objects.create(activity=activity, role=owner, code=ACCOUNTABLE)
        Responsibility.objects.create(activity=activity, role=reader, code=INFORMED)
    return matrix


def test_with_accountable_does_work_an_a_needs_no_r(client_in, accountable_only):
    matrix = accountable_only
    missing = f"has no {RACI.letter(RESPONSIBLE).name} role"
    page = client_in.get(matrix.get_absolute_url()).text
    assert error_count(page) == 3
    assert page.count(missing) >= 3

    response = client_in.post(
        f"/m/{matrix.slug}/options/",
        {"accountable_does_work": "on", "overload_percent": "50"},
        **HX,
    )
    assert response.status_code == 200
    assert response.headers["HX-Retarget"] == "#grid"
    assert error_count(response.text) == 0
    assert missing not in response.text
    matrix.refresh_from_db()
    assert matrix.accountable_does_work is True
    assert error_count(client_in.get(matrix.get_absolute_url()).text) == 0


def test_turning_accountable_does_work_off_brings_the_errors_back(client_in, accountable_only):
    matrix = accountable_only
    Matrix.objects.filter(pk=matrix.pk).update(accountable_does_work=True)
    response = client_in.post(f"/m/{matrix.slug}/options/", {"overload_percent": "50"}, **HX)
    assert response.status_code == 200
    assert error_count(response.text) == 3
    matrix.refresh_from_db()
    assert matrix.accountable_does_work is False


@pytest.mark.parametrize("percent", ["0", "101", "-5", "abc", ""])
def test_an_overload_share_outside_1_to_100_is_refused(client_in, matrix, percent):
    response = client_in.post(
        f"/m/{matrix.slug}/options/",
        {"accountable_does_work": "on", "overload_percent": percent},
        **HX,
    )
    assert response.status_code == 400
    assert response.text.strip()
    matrix.refresh_from_db()
    assert (matrix.accountable_does_work, matrix.overload_percent) == (False, 50)


def test_the_overload_share_changes_the_warnings(client_in, team):
    # Role 0 is accountable on all 4 activities: overloaded at 50%, fine at 100%.
    matrix = make_matrix(team=team, activities=4, roles=2)
    owners = f"{RACI.letter(RESPONSIBLE).name} or {RACI.letter(ACCOUNTABLE).name}"
    overloaded = f"{columns(matrix)[0].name}&quot; is {owners} on 4 of 4 activities"
    assert overloaded in client_in.get(matrix.get_absolute_url()).text
    response = client_in.post(f"/m/{matrix.slug}/options/", {"overload_percent": "100"}, **HX)
    assert response.status_code == 200
    assert overloaded not in response.text


# --- Duplicate ----------------------------------------------------------------------------------


def test_duplicating_makes_a_copy_with_the_same_cells_in_the_same_team(client_in, team, matrix):
    matrix.description = "The plan."
    matrix.save()
    Responsibility.objects.create(activity=rows(matrix)[0], role=columns(matrix)[3], code=CONSULTED)
    response = client_in.post(f"/m/{matrix.slug}/duplicate/")
    assert response.status_code == 302
    copy = Matrix.objects.get(title="Launch plan (copy)")
    assert response["Location"] == copy.get_absolute_url()
    assert copy.pk != matrix.pk and copy.slug != matrix.slug
    assert copy.team == team
    assert copy.description == "The plan."
    assert columns(copy) == columns(matrix)
    assert [p.name for p in copy.phases.all()] == [p.name for p in matrix.phases.all()]
    assert [a.name for a in rows(copy)] == [a.name for a in rows(matrix)]
    assert cells(copy) == cells(matrix)
    # The original is untouched, and the copy's letters are its own.
    assert Responsibility.objects.filter(activity__matrix=matrix).count() == 7
    assert client_in.get(copy.get_absolute_url()).status_code == 200


def test_a_viewer_may_not_duplicate(viewer_client, matrix):
    assert viewer_client.post(f"/m/{matrix.slug}/duplicate/").status_code == 403
    assert not Matrix.objects.filter(title__endswith="(copy)").exists()


def test_duplicating_keeps_the_scheme_and_rule_options(client_in, team):
    matrix = make_matrix(team=team, fill=False, title="Decisions")
    Matrix.objects.filter(pk=matrix.pk).update(
        scheme=DACI.key, accountable_does_work=True, overload_percent=70
    )
    client_in.post(f"/m/{matrix.slug}/duplicate/")
    copy = Matrix.objects.get(title="Decisions (copy)")
    assert (copy.scheme, copy.accountable_does_work, copy.overload_percent) == (
        DACI.key,
        True,
        70,
    )


def test_duplicating_a_matrix_with_the_longest_title_gives_a_valid_title(client_in, team):
    max_length = Matrix._meta.get_field("title").max_length
    matrix = make_matrix(team=team, title="T" * max_length)
    response = client_in.post(f"/m/{matrix.slug}/duplicate/")
    assert response.status_code == 302
    copy = Matrix.objects.exclude(pk=matrix.pk).get(team=team, title__startswith="T")
    assert len(copy.title) <= max_length


# --- Delete -------------------------------------------------------------------------------------


def test_delete_asks_for_confirmation_with_what_would_go(client_in, matrix):
    response = client_in.get(f"/m/{matrix.slug}/delete/")
    assert response.status_code == 200
    text = response.text
    assert "Launch plan" in text
    assert "3 activities and 6 assigned letters" in text
    assert Matrix.objects.filter(pk=matrix.pk).exists()


def test_deleting_removes_the_matrix_and_goes_home(client_in, matrix):
    roles = columns(matrix)
    response = client_in.post(f"/m/{matrix.slug}/delete/")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert not Matrix.objects.filter(pk=matrix.pk).exists()
    assert not Responsibility.objects.filter(role__in=roles).exists()
    assert client_in.get(matrix.get_absolute_url()).status_code == 404
    # The team's roles stay, for its other matrices.
    assert Role.objects.filter(pk__in=[r.pk for r in roles]).count() == len(roles)


def test_a_viewer_may_not_delete(viewer_client, matrix):
    assert viewer_client.get(f"/m/{matrix.slug}/delete/").status_code == 403
    assert viewer_client.post(f"/m/{matrix.slug}/delete/").status_code == 403
    assert Matrix.objects.filter(pk=matrix.pk).exists()


def test_someone_outside_the_team_cannot_delete(client, matrix):
    client.force_login(make_user("mallory"))
    assert client.post(f"/m/{matrix.slug}/delete/").status_code == 404
    assert Matrix.objects.filter(pk=matrix.pk).exists()


# --- Scheme -------------------------------------------------------------------------------------


@pytest.fixture
def mixed(team):
    """A RACI matrix with every RACI letter: 3 A, 3 R, 1 C and 1 I."""
    matrix = make_matrix(team=team, activities=3, roles=4, title="Mixed")
    first = rows(matrix)[0]
    Responsibility.objects.create(activity=first, role=columns(matrix)[2], code=CONSULTED)
    Responsibility.objects.create(activity=first, role=columns(matrix)[3], code=INFORMED)
    return matrix


def test_the_scheme_change_preview_lists_the_letters_that_would_go(client_in, mixed):
    dropped = [code for code in RACI.codes if not DACI.has(code)]
    assert dropped == [RESPONSIBLE]
    before = cells(mixed)
    response = client_in.get(f"/m/{mixed.slug}/scheme/", {"scheme": DACI.key})
    assert response.status_code == 200
    text = response.text
    assert DACI.name in text
    assert re.search(
        rf'3 {TIMES} <span class="letter letter-{RESPONSIBLE}"[^>]*>{RESPONSIBLE}</span> '
        rf"{RACI.letter(RESPONSIBLE).name}",
        text,
    )
    for kept in (ACCOUNTABLE, CONSULTED, INFORMED):
        assert f"letter-{kept}" not in text
    mixed.refresh_from_db()
    assert mixed.scheme == RACI.key
    assert cells(mixed) == before


def test_changing_the_scheme_needs_confirmation_when_letters_would_go(client_in, mixed):
    before = cells(mixed)
    response = client_in.post(f"/m/{mixed.slug}/scheme/", {"scheme": DACI.key})
    assert response.status_code == 200  # the preview again, asking to confirm
    assert 'name="confirm"' in response.text
    mixed.refresh_from_db()
    assert mixed.scheme == RACI.key
    assert cells(mixed) == before


def test_a_confirmed_scheme_change_keeps_the_shared_letters_and_drops_the_rest(client_in, mixed):
    response = client_in.post(f"/m/{mixed.slug}/scheme/", {"scheme": DACI.key, "confirm": "on"})
    assert response.status_code == 302
    assert response["Location"] == mixed.get_absolute_url()
    mixed.refresh_from_db()
    assert mixed.scheme == DACI.key
    codes = sorted(
        Responsibility.objects.filter(activity__matrix=mixed).values_list("code", flat=True)
    )
    assert codes == sorted([ACCOUNTABLE] * 3 + [CONSULTED, INFORMED])
    # The page now offers DACI's letters.
    chooser = re.search(
        r'<div id="chooser".*?</div>', client_in.get(mixed.get_absolute_url()).text, re.S
    ).group(0)
    assert re.findall(r'data-code="(\w?)"', chooser) == [*DACI.codes, ""]


def test_a_scheme_change_that_drops_nothing_happens_directly(client_in, mixed):
    assert all(RASCI.has(code) for code in RACI.codes)
    before = cells(mixed)
    preview = client_in.get(f"/m/{mixed.slug}/scheme/", {"scheme": RASCI.key})
    assert "nothing is removed" in preview.text
    response = client_in.post(f"/m/{mixed.slug}/scheme/", {"scheme": RASCI.key})
    assert response.status_code == 302
    mixed.refresh_from_db()
    assert mixed.scheme == RASCI.key
    assert cells(mixed) == before


def test_a_scheme_change_through_htmx_refreshes_the_page(client_in, mixed):
    response = client_in.post(f"/m/{mixed.slug}/scheme/", {"scheme": RASCI.key}, **HX)
    assert response.status_code == 204
    assert response.headers["HX-Refresh"] == "true"
    mixed.refresh_from_db()
    assert mixed.scheme == RASCI.key


@pytest.mark.parametrize("scheme", ["nope", "", "RACI"])
def test_an_unknown_scheme_is_refused(client_in, mixed, scheme):
    before = cells(mixed)
    assert client_in.get(f"/m/{mixed.slug}/scheme/", {"scheme": scheme}).status_code == 400
    response = client_in.post(f"/m/{mixed.slug}/scheme/", {"scheme": scheme, "confirm": "on"})
    assert response.status_code == 400
    mixed.refresh_from_db()
    assert mixed.scheme == RACI.key
    assert cells(mixed) == before


def test_a_viewer_may_not_change_the_scheme(viewer_client, mixed):
    before = cells(mixed)
    assert viewer_client.get(f"/m/{mixed.slug}/scheme/", {"scheme": DACI.key}).status_code == 403
    response = viewer_client.post(f"/m/{mixed.slug}/scheme/", {"scheme": DACI.key, "confirm": "on"})
    assert response.status_code == 403
    mixed.refresh_from_db()
    assert mixed.scheme == RACI.key
    assert cells(mixed) == before


def test_the_scheme_preview_copes_with_a_letter_outside_the_current_scheme(client_in, mixed):
    foreign = next(code for code in RASCI.codes if not RACI.has(code))
    assert not DACI.has(foreign)
    Responsibility.objects.create(activity=rows(mixed)[1], role=columns(mixed)[3], code=foreign)
    assert client_in.get(mixed.get_absolute_url()).status_code == 200
    response = client_in.get(f"/m/{mixed.slug}/scheme/", {"scheme": DACI.key})
    assert response.status_code == 200


# --- Workload -----------------------------------------------------------------------------------


def workload_rows(text):
    """{role name: ([count per scheme letter], share)} from the page's #workload section."""
    section = re.search(r'<section id="workload".*?</section>', text, re.S).group(0)
    body = re.search(r"<tbody>(.*?)</tbody>", section, re.S).group(1)
    result = {}
    for name, cells_html in re.findall(r'<th scope="row">(.*?)</th>(.*?)</tr>', body, re.S):
        numbers = re.findall(r'<td class="num">(.*?)</td>', cells_html)
        result[name] = (numbers[:-1], numbers[-1])
    return result


def test_the_workload_lists_each_role_with_its_counts_and_share(client_in, team):
    matrix = make_matrix(team=team, activities=4, roles=3)
    owner, doer, adviser = columns(matrix)
    for activity in rows(matrix)[:2]:
        Responsibility.objects.create(activity=activity, role=adviser, code=CONSULTED)
    text = client_in.get(matrix.get_absolute_url()).text
    workload = workload_rows(text)
    assert list(workload) == [owner.name, doer.name, adviser.name]

    def expected(**counts):
        return [str(counts.get(code, "·")) for code in RACI.codes]

    assert workload[owner.name] == (expected(**{ACCOUNTABLE: 4}), "100%")
    assert workload[doer.name] == (expected(**{RESPONSIBLE: 4}), "100%")
    assert workload[adviser.name] == (expected(**{CONSULTED: 2}), "50%")
    assert "out of 4." in text


def test_the_workload_follows_a_cell_change(client_in, team):
    matrix = make_matrix(team=team, activities=4, roles=3)
    adviser = columns(matrix)[2]
    page = client_in.get(matrix.get_absolute_url()).text
    assert f'<tr id="workload-{adviser.pk}">' in page
    response = client_in.post(
        f"/m/{matrix.slug}/cells/",
        {"activity": rows(matrix)[0].pk, "role": adviser.pk, "code": INFORMED},
        **HX,
    )
    # Only the changed role's row of the workload travels, swapped out of band in place of the
    # page's row with the same id; the other rows and the total do not change.
    assert 'id="workload"' not in response.text
    row = re.search(
        rf'<template>\s*<tr id="workload-{adviser.pk}" data-hx-swap-oob="true">(.*?)</tr>',
        response.text,
        re.S,
    ).group(1)
    assert f'<th scope="row">{adviser.name}</th>' in row
    numbers = re.findall(r'<td class="num">(.*?)</td>', row)
    assert (numbers[:-1], numbers[-1]) == (
        [("1" if code == INFORMED else "·") for code in RACI.codes],
        "25%",
    )
