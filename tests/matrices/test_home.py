import pytest

from apps.exchange.seeding import REFERENCE_SLUG
from apps.matrices.models import Matrix, Responsibility
from tests.conftest import make_matrix, make_user

pytestmark = pytest.mark.django_db


def test_home_lists_only_the_users_matrices(client_in, team):
    mine = make_matrix(team=team, title="Mine")
    other = make_user("olga")
    make_matrix(team=other.personal_team, title="Theirs")
    text = client_in.get("/").text
    assert mine.title in text and "Theirs" not in text
    assert "/roles/" in text


def test_a_matrix_created_from_the_template_copies_it(client_in, team, user):
    template = Matrix.objects.get(slug=REFERENCE_SLUG)
    response = client_in.post(
        "/matrices/new/", {"title": "Mobile app", "template": template.pk, "team": team.pk}
    )
    matrix = Matrix.objects.get(title="Mobile app")
    assert response.status_code == 302 and response.url == matrix.get_absolute_url()
    assert matrix.slug == "mobile-app" and matrix.team == team and matrix.created_by == user
    assert matrix.activities.count() == template.activities.count()
    assert (
        Responsibility.objects.filter(activity__matrix=matrix).count()
        == Responsibility.objects.filter(activity__matrix=template).count()
    )


def test_a_blank_matrix_has_the_core_roles_and_no_activities(client_in, team):
    client_in.post("/matrices/new/", {"title": "Blank one", "template": "", "team": team.pk})
    matrix = Matrix.objects.get(title="Blank one")
    assert matrix.activities.count() == 0
    assert matrix.roles.count() == 4


def test_the_new_matrix_form_works_as_rendered(client_in, team):
    """Post back exactly what the page's form holds, as a browser would."""
    import re

    page = client_in.get("/").text
    hidden_team = re.search(r'name="team" value="([^"]*)"', page).group(1)
    checked = re.search(r'<input type="radio" name="template" value="(\d+)"[^>]*checked', page)
    response = client_in.post(
        "/matrices/new/",
        {"title": "As rendered", "team": hidden_team, "template": checked.group(1)},
    )
    assert response.status_code == 302
    assert Matrix.objects.get(title="As rendered").activities.count() > 20


def test_titles_get_unique_slugs(client_in, team):
    for _ in range(2):
        client_in.post("/matrices/new/", {"title": "Same", "team": team.pk})
    assert set(Matrix.objects.filter(title="Same").values_list("slug", flat=True)) == {
        "same",
        "same-2",
    }


@pytest.mark.parametrize("data", [{"title": "  "}, {"title": "x" * 201}])
def test_a_bad_title_is_a_form_error_and_creates_nothing(client_in, team, data):
    count = Matrix.objects.count()
    response = client_in.post("/matrices/new/", {**data, "team": team.pk})
    assert response.status_code == 400
    assert 'class="field-error"' in response.text
    assert Matrix.objects.count() == count


def test_a_user_cannot_create_a_matrix_in_someone_elses_team(client_in):
    other = make_user("oscar")
    response = client_in.post("/matrices/new/", {"title": "Sneaky", "team": other.personal_team.pk})
    assert response.status_code == 400
    assert not Matrix.objects.filter(title="Sneaky").exists()


@pytest.mark.parametrize("count", [2, 12])
def test_home_costs_the_same_queries_however_many_matrices(
    client_in, team, count, django_assert_num_queries
):
    for _ in range(count):
        make_matrix(team=team, activities=2)
    client_in.get("/")
    # session, user, personal team, default template, matrices, template choices, teams
    with django_assert_num_queries(7):
        response = client_in.get("/")
    assert response.text.count('class="matrix-item"') == count
