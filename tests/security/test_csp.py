"""Content-Security-Policy: scripts only from our origin or with the page's nonce; pages have
no inline script without that nonce, no inline event handler and no style attribute."""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import AccessLevel
from apps.accounts.services import invite_create
from apps.history.services import snapshot_create
from apps.matrices.models import Responsibility
from apps.matrices.services import responsibility_annotate
from apps.sharing.services import share_link_create
from tests.conftest import add_member, make_matrix, make_user

pytestmark = pytest.mark.django_db


class InlineCode(HTMLParser):
    """Collects what a strict CSP would block: inline scripts, on* handlers, style attributes."""

    def __init__(self):
        super().__init__()
        self.scripts: list[dict] = []
        self.handlers: list[str] = []
        self.styles: list[str] = []
        self.javascript_urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts.append(attrs)
        for name, value in attrs.items():
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}>")
            if name == "style":
                self.styles.append(f"<{tag} style={value!r}>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.javascript_urls.append(f"<{tag} {name}={value!r}>")


def script_policy(response) -> str:
    csp = response.headers["Content-Security-Policy"]
    directives = dict(
        [*part.strip().split(" ", 1), ""][:2] for part in csp.split(";") if part.strip()
    )
    return directives.get("script-src") or directives["default-src"]


def assert_csp_clean(response):
    assert response.status_code == 200, response.status_code
    policy = script_policy(response)
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert "*" not in policy.split()
    nonce = re.search(r"'nonce-([^']+)'", policy)
    parser = InlineCode()
    parser.feed(response.content.decode())
    for script in parser.scripts:
        if "src" in script:
            assert script["src"].startswith("/"), script  # our own origin
        else:
            assert nonce and script.get("nonce") == nonce.group(1), f"inline script {script}"
    assert not parser.handlers, parser.handlers
    assert not parser.styles, parser.styles
    assert not parser.javascript_urls, parser.javascript_urls


def test_the_policy_forbids_inline_scripts_and_eval(client):
    response = client.get(reverse("login"))
    policy = script_policy(response)
    assert "'self'" in policy
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp


def test_htmx_is_configured_to_need_neither_eval_nor_inline_styles(client):
    text = client.get(reverse("login")).text
    config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'', text).group(1)
    assert '"allowEval": false' in config
    assert '"includeIndicatorStyles": false' in config


def test_every_kind_of_page_is_csp_clean(client, user, team):
    matrix = make_matrix(team=team)
    link = share_link_create(matrix=matrix, by=user)
    invite = invite_create(team=team, access=AccessLevel.VIEWER, created_by=user)
    snapshot = snapshot_create(matrix=matrix, name="Before", by=user)
    cell = Responsibility.objects.filter(activity__matrix=matrix).select_related("role").first()
    responsibility_annotate(
        matrix=matrix, activity=cell.activity, role=cell.role, note="A note", by=user
    )
    visitor = Client()
    assert_csp_clean(visitor.get(reverse("login")))
    assert_csp_clean(visitor.get(link.get_absolute_url()))
    assert_csp_clean(visitor.get(invite.get_absolute_url()))
    client.force_login(user)
    for url in (
        reverse("matrices:home"),
        matrix.get_absolute_url(),
        reverse("catalog:role_guide"),
        reverse("teams:list"),
        reverse("teams:detail", args=[team.pk]),
        reverse("catalog:team_roles", args=[team.pk]),
        reverse("exchange:import"),
        reverse("sharing:panel", args=[matrix.slug]),
        reverse("history:list", args=[matrix.slug]),
        reverse("history:snapshots", args=[matrix.slug]),
        reverse("history:compare", args=[matrix.slug]) + f"?old={snapshot.pk}&all=1",
    ):
        assert_csp_clean(client.get(url))
    viewer = make_user()
    add_member(team, viewer, AccessLevel.VIEWER)
    client.force_login(viewer)
    assert_csp_clean(client.get(matrix.get_absolute_url()))
    assert_csp_clean(client.get(reverse("history:list", args=[matrix.slug])))


def test_the_checker_catches_what_it_should():
    from django.http import HttpResponse

    for html in (
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        '<p style="color:red">x</p>',
        '<a href="javascript:alert(1)">x</a>',
    ):
        response = HttpResponse(html)
        response["Content-Security-Policy"] = "script-src 'self' 'nonce-abc'"
        with pytest.raises(AssertionError):
            assert_csp_clean(response)
