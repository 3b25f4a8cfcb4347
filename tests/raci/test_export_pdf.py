"""The PDF export: what ends up in the file (read back with pypdf), layout limits and speed.

No database: the documents are built here.
"""

import io
from datetime import UTC, datetime

import pypdf
import pytest

from apps.raci import rules
from apps.raci.exchange.document import ActivityDoc, MatrixDocument, PhaseDoc, RoleDoc
from apps.raci.exchange.pdf import text as pdf_text
from apps.raci.exchange.pdf import write_pdf
from apps.raci.rules import Finding, Severity
from apps.raci.schemes import DACI, RACI, RASCI, Scheme

WHEN = datetime(2026, 11, 22, 15, 30, tzinfo=UTC)


def make_doc(
    activities: int,
    roles: int,
    *,
    scheme: Scheme = RACI,
    phases: int = 3,
    title: str = "Product delivery",
    role_names: list[str] | None = None,
) -> MatrixDocument:
    """``activities`` x ``roles``, letters on a diagonal, a note on every 7th activity."""
    role_docs = [
        RoleDoc(
            key=f"role-{i}",
            name=role_names[i] if role_names else f"Role number {i}",
            short_label=f"RL{i}",
            kind="core",
            summary=f"Summary of role {i}.",
            focus="Delivery.",
            key_responsibilities="Plan the work\nReview the result",
        )
        for i in range(roles)
    ]
    phase_docs = [PhaseDoc(name=f"Phase {p}") for p in range(phases)]
    codes = scheme.codes
    for i in range(activities):
        cells = {}
        if roles:
            cells = {role_docs[(i + j) % roles].key: code for j, code in enumerate(codes)}
        notes = {role_docs[i % roles].key: f"Note on activity {i}."} if roles and i % 7 == 3 else {}
        phase_docs[i * phases // activities].activities.append(
            ActivityDoc(name=f"Activity {i}", cells=cells, notes=notes)
        )
    doc = MatrixDocument(
        title=title,
        scheme=scheme.key,
        description="Who does what when we ship.",
        roles=role_docs,
        phases=phase_docs,
    )
    subjects = [rules.Subject(a.name, a.name) for _, a in doc.activities()]
    cells = {(a.name, key): code for _, a in doc.activities() for key, code in a.cells.items()}
    doc.findings = rules.evaluate(
        scheme, subjects, [rules.Subject(r.key, r.name) for r in role_docs], cells
    )
    return doc


def read(data: bytes) -> tuple[pypdf.PdfReader, str]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_it_writes_the_title_date_scheme_legend_grid_notes_findings_and_appendix():
    doc = make_doc(40, 9)
    doc.phases[0].activities[0].cells.clear()  # an activity without letters: two errors
    doc.findings = rules.evaluate(
        RACI,
        [rules.Subject(a.name, a.name) for _, a in doc.activities()],
        [rules.Subject(r.key, r.name) for r in doc.roles],
        {(a.name, k): c for _, a in doc.activities() for k, c in a.cells.items()},
    )
    data = write_pdf(doc, generated_at=WHEN)

    assert data.startswith(b"%PDF-")
    reader, text = read(data)
    assert reader.metadata.title == "Product delivery"
    assert reader.metadata.author == "RACI Builder"
    assert "Product delivery" in text
    assert "22 November 2026" in text
    assert "RACI" in text and RACI.description in text
    assert "Who does what when we ship." in text
    for letter in RACI.letters:
        assert letter.name in text and letter.question in text
    for _, activity in doc.activities():
        assert activity.name in text
    for role in doc.roles:
        assert role.short_label in text  # the grid header
        assert role.name in text  # the appendix
        assert f"Summary of role {role.key[5:]}." in text
    assert "Key responsibilities" in text and "Plan the work" in text
    for phase in doc.phases:
        assert phase.name in text
    assert "Cell notes" in text
    assert "Note on activity 3." in text and "Note on activity 38." in text
    assert "Findings" in text and "2 errors" in text
    assert "has no Accountable role" in text
    assert 2 <= len(reader.pages) <= 6


def test_it_renders_300_activities_on_a_sensible_number_of_pages():
    # Speed is measured by bench/exports.py (medians), not here: machines are noisy.
    doc = make_doc(300, 12, phases=6)
    data = write_pdf(doc, generated_at=WHEN)

    reader, text = read(data)
    # 14 pages: 11 of grid (about 29 rows a page), the notes and findings, the appendix.
    assert 8 <= len(reader.pages) <= 20
    for _, activity in doc.activities():
        assert activity.name in text
    # The header is repeated on every page of the grid.
    assert text.count("RL11") >= 8


def test_it_splits_many_roles_into_groups_of_columns():
    doc = make_doc(20, 30)
    _, text = read(write_pdf(doc, generated_at=WHEN))

    assert "Roles 1\u201315 of 30" in text
    assert "Roles 16\u201330 of 30" in text
    for role in doc.roles:
        assert role.short_label in text
    # Every activity is listed once with each group of roles.
    assert text.count("Activity 19\n") + text.count("Activity 19 ") >= 2


def test_it_does_not_split_roles_that_fit():
    _, text = read(write_pdf(make_doc(10, 20), generated_at=WHEN))

    assert "Roles 1" not in text


def test_it_keeps_accented_and_cyrillic_names_and_survives_cjk():
    names = ["Équipe produit", "Менеджер продукта", "製品 owner", "Ærø Ålesund Straße"]
    doc = make_doc(6, 4, role_names=names, title="Zuständigkeiten für Ölförderung")
    doc.phases[0].activities[0].name = "Prüfen und freigeben"
    doc.phases[0].name = "Définition"

    _, text = read(write_pdf(doc, generated_at=WHEN))

    assert "Zuständigkeiten für Ölförderung" in text
    assert "Prüfen und freigeben" in text
    assert "Définition" in text
    assert "Équipe produit" in text
    assert "Ærø Ålesund Straße" in text
    assert "owner" in text  # the CJK characters the font lacks become "?"
    if 0x41C in pdf_text._fonts().covered:  # DejaVu Sans (fonts-dejavu-core) has Cyrillic
        assert "Менеджер продукта" in text


def test_it_writes_html_like_and_markup_characters_literally():
    doc = make_doc(3, 3)
    doc.title = "Roles & <script>alert(1)</script>"
    doc.description = 'Line one & two\n<b>not bold</b> "quoted"'
    doc.roles[0].name = '"><img src=x onerror=alert(1)>'
    doc.roles[1].name = "<script>"
    doc.roles[1].short_label = "<i>"
    doc.roles[2].focus = "a < b && c > d"
    doc.phases[0].activities[0].name = "Sign & <b>ship</b>"
    doc.phases[0].activities[0].notes = {doc.roles[0].key: "<br/> & more"}

    _, text = read(write_pdf(doc, generated_at=WHEN))

    assert "Roles & <script>alert(1)</script>" in text
    assert "<b>not bold</b>" in text and '"quoted"' in text
    assert '"><img src=x onerror=alert(1)>' in text
    assert "<script>" in text and "<i>" in text
    assert "a < b && c > d" in text
    assert "Sign & <b>ship</b>" in text
    assert "<br/> & more" in text
    assert "&amp;" not in text and "&lt;" not in text


def test_it_survives_control_characters_and_very_long_texts():
    doc = make_doc(2, 2)
    doc.roles[0].name = "Null\x00 bell\x07 soft\u00adhyphen\u200b"
    doc.roles[0].focus = "x" * 20_000  # longer than a page: continues on the next one
    doc.phases[0].activities[0].name = "W" * 400
    doc.phases[0].name = "P " * 300

    _, text = read(write_pdf(doc, generated_at=WHEN))

    assert "Null bell softhyphen" in text


@pytest.mark.parametrize("scheme", [DACI, RASCI], ids=lambda scheme: scheme.key)
def test_it_renders_the_other_schemes(scheme):
    doc = make_doc(12, 5, scheme=scheme)

    _, text = read(write_pdf(doc, generated_at=WHEN))

    assert scheme.name in text
    for letter in scheme.letters:
        assert letter.name in text and letter.question in text
    for _, activity in doc.activities():
        assert activity.name in text


def test_it_renders_an_empty_matrix():
    doc = MatrixDocument(title="Nothing yet")

    reader, text = read(write_pdf(doc, generated_at=WHEN))

    assert "Nothing yet" in text
    assert "no activities yet" in text
    assert "no roles yet" in text
    assert len(reader.pages) == 2


def test_it_renders_roles_without_activities_and_activities_without_roles():
    roles_only = make_doc(0, 3, phases=0)
    activities_only = make_doc(5, 0)

    _, text = read(write_pdf(roles_only, generated_at=WHEN))
    assert "no activities yet" in text and "Role number 2" in text
    _, text = read(write_pdf(activities_only, generated_at=WHEN))
    assert "Activity 4" in text and "no roles yet" in text


def test_it_dates_the_file_from_the_export_time_when_not_given():
    doc = make_doc(2, 2)
    doc.exported_at = datetime(2027, 3, 5, 9, 0, tzinfo=UTC)

    _, text = read(write_pdf(doc))

    assert "5 March 2027" in text


def test_it_caps_the_list_of_findings():
    doc = make_doc(2, 2)
    doc.findings = [
        Finding(Severity.WARNING, rules.ROLE_UNUSED, f"Finding number {i}.") for i in range(130)
    ] + [Finding(Severity.INFO, rules.ROLE_UNUSED, "Just so you know.")]

    _, text = read(write_pdf(doc, generated_at=WHEN))

    assert "130 warnings" in text and "1 info" in text and "0 errors" in text
    assert "Finding number 99." in text
    assert "Finding number 100." not in text
    assert "and 31 more" in text


def test_it_marks_cells_with_notes_and_lists_the_notes():
    doc = make_doc(4, 3)
    activity = doc.phases[0].activities[0]
    activity.notes = {doc.roles[2].key: "Only for major releases."}
    doc.phases[1].activities[0].notes = {}

    _, text = read(write_pdf(doc, generated_at=WHEN))

    assert "Cell notes" in text
    assert "Only for major releases." in text
    assert "Note on activity 3." in text


@pytest.fixture
def vera_only(monkeypatch):
    """The PDF fonts as on a system without DejaVu: ReportLab's bundled Vera."""
    monkeypatch.setattr(pdf_text, "FONT_CANDIDATES", pdf_text.FONT_CANDIDATES[1:])
    pdf_text._fonts.cache_clear()
    yield
    pdf_text._fonts.cache_clear()


def test_it_falls_back_to_the_bundled_font_and_replaces_what_it_cannot_draw(vera_only):
    doc = make_doc(3, 3, role_names=["Équipe", "Менеджер", "Ærø"])

    _, text = read(write_pdf(doc, generated_at=WHEN))

    assert pdf_text._fonts().regular == "RaciVera"
    assert "Équipe" in text and "Ærø" in text
    assert "????????" in text  # Cyrillic: Vera has no glyphs, and no close ASCII letter


def test_a_spent_budget_stops_the_pdf_wherever_it_is_checked():
    """Phases of the grid, pages, page breaks: ReportLab re-raises what a page callback raises
    as a new exception of the same class, made from one message; it must still stop the PDF."""
    from apps.raci.exchange.budget import Budget, ExportStopped

    doc = make_doc(40, 40)  # the roles in two groups: a page break between them
    calls = []
    write_pdf(doc, generated_at=WHEN, budget=Budget(10**9, clock=lambda: calls.append(1) or 0))
    assert len(calls) > 8  # the deadline, then each phase of each group and each page
    for spent_at in range(1, len(calls)):  # the budget is spent at that call of the clock
        clock = iter(range(10**6)).__next__
        with pytest.raises(ExportStopped):
            write_pdf(doc, generated_at=WHEN, budget=Budget(spent_at, clock=clock))
    budget = Budget(3600)
    assert write_pdf(doc, generated_at=WHEN, budget=budget).startswith(b"%PDF")
    assert not budget.abandoned
