import pytest
from django.urls import reverse

from apps.accounts.models import Team
from apps.catalog.models import Role, Source
from apps.catalog.seeding import REFERENCE_SLUG
from apps.matrices.models import Matrix, Responsibility

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize("model", [Role, Source, Matrix, Responsibility, Team])
def test_admin_change_lists_and_forms_load(staff_client, model):
    meta = model._meta
    changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
    assert staff_client.get(changelist).status_code == 200
    assert staff_client.get(changelist, {"q": "product"}).status_code == 200
    assert (
        staff_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_add")).status_code
        == 200
    )
    obj = model.objects.first()
    change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    assert staff_client.get(change).status_code == 200


def test_the_matrix_change_form_has_its_activities_inline(staff_client):
    matrix = Matrix.objects.get(slug=REFERENCE_SLUG)
    text = staff_client.get(reverse("admin:matrices_matrix_change", args=[matrix.pk])).text
    assert matrix.activities.first().name in text


def test_the_admin_is_for_staff_only(client, user):
    client.force_login(user)
    response = client.get("/admin/catalog/role/")
    assert response.status_code == 302 and "/admin/login/" in response.url
