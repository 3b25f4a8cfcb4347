import json
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone

from apps.accounts.models import AccessLevel
from apps.accounts.services import team_create
from apps.api.services import token_create, token_revoke
from apps.exchange.seeding import seed_reference_content
from tests.conftest import add_member, make_matrix, make_user


class Api:
    """The Django test client speaking JSON with a bearer token."""

    def __init__(self, secret: str | None):
        self.client = Client(raise_request_exception=False)
        self.headers = {"Authorization": f"Bearer {secret}"} if secret else {}

    def call(self, method: str, path: str, body=None):
        url = path if path.startswith("/") else f"/api/v1/{path}"
        kwargs = {"headers": self.headers}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        return getattr(self.client, method.lower())(url, **kwargs)

    def get(self, path):
        return self.call("GET", path)

    def post(self, path, body=None):
        return self.call("POST", path, body if body is not None else {})

    def put(self, path, body):
        return self.call("PUT", path, body)

    def patch(self, path, body):
        return self.call("PATCH", path, body)

    def delete(self, path):
        return self.call("DELETE", path)


def token_for(user, *, write=True, team=None, expires_at=None) -> str:
    _, secret = token_create(
        user=user, name="test", can_write=write, team=team, expires_at=expires_at
    )
    return secret


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def live_world(transactional_db):
    """The same world in real transactions (flushed after the test), for the tests that run
    a server or the task worker, which open connections of their own."""
    seed_reference_content()
    return build_world()


def build_world():
    """A team with an owner, an editor and a viewer, a stranger, another team's owner, and a
    matrix; tokens for each, and a read-only, a revoked and an expired one of the editor."""
    owner, editor, viewer, stranger, other = (make_user() for _ in range(5))
    team = team_create(name="Product", owner=owner)
    add_member(team, editor, AccessLevel.EDITOR)
    add_member(team, viewer, AccessLevel.VIEWER)
    other_team = team_create(name="Elsewhere", owner=other)
    matrix = make_matrix(team=team, activities=3, roles=3, phases=2)
    revoked, _ = token_create(user=editor, name="old", can_write=True)
    revoked_secret = _secret_of(revoked)
    token_revoke(token=revoked)
    return SimpleNamespace(
        owner=owner,
        editor=editor,
        viewer=viewer,
        stranger=stranger,
        other=other,
        team=team,
        other_team=other_team,
        matrix=matrix,
        activity=matrix.activities.order_by("phase__position", "position").first(),
        phase=matrix.phases.first(),
        role=matrix.roles.order_by("columns__position").first(),
        tokens={
            "owner": token_for(owner),
            "editor": token_for(editor),
            "viewer": token_for(viewer),
            "stranger": token_for(stranger),
            "other_owner": token_for(other),
            "read_only": token_for(editor, write=False),
            "revoked": revoked_secret,
            "expired": token_for(editor, expires_at=timezone.now() - timedelta(seconds=1)),
            "team_token": token_for(owner, team=team),
        },
    )


def _secret_of(token):
    """A revoked token's secret, for the tests: made again with a known value."""
    from apps.api.models import PREFIX, token_digest

    secret = PREFIX + f"revoked{token.pk}"
    token.digest = token_digest(secret)
    token.save(update_fields=["digest"])
    return secret


@pytest.fixture
def api_as(world):
    def make(who: str | None) -> Api:
        return Api(world.tokens[who] if who else None)

    return make
