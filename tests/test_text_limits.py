"""Every free text a user types has a limit, stated in the model, enforced by the form with a
message that says it: titles, names, descriptions, notes, definitions, team, snapshot and
participant names.

TEXTS lists each form field that takes free text, with where it is sent and the model field
whose max_length is its limit; a text one character over is refused (400) with the limit in the
message, and a text of exactly the limit is taken.
"""

from io import BytesIO
from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Team
from apps.catalog.models import Role
from apps.history.models import Snapshot
from apps.matrices.models import Activity, Matrix, Phase, Responsibility
from apps.workshops.models import Participant
from tests import test_url_permissions

world = test_url_permissions.world  # the same fixture: a matrix with one of everything


def limit(model, field: str) -> int:
    return model._meta.get_field(field).max_length


def csv_file():
    upload = BytesIO(b"Activity,Dev\nBuild,R\n")
    upload.name = "m.csv"
    return upload


# (URL name, its kwargs from the world, the field, its model field, the rest of the request)
TEXTS = [
    ("matrices:create", {}, "title", (Matrix, "title"), {"team": "{team.pk}"}),
    ("matrices:edit_details", {"slug": "matrix.slug"}, "title", (Matrix, "title"), {}),
    (
        "matrices:edit_details",
        {"slug": "matrix.slug"},
        "description",
        (Matrix, "description"),
        {"title": "Launch"},
    ),
    (
        "matrices:activity_add",
        {"slug": "matrix.slug", "phase_pk": "phase.pk"},
        "name",
        (Activity, "name"),
        {},
    ),
    (
        "matrices:activity_edit",
        {"slug": "matrix.slug", "pk": "activity.pk"},
        "name",
        (Activity, "name"),
        {},
    ),
    (
        "matrices:activity_edit",
        {"slug": "matrix.slug", "pk": "activity.pk"},
        "description",
        (Activity, "description"),
        {"name": "Build"},
    ),
    ("matrices:phase_add", {"slug": "matrix.slug"}, "name", (Phase, "name"), {}),
    (
        "matrices:phase_edit",
        {"slug": "matrix.slug", "pk": "phase.pk"},
        "name",
        (Phase, "name"),
        {},
    ),
    (
        "matrices:role_create",
        {"slug": "matrix.slug"},
        "name",
        (Role, "name"),
        {"short_label": "QA"},
    ),
    (
        "matrices:role_create",
        {"slug": "matrix.slug"},
        "short_label",
        (Role, "short_label"),
        {"name": "Quality"},
    ),
    (
        "matrices:role_create",
        {"slug": "matrix.slug"},
        "description",
        (Role, "summary"),
        {"name": "Quality", "short_label": "QA"},
    ),
    (
        "matrices:annotate",
        {"slug": "matrix.slug"},
        "note",
        (Responsibility, "note"),
        {"activity": "{activity.pk}", "role": "{role.pk}"},
    ),
    *(
        (
            "catalog:team_role_edit",
            {"team_pk": "team.pk", "pk": "custom_role.pk"},
            field,
            (Role, field),
            {"name": "Quality", "short_label": "QA"},
        )
        for field in ("summary", *Role.DEFINITION_FIELDS)
    ),
    ("teams:create", {}, "name", (Team, "name"), {}),
    ("teams:rename", {"pk": "team.pk"}, "name", (Team, "name"), {}),
    ("history:snapshots", {"slug": "matrix.slug"}, "name", (Snapshot, "name"), {}),
    ("workshops:join", {"code": "workshop.code"}, "name", (Participant, "name"), {}),
    (
        "exchange:import",
        {},
        "title",
        (Matrix, "title"),
        {"file": csv_file, "team": "{team.pk}"},
    ),
]


def value_of(path: str, world):
    obj = world
    for part in path.strip("{}").split("."):
        obj = getattr(obj, part)
    return obj


def filled(value, world):
    if callable(value):
        return value()
    if isinstance(value, str) and value.startswith("{"):
        return str(value_of(value, world))
    return value


def post(world, name, kwargs, data):
    client = Client(raise_request_exception=False)
    client.force_login(world.users["owner"])
    url = reverse(name, kwargs={key: value_of(path, world) for key, path in kwargs.items()})
    with transaction.atomic():
        response = client.post(url, data, HTTP_HX_REQUEST="true")
        transaction.set_rollback(True)
    return response


@pytest.mark.parametrize(
    ("name", "kwargs", "field", "model_field", "rest"),
    TEXTS,
    ids=[f"{name}-{field}" for name, _, field, _, _ in TEXTS],
)
def test_it_refuses_a_text_over_its_limit_with_a_message_saying_the_limit(
    world, name, kwargs, field, model_field, rest
):
    most = limit(*model_field)
    assert most, f"{model_field} has no max_length"
    over = {key: filled(value, world) for key, value in rest.items()} | {field: "x" * (most + 1)}
    response = post(world, name, kwargs, over)
    assert response.status_code == 400
    assert f"at most {most} characters" in response.text
    exactly = {key: filled(value, world) for key, value in rest.items()} | {field: "x" * most}
    assert post(world, name, kwargs, exactly).status_code < 400


def test_every_text_field_of_the_models_has_a_limit():
    from django.apps import apps
    from django.db import models

    unlimited = [
        f"{model.__name__}.{field.name}"
        for model in apps.get_app_configs()
        if model.name.startswith("apps.")
        for model in model.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField) and not field.max_length
    ]
    assert not unlimited, f"TextFields without max_length: {unlimited}"


def test_the_readme_states_the_limits():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    rows = {
        "Matrix title, activity name": [limit(Matrix, "title"), limit(Activity, "name")],
        "Phase name, team name, snapshot name": [
            limit(Phase, "name"),
            limit(Team, "name"),
            limit(Snapshot, "name"),
        ],
        "Matrix description; each field of a role's definition": [
            limit(Matrix, "description"),
            Role.DEFINITION_MAX_LENGTH,
        ],
        "Activity description": [limit(Activity, "description")],
        "Note on a cell": [limit(Responsibility, "note")],
        "A workshop participant's name": [limit(Participant, "name")],
    }
    for text, limits in rows.items():
        assert len(set(limits)) == 1, text
        assert f"| {text} | {limits[0]:,} |" in readme, text
    role = [limit(Role, "name"), limit(Role, "short_label"), limit(Role, "summary")]
    assert "| Role name, short label, summary | {}, {}, {} |".format(*role) in readme
