"""Hostile and oversized imports: a 400 with a clear message, quickly, and nothing created."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.exchange.test_import import counts, file_error, upload

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
