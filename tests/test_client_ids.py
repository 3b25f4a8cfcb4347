"""Every id a client sends, in a URL or in a form, that is no id at all answers 400 or 404.

No id is larger than the database holds (2**70 overflowed SQLite's integers, a 500), negative,
zero or not a number. The URL walk covers every pattern with an id parameter (see
tests/test_url_permissions.py for the world it asks about); FORM_IDS every form field that
carries one.
"""

import re
from io import BytesIO

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from apps.ids import ID_MAX
from apps.workshops.access import SESSION_KEY
from tests import test_url_permissions
from tests.test_url_permissions import DEFAULT_KWARGS, PATTERNS, route_for

world = test_url_permissions.world  # the same fixture: a matrix with one of everything

NOT_IDS = [str(2**70), str(ID_MAX + 1), "-1", "0", "abc", "1.5", "²", ""]
CONVERTER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
SENTINEL = 987_654_321  # a valid id that no object has, to find the parameter in a URL


def id_parameters(path: str) -> list[str]:
    return [
        match["name"]
        for match in CONVERTER.finditer(path)
        if match["converter"] in ("int", "id") or match["name"].endswith("pk")
    ]


ID_ROUTES = [
    (pattern, name)
    for pattern in PATTERNS
    if not pattern.in_admin and route_for(pattern)
    for name in id_parameters(pattern.path)
]


def test_it_finds_the_id_parameters():
    assert len(ID_ROUTES) > 25
    names = {pattern.name for pattern, _ in ID_ROUTES}
    assert {"matrices:activity_edit", "teams:member_remove", "history:undo"} <= names


def test_it_matches_every_id_with_the_bounded_converter():
    """<int:...> lets 2**70 through to the database; <id:...> does not."""
    unbounded = [f"{p.name}: /{p.path}" for p in PATTERNS if "<int:" in p.path]
    assert not unbounded, "use <id:...> for ids:\n  " + "\n  ".join(unbounded)


def url_with(pattern, world, param: str, value: str) -> str:
    declared = route_for(pattern)
    kwargs = {}
    for name in pattern.params:
        path = declared.kwargs.get(name) or DEFAULT_KWARGS[name]
        obj = world
        for part in path.split("."):
            obj = getattr(obj, part)
        kwargs[name] = str(obj)
    kwargs[param] = str(SENTINEL)
    url = reverse(pattern.name, kwargs=kwargs)
    assert url.count(str(SENTINEL)) == 1
    return url.replace(str(SENTINEL), value)


def owner_client(world) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(world.users["owner"])
    return client


def ask(client, method: str, url: str, data=None, **extra):
    with transaction.atomic():
        if method == "GET":
            response = client.get(url, data, **extra)
        else:
            response = client.post(url, data or {}, **extra)
        transaction.set_rollback(True)
    return response


@pytest.mark.parametrize(
    ("pattern", "param"), ID_ROUTES, ids=[f"{p.name}-{n}" for p, n in ID_ROUTES]
)
def test_it_answers_404_to_a_url_whose_id_is_no_id(world, pattern, param):
    client = owner_client(world)
    wrong = []
    for value in NOT_IDS:
        if not value:
            continue  # an empty path segment is another URL
        url = url_with(pattern, world, param, value)
        for method in ("GET", "POST"):
            status = ask(client, method, url).status_code
            if status != 404:
                wrong.append(f"{method} {url}: {status}")
    assert not wrong, "\n".join(wrong)


def import_file():
    upload = BytesIO(b"Activity,Dev\nBuild,R\n")
    upload.name = "m.csv"
    return upload


# (URL name, method, id field, the rest of a valid request). "{x}" values are filled from the world.
FORM_IDS = [
    ("matrices:create", "POST", "template", {"title": "T", "team": "{team.pk}"}),
    ("matrices:create", "POST", "team", {"title": "T"}),
    ("matrices:assign", "POST", "activity", {"role": "{role.pk}", "code": "R"}),
    ("matrices:assign", "POST", "role", {"activity": "{activity.pk}", "code": "R"}),
    ("matrices:annotate", "POST", "activity", {"role": "{role.pk}", "note": "n"}),
    ("matrices:annotate", "POST", "role", {"activity": "{activity.pk}", "note": "n"}),
    ("matrices:activity_move", "POST", "activity", {"phase": "{phase.pk}"}),
    ("matrices:activity_move", "POST", "phase", {"activity": "{activity.pk}"}),
    (
        "matrices:activity_move",
        "POST",
        "before",
        {"activity": "{activity.pk}", "phase": "{phase.pk}"},
    ),
    ("matrices:column_add", "POST", "role", {}),
    ("exchange:import", "POST", "team", {"file": import_file}),
    ("history:list", "GET", "activity", {}),
    ("history:list", "GET", "role", {}),
    ("history:list", "GET", "page", {}),
    ("history:compare", "GET", "old", {}),
    ("history:compare", "GET", "new", {"old": "{snapshot.pk}"}),
    ("workshops:start", "POST", "activities", {}),
    ("workshops:settle", "POST", "activity", {}),
    ("workshops:settle", "POST", "role", {"activity": "{activity.pk}"}),
    ("workshops:vote", "POST", "activity", {"role": "{role.pk}", "code": "R"}),
    ("workshops:vote", "POST", "role", {"activity": "{activity.pk}", "code": "R"}),
]

# An empty value is fine where the field is optional (it means "none"): not asked there.
OPTIONAL = {
    ("matrices:create", "template"),
    ("matrices:activity_move", "before"),
    ("history:list", "activity"),
    ("history:list", "role"),
    ("history:list", "page"),
    ("history:compare", "old"),
    ("history:compare", "new"),
    ("workshops:settle", "activity"),
    ("workshops:settle", "role"),
}
# A page number past the end shows the last page, as Django's paginator does for any number.
PAGES = {("history:list", "page")}


def filled(value, world):
    if callable(value):
        return value()
    if isinstance(value, str) and value.startswith("{"):
        obj = world
        for part in value.strip("{}").split("."):
            obj = getattr(obj, part)
        return str(obj)
    return value


def form_url(name: str, world) -> str:
    if name.startswith("workshops:vote"):
        return reverse(name, kwargs={"code": world.workshop.code})
    if name == "workshops:settle":
        return reverse(name, kwargs={"slug": world.matrix.slug, "pk": world.workshop.pk})
    if name.startswith(("matrices:create", "exchange:import")):
        return reverse(name)
    return reverse(name, kwargs={"slug": world.matrix.slug})


def participant_client(world) -> Client:
    client = Client(raise_request_exception=False)
    session = client.session
    session[SESSION_KEY] = {world.workshop.code: world.participant.token}
    session.save()
    return client


@pytest.mark.parametrize(
    ("name", "method", "field", "rest"), FORM_IDS, ids=[f"{n}-{f}" for n, _, f, _ in FORM_IDS]
)
def test_it_answers_400_or_404_to_a_form_whose_id_is_no_id(world, name, method, field, rest):
    client = participant_client(world) if name == "workshops:vote" else owner_client(world)
    url = form_url(name, world)
    wrong = []
    for value in NOT_IDS:
        if not value and (name, field) in OPTIONAL:
            continue
        data = {key: filled(item, world) for key, item in rest.items()}
        data[field] = value
        status = ask(client, method, url, data, HTTP_HX_REQUEST="true").status_code
        allowed = {200, 400, 404} if (name, field) in PAGES else {400, 404}
        if status not in allowed:
            wrong.append(f"{method} {url} {field}={value!r}: {status}")
    assert not wrong, "\n".join(wrong)


def test_it_still_takes_a_valid_id(world):
    """The bounded fields and converter refuse what is no id, not what is one."""
    client = owner_client(world)
    url = reverse("matrices:assign", kwargs={"slug": world.matrix.slug})
    data = {"activity": world.activity.pk, "role": world.role.pk, "code": "R"}
    assert ask(client, "POST", url, data, HTTP_HX_REQUEST="true").status_code == 200
    kwargs = {"slug": world.matrix.slug, "pk": world.activity.pk}
    assert ask(client, "GET", reverse("matrices:activity_menu", kwargs=kwargs)).status_code == 200
