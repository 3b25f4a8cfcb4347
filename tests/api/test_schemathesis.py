"""Schemathesis against a live server (tests/asgi_server.py): property-based requests built
from the API's own OpenAPI document, valid and invalid, for every operation, with a bounded
number of examples each. No answer may be a server error, and every answer must be one the
document declares, with its content type, headers and schema."""

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from apps.api.api import api
from tests.asgi_server import AsgiServer

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"))

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = 8  # per operation: bounded, so that `make test` stays quick

# Valid path parameters point at the world's own matrix, team, rows and columns, so that the
# generated bodies reach the real services (random ids would mostly meet a 404); invalid ones
# (a slug with a space, an id of 0 or 2**70) stay as generated.
REAL = {
    "slug": "matrix.slug",
    "team_id": "team.pk",
    "activity_id": "activity.pk",
    "role_id": "role.pk",
    "phase_id": "phase.pk",
    "person_id": "person.pk",
    "change_id": "change.pk",
}
SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,80}$")


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        server = AsgiServer().start()
        yield server
        server.stop()


@pytest.fixture
def world(live_world, settings):
    from apps.history.models import Change
    from apps.matrices.services import responsibility_assign
    from apps.people.services import person_create

    settings.API_REQUESTS_PER_MINUTE = 100_000
    responsibility_assign(
        matrix=live_world.matrix,
        activity=live_world.activity,
        role=live_world.role,
        code="C",
        by=live_world.owner,
    )
    live_world.change = Change.objects.latest("pk")
    live_world.person = person_create(team=live_world.team, name="Dana (agency)")
    return live_world


def point_at_the_world(case, world) -> None:
    for name, value in (case.path_parameters or {}).items():
        value = str(value)
        valid = SLUG.match(value) if name == "slug" else value.isdigit() and int(value) > 0
        if name in REAL and valid:
            target = world
            for part in REAL[name].split("."):
                target = getattr(target, part)
            case.path_parameters[name] = target


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,  # the same examples every run: CI does not pass or fail by chance
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_to_its_own_document(case, server, world):
    point_at_the_world(case, world)
    case.call_and_validate(
        base_url=server.url,
        headers={"Authorization": f"Bearer {world.tokens['owner']}"},
        checks=CHECKS,
        timeout=30,
    )
