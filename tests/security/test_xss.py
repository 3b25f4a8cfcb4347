"""Names that hold HTML or script come out as text: in pages, CSV, XLSX and PDF."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import AccessLevel
from apps.accounts.services import team_create
from apps.catalog.models import Role, RoleKind
from apps.matrices.models import Activity, Matrix, MatrixRole, Phase, Responsibility
from apps.sharing.services import share_link_create
from tests.conftest import add_member, make_user

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
FORMULA = '=HYPERLINK("http://evil.example","click")'
RAW = (SCRIPT, "<img src=x onerror")


@pytest.fixture
def hostile(user):
    """A matrix whose every name is an attack: its title, phase, activities, roles and team."""
    team = team_create(name=f"Team {IMG}", owner=user)
    matrix = Matrix.objects.create(
        title=f"Plan {SCRIPT}", slug="hostile", team=team, description=f"About {IMG}"
    )
    phase = Phase.objects.create(matrix=matrix, name=f"Phase {SCRIPT}", position=0)
    a1 = Activity.objects.create(
        matrix=matrix, phase=phase, name=f"Act {IMG}", description=SCRIPT, position=0
    )
    a2 = Activity.objects.create(matrix=matrix, phase=phase, name=FORMULA, position=1)
    roles = [
        Role.objects.create(
            slug=f"hostile-{i}",
            name=name,
            short_label="<b>R</b>",
            kind=RoleKind.CUSTOM,
            team=team,
            focus=SCRIPT,
            goal=IMG,
            key_responsibilities=f"{SCRIPT}\n{IMG}",
        )
        for i, name in enumerate([f"Role {SCRIPT}", f"Role {IMG}", "@SUM(A1:A2)"])
    ]
    for i, role in enumerate(roles):
        MatrixRole.objects.create(matrix=matrix, role=role, position=i)
    Responsibility.objects.create(activity=a1, role=roles[0], code="A", note=f"Note {SCRIPT}")
    Responsibility.objects.create(activity=a2, role=roles[1], code="R")
    return matrix


def assert_escaped(text: str):
    for raw in RAW:
        assert raw not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text


def test_the_matrix_page_escapes_names_for_editors_and_viewers(client, user, hostile):
    client.force_login(user)
    assert_escaped(client.get(hostile.get_absolute_url()).text)
    viewer = make_user()
    add_member(hostile.team, viewer, AccessLevel.VIEWER)
    client.force_login(viewer)
    assert_escaped(client.get(hostile.get_absolute_url()).text)


def test_the_editors_partials_escape_names(client, user, hostile):
    client.force_login(user)
    activity = hostile.activities.get(position=0)
    menu = client.get(reverse("matrices:activity_menu", args=[hostile.slug, activity.pk])).text
    for raw in RAW:
        assert raw not in menu
    assert "&lt;img src=x onerror=alert(1)&gt;" in menu
    role = hostile.roles.get(name=f"Role {SCRIPT}")
    cell = client.post(
        reverse("matrices:assign", args=[hostile.slug]),
        {"activity": activity.pk, "role": role.pk, "code": "R"},
        headers={"HX-Request": "true"},
    ).text
    for raw in RAW:
        assert raw not in cell
    assert "&lt;script&gt;" in cell


def test_the_share_page_escapes_names_and_role_definitions(hostile, user):
    link = share_link_create(matrix=hostile, by=user)
    text = Client().get(link.get_absolute_url()).text
    assert_escaped(text)
    assert "&lt;b&gt;R&lt;/b&gt;" in text


def test_the_role_guide_escapes_names(client, user):
    Role.objects.create(
        slug="evil", name=f"Evil {SCRIPT}", short_label="E", kind=RoleKind.SUPPORTING, goal=IMG
    )
    client.force_login(user)
    assert_escaped(client.get(reverse("catalog:role_guide")).text)


def test_team_pages_escape_names(client, user, hostile):
    make_user(f"x{IMG}"[:30])
    client.force_login(user)
    team = hostile.team
    for url in (
        reverse("teams:list"),
        reverse("teams:detail", args=[team.pk]),
        reverse("catalog:team_roles", args=[team.pk]),
    ):
        text = client.get(url).text
        for raw in RAW:
            assert raw not in text, url


def test_history_snapshot_and_compare_pages_escape_names(client, user, hostile):
    from apps.history.services import snapshot_create
    from apps.matrices.services import responsibility_annotate, responsibility_assign

    activity = hostile.activities.get(position=0)
    role = hostile.roles.get(name=f"Role {SCRIPT}")
    old = snapshot_create(matrix=hostile, name=f"Snap {SCRIPT}", by=user)
    responsibility_annotate(matrix=hostile, activity=activity, role=role, note=IMG, by=user)
    responsibility_assign(
        matrix=hostile, activity=activity, role=hostile.roles.get(name=f"Role {IMG}"), code="C"
    )
    client.force_login(user)
    for url in (
        reverse("history:list", args=[hostile.slug]),
        reverse("history:snapshots", args=[hostile.slug]),
        reverse("history:compare", args=[hostile.slug]) + f"?old={old.pk}&all=1",
    ):
        text = client.get(url).text
        for raw in RAW:
            assert raw not in text, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text, url


def export(client, matrix, fmt) -> bytes:
    response = client.get(reverse("exchange:export", args=[matrix.slug, fmt]))
    assert response.status_code == 200
    return response.content


def test_csv_keeps_names_as_text_and_defuses_formulas(client, user, hostile):
    client.force_login(user)
    rows = list(csv.reader(io.StringIO(export(client, hostile, "csv").decode("utf-8-sig"))))
    header, first, second = rows
    assert header == ["Phase", "Activity", f"Role {SCRIPT}", f"Role {IMG}", "'@SUM(A1:A2)"]
    assert first[:2] == [f"Phase {SCRIPT}", f"Act {IMG}"]
    assert second[1] == "'" + FORMULA


def test_xlsx_holds_names_as_strings_never_formulas(client, user, hostile):
    from openpyxl import load_workbook

    client.force_login(user)
    book = load_workbook(io.BytesIO(export(client, hostile, "xlsx")))
    values = {}
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    values[cell.value] = cell.data_type
                    assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    for text in (f"Act {IMG}", f"Role {SCRIPT}", f"Phase {SCRIPT}"):
        assert any(text in value for value in values), text
    assert any(value.endswith(FORMULA) for value in values)


def test_pdf_prints_names_as_text(client, user, hostile):
    from pypdf import PdfReader

    client.force_login(user)
    reader = PdfReader(io.BytesIO(export(client, hostile, "pdf")))
    text = "".join(page.extract_text() for page in reader.pages)
    flat = "".join(text.split())
    assert "<script>alert(1)</script>" in flat
    assert "<imgsrc=xonerror=alert(1)>" in flat


def test_the_share_links_exports_are_the_same_files(hostile, user):
    link = share_link_create(matrix=hostile, by=user)
    body = Client().get(reverse("sharing:export", args=[link.token, "csv"])).content
    assert f"Act {IMG}".replace('"', '""').encode() in body
