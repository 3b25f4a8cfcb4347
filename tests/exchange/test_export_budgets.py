"""Exports within their limits (apps/exchange/exporting.py): a format's size limit, a time
budget, and no work left running once the client has gone."""

import asyncio
import threading

import pytest
from django.core.handlers.asgi import ASGIHandler

from apps.exchange import exporting
from apps.exchange.formats import FORMATS
from apps.raci.exchange import pdf
from apps.raci.exchange.budget import ExportStopped
from apps.raci.exchange.document import ActivityDoc, MatrixDocument, PhaseDoc, RoleDoc
from apps.sharing.services import share_link_create
from tests.conftest import make_matrix

pytestmark = pytest.mark.django_db


@pytest.fixture
def matrix(team):
    return make_matrix(team=team, activities=3, roles=4, title="Launch plan")  # 12 cells


@pytest.fixture
def small_limits(settings):
    settings.EXPORT_MAX_CELLS = {"pdf": 10, "xlsx": 12}


def test_a_pdf_too_large_for_its_limit_says_so_and_offers_csv(client_in, matrix, small_limits):
    response = client_in.get(f"/m/{matrix.slug}/export/pdf/")

    assert response.status_code == 422
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert "Too large for PDF" in body
    assert "3 activities and 4 roles: 12 cells" in body and "at most 10 cells" in body
    assert f'href="/m/{matrix.slug}/export/csv/"' in body
    # Up to its limit a format is made; CSV has none.
    assert client_in.get(f"/m/{matrix.slug}/export/xlsx/").status_code == 200
    assert client_in.get(f"/m/{matrix.slug}/export/csv/").status_code == 200


def test_the_export_menus_say_which_formats_are_too_large(
    client, client_in, matrix, user, small_limits
):
    page = client_in.get(matrix.get_absolute_url()).content.decode()
    csv = f"/m/{matrix.slug}/export/csv/"
    assert f'PDF: too large for PDF; use <a href="{csv}" download>CSV</a>' in page
    assert f'href="/m/{matrix.slug}/export/pdf/"' not in page
    assert f'href="/m/{matrix.slug}/export/xlsx/"' in page

    link = share_link_create(matrix=matrix, by=user)
    shared = client.get(f"/s/{link.token}/").content.decode()
    assert f'too large for PDF; use <a href="/s/{link.token}/export/csv/" download>' in shared
    refused = client.get(f"/s/{link.token}/export/pdf/")
    assert refused.status_code == 422
    assert f'href="/s/{link.token}/export/csv/"' in refused.content.decode()
    assert f"/m/{matrix.slug}/" not in refused.content.decode()


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_an_export_over_its_time_budget_stops_with_a_clear_page(client_in, matrix, settings, fmt):
    settings.EXPORT_SECONDS = 0  # spent before the writer's first check

    response = client_in.get(f"/m/{matrix.slug}/export/{fmt}/")

    assert response.status_code == 503
    body = response.content.decode()
    assert "Export stopped" in body and "took longer than 0 seconds" in body
    assert f'href="/m/{matrix.slug}/export/csv/"' in body


def test_the_largest_matrix_an_import_takes_exports_within_the_budget(settings):
    """Each format makes the largest grid it takes within EXPORT_SECONDS: the largest matrix an
    import takes (IMPORT_MAX_ACTIVITIES x IMPORT_MAX_ROLES, half of the cells lettered), or, for
    a format with a lower size limit, a matrix at that limit (make bench has the timings)."""
    from apps.raci.exchange.budget import Budget

    activities, roles = settings.IMPORT_MAX_ACTIVITIES, settings.IMPORT_MAX_ROLES
    largest = largest_document(activities, roles)
    for fmt in FORMATS.values():
        limit = fmt.max_cells()
        doc = largest
        if limit is not None and activities * roles > limit:
            doc = largest_document(limit // roles, roles)
        budget = Budget(settings.EXPORT_SECONDS)
        assert fmt.write(doc, budget), fmt.label  # ExportStopped if over the budget


def largest_document(activities: int, roles: int) -> MatrixDocument:
    keys = [f"r{n}" for n in range(roles)]
    phases = [PhaseDoc(name=f"Phase {p}", activities=[]) for p in range(10)]
    for n in range(activities):
        cells = {key: "RACI"[(n + i) % 4] for i, key in enumerate(keys) if (n + i) % 2 == 0}
        phases[n % 10].activities.append(ActivityDoc(name=f"Activity {n}", cells=cells))
    return MatrixDocument(
        title="Largest",
        roles=[RoleDoc(key=key, name=f"Role {key}", short_label=key.upper()) for key in keys],
        phases=phases,
    )


def test_an_export_stops_when_its_client_goes(monkeypatch, matrix, user):
    """Over ASGI, as served: the client disconnects while the PDF is being made; the writer's
    thread stops at its next check instead of working on for nobody."""
    link = share_link_create(matrix=matrix, by=user)
    started, ended = threading.Event(), threading.Event()
    outcome = {}

    def slow_pdf(doc, *, budget=None):
        started.set()
        try:
            while not ended.wait(0.01):  # a long export, checking its budget as it goes
                budget.check()
        except ExportStopped:
            outcome["abandoned"] = budget.abandoned
            raise
        finally:
            ended.set()

    monkeypatch.setattr(pdf, "write_pdf", slow_pdf)
    document = exporting._document  # read the matrix here: the handler's thread sees no test data
    prepared = document(lambda: matrix, "pdf")
    monkeypatch.setattr(exporting, "_document", lambda load, key: prepared)

    async def run() -> list[dict]:
        sent = []
        requested = False

        async def receive():
            nonlocal requested
            if not requested:
                requested = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await asyncio.to_thread(started.wait, 30)
            return {"type": "http.disconnect"}

        async def send(message):
            sent.append(message)

        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": f"/s/{link.token}/export/pdf/",
            "raw_path": f"/s/{link.token}/export/pdf/".encode(),
            "query_string": b"",
            "headers": [(b"host", b"testserver")],
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
        }
        await ASGIHandler()(scope, receive, send)
        return sent

    sent = asyncio.run(run())

    assert started.is_set()
    assert ended.wait(10), "the writer went on after its client had gone"
    assert outcome == {"abandoned": True}
    assert not any(message["type"] == "http.response.body" for message in sent)
