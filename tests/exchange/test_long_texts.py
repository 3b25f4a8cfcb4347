"""Long texts in and out: the import keeps every text within the models' limits, saying what it
shortened; every export, through the share link too, stays quick on texts from before them."""

import json
import time

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from apps.catalog.models import Role
from apps.exchange.services import ImportPlan
from apps.matrices.models import Activity, Matrix, Responsibility
from apps.raci.exchange.document import MatrixDocument
from apps.sharing.services import share_link_create
from tests.conftest import make_matrix
from tests.exchange.test_import import confirm, file_error, token_of, upload

pytestmark = pytest.mark.django_db


def document(**texts) -> bytes:
    """A JSON export with one activity and one new role, its texts as given."""
    return json.dumps(
        {
            "format": "raci-builder/matrix",
            "version": 1,
            "matrix": {
                "title": texts.get("title", "Launch"),
                "description": texts.get("description", ""),
                "roles": [
                    {
                        "key": "dev",
                        "name": texts.get("role", "Developer of things"),
                        "summary": texts.get("summary", ""),
                        "definition": {"focus": texts.get("focus", "")},
                    }
                ],
                "phases": [
                    {
                        "name": texts.get("phase", "Build"),
                        "activities": [
                            {
                                "name": texts.get("activity", "Write the code"),
                                "description": texts.get("activity_description", ""),
                                "cells": {"dev": "R"},
                                "notes": {"dev": texts.get("note", "")},
                            }
                        ],
                    }
                ],
            },
        }
    ).encode()


def test_it_shortens_long_texts_says_so_and_creates_them_shortened(client_in, team):
    data = document(
        description="d" * 5_000,
        activity_description="a" * 1_500,
        note="n" * 600,
        summary="s" * 300,
        focus="f" * 2_500,
    )
    response = upload(client_in, "long.json", data, team=team)
    assert response.status_code == 200
    text = response.text
    assert "Longer than RACI Builder keeps, so shortened with an ellipsis" in text
    assert "the description (5,000 characters, shortened to 2,000)" in text
    assert "the description of activity “Write the code” (1,500 characters" in text
    assert "a note on “Write the code” (600 characters, shortened to 500)" in text
    assert "the summary of role “Developer of things” (300 characters" in text
    assert "the focus of role “Developer of things” (2,500 characters" in text
    confirm(client_in, token_of(response))
    matrix = Matrix.objects.get(title="Launch")
    assert len(matrix.description) == 2_000 and matrix.description.endswith("\u2026")
    assert len(Activity.objects.get(matrix=matrix).description) == 1_000
    assert len(Responsibility.objects.get(activity__matrix=matrix).note) == 500
    role = Role.objects.get(team=team, name="Developer of things")
    assert len(role.summary) == 200
    assert len(role.focus) == Role.DEFINITION_MAX_LENGTH


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ({"title": "t" * 201}, "the matrix name"),
        ({"phase": "p" * 121}, "the phase name"),
        ({"activity": "a" * 201}, "the activity name"),
        ({"role": "r" * 101}, "the role name"),
    ],
)
def test_it_refuses_names_over_their_limit_with_a_message(client_in, team, text, message):
    response = upload(client_in, "long.json", document(**text), team=team)
    assert response.status_code == 400
    error = file_error(response)
    assert message in error
    assert "is longer than" in error


def test_the_preview_lists_five_shortened_texts_and_counts_the_others():
    plan = ImportPlan(doc=MatrixDocument(title="T"), shortened=[f"text {n}" for n in range(8)])
    summary = plan.shortened_summary()
    assert summary.endswith("text 3; text 4; and 3 more.")


def test_import_matrix_says_what_it_shortened(tmp_path, user, capsys):
    path = tmp_path / "long.json"
    path.write_bytes(document(description="d" * 5_000))
    call_command("import_matrix", str(path), "--user", user.username)
    assert "the description (5,000 characters, shortened to 2,000)" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["pdf", "xlsx", "csv", "md", "json"])
def test_a_megabyte_word_from_before_the_limits_exports_quickly_through_the_share_link(
    team, user, fmt
):
    """Anyone holding the share link may export, without an account."""
    matrix = make_matrix(team=team, activities=3, roles=3)
    word = "x" * 1_000_000
    # Text fields only: PostgreSQL holds no longer names than their varchar allows.
    Matrix.objects.filter(pk=matrix.pk).update(description=word)
    Activity.objects.filter(matrix=matrix).update(description=word)
    Responsibility.objects.filter(activity__matrix=matrix).update(note=word)
    link = share_link_create(matrix=matrix, by=user)
    started = time.perf_counter()
    response = Client().get(reverse("sharing:export", args=[link.token, fmt]))
    assert response.status_code == 200
    assert time.perf_counter() - started < 3  # about 0.3 s for the PDF here
