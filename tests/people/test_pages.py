"""My responsibilities, a person's page, a team's people, the role guide: what they list, and
for whom (people without an account are seen inside their team only)."""

import re

import pytest
from django.urls import reverse

from apps.accounts.models import AccessLevel, Membership
from apps.catalog.models import Role
from apps.matrices.models import MatrixRole, Responsibility
from apps.people.models import Holder, Person
from tests.conftest import add_member, make_matrix

from .conftest import A, C, client_for, hold

pytestmark = pytest.mark.django_db


def mine(user):
    return client_for(user).get(reverse("people:mine"))


def sections(page: str) -> list[str]:
    """The letter groups' headings, in order."""
    return re.findall(r'<h2 id="letter-[^"]+"><span class="letter[^>]*>\w</span> ([^<]+?) <', page)


def test_my_responsibilities_groups_my_letters_by_letter_with_links_to_the_cells(world):
    pdm, _, pm, _ = world.roles
    hold(world, pdm, users=[world.ana])
    hold(world, pm, users=[world.ana], name="Dana (agency)")
    Responsibility.objects.create(activity=world.rows[0], role=pm, code=C)
    page = mine(world.ana).text
    assert sections(page) == ["Accountable", "Consulted"]
    assert page.count('class="activity-cell"') == 7  # six A through PdM, one C through PM
    first = world.rows[0]
    assert f'href="/m/{world.matrix.slug}/#cell-{first.pk}-{pdm.pk}"' in page
    assert f'href="/m/{world.matrix.slug}/#cell-{first.pk}-{pm.pk}"' in page
    assert "Launch plan" in page and "Phase 0" in page and "Product" in page
    # Held, with or without letters: both columns are listed.
    assert f"Launch plan</a>: {pdm.name}" in page and f"Launch plan</a>: {pm.name}" in page
    assert "Dana" not in page


def test_responsible_comes_before_accountable_as_in_raci(world):
    hold(world, world.roles[0], users=[world.ed])
    hold(world, world.roles[1], users=[world.ed])
    assert sections(mine(world.ed).text) == ["Responsible", "Accountable"]


def test_it_covers_every_team_i_belong_to_and_no_other(world):
    hold(world, world.roles[0], users=[world.ed])
    own = make_matrix(team=world.ed.personal_team, activities=2, roles=2, title="Ed's own")
    own_role = own.roles.order_by("columns__position").first()
    from apps.people.services import holders_set

    holders_set(matrix=own, role=own_role, users=[world.ed], by=world.ed)
    page = mine(world.ed).text
    assert "Launch plan" in page and "Ed&#x27;s own" in page
    Membership.objects.filter(team=world.team, user=world.ed).delete()
    page = mine(world.ed).text
    assert "Launch plan" not in page and "Ed&#x27;s own" in page


def test_with_no_roles_it_says_how_to_get_some(world):
    page = mine(world.vi).text
    assert "You hold no role in any matrix yet." in page
    assert 'class="letter-group"' not in page


def test_the_csv_lists_each_letter_with_a_link(world):
    hold(world, world.roles[0], users=[world.ana])
    Responsibility.objects.filter(activity=world.rows[0], role=world.roles[0]).update(code=A)
    world.rows[0].name = "=HYPERLINK(evil)"
    world.rows[0].save()
    response = client_for(world.ana).get(reverse("people:mine_csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="my-responsibilities-' in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffLetter,Meaning,Team,Matrix,Phase,Activity,Role,Link\r\n")
    lines = text.strip().splitlines()[1:]
    assert len(lines) == 6
    assert lines[0].startswith("A,Accountable,Product,Launch plan,Phase 0,'=HYPERLINK(evil),")
    assert lines[0].endswith(
        f"http://testserver/m/{world.matrix.slug}/#cell-{world.rows[0].pk}-{world.roles[0].pk}"
    )


@pytest.mark.parametrize("matrices", [1, 6])
def test_my_responsibilities_cost_the_same_queries_however_many(
    world, matrices, django_assert_num_queries
):
    for n in range(matrices):
        matrix = make_matrix(team=world.team, activities=20, roles=3, title=f"M{n}")
        world.matrix = matrix
        for role in matrix.roles.all():
            hold(world, role, users=[world.ana])
    client = client_for(world.ana)
    # session, user, the letters, the roles held
    with django_assert_num_queries(4):
        response = client.get(reverse("people:mine"))
    assert response.text.count('class="activity-cell"') == 40 * matrices
    with django_assert_num_queries(3):
        client.get(reverse("people:mine_csv"))


# -- A person's page and the team's people ----------------------------------------------------


def test_a_named_persons_page_is_for_the_team_only(world):
    hold(world, world.roles[1], name="Dana (agency)")
    dana = Person.objects.get(name="Dana (agency)")
    url = dana.get_absolute_url()
    page = client_for(world.vi).get(url).text
    assert "<h1>Dana (agency)</h1>" in page and sections(page) == ["Responsible"]
    assert client_for(world.stranger).get(url).status_code == 404
    assert (
        client_for(world.stranger).get(reverse("people:team", args=[world.team.pk])).status_code
        == 404
    )
    csv = client_for(world.vi).get(reverse("people:person_csv", args=[world.team.pk, dana.pk]))
    assert csv.content.decode().count("Responsible") == 6


def test_a_persons_page_lists_only_their_teams_matrices(world):
    """Ana holds roles in her personal team too; on the Product team's page of her, a member
    of Product (who cannot see her personal matrices) sees only Product's."""
    hold(world, world.roles[0], users=[world.ana])
    own = make_matrix(team=world.ana.personal_team, activities=2, roles=2, title="Private plan")
    from apps.people.services import holders_set

    holders_set(matrix=own, role=own.roles.first(), users=[world.ana], by=world.ana)
    ana = Person.objects.get(team=world.team, user=world.ana)
    page = client_for(world.vi).get(ana.get_absolute_url()).text
    assert "Launch plan" in page and "Private plan" not in page
    # Another team's person is not found through this team's address.
    other = Person.objects.get(team=world.ana.personal_team, user=world.ana)
    url = reverse("people:person", args=[world.team.pk, other.pk])
    assert client_for(world.ana).get(url).status_code == 404


def test_the_team_page_lists_members_and_named_people_with_what_they_hold(world):
    hold(world, world.roles[0], users=[world.ana], name="Dana (agency)")
    page = client_for(world.vi).get(reverse("people:team", args=[world.team.pk])).text
    names = re.findall(r'<span class="person-name">(?:<a [^>]+>)?([^<]+)', page)
    assert names == ["Ana Lopez", "Dana (agency)", "ed", "vi"]
    assert page.count(f"Launch plan</a>: {world.roles[0].name}") == 2
    assert "Add someone without an account" not in page  # a viewer
    assert (
        "Add someone without an account"
        in client_for(world.ed).get(reverse("people:team", args=[world.team.pk])).text
    )


def test_editors_add_and_remove_named_people_viewers_cannot(world):
    add = reverse("people:add", args=[world.team.pk])
    assert client_for(world.vi).post(add, {"name": "Lee"}).status_code == 403
    response = client_for(world.ed).post(add, {"name": "  Lee  (freelance) "})
    assert response.status_code == 302
    lee = Person.objects.get(team=world.team, name="Lee (freelance)")
    assert client_for(world.ed).post(add, {"name": "   "}).status_code == 400
    hold(world, world.roles[0], people=[lee])
    delete = reverse("people:delete", args=[world.team.pk, lee.pk])
    assert client_for(world.vi).post(delete).status_code == 403
    assert client_for(world.ed).post(delete).status_code == 302
    assert not Person.objects.filter(pk=lee.pk).exists()
    assert not Holder.objects.filter(matrix=world.matrix).exists()


def test_a_member_cannot_be_removed_as_a_named_person(world):
    hold(world, world.roles[0], users=[world.vi])
    vi = Person.objects.get(user=world.vi)
    response = client_for(world.ed).post(
        reverse("people:delete", args=[world.team.pk, vi.pk]), follow=True
    )
    assert "A member of the team is removed from the team" in response.text
    assert Person.objects.filter(pk=vi.pk).exists()


# -- The role guide ----------------------------------------------------------------------------


def test_the_role_guide_names_who_holds_each_catalog_role_in_my_teams(world):
    manager = Role.objects.get(name="Product Manager", team__isnull=True)
    MatrixRole.objects.create(matrix=world.matrix, role=manager, position=9)
    world.matrix.refresh_from_db()
    hold(world, manager, users=[world.ana], name="Dana (agency)")
    page = client_for(world.vi).get(reverse("catalog:role_guide")).text
    row = page[page.index('class="guide-holders"') :]
    row = row[: row.index("</tr>")]
    assert "Ana Lopez" in row and "Dana (agency)" in row and "Launch plan" in row
    # Someone of another team sees nobody.
    outsider = client_for(world.stranger).get(reverse("catalog:role_guide")).text
    row = outsider[outsider.index('class="guide-holders"') :]
    assert "Dana" not in row[: row.index("</tr>")]


def test_the_role_guide_leaves_out_removed_columns(world):
    manager = Role.objects.get(name="Product Manager", team__isnull=True)
    column = MatrixRole.objects.create(matrix=world.matrix, role=manager, position=9)
    hold(world, manager, name="Dana (agency)")
    column.delete()
    page = client_for(world.ana).get(reverse("catalog:role_guide")).text
    assert "Dana" not in page


def test_a_viewer_in_two_teams_sees_the_holders_of_both(world):
    other = make_matrix(team=world.ana.personal_team, activities=1, roles=1, title="Side plan")
    add_member(world.ana.personal_team, world.vi, AccessLevel.VIEWER)
    manager = Role.objects.get(name="Product Manager", team__isnull=True)
    for matrix in (world.matrix, other):
        MatrixRole.objects.create(matrix=matrix, role=manager, position=9)
        world.matrix = matrix
        hold(world, manager, users=[world.ana])
    page = client_for(world.vi).get(reverse("catalog:role_guide")).text
    row = page[page.index('class="guide-holders"') :]
    entries = re.findall(r"<li>Ana Lopez <span[^>]*>\((.*?)\)</span></li>", row)
    assert len(entries) == 1  # one person, though a Person in each team
    assert "Launch plan" in entries[0] and "Side plan" in entries[0]


def test_the_main_menu_marks_where_you_are(world):
    """A team's people and a person's page are under Teams; My responsibilities is Mine."""

    def current(path):
        page = client_for(world.ana).get(path).text
        return re.findall(
            r'<a href="[^"]*" aria-current="page">(?:<span class="nav-long">)?([^<]+)<', page
        )

    person = Person.objects.create(team=world.team, name="Dana (agency)")
    assert current(reverse("people:team", args=[world.team.pk])) == ["Teams"]
    assert current(reverse("people:person", args=[world.team.pk, person.pk])) == ["Teams"]
    assert current(reverse("catalog:team_roles", args=[world.team.pk])) == ["Teams"]
    assert current(reverse("people:mine")) == ["My responsibilities"]
    assert current(reverse("catalog:role_guide")) == ["Role guide"]


def test_an_editor_renames_a_person_without_an_account_and_the_columns_follow(world):
    pdm = world.roles[0]
    hold(world, pdm, name="Dana (agency)")
    dana = Person.objects.get(name="Dana (agency)")
    url = reverse("people:rename", args=[world.team.pk, dana.pk])

    response = client_for(world.ed).post(url, {"name": "  Dana   Smith "}, follow=True)
    assert "Dana (agency) is now Dana Smith." in response.text
    dana.refresh_from_db()
    assert dana.name == "Dana Smith"
    page = client_for(world.ana).get(f"/m/{world.matrix.slug}/").text
    assert "Dana Smith" in page and "Dana (agency)" not in page


@pytest.mark.parametrize(
    ("name", "message"),
    [("", "Give the person a name."), ("lee", "lee is already"), ("x" * 81, "at most 80")],
)
def test_a_bad_new_name_changes_nothing_and_says_why(world, name, message):
    dana = Person.objects.create(team=world.team, name="Dana")
    Person.objects.create(team=world.team, name="Lee")
    url = reverse("people:rename", args=[world.team.pk, dana.pk])
    response = client_for(world.ana).post(url, {"name": name})
    assert response.status_code == 400
    assert "Dana was not renamed: " in response.text and message in response.text
    dana.refresh_from_db()
    assert dana.name == "Dana"


def test_a_member_is_not_renamed_here(world):
    hold(world, world.roles[0], users=[world.ed])
    person = Person.objects.get(user=world.ed)
    url = reverse("people:rename", args=[world.team.pk, person.pk])
    response = client_for(world.ana).post(url, {"name": "Edward"})
    assert response.status_code == 400
    assert "A member&#x27;s name is the one of their account." in response.text
    assert Person.objects.get(pk=person.pk).name == ""
