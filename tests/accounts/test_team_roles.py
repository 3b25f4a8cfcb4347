"""Team owners describe their team's custom roles; members see them; others get a 404."""

import pytest
from django.urls import reverse

from apps.accounts.models import AccessLevel
from apps.catalog.models import Role, RoleKind
from tests.conftest import add_member, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def custom_role(team):
    return Role.objects.create(
        slug="qa-lead", name="QA lead", short_label="QA", kind=RoleKind.CUSTOM, team=team
    )


def edit_url(role):
    return reverse("catalog:team_role_edit", args=[role.team_id, role.pk])


def good_data(**changes):
    return {
        "name": "QA lead",
        "short_label": "QA",
        "summary": "Owns test strategy",
        "focus": "Quality",
        "goal": "No surprises in production",
        "key_responsibilities": "Test plans\nRelease sign-off",
        **changes,
    }


def test_an_owner_edits_a_custom_roles_definition(client_in, custom_role):
    page = client_in.get(reverse("catalog:team_roles", args=[custom_role.team_id]))
    assert page.status_code == 200 and edit_url(custom_role) in page.text
    assert client_in.get(edit_url(custom_role)).status_code == 200
    response = client_in.post(edit_url(custom_role), good_data(name="Quality lead"))
    assert response.status_code == 302
    custom_role.refresh_from_db()
    assert custom_role.name == "Quality lead"
    assert custom_role.responsibility_list == ["Test plans", "Release sign-off"]
    assert custom_role.kind == RoleKind.CUSTOM and custom_role.team_id is not None
    page = client_in.get(reverse("catalog:team_roles", args=[custom_role.team_id])).text
    assert "Release sign-off" in page


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"name": ""}, "This field is required"),
        ({"short_label": ""}, "This field is required"),
        ({"short_label": "X" * 13}, "Ensure this value has at most 12 characters"),
        ({"name": "tester"}, "Your team already has a role called “tester”"),
    ],
)
def test_bad_input_is_explained_and_changes_nothing(client_in, custom_role, team, changes, message):
    Role.objects.create(slug="t", name="Tester", short_label="T", kind=RoleKind.CUSTOM, team=team)
    response = client_in.post(edit_url(custom_role), good_data(**changes))
    assert response.status_code == 400
    assert message in response.text
    custom_role.refresh_from_db()
    assert custom_role.name == "QA lead" and custom_role.summary == ""


def test_the_form_cannot_move_a_role_to_another_team_or_kind(client_in, custom_role):
    client_in.post(edit_url(custom_role), good_data(team="", kind="core", slug="hijack"))
    custom_role.refresh_from_db()
    assert custom_role.kind == RoleKind.CUSTOM and custom_role.slug == "qa-lead"


@pytest.mark.parametrize("access", [AccessLevel.EDITOR, AccessLevel.VIEWER])
def test_members_who_are_not_owners_see_but_cannot_edit(client, custom_role, access):
    member = make_user()
    add_member(custom_role.team, member, access)
    client.force_login(member)
    page = client.get(reverse("catalog:team_roles", args=[custom_role.team_id]))
    assert page.status_code == 200 and "QA lead" in page.text
    assert edit_url(custom_role) not in page.text
    assert client.get(edit_url(custom_role)).status_code == 403
    assert client.post(edit_url(custom_role), good_data(name="Mine")).status_code == 403
    custom_role.refresh_from_db()
    assert custom_role.name == "QA lead"


def test_strangers_get_a_404(client, custom_role):
    client.force_login(make_user())
    assert client.get(reverse("catalog:team_roles", args=[custom_role.team_id])).status_code == 404
    assert client.post(edit_url(custom_role), good_data(name="Mine")).status_code == 404


def test_a_role_of_another_team_is_not_found_through_mine(client_in, user):
    other_owner = make_user()
    theirs = Role.objects.create(
        slug="theirs",
        name="Theirs",
        short_label="TH",
        kind=RoleKind.CUSTOM,
        team=other_owner.personal_team,
    )
    url = reverse("catalog:team_role_edit", args=[user.personal_team.pk, theirs.pk])
    assert client_in.get(url).status_code == 404


def test_the_custom_roles_page_costs_the_same_queries_with_more_roles(
    client_in, team, django_assert_num_queries
):
    url = reverse("catalog:team_roles", args=[team.pk])
    client_in.get(url)
    with django_assert_num_queries(4):  # session, user, team+access, roles
        client_in.get(url)
    for i in range(10):
        Role.objects.create(
            slug=f"c{i}", name=f"C{i}", short_label=f"C{i}", kind=RoleKind.CUSTOM, team=team
        )
    with django_assert_num_queries(4):
        response = client_in.get(url)
    assert response.text.count('class="guide-role"') == 10
