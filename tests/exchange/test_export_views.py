"""Downloading a matrix: /m/<slug>/export/<format>/."""

import csv
import importlib.util
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.accounts.models import AccessLevel
from apps.catalog.models import Role, RoleKind
from apps.exchange.seeding import REFERENCE_SLUG
from apps.matrices.models import Activity, Matrix, MatrixRole, Phase, Responsibility
from apps.raci.exchange.jsonfile import read_json
from apps.raci.schemes import RACI, Kind
from tests.conftest import add_member, make_matrix, make_user

pytestmark = pytest.mark.django_db

R = RACI.code_for(Kind.RESPONSIBLE)
A = RACI.code_for(Kind.ACCOUNTABLE)
HAS_XLSX = importlib.util.find_spec("apps.raci.exchange.xlsx") is not None
HAS_PDF = importlib.util.find_spec("apps.raci.exchange.pdf") is not None

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "json": "application/json; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
}
# What one export costs: session, user, the matrix with the user's access, then the grid's
# cells; roles, phases and activities come from the structure cache once the matrix has been
# shown. Measured: 4, for 20 activities as for 300.
EXPORT_QUERIES = 4

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
FORMULA = '=HYPERLINK("http://evil.example","x")'


def export_url(matrix_or_slug, fmt: str) -> str:
    slug = getattr(matrix_or_slug, "slug", matrix_or_slug)
    return f"/m/{slug}/export/{fmt}/"


def today() -> str:
    return timezone.now().strftime("%Y-%m-%d")


def matrix_with_names(team, *, title: str, roles: list[str], rows: list[tuple[str, str]]):
    """A matrix with the given role names and (phase, activity) rows; each row gets A and R."""
    matrix = Matrix.objects.create(title=title, slug="named-matrix", team=team)
    role_objs = [
        Role.objects.create(
            slug=f"named-{i}", name=name, short_label=f"N{i}", kind=RoleKind.CUSTOM, team=team
        )
        for i, name in enumerate(roles)
    ]
    for i, role in enumerate(role_objs):
        MatrixRole.objects.create(matrix=matrix, role=role, position=i)
    phases = {}
    for i, (phase_name, activity_name) in enumerate(rows):
        if phase_name not in phases:
            phases[phase_name] = Phase.objects.create(
                matrix=matrix, name=phase_name, position=len(phases)
            )
        activity = Activity.objects.create(
            matrix=matrix, phase=phases[phase_name], name=activity_name, position=i
        )
        Responsibility.objects.create(activity=activity, role=role_objs[0], code=A)
        Responsibility.objects.create(activity=activity, role=role_objs[-1], code=R)
    return matrix


@pytest.mark.parametrize("fmt", list(CONTENT_TYPES))
def test_a_member_downloads_each_format_as_an_attachment(client_in, team, fmt):
    matrix = make_matrix(team=team, activities=4, roles=3, phases=2, title="Launch plan: Q3")
    response = client_in.get(export_url(matrix, fmt))
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPES[fmt]
    assert response["Content-Disposition"] == (
        f'attachment; filename="launch-plan-q3-{today()}.{fmt}"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    body = response.content
    names = [activity.name for activity in matrix.activities.all()]  # by phase, then position
    assert names == ["Activity 0", "Activity 2", "Activity 1", "Activity 3"]
    if fmt == "csv":
        text = body.decode("utf-8")
        assert text.startswith("\ufeffPhase,Activity,")
        assert all(name in text for name in names)
    elif fmt == "json":
        doc = read_json(body)
        assert doc.title == "Launch plan: Q3"
        assert doc.slug == matrix.slug
        assert [activity.name for _, activity in doc.activities()] == names
    elif fmt == "md":
        text = body.decode("utf-8")
        assert text.startswith("# Launch plan: Q3\n")
        assert all(f"| {name} |" in text for name in names)
    elif fmt == "xlsx" and HAS_XLSX:
        from apps.raci.exchange.xlsx import read_xlsx

        assert body[:2] == b"PK"
        doc = read_xlsx(body)
        assert [activity.name for _, activity in doc.activities()] == names
    elif fmt == "pdf" and HAS_PDF:
        assert body.startswith(b"%PDF-")


def test_the_filename_falls_back_to_matrix_for_a_title_without_latin_letters(client_in, team):
    matrix = make_matrix(team=team, title="Матрица 中文")
    response = client_in.get(export_url(matrix, "json"))
    assert response["Content-Disposition"] == f'attachment; filename="matrix-{today()}.json"'


@pytest.mark.parametrize("fmt", ["csv", "json", "md"])
def test_text_formats_can_be_shown_inline(client_in, team, fmt):
    matrix = make_matrix(team=team)
    response = client_in.get(export_url(matrix, fmt) + "?view=1")
    assert response["Content-Disposition"].startswith("inline; ")


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_binary_formats_are_always_attachments(client_in, team, fmt):
    matrix = make_matrix(team=team)
    response = client_in.get(export_url(matrix, fmt) + "?view=1")
    assert response["Content-Disposition"].startswith("attachment; ")


def test_the_export_menu_links_every_format(client_in, team):
    matrix = make_matrix(team=team)
    text = client_in.get(matrix.get_absolute_url()).text
    for fmt in CONTENT_TYPES:
        assert f'href="{export_url(matrix, fmt)}"' in text


def test_an_unknown_format_is_404(client_in, team):
    matrix = make_matrix(team=team)
    assert client_in.get(export_url(matrix, "docx")).status_code == 404
    assert client_in.get(export_url(matrix, "CSV")).status_code == 404


def test_anyone_outside_the_team_gets_404(client, team):
    matrix = make_matrix(team=team)
    client.force_login(make_user("mallory"))
    for fmt in CONTENT_TYPES:
        assert client.get(export_url(matrix, fmt)).status_code == 404
    assert client.get(export_url("no-such-matrix", "csv")).status_code == 404


def test_a_viewer_may_export(client, team):
    matrix = make_matrix(team=team)
    viewer = make_user("victor")
    add_member(team, viewer, AccessLevel.VIEWER)
    client.force_login(viewer)
    response = client.get(export_url(matrix, "csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPES["csv"]


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_any_signed_in_user_may_export_the_reference_template(client, fmt):
    client.force_login(make_user("newcomer"))
    response = client.get(export_url(REFERENCE_SLUG, fmt))
    assert response.status_code == 200
    if fmt == "json":
        template = Matrix.objects.get(slug=REFERENCE_SLUG)
        doc = read_json(response.content)
        assert doc.title == template.title
        assert doc.activity_count == template.activities.count() > 0


def test_anonymous_visitors_are_sent_to_the_login_page(client, team):
    matrix = make_matrix(team=team)
    url = export_url(matrix, "csv")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


def test_export_only_answers_get(client_in, team):
    matrix = make_matrix(team=team)
    assert client_in.post(export_url(matrix, "csv")).status_code == 405


# -- hostile names ------------------------------------------------------------------------------


@pytest.fixture
def hostile(team):
    return matrix_with_names(
        team,
        title=f"Plan {SCRIPT}",
        roles=[SCRIPT, IMG, FORMULA],
        rows=[(f"Phase {IMG}", SCRIPT), (f"Phase {IMG}", IMG), ("-Phase", FORMULA)],
    )


def test_csv_holds_hostile_names_literally_and_neutralises_formulas(client_in, hostile):
    text = client_in.get(export_url(hostile, "csv")).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Phase", "Activity", SCRIPT, IMG, f"'{FORMULA}"]
    assert [row[:2] for row in rows[1:]] == [
        [f"Phase {IMG}", SCRIPT],
        [f"Phase {IMG}", IMG],
        ["'-Phase", f"'{FORMULA}"],
    ]
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_markdown_escapes_angle_brackets(client_in, hostile):
    text = client_in.get(export_url(hostile, "md")).content.decode()
    assert "<" not in text and ">" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "&quot;" not in text  # quotes are harmless in Markdown text and stay as they are
    assert '"&gt;&lt;img src=x onerror=alert(1)&gt;' in text


def test_json_round_trips_hostile_names(client_in, hostile):
    doc = read_json(client_in.get(export_url(hostile, "json")).content)
    assert doc.title == f"Plan {SCRIPT}"
    assert [role.name for role in doc.roles] == [SCRIPT, IMG, FORMULA]
    assert [(phase.name, activity.name) for phase, activity in doc.activities()] == [
        (f"Phase {IMG}", SCRIPT),
        (f"Phase {IMG}", IMG),
        ("-Phase", FORMULA),
    ]


def test_the_attachment_filename_of_a_hostile_title_is_safe(client_in, hostile):
    disposition = client_in.get(export_url(hostile, "csv"))["Content-Disposition"]
    assert disposition == f'attachment; filename="plan-scriptalert1script-{today()}.csv"'


# -- cost ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "json", "md"])
def test_an_export_costs_the_same_queries_for_20_or_300_activities(
    client_in, team, django_assert_num_queries, fmt
):
    small = make_matrix(team=team, activities=20, roles=6, phases=3)
    large = make_matrix(team=team, activities=300, roles=6, phases=3)
    client_in.get(small.get_absolute_url())  # the session is warm, as on a real export
    client_in.get(large.get_absolute_url())
    with django_assert_num_queries(EXPORT_QUERIES):
        assert client_in.get(export_url(small, fmt)).status_code == 200
    with django_assert_num_queries(EXPORT_QUERIES):
        assert client_in.get(export_url(large, fmt)).status_code == 200


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_binary_exports_cost_no_more_queries(client_in, team, fmt):
    matrix = make_matrix(team=team, activities=60, roles=6, phases=3)
    client_in.get(matrix.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        assert client_in.get(export_url(matrix, fmt)).status_code == 200
    assert len(queries) == EXPORT_QUERIES


def test_the_json_export_has_every_cell(client_in, team):
    matrix = make_matrix(team=team, activities=5, roles=3, phases=2)
    data = json.loads(client_in.get(export_url(matrix, "json")).content)
    cells = [
        activity["cells"] for phase in data["matrix"]["phases"] for activity in phase["activities"]
    ]
    roles = [role.slug for role in matrix.roles.order_by("columns__position")]
    assert cells == [{roles[0]: A, roles[1]: R}] * 5
