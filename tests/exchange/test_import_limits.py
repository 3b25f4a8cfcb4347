"""Hostile and oversized imports: a 400 with a clear message, quickly, and nothing created."""

import time
import tracemalloc

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.raci.exchange import limits
from tests.exchange.test_import import counts, file_error, upload
from tests.raci.test_exchange_limits import HOSTILE_CORNERS, corner_file

pytestmark = pytest.mark.django_db

DEEP_JSON = {
    "lists.json": b"[" * 200_000 + b"]" * 200_000,
    "matrix-value.json": (
        b'{"format": "raci-builder/matrix", "version": 1, "matrix": '
        + b'{"a": ' * 100_000
        + b"1"
        + b"}" * 100_000
        + b"}"
    ),
}


@pytest.mark.parametrize("name", sorted(DEEP_JSON))
def test_it_refuses_deeply_nested_json_with_a_400(client_in, team, name):
    before = counts()
    response = upload(client_in, name, DEEP_JSON[name], team=team)
    assert response.status_code == 400
    assert "nests too deeply" in file_error(response)
    assert counts() == before


@pytest.mark.parametrize("name", sorted(DEEP_JSON))
def test_import_matrix_refuses_deeply_nested_json(tmp_path, user, name):
    path = tmp_path / name
    path.write_bytes(DEEP_JSON[name])
    before = counts()
    with pytest.raises(CommandError, match="nests too deeply"):
        call_command("import_matrix", str(path), "--user", user.username)
    assert counts() == before


@pytest.mark.parametrize("name", sorted(HOSTILE_CORNERS))
def test_it_refuses_a_spreadsheet_claiming_the_whole_sheet_within_a_second(client_in, team, name):
    """A 1.5 KB workbook with one cell at A1 and one at XFD1048576 (or column 500, row 2000)
    made one worker grow to 1.8 GB and run until it was killed."""
    corner = HOSTILE_CORNERS[name]
    data = corner_file(corner)
    before = counts()
    upload(client_in, "warm-up.csv", b"", team=team)  # templates and middleware loaded
    started = time.perf_counter()
    response = upload(client_in, "hostile.xlsx", data, team=team)
    seconds = time.perf_counter() - started
    tracemalloc.start()
    try:
        assert upload(client_in, "hostile.xlsx", data, team=team).status_code == 400
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 400
    assert seconds < 1  # 8 ms here
    assert peak < 30_000_000  # 0.16 MB allocated at most, for the whole request
    message = file_error(response)
    assert f"Cell {corner}" in message
    assert f"at most {limits.MAX_ROLES} roles" in message
    assert counts() == before


def test_it_refuses_a_csv_with_more_activities_than_an_import_takes(client_in, team):
    rows = ["Activity,Dev", *(f"Task {n},R" for n in range(limits.MAX_ACTIVITIES + 1))]
    response = upload(client_in, "big.csv", "\n".join(rows).encode(), team=team)
    assert response.status_code == 400
    assert f"more than {limits.MAX_ACTIVITIES:,} activities" in file_error(response)


def test_import_matrix_refuses_a_hostile_spreadsheet(tmp_path, user):
    path = tmp_path / "hostile.xlsx"
    path.write_bytes(corner_file(HOSTILE_CORNERS["whole-sheet"]))
    with pytest.raises(CommandError, match="Cell XFD1048576"):
        call_command("import_matrix", str(path), "--user", user.username)
