"""People on a matrix's page: column heads, the people panel, the person filter, the workload by
person, the overlap findings; what each kind of visitor sees; what it costs."""

import re

import pytest
from django.urls import reverse

from apps.matrices.models import Responsibility
from apps.matrices.selectors import cells_change_grid, grid_data, matrix_grid
from apps.people.models import Holder, Person
from apps.raci import overlaps
from apps.sharing.services import share_link_create
from tests.conftest import make_matrix

from .conftest import HX, A, R, client_for, hold

pytestmark = pytest.mark.django_db


def holders_url(world, role) -> str:
    return reverse("people:holders", args=[world.matrix.slug, role.pk])


def test_the_column_head_shows_the_holders_initials_and_names(world):
    pdm = world.roles[0]
    hold(world, pdm, users=[world.ana], name="Dana (agency)")
    page = client_for(world.vi).get(world.matrix.get_absolute_url()).text
    head = page[page.index(f'data-role="{pdm.pk}"') :]
    head = head[: head.index("</th>")]
    assert "Held by Ana Lopez and Dana (agency)" in head
    assert re.search(r'class="holder" data-person="\d+" title="Ana Lopez">AL<', head)
    assert re.search(
        r'class="holder holder-named" data-person="\d+" title="Dana \(agency\)">DA<', head
    )


def test_the_people_panel_lists_every_column_and_editors_get_a_form(world):
    hold(world, world.roles[0], users=[world.ed])
    for user, editable in ((world.vi, False), (world.ed, True)):
        page = client_for(user).get(world.matrix.get_absolute_url()).text
        panel = page[
            page.index('id="people"') : page.index("</section>", page.index('id="people"'))
        ]
        assert panel.count('class="holders-item"') == 4
        assert "Nobody yet" in panel and ">ed<" not in panel and " ed</li>" in panel
        assert (holders_url(world, world.roles[0]) in panel) is editable


def test_the_holders_form_offers_the_team_and_its_named_people(world):
    pdm = world.roles[0]
    hold(world, pdm, users=[world.ed], name="Dana (agency)")
    Person.objects.create(team=world.ana.personal_team, name="Someone elsewhere")
    form = client_for(world.ed).get(holders_url(world, pdm), **HX).text
    boxes = re.findall(r'<input type="checkbox" name="(\w+)" value="(\d+)"( checked)?>', form)
    assert len(boxes) == 4  # Ana, Ed, Vi and Dana; nobody of another team
    checked = {(name, int(value)) for name, value, on in boxes if on}
    dana = Person.objects.get(name="Dana (agency)")
    assert checked == {("user", world.ed.pk), ("person", dana.pk)}
    assert "Someone elsewhere" not in form


def test_saving_the_form_answers_with_the_regions_it_changed(world):
    pdm = world.roles[0]
    response = client_for(world.ed).post(
        holders_url(world, pdm), {"user": [world.ana.pk], "new_name": "Dana (agency)"}, **HX
    )
    assert response.status_code == 200
    world.matrix.refresh_from_db()
    assert response["X-Matrix-Version"] == str(world.matrix.version)
    for region in ('id="grid"', 'id="summary"', 'id="workload"', 'id="people"'):
        assert region in response.text
    assert "Held by Ana Lopez and Dana (agency)" in response.text
    assert Holder.objects.filter(matrix=world.matrix, role=pdm).count() == 2


@pytest.mark.parametrize(
    "data",
    [
        {"user": ["99999"]},
        {"person": ["abc"]},
        {"new_name": "x" * 81},
        {"user": [str(2**70)]},
    ],
)
def test_bad_input_is_refused_with_a_message(world, data):
    response = client_for(world.ed).post(holders_url(world, world.roles[0]), data, **HX)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert not Holder.objects.exists()


def test_a_person_of_another_team_cannot_be_named(world):
    outsider = Person.objects.create(team=world.ana.personal_team, name="Outsider")
    response = client_for(world.ed).post(
        holders_url(world, world.roles[0]), {"person": [outsider.pk]}, **HX
    )
    assert response.status_code == 400
    assert not Holder.objects.exists()


def test_a_role_that_is_no_column_is_not_found(world):
    other = make_matrix(team=world.team).roles.first()
    response = client_for(world.ed).post(holders_url(world, other), {}, **HX)
    assert response.status_code == 404


def test_a_viewer_sees_the_holders_but_cannot_change_them(world):
    hold(world, world.roles[0], users=[world.ana])
    viewer = client_for(world.vi)
    assert "Held by Ana Lopez" in viewer.get(world.matrix.get_absolute_url()).text
    assert viewer.get(holders_url(world, world.roles[0]), **HX).status_code == 403
    assert viewer.post(holders_url(world, world.roles[0]), {}, **HX).status_code == 403
    assert Holder.objects.filter(matrix=world.matrix).count() == 1


def test_the_person_filter_lists_the_holders_of_this_matrix(world):
    hold(world, world.roles[0], users=[world.ana])
    hold(world, world.roles[1], users=[world.ana], name="Dana (agency)")
    page = client_for(world.vi).get(world.matrix.get_absolute_url()).text
    bar = page[page.index('id="person-filter"') : page.index("</select>")]
    assert " hidden" not in bar.split(">")[0]
    assert re.findall(r"<option value=\"\d*\">([^<]+)</option>", bar) == [
        "everyone",
        "Ana Lopez",
        "Dana (agency)",
    ]


def test_without_holders_the_filter_waits_hidden_and_nothing_is_noted(world):
    page = client_for(world.vi).get(world.matrix.get_absolute_url()).text
    assert re.search(r'<div class="person-filter" id="person-filter" hidden>', page)
    assert "role.no_holder" not in page and "Nobody holds role" not in page


def test_the_workload_by_person_sums_their_roles_in_one_bar(world):
    pdm, po = world.roles[:2]
    hold(world, pdm, users=[world.ana])
    hold(world, po, users=[world.ana])
    page = client_for(world.vi).get(world.matrix.get_absolute_url()).text
    ana = Person.objects.get(user=world.ana)
    row = page[page.index(f'id="workload-person-{ana.pk}"') :]
    row = row[: row.index("</tr>")]
    assert f'data-roles="{pdm.pk} {po.pk}"' in row
    # Six activities, an A on the first column and an R on the second: 12 letters, two roles.
    assert row.count('class="role-seg ') == 2
    assert re.findall(r'<td class="num">([^<]+)</td>', row) == ["6", "6", "·", "·", "12"]
    assert 'width="50.0"' in row  # each role half of the longest bar (12 letters)


def test_the_overlap_findings_show_on_the_page(world):
    pdm, po = world.roles[:2]
    hold(world, pdm, users=[world.ana])
    hold(world, po, users=[world.ana])
    page = client_for(world.vi).get(world.matrix.get_absolute_url()).text
    assert "Ana Lopez is both Accountable (as" in page
    # The other two columns hold no letter: no note for them.
    assert "Nobody holds role" not in page
    Responsibility.objects.create(activity=world.rows[0], role=world.roles[2], code="C")
    world.matrix.refresh_from_db()
    page = client_for(world.vi).get(world.matrix.get_absolute_url()).text
    assert f"Nobody holds role &quot;{world.roles[2].name}&quot;" in page


def test_the_options_turn_the_people_rules_down(world):
    pdm, po = world.roles[:2]
    hold(world, pdm, users=[world.ana])
    hold(world, po, users=[world.ana])
    hold(world, pdm, users=[world.ana, world.ed])  # PdM, accountable, held by two
    Responsibility.objects.create(activity=world.rows[0], role=world.roles[2], code="C")
    assert overlaps.ACCOUNTABLE_SHARED in {
        finding.rule for finding in matrix_grid(world.matrix).findings
    }
    response = client_for(world.ed).post(
        reverse("matrices:edit_options", args=[world.matrix.slug]),
        {"overload_percent": 50, "overlap_threshold": 0},
        **HX,
    )
    assert response.status_code == 200
    world.matrix.refresh_from_db()
    assert (world.matrix.overlap_threshold, world.matrix.unheld_roles_note) == (0, False)
    assert world.matrix.shared_accountable_warning is False
    grid = matrix_grid(world.matrix)
    assert {finding.rule for finding in grid.findings} & overlaps.RULE_IDS == set()


def test_an_old_options_form_leaves_the_people_rules_as_they_are(world):
    response = client_for(world.ed).post(
        reverse("matrices:edit_options", args=[world.matrix.slug]),
        {"accountable_does_work": "on", "overload_percent": 50},
        **HX,
    )
    assert response.status_code == 200
    world.matrix.refresh_from_db()
    assert world.matrix.accountable_does_work
    assert (world.matrix.overlap_threshold, world.matrix.unheld_roles_note) == (3, True)
    assert world.matrix.shared_accountable_warning is True


def test_a_cell_update_gives_the_findings_the_page_gives(world):
    """cells_change_grid and matrix_grid agree on the people's findings, cell after cell."""
    pdm, po, pm, _ = world.roles
    hold(world, pdm, users=[world.ana])
    hold(world, po, users=[world.ana])
    hold(world, pm, name="Dana (agency)")
    editor = client_for(world.ed)
    changes = [(world.rows[0], pm, A), (world.rows[1], po, A), (world.rows[2], world.roles[3], R)]
    for activity, role, code in changes:
        response = editor.post(
            reverse("matrices:assign", args=[world.matrix.slug]),
            {"activity": activity.pk, "role": role.pk, "code": code},
            **HX,
        )
        assert response.status_code == 200
        assert 'id="workload-people"' in response.text
        world.matrix.refresh_from_db()
        data = grid_data(world.matrix)
        grid, _, _ = cells_change_grid(world.matrix, data, [(activity.pk, role.pk)])
        whole = matrix_grid(world.matrix, grid_data(world.matrix))
        assert grid.findings == whole.findings
        assert [column.findings for column in grid.columns] == [
            column.findings for column in whole.columns
        ]
    rules = {finding.rule for finding in whole.findings}
    assert {overlaps.ACCOUNTABLE_TWICE, overlaps.ACCOUNTABLE_AND_RESPONSIBLE} <= rules
    assert overlaps.NO_HOLDER in rules  # the fourth column now has an R and nobody


def test_a_share_link_shows_no_holders_and_no_findings_about_them(world, client):
    hold(world, world.roles[0], name="Dana (agency)")
    hold(world, world.roles[1], name="Dana (agency)")
    link = share_link_create(matrix=world.matrix, by=world.ana)
    page = client.get(link.get_absolute_url()).text
    assert "Dana" not in page
    assert 'id="people"' not in page and "person-filter" not in page
    export = client.get(reverse("sharing:export", args=[link.token, "json"])).text
    assert "Dana" not in export and '"holders": []' in export


def test_the_reference_template_has_no_people_panel(world):
    from apps.exchange.seeding import REFERENCE_SLUG

    page = client_for(world.ana).get(f"/m/{REFERENCE_SLUG}/").text
    assert re.search(r'<section id="people"[^>]* hidden>', page)
    assert "person-filter" not in page


@pytest.mark.parametrize("size", [10, 200])
def test_holders_cost_the_page_no_query(world, size, django_assert_num_queries):
    matrix = make_matrix(team=world.team, activities=size, roles=12, phases=4)
    roles = list(matrix.roles.order_by("columns__position"))
    world.matrix = matrix
    for index, role in enumerate(roles):
        hold(world, role, users=[world.ana, world.ed][: index % 3], name=f"Agency {index % 4}")
    editor = client_for(world.ed)
    url = matrix.get_absolute_url()
    editor.get(url)  # the structure cache, holders with it
    with django_assert_num_queries(6):  # as without holders: see tests/matrices/test_detail.py
        response = editor.get(url)
    assert response.text.count('class="holders"') == 12


@pytest.mark.parametrize("size", [10, 200])
def test_a_cell_update_with_holders_costs_no_more_queries(world, size, django_assert_num_queries):
    matrix = make_matrix(team=world.team, activities=size, roles=8, phases=4)
    roles = list(matrix.roles.order_by("columns__position"))
    world.matrix = matrix
    for role in roles:
        hold(world, role, users=[world.ana], name="Dana (agency)")
    editor = client_for(world.ed)
    editor.get(matrix.get_absolute_url())
    activity = matrix.activities.first()
    # As without holders (tests/matrices/test_editor_cells.py): session, user, matrix + access,
    # cells, upsert, the matrix's version, history; the holders come from the structure cache.
    with django_assert_num_queries(7):
        response = editor.post(
            reverse("matrices:assign", args=[matrix.slug]),
            {"activity": activity.pk, "role": roles[5].pk, "code": "C"},
            **HX,
        )
    assert 'id="workload-people"' in response.text


@pytest.mark.parametrize("size", [10, 200])
def test_saving_holders_costs_the_same_queries_whatever_the_size(
    world, size, django_assert_num_queries
):
    matrix = make_matrix(team=world.team, activities=size, roles=8, phases=4)
    role = matrix.roles.first()
    world.matrix = matrix
    hold(world, role, name="Dana (agency)")
    editor = client_for(world.ed)
    editor.get(matrix.get_absolute_url())
    # session, user, matrix + access, the users named; savepoint, the column, their memberships,
    # their people (made, read), the new name (looked up, made), the holders (read, removed,
    # added), the structure's version, the matrix's version, history, release; then the regions:
    # cells, columns, phases, activities, holders (the structure changed), the roles to add.
    with django_assert_num_queries(24):
        response = editor.post(
            reverse("people:holders", args=[matrix.slug, role.pk]),
            {"user": [world.ana.pk, world.vi.pk], "new_name": "Lee"},
            **HX,
        )
    assert response.status_code == 200
