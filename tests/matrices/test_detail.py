import re

import pytest

from apps.accounts.models import AccessLevel
from apps.exchange.seeding import REFERENCE_SLUG, sample_matrix_ensure
from apps.matrices.access import matrix_for_user
from apps.raci.schemes import RACI, Kind
from tests.conftest import add_member, make_matrix, make_user

pytestmark = pytest.mark.django_db


def test_a_member_sees_the_grid_with_phase_bands_letters_and_legend(client_in, team):
    matrix = make_matrix(team=team, activities=4, roles=3, phases=2, title="Launch plan")
    response = client_in.get(matrix.get_absolute_url())
    assert response.status_code == 200
    text = response.text
    assert "<h1>Launch plan</h1>" in text
    assert text.count('class="band-head"') == 2
    assert text.count('scope="row" class="activity"') == 4
    accountable = RACI.code_for(Kind.ACCOUNTABLE)
    assert len(re.findall(f'<td id="cell-[0-9-]+" class="l-{accountable}">', text)) == 4
    assert 'class="legend"' in text and "Who owns the outcome?" in text


def test_anyone_outside_the_team_gets_404(client, team):
    matrix = make_matrix(team=team)
    client.force_login(make_user("mallory"))
    assert client.get(matrix.get_absolute_url()).status_code == 404
    assert client.get("/m/no-such-matrix/").status_code == 404


def test_a_viewer_can_see_but_the_helper_refuses_edits(team):
    matrix = make_matrix(team=team)
    viewer = make_user("victor")
    add_member(team, viewer, AccessLevel.VIEWER)
    assert matrix_for_user(viewer, matrix.slug).can_edit is False
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        matrix_for_user(viewer, matrix.slug, edit=True)
    editor = make_user("edna")
    add_member(team, editor, AccessLevel.EDITOR)
    assert matrix_for_user(editor, matrix.slug, edit=True).can_edit is True


def test_the_reference_template_is_readable_by_everyone_and_editable_by_no_one(client_in, user):
    response = client_in.get(f"/m/{REFERENCE_SLUG}/")
    assert response.status_code == 200
    assert "Use this template" in response.text
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        matrix_for_user(user, REFERENCE_SLUG, edit=True)


def test_the_sample_matrix_shows_the_reference_content(client, admin_user):
    from apps.exchange.seeding import sample_team_join

    sample = sample_matrix_ensure()
    sample_team_join(user=admin_user)
    client.force_login(admin_user)
    text = client.get(sample.get_absolute_url()).text
    assert "Product Manager" in text and "Define the product vision" in text


def test_names_with_html_are_escaped(client_in, team):
    matrix = make_matrix(team=team, title="<script>alert(1)</script>")
    activity = matrix.activities.first()
    activity.name = '"><img src=x onerror=alert(1)>'
    activity.save()
    text = client_in.get(matrix.get_absolute_url()).text
    assert "<script>alert(1)</script>" not in text
    assert "<img src=x" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text


@pytest.mark.parametrize("size", [20, 300])
def test_the_page_costs_the_same_queries_whatever_the_matrix_size(
    client_in, team, size, django_assert_num_queries
):
    matrix = make_matrix(team=team, activities=size, roles=12, phases=6)
    url = matrix.get_absolute_url()
    client_in.get(url)
    # session, user, matrix+access, cells, roles to add, the person's compact view; columns,
    # phases and activities come from the structure cache, which the first request filled.
    with django_assert_num_queries(6):
        response = client_in.get(url)
    assert response.text.count('scope="row" class="activity"') == size
