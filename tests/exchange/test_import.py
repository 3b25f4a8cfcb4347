"""Importing a matrix: the upload form, the preview, the confirmation, the commands."""

import html
import importlib.util
import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError

from apps.accounts.models import AccessLevel, Membership, Team
from apps.catalog.models import Role, RoleKind
from apps.exchange.seeding import REFERENCE_SLUG
from apps.exchange.selectors import matrix_document
from apps.exchange.services import matrix_import
from apps.matrices.models import Activity, Matrix, MatrixRole, Phase, Responsibility
from apps.raci.exchange.csvfile import write_csv
from apps.raci.exchange.document import ActivityDoc, MatrixDocument, PhaseDoc, RoleDoc
from apps.raci.exchange.jsonfile import read_json, to_data, write_json
from apps.raci.exchange.problems import ImportProblem
from apps.raci.schemes import RACI, RASCI, Kind
from tests.conftest import add_member, make_matrix, make_user

pytestmark = pytest.mark.django_db

R = RACI.code_for(Kind.RESPONSIBLE)
A = RACI.code_for(Kind.ACCOUNTABLE)
C = RACI.code_for(Kind.CONSULTED)
I = RACI.code_for(Kind.INFORMED)  # noqa: E741
HAS_XLSX = importlib.util.find_spec("apps.raci.exchange.xlsx") is not None
MODELS = (Matrix, Phase, Activity, Role, Responsibility, MatrixRole)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def upload(client, name: str, data: bytes, *, team: Team, title: str = ""):
    return client.post(
        "/import/", {"file": SimpleUploadedFile(name, data), "title": title, "team": team.pk}
    )


def token_of(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', response.text).group(1)


def confirm(client, token: str, **kwargs):
    return client.post("/import/confirm/", {"token": token}, **kwargs)


def file_error(response) -> str:
    errors = response.context["form"].errors["file"]
    assert len(errors) == 1
    assert html.escape(errors[0]) in response.text  # and the page shows it
    return errors[0]


def table(matrix: Matrix) -> list[tuple[str, str, dict[str, str]]]:
    doc = matrix_document(matrix)
    names = {role.key: role.name for role in doc.roles}
    return [
        (phase.name, activity.name, {names[key]: code for key, code in activity.cells.items()})
        for phase, activity in doc.activities()
    ]


def content(matrix: Matrix) -> dict:
    """The JSON export of the matrix without what an import changes (slug, title, time)."""
    data = to_data(matrix_document(matrix))
    del data["exported_at"], data["matrix"]["slug"], data["matrix"]["title"]
    return data


def catalog_role(name: str) -> Role:
    return Role.objects.get(name=name, team__isnull=True)


@pytest.fixture
def source(team):
    """A matrix of the team: two custom roles of the team and a catalog role."""
    matrix = make_matrix(team=team, activities=3, roles=2, phases=2, title="Source plan")
    product_manager = catalog_role("Product Manager")
    MatrixRole.objects.create(matrix=matrix, role=product_manager, position=9)
    Responsibility.objects.create(activity=matrix.activities.first(), role=product_manager, code=C)
    return matrix


def exported_json(client, matrix: Matrix) -> bytes:
    response = client.get(f"/m/{matrix.slug}/export/json/")
    assert response.status_code == 200
    return response.content


# -- the form and the preview -------------------------------------------------------------------


def test_the_upload_form_renders(client_in, team):
    response = client_in.get("/import/")
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in response.text
    assert 'type="file" name="file"' in response.text
    assert 'accept=".json,.csv,.xlsx"' in response.text
    assert response.context["form"].initial["team"] == team.pk


def test_the_upload_form_needs_a_login(client):
    response = client.get("/import/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/import/"


def test_a_json_upload_shows_a_preview_and_creates_nothing(client_in, team, source):
    data = exported_json(client_in, source)
    before = counts()
    response = upload(client_in, "source.json", data, team=team)
    assert response.status_code == 200
    text = response.text
    assert "nothing is created yet" in text
    assert "<strong>3</strong> activities in <strong>2</strong> phases" in text
    assert f"<strong>{2 * 3 + 1}</strong> assigned letters, scheme RACI" in text
    for role in source.roles.filter(kind=RoleKind.CUSTOM):
        assert f'{role.name} — <span class="tag tag-ok">matches {role.name}</span>' in text
    assert 'Product Manager — <span class="tag tag-ok">matches Product Manager</span>' in text
    assert "new custom role" not in text
    for activity in source.activities.all():
        assert activity.name in text
    assert counts() == before


def test_confirming_the_preview_creates_the_same_matrix(client_in, user, team, source):
    response = upload(client_in, "source.json", exported_json(client_in, source), team=team)
    before = counts()
    response = confirm(client_in, token_of(response))
    created = Matrix.objects.exclude(pk=source.pk).get(title="Source plan")
    assert response.status_code == 302
    assert response["Location"] == created.get_absolute_url()
    assert created.slug != source.slug
    assert created.team == team
    assert created.created_by == user
    assert content(created) == content(source)
    # The roles are the very same ones: nothing new in the catalog or the team.
    assert list(created.roles.order_by("columns__position")) == list(
        source.roles.order_by("columns__position")
    )
    after = counts()
    assert after["Role"] == before["Role"]
    assert after["Matrix"] == before["Matrix"] + 1
    assert after["Activity"] == before["Activity"] + 3
    page = client_in.get(response["Location"]).text
    assert "Imported “Source plan”." in page


def test_a_preview_can_be_confirmed_once(client_in, team, source):
    token = token_of(upload(client_in, "m.json", exported_json(client_in, source), team=team))
    confirm(client_in, token)
    before = counts()
    response = confirm(client_in, token, follow=True)
    assert response.redirect_chain == [("/import/", 302)]
    assert "That import preview has expired; upload the file again." in response.text
    assert counts() == before


@pytest.mark.parametrize("token", ["not-a-token", ""])
def test_an_unknown_token_creates_nothing(client_in, token):
    before = counts()
    response = confirm(client_in, token, follow=True)
    assert response.redirect_chain == [("/import/", 302)]
    assert "That import preview has expired; upload the file again." in response.text
    assert counts() == before


def test_a_token_from_another_session_is_unknown(client, client_in, team, source):
    token = token_of(upload(client_in, "m.json", exported_json(client_in, source), team=team))
    client.force_login(make_user("bob"))
    before = counts()
    response = confirm(client, token)
    assert response["Location"] == "/import/"
    assert counts() == before


def test_the_title_field_replaces_the_files_title(client_in, team, source):
    data = exported_json(client_in, source)
    response = upload(client_in, "m.json", data, team=team, title="Renamed plan")
    assert "<h1>Renamed plan</h1>" in response.text
    confirm(client_in, token_of(response))
    assert Matrix.objects.filter(title="Renamed plan", team=team).count() == 1


def test_the_preview_escapes_names(client_in, team):
    data = f"Activity,<script>alert(1)</script>\n<img src=x onerror=alert(1)>,{R}\n".encode()
    response = upload(client_in, "evil.csv", data, team=team, title="<b>x</b>")
    assert response.status_code == 200
    assert "<script>alert(1)" not in response.text
    assert "<img src=x" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert "<h1>&lt;b&gt;x&lt;/b&gt;</h1>" in response.text


def test_the_reference_template_exported_imports_with_its_catalog_roles(client_in, team):
    template = Matrix.objects.get(slug=REFERENCE_SLUG)
    response = upload(client_in, "ref.json", exported_json(client_in, template), team=team)
    assert "new custom role" not in response.text
    before = counts()
    confirm(client_in, token_of(response))
    created = Matrix.objects.filter(team=team).latest("pk")
    assert content(created) == content(template)
    assert counts()["Role"] == before["Role"]


# -- roles --------------------------------------------------------------------------------------


def test_roles_match_catalog_and_team_roles_by_name_and_the_rest_become_team_roles(client_in, team):
    growth = Role.objects.create(
        slug="growth", name="Growth Hacker", short_label="GH", kind=RoleKind.CUSTOM, team=team
    )
    stranger_team = make_user("bob").personal_team
    theirs = Role.objects.create(
        slug="watch",
        name="Night Watch",
        short_label="NW",
        kind=RoleKind.CUSTOM,
        team=stranger_team,
    )
    data = (
        "Activity,product manager,ENGINEERING,growth hacker,Night Watch\n"
        f"Plan,{A},{R},{C},{I}\n"
        f"Ship,{I},{A},{R},\n"
    ).encode()
    response = upload(client_in, "roles.csv", data, team=team)
    text = response.text
    assert 'product manager — <span class="tag tag-ok">matches Product Manager</span>' in text
    assert 'ENGINEERING — <span class="tag tag-ok">matches Engineering</span>' in text
    assert 'growth hacker — <span class="tag tag-ok">matches Growth Hacker</span>' in text
    assert 'Night Watch — <span class="tag tag-new">new custom role</span>' in text

    confirm(client_in, token_of(response))
    created = Matrix.objects.get(title="Imported matrix", team=team)
    roles = list(created.roles.order_by("columns__position"))
    assert roles[:3] == [catalog_role("Product Manager"), catalog_role("Engineering"), growth]
    new = roles[3]
    assert new != theirs
    assert (new.name, new.kind, new.team) == ("Night Watch", RoleKind.CUSTOM, team)
    assert new.short_label == "NW"
    assert Role.objects.filter(name="Night Watch").count() == 2
    assert table(created) == [
        (
            "Activities",
            "Plan",
            {"Product Manager": A, "Engineering": R, "Growth Hacker": C, "Night Watch": I},
        ),
        ("Activities", "Ship", {"Product Manager": I, "Engineering": A, "Growth Hacker": R}),
    ]


def test_another_users_import_of_custom_roles_creates_them_in_their_team(client, team, source):
    bob = make_user("bob")
    add_member(team, bob, AccessLevel.VIEWER)  # may export the matrix, not add to the team
    client.force_login(bob)
    data = exported_json(client, source)
    response = upload(client, "m.json", data, team=bob.personal_team)
    assert response.text.count("new custom role") == 2
    confirm(client, token_of(response))
    created = Matrix.objects.get(title="Source plan", team=bob.personal_team)
    assert table(created) == table(source)
    customs = created.roles.filter(kind=RoleKind.CUSTOM)
    assert customs.count() == 2
    assert {role.team for role in customs} == {bob.personal_team}


# -- bad input ----------------------------------------------------------------------------------

BAD_FILES = [
    ("empty.csv", b"", "The submitted file is empty."),
    ("blank.csv", b"  \r\n\n", "The file is empty."),
    (
        "latin.csv",
        f"Activity,Sales\nCafé,{R}\n".encode("latin-1"),
        "The file is not UTF-8 text (byte 19 is not valid); save it from your spreadsheet as "
        "CSV UTF-8.",
    ),
    (
        "zip.csv",
        b"PK\x03\x04" + bytes(range(256)),
        "This file is not a CSV file (it looks like a binary file).",
    ),
    (
        "old.xls",
        b"\xd0\xcf\x11\xe0" + bytes(64),
        ".xls files cannot be read; save the spreadsheet as .xlsx or CSV UTF-8.",
    ),
    (
        "calc.ods",
        b"PK\x03\x04" + bytes(64),
        ".ods files cannot be read; save the spreadsheet as .xlsx or CSV UTF-8.",
    ),
    (
        "matrix.pdf",
        b"%PDF-1.7\n",
        '".pdf" files are not supported; upload .json, .csv, .xlsx.',
    ),
    (
        "letters.csv",
        f"Activity,Engineering,Sales\nPlan,{R},{A}\nShip,{R},x\n".encode(),
        f'unknown letter "X" in row 3, column "Sales"; RACI uses {", ".join(RACI.codes)}',
    ),
    (
        "twice.csv",
        f"Activity,Sales\nPlan,{R}\nPLAN,{A}\n".encode(),
        'row 3: duplicate activity "PLAN" (also in row 2)',
    ),
    (
        "roles.csv",
        b"Phase,Activity\nOne,Plan\n",
        "row 1: No role columns: after the Activity (and optional Phase) column, give one "
        "column per role with the role's name in the first row.",
    ),
    ("broken.json", b'{"format": ', "This is not valid JSON (line 1, column 12: "),
    (
        "other.json",
        b'{"format": "something"}',
        'This JSON is not a RACI Builder matrix (no "format": "raci-builder/matrix").',
    ),
    (
        "long.csv",
        f"Activity,Sales\n{'a' * 201},{R}\n".encode(),
        f'activity "{"a" * 40}": the activity name "{"a" * 40}…" is longer than 200 characters',
    ),
    (
        "phases.csv",
        f"Phase,Activity,Sales\nOne,Plan,{R}\none,Ship,{A}\n".encode(),
        'duplicate phase "one"',
    ),
]
if HAS_XLSX:
    BAD_FILES.append(
        ("random.xlsx", bytes(range(256)) * 4, "This file is not an Excel spreadsheet (.xlsx).")
    )


@pytest.mark.parametrize(
    ("name", "data", "message"), BAD_FILES, ids=[name for name, _, _ in BAD_FILES]
)
def test_a_bad_file_gets_a_message_in_the_form_and_creates_nothing(
    client_in, team, name, data, message
):
    before = counts()
    response = upload(client_in, name, data, team=team)
    assert response.status_code == 400
    error = file_error(response)
    if message.endswith(": "):
        assert error.startswith(message)
    else:
        assert error == message
    assert "exchange:imports" not in client_in.session or not client_in.session["exchange:imports"]
    assert counts() == before


def test_a_file_over_the_size_limit_is_refused(client_in, team, settings):
    settings.IMPORT_MAX_BYTES = 1_000_000
    data = f"Activity,Sales\nPlan,{R}\n".encode() + b" " * 1_200_000
    before = counts()
    response = upload(client_in, "big.csv", data, team=team)
    assert response.status_code == 400
    assert file_error(response) == "The file is 1.2 MB; the limit is 1.0 MB."
    assert counts() == before


def test_a_missing_file_is_refused(client_in, team):
    response = client_in.post("/import/", {"team": team.pk})
    assert response.status_code == 400
    assert file_error(response) == "This field is required."


def test_a_txt_file_is_read_as_csv(client_in, team):
    data = f"Activity,Sales\nPlan,{R}\n".encode()
    response = upload(client_in, "matrix.txt", data, team=team)
    assert response.status_code == 200
    assert "<strong>1</strong> activity in <strong>1</strong> phase" in response.text


@pytest.mark.parametrize(
    ("data", "activities"),
    [
        (
            b'{"format": "raci-builder/matrix", "version": 1, "matrix": {"title": "T", '
            b'"roles": [{"key": "s", "name": "Sales"}], "phases": [{"name": "P", '
            b'"activities": [{"name": "Plan"}]}]}}',
            1,
        ),
        (f"Activity,Sales\nPlan,{R}\nShip,{A}\n".encode(), 2),
    ],
    ids=["json", "csv"],
)
def test_a_file_without_an_extension_is_recognised_by_its_content(
    client_in, team, data, activities
):
    response = upload(client_in, "matrix", data, team=team)
    assert response.status_code == 200
    assert f"<strong>{activities}</strong> activit" in response.text


# -- teams --------------------------------------------------------------------------------------


@pytest.fixture
def teams(user):
    """A team the user edits, one they only view, and one they are not in."""
    editing = Team.objects.create(name="Editors")
    viewing = Team.objects.create(name="Viewers")
    strangers = Team.objects.create(name="Strangers")
    add_member(editing, user, AccessLevel.EDITOR)
    add_member(viewing, user, AccessLevel.VIEWER)
    return editing, viewing, strangers


def test_the_team_field_offers_only_the_teams_the_user_edits(client_in, team, teams):
    editing = teams[0]
    response = client_in.get("/import/")
    assert set(response.context["form"].fields["team"].queryset) == {team, editing}
    assert '<option value="' + str(editing.pk) in response.text
    assert "Viewers" not in response.text and "Strangers" not in response.text


def test_importing_into_a_team_the_user_edits_works(client_in, teams):
    editing = teams[0]
    response = upload(client_in, "m.csv", f"Activity,Sales\nPlan,{R}\n".encode(), team=editing)
    assert "into <strong>Editors</strong>" in response.text
    confirm(client_in, token_of(response))
    assert Matrix.objects.filter(team=editing).count() == 1


@pytest.mark.parametrize("which", [1, 2], ids=["viewer", "stranger"])
def test_a_team_the_user_cannot_edit_is_refused(client_in, teams, which):
    before = counts()
    response = upload(client_in, "m.csv", f"Activity,Sales\nPlan,{R}\n".encode(), team=teams[which])
    assert response.status_code == 400
    assert response.context["form"].errors["team"]
    assert counts() == before


def test_losing_edit_rights_between_preview_and_confirmation_creates_nothing(
    client_in, user, teams
):
    editing = teams[0]
    response = upload(
        client_in, "m.csv", f"Activity,Night Watch\nPlan,{R}\n".encode(), team=editing
    )
    Membership.objects.filter(team=editing, user=user).update(access=AccessLevel.VIEWER)
    before = counts()
    response = confirm(client_in, token_of(response), follow=True)
    assert response.redirect_chain == [("/import/", 302)]
    assert "You can no longer add matrices to that team." in response.text
    assert counts() == before


# -- all or nothing -----------------------------------------------------------------------------


def hand_typed() -> bytes:
    return (
        "Phase,Activity,Product Manager,Night Watch,Day Watch\n"
        f"One,Plan,{A},{R},\n"
        f"Two,Ship,{R},{A},{C}\n"
    ).encode()


def test_a_failure_while_saving_cells_rolls_back_everything(client_in, team, monkeypatch):
    token = token_of(upload(client_in, "m.csv", hand_typed(), team=team))
    before = counts()

    def boom(*args, **kwargs):
        raise IntegrityError("boom")

    monkeypatch.setattr(Responsibility.objects, "bulk_create", boom)
    response = confirm(client_in, token, follow=True)
    assert response.redirect_chain == [("/import/", 302)]
    assert "Nothing was imported: The matrix could not be saved: boom" in response.text
    assert counts() == before
    assert not Role.objects.filter(name="Night Watch").exists()


def test_any_error_half_way_rolls_back_everything(team, monkeypatch):
    from apps.raci.exchange.csvfile import read_csv

    doc = read_csv(hand_typed())
    before = counts()

    def boom(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(Responsibility.objects, "bulk_create", boom)
    with pytest.raises(RuntimeError):
        matrix_import(doc=doc, team=team)
    assert counts() == before


def test_a_name_too_long_for_the_database_creates_nothing(team):
    doc = MatrixDocument(
        title="Too long",
        roles=[RoleDoc(key="nw", name="Night Watch")],
        phases=[
            PhaseDoc(
                "One",
                [ActivityDoc("Plan", cells={"nw": R}), ActivityDoc("x" * 201, cells={"nw": A})],
            )
        ],
    )
    before = counts()
    with pytest.raises(ImportProblem, match="longer than 200 characters"):
        matrix_import(doc=doc, team=team)
    assert counts() == before


# -- notes on cells (docs/json-format.md: "every cell, and the notes on cells") ---------------


def test_the_json_export_holds_the_notes_on_cells(client_in, team):
    matrix = make_matrix(team=team, activities=1, roles=2, phases=1)
    cell = Responsibility.objects.filter(activity__matrix=matrix).first()
    cell.note = "Signs off with the CFO."
    cell.save()
    doc = read_json(exported_json(client_in, matrix))
    activity = doc.phases[0].activities[0]
    assert activity.notes == {cell.role.slug: "Signs off with the CFO."}


def test_an_import_keeps_the_notes_on_cells(team):
    doc = MatrixDocument(
        title="Noted",
        roles=[RoleDoc(key="nw", name="Night Watch")],
        phases=[PhaseDoc("One", [ActivityDoc("Plan", cells={"nw": R}, notes={"nw": "Why."})])],
    )
    matrix = matrix_import(doc=doc, team=team)
    assert Responsibility.objects.get(activity__matrix=matrix).note == "Why."


# -- management commands ------------------------------------------------------------------------


def test_export_matrix_writes_a_text_format_to_stdout(capsys, source):
    call_command("export_matrix", source.slug, format="csv")
    out = capsys.readouterr().out
    assert out == write_csv(matrix_document(source))
    assert out.startswith("\ufeffPhase,Activity,")


def test_export_matrix_defaults_to_json(capsys, source):
    call_command("export_matrix", source.slug)
    assert read_json(capsys.readouterr().out.encode()).title == "Source plan"


@pytest.mark.parametrize("fmt", ["json", "csv", "md", "xlsx", "pdf"])
def test_export_matrix_writes_a_file_with_output(capsys, tmp_path, source, fmt):
    path = tmp_path / f"out.{fmt}"
    call_command("export_matrix", source.slug, format=fmt, output=str(path))
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"Wrote {path}" in captured.err
    data = path.read_bytes()
    if fmt == "json":
        assert read_json(data).title == "Source plan"
    elif fmt == "csv":
        assert data.startswith("\ufeffPhase,Activity,".encode())
        assert b"\r\n" in data and b"\r\r\n" not in data
    elif fmt == "md":
        assert data.startswith(b"# Source plan\n")
    elif fmt == "xlsx":
        assert data[:2] == b"PK"
    else:
        assert data.startswith(b"%PDF-")


@pytest.mark.parametrize(("fmt", "label"), [("xlsx", "Excel"), ("pdf", "PDF")])
def test_export_matrix_needs_output_for_a_binary_format(source, fmt, label):
    with pytest.raises(CommandError, match=f"^{label} is a binary format: give --output FILE.$"):
        call_command("export_matrix", source.slug, format=fmt)


def test_export_matrix_refuses_an_unknown_slug_or_format(db):
    with pytest.raises(CommandError, match=re.escape('No matrix with the slug "nope".')):
        call_command("export_matrix", "nope")
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("export_matrix", REFERENCE_SLUG, "--format", "docx")


def test_import_matrix_prints_the_new_slug(tmp_path, user, team):
    path = tmp_path / "hand.csv"
    path.write_bytes(hand_typed())
    out = io.StringIO()
    call_command("import_matrix", str(path), title="From the shell", user="alice", stdout=out)
    matrix = Matrix.objects.get(slug=out.getvalue().strip())
    assert matrix.title == "From the shell"
    assert matrix.team == team
    assert matrix.created_by == user
    assert table(matrix) == [
        ("One", "Plan", {"Product Manager": A, "Night Watch": R}),
        ("Two", "Ship", {"Product Manager": R, "Night Watch": A, "Day Watch": C}),
    ]


def test_import_matrix_goes_to_the_first_superuser_or_a_team(tmp_path):
    path = tmp_path / "hand.csv"
    path.write_bytes(hand_typed())
    with pytest.raises(CommandError, match="No such user"):
        call_command("import_matrix", str(path))
    root = make_user("root", is_superuser=True)
    out = io.StringIO()
    call_command("import_matrix", str(path), stdout=out)
    matrix = Matrix.objects.get(slug=out.getvalue().strip())
    assert (matrix.title, matrix.team, matrix.created_by) == (
        "Imported matrix",
        root.personal_team,
        root,
    )
    other = Team.objects.create(name="Elsewhere")
    out = io.StringIO()
    call_command("import_matrix", str(path), team=other.pk, stdout=out)
    assert Matrix.objects.get(slug=out.getvalue().strip()).team == other
    with pytest.raises(CommandError, match="No team with id 0"):
        call_command("import_matrix", str(path), team=0)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("bad.csv", f"Activity,Sales\nPlan,{R}\nShip,Q\n".encode(), 'unknown letter "Q"'),
        ("bad.json", b"{", "This is not valid JSON"),
        ("bad.csv", b"", "The file is empty."),
    ],
)
def test_import_matrix_refuses_a_bad_file_and_creates_nothing(tmp_path, user, name, data, message):
    assert "Q" not in RACI.codes
    path = tmp_path / name
    path.write_bytes(data)
    before = counts()
    with pytest.raises(CommandError, match=f"^Nothing was imported: {re.escape(message)}"):
        call_command("import_matrix", str(path), user="alice")
    assert counts() == before


def test_import_matrix_refuses_a_missing_file(tmp_path, user):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_matrix", str(tmp_path / "nothing.json"), user="alice")


def test_export_import_export_through_the_commands_gives_the_same_document(
    tmp_path, user, team, source, capsys
):
    source.scheme = RASCI.key
    source.description = "Who does what.\nSecond line."
    source.accountable_does_work = True
    source.overload_percent = 35
    source.save()
    first = source.activities.first()
    first.description = "With finance."
    first.save()
    Responsibility.objects.create(
        activity=source.activities.last(),
        role=catalog_role("Product Manager"),
        code=RASCI.code_for(Kind.SUPPORT),
    )
    Responsibility.objects.filter(activity=first).update(note="Signs off with the CFO.")
    path = tmp_path / "source.json"
    call_command("export_matrix", source.slug, output=str(path))
    out = io.StringIO()
    call_command("import_matrix", str(path), title="Copy", user="alice", stdout=out)
    copy_slug = out.getvalue().strip()
    capsys.readouterr()
    call_command("export_matrix", copy_slug)
    again = json.loads(capsys.readouterr().out)
    original = json.loads(path.read_text(encoding="utf-8"))
    assert again["matrix"].pop("title") == "Copy"
    assert again["matrix"].pop("slug") == copy_slug
    assert original["matrix"].pop("title") == "Source plan"
    assert original["matrix"].pop("slug") == source.slug
    del again["exported_at"], original["exported_at"]
    assert again == original
    assert again["matrix"]["scheme"] == RASCI.key
    notes = [a["notes"] for p in again["matrix"]["phases"] for a in p["activities"]]
    assert {"Signs off with the CFO."} == {n for note in notes for n in note.values()}
    assert write_json(read_json(path.read_bytes())) == path.read_text(encoding="utf-8")


# -- more round trips through the site ----------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_an_exported_reference_template_imports_again_with_every_cell(client_in, team, fmt):
    if fmt == "xlsx" and not HAS_XLSX:
        pytest.skip("apps/raci/exchange/xlsx/ is not written yet")
    template = Matrix.objects.get(slug=REFERENCE_SLUG)
    data = client_in.get(f"/m/{REFERENCE_SLUG}/export/{fmt}/").content
    response = upload(client_in, f"reference.{fmt}", data, team=team, title="Mine")
    assert response.status_code == 200
    confirm(client_in, token_of(response))
    created = Matrix.objects.get(title="Mine", team=team)
    assert table(created) == table(template)
    assert list(created.roles.order_by("columns__position")) == list(
        template.roles.order_by("columns__position")
    )


def test_an_exported_xlsx_imports_again_with_notes_descriptions_and_options(
    client_in, team, source
):
    if not HAS_XLSX:
        pytest.skip("apps/raci/exchange/xlsx/ is not written yet")
    source.description = "Who does what."
    source.accountable_does_work = True
    source.overload_percent = 35
    source.save()
    first = source.activities.first()
    first.description = "With finance."
    first.save()
    Responsibility.objects.filter(activity=first).update(note="Signs off with the CFO.")
    data = client_in.get(f"/m/{source.slug}/export/xlsx/").content
    confirm(client_in, token_of(upload(client_in, "source.xlsx", data, team=team)))
    created = Matrix.objects.exclude(pk=source.pk).get(team=team, title="Source plan")
    assert content(created) == content(source)


def test_only_the_latest_five_previews_can_be_confirmed(client_in, team):
    tokens = [
        token_of(
            upload(client_in, f"m{n}.csv", f"Activity,Sales\nPlan {n},{R}\n".encode(), team=team)
        )
        for n in range(6)
    ]
    assert confirm(client_in, tokens[0])["Location"] == "/import/"
    assert confirm(client_in, tokens[1])["Location"] != "/import/"
    assert Matrix.objects.filter(team=team, activities__name="Plan 1").count() == 1


def test_a_title_too_long_is_refused_with_a_message(client_in, team):
    data = f"Activity,Sales\nPlan,{R}\n".encode()
    before = counts()
    response = upload(client_in, "m.csv", data, team=team, title="x" * 201)
    assert response.status_code == 400
    assert response.context["form"].errors["title"]
    assert counts() == before


def test_the_title_error_is_shown_on_the_page(client_in, team):
    data = f"Activity,Sales\nPlan,{R}\n".encode()
    response = upload(client_in, "m.csv", data, team=team, title="x" * 201)
    assert "Ensure this value has at most 200 characters (it has 201)." in response.text


def test_a_json_with_a_malformed_export_time_does_not_break_the_import(client_in, team):
    data = {
        "format": "raci-builder/matrix",
        "version": 1,
        "exported_at": "yesterday",
        "matrix": {
            "title": "T",
            "roles": [{"key": "s", "name": "Sales"}],
            "phases": [{"name": "P", "activities": [{"name": "Plan", "cells": {"s": R}}]}],
        },
    }
    response = upload(client_in, "m.json", json.dumps(data).encode(), team=team)
    assert response.status_code in (200, 400)
