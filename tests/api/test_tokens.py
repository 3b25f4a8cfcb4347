"""API tokens: made in the account settings, shown once and kept hashed, read-only unless
allowed, revoked or expired at once, a team token limited to its team, rate-limited per token;
and no way around the login throttle."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.api.models import ApiToken, token_digest
from apps.matrices.models import Matrix, Responsibility
from tests.conftest import make_matrix

from .conftest import Api, token_for

pytestmark = pytest.mark.django_db


def test_a_person_makes_a_token_shown_once_and_kept_hashed(world, client):
    client.force_login(world.viewer)
    response = client.post(
        reverse("api_tokens"), {"name": "Wiki page", "access": "read", "expires": ""}
    )
    assert response.status_code == 200
    secret = response.context["created"]
    assert secret.startswith("raci_") and len(secret) > 40
    token = ApiToken.objects.get(name="Wiki page")
    assert token.digest == token_digest(secret) and secret not in token.digest
    assert (token.user, token.team, token.can_write, token.expires_at) == (
        world.viewer,
        None,
        False,
        None,
    )
    assert secret.encode() not in client.get(reverse("api_tokens")).content  # once only
    assert Api(secret).get("me").json()["username"] == world.viewer.get_username()


def test_the_page_says_when_a_token_was_last_used(world, client):
    client.force_login(world.editor)
    assert b"Never" in client.get(reverse("api_tokens")).content
    Api(world.tokens["editor"]).get("me")
    used = ApiToken.objects.filter(user=world.editor, last_used_at__isnull=False)
    assert used.count() == 1
    stamp = timezone.localtime(used.get().last_used_at).strftime("%Y-%m-%d %H:%M")
    assert stamp.encode() in client.get(reverse("api_tokens")).content


def test_an_expiry_in_the_past_is_refused_and_nothing_is_made(world, client):
    client.force_login(world.editor)
    yesterday = (timezone.now() - timedelta(days=1)).date().isoformat()
    response = client.post(
        reverse("api_tokens"), {"name": "Old", "access": "write", "expires": yesterday}
    )
    assert response.status_code == 400
    assert b"Choose a day after today" in response.content
    assert not ApiToken.objects.filter(name="Old").exists()


def test_revoking_refuses_the_token_at_once(world, client):
    secret = token_for(world.editor)
    api = Api(secret)
    assert api.get("me").status_code == 200
    token = ApiToken.objects.get(digest=token_digest(secret))
    client.force_login(world.editor)
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 302
    response = api.get("me")
    assert response.status_code == 401 and response.json()["code"] == "token_revoked"


def test_nobody_revokes_anothers_token(world, client):
    token = ApiToken.objects.get(digest=token_digest(world.tokens["editor"]))
    client.force_login(world.viewer)
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 404
    assert Api(world.tokens["editor"]).get("me").status_code == 200


def test_a_token_expires_at_its_time(world):
    soon = timezone.now() + timedelta(seconds=30)
    api = Api(token_for(world.editor, expires_at=soon))
    assert api.get("me").status_code == 200
    ApiToken.objects.filter(expires_at=soon).update(expires_at=timezone.now())
    response = api.get("me")
    assert response.status_code == 401 and response.json()["code"] == "token_expired"


def test_a_read_only_token_reads_but_changes_nothing(world):
    api = Api(world.tokens["read_only"])
    path = f"matrices/{world.matrix.slug}/cells/{world.activity.pk}/{world.role.pk}"
    before = list(Responsibility.objects.values_list("pk", "code"))
    assert api.get(f"matrices/{world.matrix.slug}/grid").status_code == 200
    response = api.put(path, {"code": "I"})
    assert response.status_code == 403 and response.json()["code"] == "token_read_only"
    assert list(Responsibility.objects.values_list("pk", "code")) == before


def test_a_token_has_its_persons_access_and_never_more(world):
    # The viewer's token may write, but the viewer may not change the matrix.
    response = Api(world.tokens["viewer"]).patch(f"matrices/{world.matrix.slug}", {"title": "X"})
    assert response.status_code == 403
    # Their access changes: the token follows at once.
    world.team.memberships.filter(user=world.viewer).update(access="editor")
    response = Api(world.tokens["viewer"]).patch(f"matrices/{world.matrix.slug}", {"title": "X"})
    assert response.status_code == 200


def test_a_team_token_sees_its_team_only(world):
    elsewhere = make_matrix(team=world.owner.personal_team)
    api = Api(world.tokens["team_token"])
    slugs = {m["slug"] for m in api.get("matrices").json()["items"]}
    assert slugs == {world.matrix.slug}
    assert api.get(f"matrices/{elsewhere.slug}").status_code == 404
    assert [t["id"] for t in api.get("teams").json()["items"]] == [world.team.pk]
    response = api.post("matrices", {"title": "Q", "team": world.owner.personal_team.pk})
    assert response.status_code == 404
    assert not Matrix.objects.filter(title="Q").exists()
    # The owner's own token sees both.
    assert Api(world.tokens["owner"]).get(f"matrices/{elsewhere.slug}").status_code == 200


def test_only_owners_make_team_tokens(world, client):
    client.force_login(world.editor)
    response = client.post(
        reverse("api_tokens"), {"name": "Bot", "access": "read", "team": world.team.pk}
    )
    assert response.status_code == 400
    assert not ApiToken.objects.filter(name="Bot").exists()


def test_every_call_is_rate_limited_per_token(world, settings):
    settings.API_REQUESTS_PER_MINUTE = 3
    api, other = Api(world.tokens["editor"]), Api(world.tokens["viewer"])
    statuses = [api.get("me").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = api.get("me")
    assert response.json()["code"] == "rate_limited"
    assert 1 <= int(response["Retry-After"]) <= 60
    assert other.get("me").status_code == 200  # another token has its own count


def test_the_count_starts_again_the_next_minute(world, settings):
    settings.API_REQUESTS_PER_MINUTE = 1
    api = Api(world.tokens["editor"])
    assert [api.get("me").status_code for _ in range(2)] == [200, 429]
    ApiToken.objects.filter(digest=token_digest(world.tokens["editor"])).update(
        rate_window=0
    )  # as if the minute had passed
    assert api.get("me").status_code == 200


def test_the_api_never_takes_a_password_so_the_login_throttle_holds(world, client, settings):
    """Basic auth or a session cookie is no way in: only tokens are."""
    import base64

    basic = base64.b64encode(f"{world.editor.get_username()}:pw".encode()).decode()
    response = client.get("/api/v1/me", headers={"Authorization": f"Basic {basic}"})
    assert response.status_code == 401
    client.force_login(world.editor)
    assert client.get("/api/v1/me").status_code == 401
    response = client.post("/api/v1/matrices", {"title": "x"}, content_type="application/json")
    assert response.status_code == 401


def test_a_method_an_address_does_not_take_is_a_json_405_with_allow(world):
    api = Api(token_for(world.owner))
    response = api.call("DELETE", "me")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert "GET" in response["Allow"]
