"""Read-only share links: editors create and revoke them; the link shows, never edits."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import AccessLevel
from apps.sharing.models import ShareLink
from apps.sharing.services import share_link_create, share_link_revoke
from tests.conftest import add_member, make_matrix, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def matrix(team):
    return make_matrix(team=team, title="Launch plan")


@pytest.fixture
def link(matrix, user):
    return share_link_create(matrix=matrix, by=user)


# --- managing the link from the matrix page ---


def test_the_matrix_page_offers_the_share_menu_to_editors_only(client, matrix, user):
    client.force_login(user)
    page = client.get(matrix.get_absolute_url()).text
    assert reverse("sharing:panel", args=[matrix.slug]) in page
    viewer = make_user()
    add_member(matrix.team, viewer, AccessLevel.VIEWER)
    client.force_login(viewer)
    page = client.get(matrix.get_absolute_url()).text
    assert reverse("sharing:panel", args=[matrix.slug]) not in page
    assert "share-menu" not in page


def test_an_editor_creates_a_link_and_sees_it_in_the_panel(client_in, matrix):
    panel = client_in.get(
        reverse("sharing:panel", args=[matrix.slug]), headers={"HX-Request": "true"}
    )
    assert "Create link" in panel.text
    response = client_in.post(
        reverse("sharing:create", args=[matrix.slug]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    link = ShareLink.objects.get(matrix=matrix)
    assert len(link.token) >= 43
    assert f"http://testserver/s/{link.token}/" in response.text
    assert "Revoke link" in response.text
    # Creating again keeps the one live link.
    client_in.post(reverse("sharing:create", args=[matrix.slug]), headers={"HX-Request": "true"})
    assert ShareLink.objects.active().filter(matrix=matrix).count() == 1


def test_without_htmx_creating_and_revoking_redirect_to_the_matrix(client_in, matrix):
    response = client_in.post(reverse("sharing:create", args=[matrix.slug]))
    assert response.status_code == 302 and response.url == matrix.get_absolute_url()
    response = client_in.post(reverse("sharing:revoke", args=[matrix.slug]))
    assert response.status_code == 302
    assert not ShareLink.objects.active().exists()


def test_revoking_closes_the_link_and_a_new_one_has_a_new_token(client_in, matrix, link):
    client = Client()  # a visitor, beside the signed-in editor
    assert client.get(link.get_absolute_url()).status_code == 200
    response = client_in.post(
        reverse("sharing:revoke", args=[matrix.slug]), headers={"HX-Request": "true"}
    )
    assert "Create link" in response.text
    assert client.get(link.get_absolute_url()).status_code == 404
    assert client.get(reverse("sharing:export", args=[link.token, "csv"])).status_code == 404
    fresh = share_link_create(matrix=matrix, by=None)
    assert fresh.token != link.token
    assert client.get(fresh.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("name", ["sharing:panel", "sharing:create", "sharing:revoke"])
def test_viewers_cannot_manage_links_and_strangers_get_a_404(client, matrix, link, name):
    url = reverse(name, args=[matrix.slug])
    method = client.get if name == "sharing:panel" else client.post
    viewer = make_user()
    add_member(matrix.team, viewer, AccessLevel.VIEWER)
    client.force_login(viewer)
    assert method(url).status_code == 403
    client.force_login(make_user())
    assert method(url).status_code == 404
    assert ShareLink.objects.get().revoked_at is None


# --- the shared page ---


def test_the_shared_page_shows_the_grid_roles_and_exports_to_a_visitor(client, matrix, link):
    response = client.get(link.get_absolute_url())
    assert response.status_code == 200
    text = response.text
    assert "Launch plan" in text and "shared read-only" in text
    assert text.count('scope="row" class="activity"') == 3
    assert 'class="letter letter-A"' in text
    # The role guide of the matrix's own roles.
    for role in matrix.roles.all():
        assert f'id="guide-{role.slug}"' in text
        # The grid's role heads lead there, not to the site's role guide behind the login.
        assert f'class="role-head" href="#guide-{role.slug}"' in text
    for fmt in ("xlsx", "pdf", "csv", "md", "json"):
        assert reverse("sharing:export", args=[link.token, fmt]) in text
    assert response["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response["X-Robots-Tag"]


def test_the_shared_page_has_no_edit_control_and_no_link_into_the_editor(client, matrix, link):
    text = client.get(link.get_absolute_url()).text
    main = text.split('<main id="main"', 1)[1]
    # The one button a guest has: the compact view's toggle, which changes how the page looks.
    main = re.sub(r'<div class="density".*?</div>', "", main, flags=re.S)
    for control in (
        "hx-post",
        "hx-get",
        "<form",
        "<button",
        "data-editable",
        "data-assign-url",
        "draggable",
        "chooser",
        "column-menu",
        "row-menu",
        "phase-menu",
        "add-form",
        "Rule options",
    ):
        assert control not in main, control
    assert 'aria-readonly="true"' in main
    assert f"/m/{matrix.slug}/" not in text
    assert "grid.js" not in text


def test_an_unknown_token_is_a_404(client):
    assert client.get(reverse("sharing:view", args=["x" * 43])).status_code == 404
    assert client.get(reverse("sharing:export", args=["x" * 43, "csv"])).status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf", "md", "json"])
def test_the_exports_download_through_the_link(client, matrix, link, fmt):
    response = client.get(reverse("sharing:export", args=[link.token, fmt]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="launch-plan-')
    body = response.content
    if fmt in ("csv", "md", "json"):
        assert "Activity 0" in body.decode("utf-8-sig")
    elif fmt == "pdf":
        assert body.startswith(b"%PDF")
    else:
        assert body.startswith(b"PK")


def test_an_unknown_format_is_a_404(client, link):
    assert client.get(reverse("sharing:export", args=[link.token, "exe"])).status_code == 404


def test_the_link_shows_the_matrix_as_it_is_now(client, matrix, link):
    from apps.matrices.models import Activity

    Activity.objects.filter(matrix=matrix, name="Activity 0").update(name="Renamed activity")
    assert "Renamed activity" in client.get(link.get_absolute_url()).text


def test_revoke_affects_only_that_matrix(matrix, link, team, user):
    other = make_matrix(team=team)
    other_link = share_link_create(matrix=other, by=user)
    assert share_link_revoke(matrix=matrix) == 1
    other_link.refresh_from_db()
    assert other_link.revoked_at is None


@pytest.mark.parametrize("size", [10, 200])
def test_the_shared_page_costs_the_same_queries_whatever_the_matrix_size(
    client, team, user, size, django_assert_num_queries
):
    matrix = make_matrix(team=team, activities=size, roles=10, phases=5)
    link = share_link_create(matrix=matrix, by=user)
    # link+matrix+team, columns, phases, activities, their holders (kept with them for the
    # team's pages; a share link shows none), cells
    with django_assert_num_queries(6):
        response = client.get(link.get_absolute_url())
    assert response.text.count('scope="row" class="activity"') == size


@pytest.mark.parametrize("size", [10, 200])
def test_a_shared_export_costs_the_same_queries_whatever_the_matrix_size(
    client, team, user, size, django_assert_num_queries
):
    matrix = make_matrix(team=team, activities=size, roles=10, phases=5)
    link = share_link_create(matrix=matrix, by=user)
    with django_assert_num_queries(6):
        response = client.get(reverse("sharing:export", args=[link.token, "csv"]))
    assert len(re.findall(r"Activity \d+", response.content.decode("utf-8-sig"))) == size
