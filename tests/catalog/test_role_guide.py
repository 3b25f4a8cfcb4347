import pytest

from apps.catalog.models import Role

pytestmark = pytest.mark.django_db


def test_the_guide_shows_every_catalog_role_and_every_definition_field(client_in):
    response = client_in.get("/roles/")
    assert response.status_code == 200
    for role in Role.objects.catalog():
        assert f'id="role-{role.slug}"' in response.text
        assert role.name in response.text
    for name in Role.DEFINITION_FIELDS:
        label = Role._meta.get_field(name).verbose_name.capitalize()
        assert f'<th scope="row">{label}</th>' in response.text
    pm = Role.objects.get(slug="product-manager")
    assert pm.responsibility_list[0] in response.text


def test_an_admin_edit_of_a_role_shows_in_the_guide(client, admin_user):
    client.force_login(admin_user)
    role = Role.objects.get(slug="project-manager")
    data = {
        field: getattr(role, field)
        for field in (
            "name",
            "short_label",
            "slug",
            "kind",
            "position",
            "summary",
            *Role.DEFINITION_FIELDS,
        )
    }
    data["goal"] = "Ship on time <b>and</b> on budget."
    data["sources"] = list(role.sources.values_list("pk", flat=True))
    data["team"] = ""
    response = client.post(f"/admin/catalog/role/{role.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    page = client.get("/roles/").text
    assert "Ship on time &lt;b&gt;and&lt;/b&gt; on budget." in page


def test_the_guide_leaves_out_teams_custom_roles(client_in, team):
    Role.objects.create(
        slug="ours", name="Our Special Role", short_label="OSR", kind="custom", team=team
    )
    assert "Our Special Role" not in client_in.get("/roles/").text


def test_the_guide_costs_the_same_queries_however_many_roles(client_in, django_assert_num_queries):
    client_in.get("/roles/")  # warm the session
    # session, user, roles, their sources; who holds them in the user's teams
    with django_assert_num_queries(5):
        client_in.get("/roles/")
    for i in range(5):
        Role.objects.create(
            slug=f"extra-{i}", name=f"Extra {i}", short_label="X", kind="supporting"
        )
    with django_assert_num_queries(5):
        response = client_in.get("/roles/")
    assert "Extra 4" in response.text
