import pytest
from django.urls import reverse

from apps.accounts.models import Team
from apps.catalog.models import Role, Source
from apps.exchange.seeding import REFERENCE_SLUG
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
    add = staff_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
    # Letters are set in the editor only, which records them in the history.
    assert add.status_code == (403 if model is Responsibility else 200)
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


def test_the_admin_shows_a_matrix_structure_read_only_and_records_a_rename(
    staff_client, admin_user
):
    from apps.history.models import Change

    matrix = Matrix.objects.get(slug=REFERENCE_SLUG)
    url = reverse("admin:matrices_matrix_change", args=[matrix.pk])
    text = staff_client.get(url).text
    assert 'name="activities-0-name"' not in text  # shown, not editable
    data = {
        "title": "Renamed in the admin",
        "slug": matrix.slug,
        "description": matrix.description,
        "accountable_does_work": "on" if matrix.accountable_does_work else "",
        "overload_percent": matrix.overload_percent,
        "overlap_threshold": matrix.overlap_threshold,
        "unheld_roles_note": "on" if matrix.unheld_roles_note else "",
        "shared_accountable_warning": "on" if matrix.shared_accountable_warning else "",
        "team": matrix.team_id or "",
        "is_template": "on" if matrix.is_template else "",
    }
    for prefix in ("columns", "phases", "activities"):
        count = getattr(matrix, prefix).count()
        data |= {
            f"{prefix}-TOTAL_FORMS": count,
            f"{prefix}-INITIAL_FORMS": count,
            f"{prefix}-MIN_NUM_FORMS": 0,
            f"{prefix}-MAX_NUM_FORMS": 1000,
        }
    response = staff_client.post(url, {k: v for k, v in data.items() if v != ""})
    assert response.status_code == 302, response.text[:2000]
    change = Change.objects.get(matrix=matrix)
    assert change.by == admin_user and "Renamed in the admin" in change.summary
