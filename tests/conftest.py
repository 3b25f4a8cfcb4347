import itertools
import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from apps.accounts.models import AccessLevel, Membership, Team
from apps.catalog.models import Role, RoleKind
from apps.exchange.seeding import seed_reference_content
from apps.matrices.models import Activity, Matrix, MatrixRole, Phase, Responsibility
from apps.matrices.selectors import structure_cache_clear
from apps.raci.schemes import RACI, Kind

_counter = itertools.count(1)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test starts with the reference content loaded (rolled back per test)."""
    with django_db_blocker.unblock():
        seed_reference_content()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _cold_structure_cache():
    """Each test starts with no matrix structure cached (selectors.matrix_structure), so query
    counts do not depend on the tests that ran before."""
    structure_cache_clear()


def make_user(username=None, **extra):
    username = username or f"user{next(_counter)}"
    return get_user_model().objects.create_user(username=username, password="pw", **extra)


def make_matrix(
    *,
    team: Team,
    activities: int = 3,
    roles: int = 4,
    phases: int = 2,
    title: str | None = None,
    fill: bool = True,
) -> Matrix:
    """A matrix of the given size; with ``fill`` every activity gets one A and one R."""
    n = next(_counter)
    matrix = Matrix.objects.create(title=title or f"Matrix {n}", slug=f"matrix-{n}", team=team)
    role_objs = [
        Role.objects.create(
            slug=f"r{n}-{i}",
            name=f"Role {n}-{i}",
            short_label=f"R{i}",
            kind=RoleKind.CUSTOM,
            team=team,
        )
        for i in range(roles)
    ]
    MatrixRole.objects.bulk_create(
        MatrixRole(matrix=matrix, role=role, position=i) for i, role in enumerate(role_objs)
    )
    phase_objs = Phase.objects.bulk_create(
        Phase(matrix=matrix, name=f"Phase {p}", position=p) for p in range(phases)
    )
    activity_objs = Activity.objects.bulk_create(
        Activity(matrix=matrix, phase=phase_objs[i % phases], name=f"Activity {i}", position=i)
        for i in range(activities)
    )
    if fill and roles >= 2:
        accountable = RACI.code_for(Kind.ACCOUNTABLE)
        responsible = RACI.code_for(Kind.RESPONSIBLE)
        Responsibility.objects.bulk_create(
            Responsibility(activity=a, role=role_objs[i % roles], code=code)
            for a in activity_objs
            for i, code in ((0, accountable), (1, responsible))
        )
    return matrix


def add_member(team: Team, user, access=AccessLevel.EDITOR) -> Membership:
    return Membership.objects.create(team=team, user=user, access=access)


@pytest.fixture
def user(db):
    return make_user("alice")


@pytest.fixture
def team(user):
    return user.personal_team


@pytest.fixture
def client_in(client, user):
    client.force_login(user)
    return client


# The browser tests' one Chromium (tests/browser/conftest.py has the rest): defined here, once,
# because Playwright's sync API keeps an event loop running in this thread for as long as it is
# open, and a second one started by another folder's copy of the fixture would refuse to run.
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# Playwright's sync API runs an event loop in this thread; Django's async-safety check would
# otherwise refuse the ORM calls the tests make between browser steps.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _missing(what: str):
    if IN_CI:
        pytest.fail(f"{what} is required in CI for the browser tests", pytrace=False)
    pytest.skip(f"{what} not found: browser tests skipped (apt-get install -y chromium)")


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        _missing(str(CHROMIUM))
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
