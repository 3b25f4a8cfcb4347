"""Every API operation, called by everyone: anonymous, a signed-in stranger's token, the team's
viewer, editor and owner, another team's owner, a read-only token, a revoked one, an expired
one, a team token, and a share link's token sent as if it were an API token. Each answer is
checked against its operation's kind of access (the table below, as tests/test_url_permissions.py
does for the pages), and every refused call leaves the database as it was.

The operations are read from the OpenAPI document, so a new one that is not declared here fails
``test_every_operation_is_declared``.
"""

from dataclasses import dataclass

import pytest
from django.db import transaction

from apps.api.api import api
from apps.catalog.models import Role
from apps.history.models import Change
from apps.matrices.models import Activity, Matrix, MatrixRole, Phase, Responsibility
from apps.matrices.services import phase_create, responsibility_assign
from apps.people.models import Holder, Person
from apps.people.services import person_create
from apps.sharing.services import share_link_create

from .conftest import Api

WHO = (
    "anonymous",
    "stranger",
    "viewer",
    "editor",
    "owner",
    "other_owner",
    "read_only",
    "revoked",
    "expired",
    "team_token",
    "share_link",
)
OK = "ok"  # any 2xx


@dataclass(frozen=True)
class Kind:
    answers: dict[str, object]

    def allowed(self, who: str, status: int) -> bool:
        expected = self.answers[who]
        return 200 <= status < 300 if expected == OK else status == expected


def kind(**answers) -> Kind:
    """Unauthenticated callers always get 401; ``everyone`` sets every token with access."""
    base = {"anonymous": 401, "revoked": 401, "expired": 401, "share_link": 401}
    everyone = answers.pop("everyone", None)
    for who in WHO:
        if who not in base:
            base[who] = answers.get(who, everyone)
    assert None not in base.values(), answers
    return Kind(base)


# Any token may call (it answers with what the token's person may see).
SIGNED_IN = kind(everyone=OK)
# The team's members may read; the others do not know the matrix or team exists.
READ = kind(everyone=OK, stranger=404, other_owner=404)
# Editors and owners may change; viewers and read-only tokens are refused, strangers see nothing.
EDIT = kind(everyone=OK, stranger=404, other_owner=404, viewer=403, read_only=403)
# Public: the OpenAPI document and the docs.
PUBLIC = Kind(dict.fromkeys(WHO, OK))


@dataclass(frozen=True)
class Op:
    kind: Kind
    body: object = None
    path: dict | None = None  # path parameter -> attribute of the world


OPERATIONS: dict[str, Op] = {
    "openapi-json": Op(PUBLIC),
    "openapi-view": Op(PUBLIC),
    "list_teams": Op(SIGNED_IN),
    "get_team": Op(READ),
    "list_templates": Op(SIGNED_IN),
    "list_matrices": Op(SIGNED_IN),
    "create_matrix": Op(EDIT, lambda w: {"title": "Made by the API", "team": w.team.pk}),
    "get_matrix": Op(READ),
    "update_matrix": Op(EDIT, {"title": "Renamed by the API"}),
    "delete_matrix": Op(EDIT),
    "get_grid": Op(READ),
    "set_cell": Op(EDIT, {"code": "i"}),
    "set_block": Op(
        EDIT, lambda w: {"activity": w.activity.pk, "role": w.role.pk, "rows": [["I", "c"]]}
    ),
    "get_findings": Op(READ),
    "export": Op(READ),
    "add_activity": Op(EDIT, lambda w: {"phase": w.phase.pk, "name": "Made by the API"}),
    "update_activity": Op(EDIT, {"name": "Renamed by the API", "index": 0}),
    "delete_activity": Op(EDIT),
    "add_phase": Op(EDIT, {"name": "Made by the API"}),
    "update_phase": Op(EDIT, {"name": "Renamed by the API"}),
    "delete_phase": Op(EDIT, path={"phase_id": "empty_phase.pk"}),
    "list_available_roles": Op(READ),
    "add_column": Op(EDIT, lambda w: {"role": w.catalog_role.pk}),
    "update_column": Op(EDIT, {"name": "Renamed by the API", "index": 1}),
    "remove_column": Op(EDIT),
    "get_holders": Op(READ),
    "set_holders": Op(EDIT, lambda w: {"people": [w.person.pk]}),
    "list_people": Op(READ),
    "add_person": Op(EDIT, {"name": "Made by the API"}),
    "rename_person": Op(EDIT, {"name": "Renamed by the API"}),
    "delete_person": Op(EDIT),
    "my_responsibilities": Op(SIGNED_IN),
    "me": Op(SIGNED_IN),
    "list_history": Op(READ),
    "undo_last": Op(EDIT),
    "undo": Op(EDIT),
}

# Path parameters, filled the same way wherever they appear.
PATH_VALUES = {
    "slug": "matrix.slug",
    "team_id": "team.pk",
    "activity_id": "activity.pk",
    "role_id": "role.pk",
    "phase_id": "phase.pk",
    "person_id": "person.pk",
    "change_id": "change.pk",
    "fmt": "fmt",
}


def operations() -> list[tuple[str, str, str]]:
    """(operation id, method, path) of every operation the OpenAPI document lists."""
    paths = api.get_openapi_schema(path_prefix="/api/v1")["paths"]
    found = [
        (operation["operationId"], method.upper(), path)
        for path, methods in paths.items()
        for method, operation in methods.items()
    ]
    found.append(("openapi-json", "GET", "/api/v1/openapi.json"))
    found.append(("openapi-view", "GET", "/api/v1/docs"))
    return found


def name_of(operation_id: str) -> str:
    """ninja's operation ids are ``apps_api_endpoints_<module>_<function>``."""
    return operation_id.rsplit("_endpoints_", 1)[-1].split("_", 1)[-1]


OPS = operations()


def test_every_operation_is_declared():
    names = {name_of(operation_id) for operation_id, _, _ in OPS}
    assert names - set(OPERATIONS) == set(), "declare these in OPERATIONS"
    assert set(OPERATIONS) - names == set(), "OPERATIONS names operations that are gone"


def fingerprint() -> tuple:
    """What a refused call must not change: the matrices, their structure, cells, people,
    holders and history (the tokens' own bookkeeping, when last used, may change)."""
    return (
        list(Matrix.objects.values_list("pk", "slug", "title", "description", "version")),
        list(Phase.objects.values_list("pk", "name", "position")),
        list(Activity.objects.values_list("pk", "name", "phase", "position", "description")),
        list(MatrixRole.objects.values_list("pk", "role", "position", "label")),
        list(Responsibility.objects.values_list("pk", "activity", "role", "code", "note")),
        list(Person.objects.values_list("pk", "name")),
        list(Holder.objects.values_list("pk", "matrix", "role", "person")),
        list(Change.objects.values_list("pk", "reverts")),
        Role.objects.count(),
    )


@pytest.fixture
def access_world(world):
    responsibility_assign(
        matrix=world.matrix, activity=world.activity, role=world.role, code="C", by=world.owner
    )
    world.change = Change.objects.filter(matrix=world.matrix).latest("pk")
    world.empty_phase = phase_create(matrix=world.matrix, name="Empty", by=world.owner)
    world.person = person_create(team=world.team, name="Dana (agency)")
    world.catalog_role = Role.objects.catalog().exclude(columns__matrix=world.matrix).first()
    world.fmt = "csv"
    world.tokens["share_link"] = share_link_create(matrix=world.matrix, by=world.owner).token
    return world


def resolve(world, dotted: str):
    value = world
    for part in dotted.split("."):
        value = getattr(value, part)
    return value


def url_of(path: str, op: Op, world) -> str:
    def fill(name: str) -> str:
        return str(resolve(world, (op.path or {}).get(name) or PATH_VALUES[name]))

    for name in PATH_VALUES:
        path = path.replace("{" + name + "}", fill(name)) if "{" + name + "}" in path else path
    assert "{" not in path, path
    return path


@pytest.mark.parametrize(("operation_id", "method", "path"), OPS, ids=[o[0] for o in OPS])
def test_the_operation_answers_everyone_as_declared(access_world, operation_id, method, path):
    world = access_world
    op = OPERATIONS[name_of(operation_id)]
    url = url_of(path, op, world)
    body = op.body(world) if callable(op.body) else op.body
    if body is None and method in ("POST", "PUT", "PATCH"):
        body = {}
    wrong = []
    for who in WHO:
        caller = Api(world.tokens.get(who) if who != "anonymous" else None)
        with transaction.atomic():
            before = fingerprint()
            response = caller.call(method, url, body)
            refused = response.status_code >= 400
            after = fingerprint() if refused else before
            transaction.set_rollback(True)
        if not op.kind.allowed(who, response.status_code):
            wrong.append(
                f"{method} {url} as {who}: {response.status_code} {response.content[:120]!r}, "
                f"expected {op.kind.answers[who]}"
            )
        if refused and after != before:
            wrong.append(f"{method} {url} as {who}: refused, yet the data changed")
        if refused and op.kind is not PUBLIC:
            error = response.json()
            if set(error) != {"code", "message"}:
                wrong.append(f"{method} {url} as {who}: the error is not {{code, message}}")
    assert not wrong, "\n".join(wrong)
