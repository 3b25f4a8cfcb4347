import pytest
from django.test import Client

from apps.accounts.models import AccessLevel
from apps.workshops import services
from apps.workshops.access import SESSION_KEY
from tests.conftest import add_member, make_matrix, make_user


@pytest.fixture(autouse=True)
def _generous_join_limits(settings):
    settings.WORKSHOP_JOINS_PER_MINUTE_PER_IP = 1000
    settings.WORKSHOP_JOINS_PER_MINUTE_PER_SESSION = 1000


@pytest.fixture
def matrix(team):
    return make_matrix(team=team, activities=4, roles=4)


@pytest.fixture
def workshop(matrix, user):
    return services.workshop_start(matrix=matrix, activities=matrix.activities.all(), by=user)


def join(workshop, name):
    """A client whose session joined ``workshop`` as ``name``; returns (client, participant)."""
    client = Client()
    response = client.post(f"/w/{workshop.code}/", {"name": name})
    assert response.status_code == 302, response.content
    token = client.session[SESSION_KEY][workshop.code]
    return client, workshop.participants.get(token=token)


def vote(client, workshop, activity, role, code, **extra):
    return client.post(
        f"/w/{workshop.code}/cast/",
        {"activity": activity.pk, "role": role.pk, "code": code or "none"},
        HTTP_HX_REQUEST="true",
        **extra,
    )


def settle_preview(client, workshop, *, keep=True, **extra):
    """The preview of "Accept all majorities" (keeping unvoted letters, by default)."""
    data = {"keep": "on"} if keep else {}
    return client.get(f"{workshop.get_absolute_url()}settle/preview/", data, **extra)


def plan_of(response) -> str:
    """The digest the preview's confirm button carries."""
    return response.content.decode().split('name="plan" value="')[1].split('"')[0]


def accept_all(client, workshop, *, keep=True, **extra):
    """Preview "Accept all majorities", then confirm what it showed."""
    plan = plan_of(settle_preview(client, workshop, keep=keep))
    data = {"plan": plan, **({"keep": "on"} if keep else {})}
    return client.post(f"{workshop.get_absolute_url()}settle/", data, **extra)


def member_client(team, access):
    user = make_user()
    add_member(team, user, access)
    client = Client()
    client.force_login(user)
    return client


__all__ = [
    "AccessLevel",
    "accept_all",
    "join",
    "member_client",
    "plan_of",
    "settle_preview",
    "vote",
]
