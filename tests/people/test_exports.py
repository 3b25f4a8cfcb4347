"""Holders in the exports and imports: JSON (version 2, version 1 still read), XLSX's People
sheet, the PDF's role appendix; CSV as it was."""

import io
import json

import pypdf
import pytest
from openpyxl import load_workbook

from apps.exchange.selectors import matrix_document
from apps.exchange.services import matrix_import
from apps.matrices.selectors import matrix_structure
from apps.people.models import Person
from apps.raci.exchange.csvfile import write_csv
from apps.raci.exchange.document import ActivityDoc, HolderDoc, MatrixDocument, PhaseDoc, RoleDoc
from apps.raci.exchange.jsonfile import VERSION, read_json, to_data, write_json
from apps.raci.exchange.pdf import write_pdf
from apps.raci.exchange.problems import ImportProblem
from apps.raci.exchange.xlsx import read_xlsx, write_xlsx
from tests.conftest import make_user

from .conftest import client_for, hold

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(world):
    pdm, po = world.roles[:2]
    hold(world, pdm, users=[world.ana], name="Dana (agency)")
    hold(world, po, users=[world.ed])
    world.matrix.refresh_from_db()
    world.matrix.overlap_threshold, world.matrix.unheld_roles_note = 5, False
    world.matrix.shared_accountable_warning = False
    world.matrix.save()
    return world


def holders_by_role(doc: MatrixDocument) -> dict[str, list[tuple[str, str]]]:
    return {
        role.name: [(holder.name, holder.username) for holder in role.holders]
        for role in doc.roles
        if role.holders
    }


def imported_holders(matrix) -> dict[str, list[str]]:
    matrix.refresh_from_db()
    structure = matrix_structure(matrix)
    return {
        role.name: [holder.name for holder in structure.holders.get(role.pk, ())]
        for role in structure.roles
        if structure.holders.get(role.pk)
    }


def test_the_document_names_the_holders_with_their_usernames(held):
    doc = matrix_document(held.matrix)
    pdm, po = held.roles[:2]
    assert holders_by_role(doc) == {
        pdm.name: [("Ana Lopez", "ana"), ("Dana (agency)", "")],
        po.name: [("ed", "ed")],
    }
    assert (doc.overlap_threshold, doc.unheld_roles_note) == (5, False)


def test_json_carries_holders_and_options_since_version_2(held):
    data = json.loads(write_json(matrix_document(held.matrix)))
    assert data["version"] == VERSION >= 2
    assert data["matrix"]["options"] == {
        "accountable_does_work": False,
        "overload_percent": 50,
        "overlap_threshold": 5,
        "unheld_roles_note": False,
        "shared_accountable_warning": False,
    }
    first = data["matrix"]["roles"][0]
    assert first["holders"] == [
        {"name": "Ana Lopez", "username": "ana"},
        {"name": "Dana (agency)", "username": None},
    ]
    assert data["matrix"]["roles"][2]["holders"] == []


def test_an_import_into_the_same_team_finds_its_people_again(held):
    doc = read_json(write_json(matrix_document(held.matrix)).encode())
    copy = matrix_import(doc=doc, team=held.team, created_by=held.ana, title="Copy")
    pdm, po = held.roles[:2]
    assert imported_holders(copy) == {pdm.name: ["Ana Lopez", "Dana (agency)"], po.name: ["ed"]}
    assert Person.objects.filter(team=held.team).count() == 3  # nobody made twice
    assert (copy.overlap_threshold, copy.unheld_roles_note) == (5, False)
    assert copy.shared_accountable_warning is False
    exported = to_data(matrix_document(copy))
    original = to_data(matrix_document(held.matrix))
    for data in (exported, original):
        del data["exported_at"], data["matrix"]["slug"], data["matrix"]["title"]
    assert exported == original


def test_in_another_team_holders_become_named_people_unless_members(held):
    other_owner = make_user("olga")
    team = other_owner.personal_team
    from tests.conftest import add_member

    add_member(team, held.ed)
    doc = read_json(write_json(matrix_document(held.matrix)).encode())
    copy = matrix_import(doc=doc, team=team, created_by=other_owner, title="Elsewhere")
    people = {person.display_name: person.user for person in Person.objects.filter(team=team)}
    # Ed is in this team too: his account; Ana is not: a named person; Dana stays named.
    assert people == {"ed": held.ed, "Ana Lopez": None, "Dana (agency)": None}
    assert imported_holders(copy)[held.roles[1].name] == ["ed"]


def test_a_version_1_file_still_imports_without_holders(held):
    data = to_data(matrix_document(held.matrix))
    data["version"] = 1
    del (
        data["matrix"]["options"]["overlap_threshold"],
        data["matrix"]["options"]["unheld_roles_note"],
        data["matrix"]["options"]["shared_accountable_warning"],
    )
    for role in data["matrix"]["roles"]:
        del role["holders"]
    doc = read_json(json.dumps(data).encode())
    assert all(role.holders == [] for role in doc.roles)
    assert (doc.overlap_threshold, doc.unheld_roles_note) == (3, True)
    assert doc.shared_accountable_warning is True
    copy = matrix_import(doc=doc, team=held.team, created_by=held.ana, title="Old file")
    assert imported_holders(copy) == {}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: m["roles"][0].update(holders="Ana"), '"holders" must be a list'),
        (lambda m: m["roles"][0].update(holders=["Ana"]), "must be an object"),
        (lambda m: m["roles"][0].update(holders=[{"username": "ana"}]), '"name" is missing'),
        (lambda m: m["roles"][0].update(holders=[{"name": 3}]), '"name" must be text'),
        (lambda m: m["roles"][0].update(holders=[{"name": "x"}] * 51), "more than 50"),
        (lambda m: m["options"].update(overlap_threshold=-1), "from 0 to 1000"),
        (lambda m: m["options"].update(overlap_threshold=True), "from 0 to 1000"),
        (lambda m: m["options"].update(unheld_roles_note="yes"), "true or false"),
        (lambda m: m["options"].update(shared_accountable_warning=1), "true or false"),
    ],
)
def test_json_holders_are_checked(held, change, message):
    data = to_data(matrix_document(held.matrix))
    change(data["matrix"])
    with pytest.raises(ImportProblem) as caught:
        read_json(json.dumps(data).encode())
    assert message in str(caught.value)


def test_an_import_refuses_a_holder_name_over_its_limit(held):
    doc = matrix_document(held.matrix)
    doc.roles[0].holders.append(HolderDoc("x" * 81))
    with pytest.raises(ImportProblem, match="longer than 80"):
        matrix_import(doc=doc, team=held.team, created_by=held.ana)


def test_xlsx_has_a_people_sheet_that_imports_again(held):
    data = write_xlsx(matrix_document(held.matrix))
    sheet = load_workbook(io.BytesIO(data))["People"]
    rows = [tuple(cell.value for cell in row) for row in sheet.iter_rows()]
    pdm, po = held.roles[:2]
    assert rows == [
        ("Role", "Person", "Account"),
        (pdm.name, "Ana Lopez", "ana"),
        (pdm.name, "Dana (agency)", None),
        (po.name, "ed", "ed"),
    ]
    about = {
        row[0].value: row[1].value
        for row in load_workbook(io.BytesIO(data))["About"].iter_rows(min_row=4)
    }
    assert about["Overlap warning at"] == 5 and about["Note roles nobody holds"] == "no"
    assert about["Warn about an Accountable role several hold"] == "no"
    doc = read_xlsx(data)
    assert holders_by_role(doc) == {
        pdm.name: [("Ana Lopez", "ana"), ("Dana (agency)", "")],
        po.name: [("ed", "ed")],
    }
    assert (doc.overlap_threshold, doc.unheld_roles_note) == (5, False)
    assert doc.shared_accountable_warning is False


def test_xlsx_people_of_unknown_roles_or_without_a_name_are_left_out():
    doc = MatrixDocument(
        title="T",
        roles=[RoleDoc(key="a", name="Alpha", holders=[HolderDoc("Ana")])],
        phases=[PhaseDoc(name="P", activities=[ActivityDoc(name="Plan", cells={"a": "A"})])],
    )
    workbook = load_workbook(io.BytesIO(write_xlsx(doc)))
    people = workbook["People"]
    people.append(["Nobody's role", "Zed", ""])
    people.append(["alpha", "", ""])
    people.append(["ALPHA", "ana", ""])  # the same person again
    people.append(["Alpha", "Bo", ""])
    out = io.BytesIO()
    workbook.save(out)
    assert holders_by_role(read_xlsx(out.getvalue())) == {"Alpha": [("Ana", ""), ("Bo", "")]}


def test_the_pdf_appendix_names_the_holders(held):
    reader = pypdf.PdfReader(io.BytesIO(write_pdf(matrix_document(held.matrix))))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Held by" in text and "Ana Lopez, Dana (agency)" in text


def test_csv_stays_as_it_was(held):
    text = write_csv(matrix_document(held.matrix))
    assert "Ana" not in text and "Dana" not in text
    assert text.splitlines()[0] == "\ufeffPhase,Activity," + ",".join(
        role.name for role in held.roles
    )


def test_a_viewer_exports_the_holders(held):
    response = client_for(held.vi).get(f"/m/{held.matrix.slug}/export/json/")
    assert "Dana (agency)" in response.content.decode()


def test_a_snapshot_keeps_the_holders(held):
    from apps.history.services import snapshot_create

    snapshot = snapshot_create(matrix=held.matrix, name="Agreed", by=held.ana)
    assert snapshot.document["version"] == VERSION
    assert snapshot.document["matrix"]["roles"][0]["holders"][1]["name"] == "Dana (agency)"


def test_the_markdown_names_the_holders_escaped(held):
    from apps.raci.exchange.markdown import write_markdown

    Person.objects.filter(name="Dana (agency)").update(name="Dana [agency](javascript:x)")
    pdm, po = held.roles[:2]
    last = write_markdown(matrix_document(held.matrix)).rstrip().splitlines()[-1]
    pdm_label, po_label = pdm.short_label or pdm.name, po.short_label or po.name
    assert last == (
        f"**Held by:** {pdm_label}: Ana Lopez, Dana \\[agency\\](javascript:x); {po_label}: ed"
    )


def test_a_share_links_markdown_names_nobody(held):
    from apps.sharing.services import share_link_create

    link = share_link_create(matrix=held.matrix, by=held.ana)
    body = client_for(held.stranger).get(f"/s/{link.token}/export/md/").content.decode()
    assert "Activity" in body or "|" in body
    assert "Held by" not in body and "Ana" not in body and "Dana" not in body
