"""A whole scenario through the API over HTTP, as a script would run it (plain requests against
a live server): create a matrix from a template, set a block, read the findings, export CSV,
undo. A browser open on the matrix (its live stream) sees the API's change as it happens."""

import json

import pytest
import requests
from websockets.sync.client import connect

from apps.matrices.models import Matrix
from tests.asgi_server import AsgiServer
from tests.live.conftest import session_cookie


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        server = AsgiServer().start()
        yield server
        server.stop()


@pytest.fixture(autouse=True)
def _fresh_layer():
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def test_a_script_builds_a_matrix_and_undoes_its_change(server, live_world):
    s = requests.Session()
    s.headers["Authorization"] = f"Bearer {live_world.tokens['editor']}"
    api = f"{server.url}/api/v1"

    template = s.get(f"{api}/templates").json()["items"][0]
    made = s.post(
        f"{api}/matrices",
        json={"title": "Launch plan", "team": live_world.team.pk, "template": template["slug"]},
    )
    assert made.status_code == 201, made.text
    slug = made.json()["slug"]

    grid = s.get(f"{api}/matrices/{slug}/grid").json()
    first = grid["phases"][0]["activities"][0]
    columns = [column["role"] for column in grid["columns"]]
    block = s.post(
        f"{api}/matrices/{slug}/cells/block",
        json={"activity": first["id"], "role": columns[0], "rows": [["a", "a", "r"]]},
    )
    assert block.status_code == 200, block.text
    assert block.json()["changed"] >= 1

    findings = s.get(f"{api}/matrices/{slug}/findings").json()
    accountable = [f for f in findings["findings"] if f["activity"] == first["id"]]
    assert any("Accountable" in f["message"] for f in accountable)  # two As on one activity
    assert findings["version"] == block.json()["version"]

    csv = s.get(f"{api}/matrices/{slug}/export/csv")
    assert csv.headers["Content-Type"].startswith("text/csv")
    row = next(line for line in csv.text.splitlines() if first["name"] in line)
    assert row.split(",")[2:5] == ["A", "A", "R"]

    undone = s.post(f"{api}/matrices/{slug}/history/undo")
    assert undone.status_code == 200
    assert undone.json()["undone"]["summary"] == "Pasted 3 cells"
    again = s.get(f"{api}/matrices/{slug}/grid").json()["phases"][0]["activities"][0]
    assert again["cells"] == first["cells"]
    history = s.get(f"{api}/matrices/{slug}/history").json()["items"]
    assert [item["action"] for item in history[:2]] == ["cells", "cells"]
    assert history[1]["undone"] is True
    assert Matrix.objects.get(slug=slug).created_by == live_world.editor


def test_a_browser_on_the_matrix_sees_an_api_change_live(server, live_world):
    matrix, activity, role = live_world.matrix, live_world.activity, live_world.role
    cookie = session_cookie(live_world.viewer)
    with connect(
        f"{server.ws_url}/ws/m/{matrix.slug}/",
        additional_headers={"Cookie": cookie, "Origin": server.url},
        open_timeout=10,
    ) as stream:
        hello = json.loads(stream.recv(timeout=10))
        assert hello["t"] == "hello"
        response = requests.put(
            f"{server.url}/api/v1/matrices/{matrix.slug}/cells/{activity.pk}/{role.pk}",
            json={"code": "I"},
            headers={"Authorization": f"Bearer {live_world.tokens['editor']}"},
            timeout=30,
        )
        assert response.status_code == 200
        while True:
            message = json.loads(stream.recv(timeout=10))
            if message["t"] == "change":
                break
    assert message["v"] == response.json()["version"]
    assert message["cells"] == [[activity.pk, role.pk]]
    assert message["by"]["name"] == live_world.editor.get_username()


def test_the_docs_script_says_who_is_accountable_for_each_activity(server, live_world):
    """docs/accountable.py, run as a person would, in under 20 lines."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from apps.people.services import holders_set

    script = Path(__file__).resolve().parents[2] / "docs" / "accountable.py"
    assert len(script.read_text().splitlines()) < 20
    matrix, role = live_world.matrix, live_world.role  # role holds the A of every activity
    holders_set(matrix=matrix, role=role, new_name="Dana (agency)", by=live_world.owner)
    result = subprocess.run(
        [sys.executable, str(script), server.url, matrix.slug],
        env={**os.environ, "RACI_TOKEN": live_world.tokens["viewer"]},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    lines = result.stdout.splitlines()
    assert len(lines) == matrix.activities.count()
    assert all(line.endswith(f": {role.name} (Dana (agency))") for line in lines), lines
