"""The admin is for staff; catalog roles change only through it, for staff with permission."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from apps.catalog.models import Role
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog_role():
    return Role.objects.catalog().first()


def change_url(role):
    return reverse("admin:catalog_role_change", args=[role.pk])


def role_data(role, **changes):
    data = {
        "name": role.name,
        "short_label": role.short_label,
        "slug": role.slug,
        "kind": role.kind,
        "team": "",
        "position": role.position,
        "summary": role.summary,
        **{name: getattr(role, name) for name in Role.DEFINITION_FIELDS},
        "sources": [s.pk for s in role.sources.all()],
    }
    return {**data, **changes}


def test_non_staff_users_are_sent_to_the_admin_login(client, user, catalog_role):
    client.force_login(user)
    for url in (reverse("admin:index"), change_url(catalog_role)):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))
    response = client.post(change_url(catalog_role), role_data(catalog_role, name="Hacked"))
    assert response.status_code == 302
    catalog_role.refresh_from_db()
    assert catalog_role.name != "Hacked"


def test_staff_without_the_permission_cannot_change_catalog_roles(client, catalog_role):
    staff = make_user(is_staff=True)
    client.force_login(staff)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(change_url(catalog_role)).status_code == 403
    response = client.post(change_url(catalog_role), role_data(catalog_role, name="Hacked"))
    assert response.status_code == 403
    catalog_role.refresh_from_db()
    assert catalog_role.name != "Hacked"


def test_staff_with_the_permission_change_catalog_roles(client, catalog_role):
    staff = make_user(is_staff=True)
    staff.user_permissions.add(
        Permission.objects.get(codename="change_role", content_type__app_label="catalog"),
        Permission.objects.get(codename="view_role", content_type__app_label="catalog"),
    )
    client.force_login(staff)
    response = client.post(change_url(catalog_role), role_data(catalog_role, goal="Sharper goal"))
    assert response.status_code == 302, response.content[:2000]
    catalog_role.refresh_from_db()
    assert catalog_role.goal == "Sharper goal"


def test_no_page_outside_the_admin_edits_catalog_roles(client, user, catalog_role):
    """The team custom-role editor finds only the team's own roles."""
    client.force_login(user)
    url = reverse("catalog:team_role_edit", args=[user.personal_team.pk, catalog_role.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "Hacked", "short_label": "H"}).status_code == 404
    catalog_role.refresh_from_db()
    assert catalog_role.name != "Hacked"
