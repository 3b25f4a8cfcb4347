"""Exports through the API: every format, as the page's Export menu gives them, within the same
limits (a JSON error instead of the page's)."""

import pytest

from .conftest import Api

pytestmark = pytest.mark.django_db

TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "json": "application/json",
    "md": "text/markdown",
}


@pytest.mark.parametrize("fmt", TYPES)
def test_every_format_downloads(world, fmt):
    response = Api(world.tokens["viewer"]).get(f"matrices/{world.matrix.slug}/export/{fmt}")
    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] == TYPES[fmt]
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert len(response.content) > 20


def test_a_matrix_too_large_for_the_format_is_a_json_422(world, settings):
    settings.EXPORT_MAX_CELLS = {"pdf": 4, "xlsx": 4}
    api = Api(world.tokens["viewer"])
    response = api.get(f"matrices/{world.matrix.slug}/export/pdf")
    assert response.status_code == 422
    assert response.json()["code"] == "export_too_large"
    assert api.get(f"matrices/{world.matrix.slug}/export/csv").status_code == 200


def test_an_unknown_format_is_refused(world):
    response = Api(world.tokens["viewer"]).get(f"matrices/{world.matrix.slug}/export/docx")
    assert response.status_code == 422 and response.json()["code"] == "invalid_request"
