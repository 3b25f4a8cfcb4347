"""The main pages are valid HTML by the Nu HTML checker (vnu), as each kind of user sees them.

htmx's attributes are written data-hx-*, which htmx reads as well as hx-*, so the pages are
fully valid: nothing is let through. The pages
come from Django's test client (no browser needed) and vnu runs once for all of them: the JVM
takes seconds to start.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from apps.accounts.models import AccessLevel
from apps.accounts.services import invite_create
from apps.exchange.seeding import sample_matrix_ensure, sample_team_join
from apps.matrices.models import Responsibility
from apps.people.models import Person
from apps.sharing.services import share_link_create
from apps.workshops import services as workshops
from apps.workshops.access import SESSION_KEY
from tests.conftest import make_user

from .conftest import IN_CI

VNU = (
    Path(__file__).resolve().parents[2] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
)
JAVA = os.environ.get("JAVA", shutil.which("java") or "/usr/bin/java")
# An htmx response is a fragment; wrapped in this, the checker sees it as the page would.
FRAGMENT = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{name}</title></head>'
    "<body>{body}</body></html>"
)


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _get(client: Client, url: str, *, htmx: bool = False) -> str:
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.get(url, headers=headers)
    assert response.status_code == 200, f"GET {url} answered {response.status_code}"
    return response.text


def _roles_with_a_letter(activity) -> set[int]:
    return set(Responsibility.objects.filter(activity=activity).values_list("role_id", flat=True))


def _missing(what: str):
    if IN_CI:
        pytest.fail(f"{what} is required in CI for the HTML validity check", pytrace=False)
    pytest.skip(f"{what} not found: HTML validity check skipped")


def collect_pages() -> dict[str, str]:
    """Name -> HTML document, for every main page as the user who sees it."""
    matrix = sample_matrix_ensure()
    slug = matrix.slug
    editor, viewer = make_user("edna"), make_user("vic")
    sample_team_join(user=editor, access=AccessLevel.OWNER)
    sample_team_join(user=viewer, access=AccessLevel.VIEWER)
    team = matrix.team
    invite_create(team=team, access=AccessLevel.EDITOR, created_by=editor)
    link = share_link_create(matrix=matrix, by=editor)
    activities = list(matrix.activities.order_by("phase__position", "position")[:6])
    workshop = workshops.workshop_start(matrix=matrix, activities=activities, by=editor)
    roles = list(matrix.roles.order_by("columns__position"))
    as_editor, as_viewer, visitor = _client(editor), _client(viewer), _client()

    participant = Client()
    response = participant.post(reverse("workshops:join", args=[workshop.code]), {"name": "Pat"})
    assert response.status_code == 302, response.content
    token = participant.session[SESSION_KEY][workshop.code]
    person = workshop.participants.get(token=token)
    workshops.vote_cast(
        participant=person, activity_id=activities[0].pk, role_id=roles[0].pk, code="A"
    )

    # History, a snapshot to compare with, a cell note; the cell update's htmx response too.
    snapshots = reverse("history:snapshots", args=[slug])
    assert as_editor.post(snapshots, {"name": "Before"}).status_code == 302
    first = activities[0]
    free = next(role for role in roles if role.pk not in _roles_with_a_letter(first))
    cell_update = as_editor.post(
        reverse("matrices:assign", args=[slug]),
        {"activity": first.pk, "role": free.pk, "code": "C"},
        headers={"HX-Request": "true"},
    )
    assert cell_update.status_code == 200, cell_update.content
    note = as_editor.post(
        reverse("matrices:annotate", args=[slug]),
        {"activity": first.pk, "role": free.pk, "note": "Asked before each launch."},
        headers={"HX-Request": "true"},
    )
    assert note.status_code == 200, note.content
    structure_change = as_editor.post(
        reverse("matrices:phase_add", args=[slug]),
        {"name": "Retrospective"},
        headers={"HX-Request": "true"},
    )
    assert structure_change.status_code == 200, structure_change.content

    # People on roles: the heads, the panel, the filter, the workload by person show them.
    holders = reverse("people:holders", args=[slug, roles[0].pk])
    holders_change = as_editor.post(
        holders, {"user": [editor.pk], "new_name": "Dana (agency)"}, headers={"HX-Request": "true"}
    )
    assert holders_change.status_code == 200, holders_change.content
    dana = Person.objects.get(team=team, name="Dana (agency)")

    phase = activities[0].phase
    board = reverse("workshops:facilitate", args=[slug, workshop.pk])
    ballot = reverse("workshops:ballot", args=[workshop.code])
    preview = reverse("workshops:settle_preview", args=[slug, workshop.pk]) + "?keep=on"
    pages = {
        "home (editor)": _get(as_editor, reverse("matrices:home")),
        "matrix editor": _get(as_editor, reverse("matrices:detail", args=[slug])),
        "matrix read-only (viewer)": _get(as_viewer, reverse("matrices:detail", args=[slug])),
        "matrix read-only (share link)": _get(visitor, reverse("sharing:view", args=[link.token])),
        "role guide": _get(as_editor, reverse("catalog:role_guide")),
        "import": _get(as_editor, reverse("exchange:import")),
        "history": _get(as_editor, reverse("history:list", args=[slug])),
        "snapshots": _get(as_editor, snapshots),
        "compare": _get(as_editor, reverse("history:compare", args=[slug])),
        "workshop start": _get(as_editor, reverse("workshops:start", args=[slug])),
        "workshop board": _get(as_editor, board),
        "accept all majorities, preview": _get(as_editor, preview),
        "join a workshop": _get(visitor, reverse("workshops:join_start")),
        "ballot": _get(participant, ballot),
        "ballot, whole grid": _get(participant, ballot + "?view=grid"),
        "teams": _get(as_editor, reverse("teams:list")),
        "team": _get(as_editor, reverse("teams:detail", args=[team.pk])),
        "team roles": _get(as_editor, reverse("catalog:team_roles", args=[team.pk])),
        "my responsibilities": _get(as_editor, reverse("people:mine")),
        "team people": _get(as_editor, reverse("people:team", args=[team.pk])),
        "a person's responsibilities": _get(as_viewer, dana.get_absolute_url()),
    }
    upload = Client()
    upload.force_login(editor)
    csv = b"Phase,Activity,Product Manager,Engineering\nPlan,Set goals,A,R\n"
    response = upload.post(
        reverse("exchange:import"),
        {"file": SimpleUploadedFile("plan.csv", csv), "title": "", "team": team.pk},
    )
    assert response.status_code == 200, response.content
    pages["import preview"] = response.text

    fragments = {
        "activity menu": _get(
            as_editor,
            reverse("matrices:activity_menu", args=[slug, activities[0].pk]),
            htmx=True,
        ),
        "phase menu": _get(
            as_editor, reverse("matrices:phase_menu", args=[slug, phase.pk]), htmx=True
        ),
        "share panel": _get(as_editor, reverse("sharing:panel", args=[slug]), htmx=True),
        "holders form": _get(as_editor, holders, htmx=True),
        "workshop board, live": _get(
            as_editor, reverse("workshops:board_live", args=[slug, workshop.pk]), htmx=True
        ),
        "ballot, live": _get(participant, ballot, htmx=True),
        "accept all majorities, preview": _get(as_editor, preview, htmx=True),
    }
    for name, body in fragments.items():
        pages[f"{name} (fragment)"] = FRAGMENT.format(name=name, body=body)
    # A cell, then its out-of-band parts each in a <template>: all of it may sit in a row.
    pages["cell update (fragment)"] = FRAGMENT.format(
        name="cell update", body=f"<table><tbody><tr>{cell_update.text}</tr></tbody></table>"
    )
    pages["cell note (fragment)"] = FRAGMENT.format(
        name="cell note", body=f"<table><tbody><tr>{note.text}</tr></tbody></table>"
    )
    pages["structure change (fragment)"] = FRAGMENT.format(
        name="structure change", body=structure_change.text
    )
    pages["holders change (fragment)"] = FRAGMENT.format(
        name="holders change", body=holders_change.text
    )
    return pages


def vnu_errors(pages: dict[str, str], directory: Path) -> dict[str, list[str]]:
    """Run vnu once over every page; answer page name -> its errors, as 'file, line: message'."""
    if not Path(JAVA).exists():
        _missing(f"{JAVA} (Java 17 or later, for the Nu HTML checker)")
    if not VNU.exists():
        _missing(f"{VNU} (run npm ci)")
    files, paths = {}, []
    for i, (name, html) in enumerate(pages.items()):
        path = directory / f"page-{i:02d}.html"
        path.write_text(html, encoding="utf-8")
        files[path.name] = name
        paths.append(str(path))
    run = subprocess.run(
        [JAVA, "-jar", str(VNU), "--format", "json", "--errors-only", *paths],
        capture_output=True,
        text=True,
        timeout=300,
    )
    try:
        messages = json.loads(run.stderr)["messages"]  # vnu writes its report to stderr
    except ValueError:
        pytest.fail(f"vnu did not answer in JSON (exit {run.returncode}):\n{run.stderr[-2000:]}")
    found: dict[str, list[str]] = {name: [] for name in pages}
    for message in messages:
        text = message.get("message", "")
        file = message.get("url", "?").rsplit("/", 1)[-1]
        found.setdefault(files.get(file, file), []).append(
            f"{file}, line {message.get('lastLine', '?')}: {text or message}"
        )
    return found


def test_the_main_pages_are_valid_html(db, tmp_path):
    errors = vnu_errors(collect_pages(), tmp_path)
    report = [
        f"{name}: {len(lines)} error(s)\n  " + "\n  ".join(lines[:15])
        for name, lines in errors.items()
        if lines
    ]
    assert not report, "The Nu HTML checker found errors:\n" + "\n".join(report)
