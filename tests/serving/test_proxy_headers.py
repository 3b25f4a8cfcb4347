"""X-Forwarded-For and X-Forwarded-Proto are believed only from a configured proxy
(TRUSTED_PROXY_IPS, config/serving.py): a client talking to the served app directly is seen as
its own address whatever it claims, so it cannot escape the login lock-out by making one up."""

import pytest
from axes.models import AccessAttempt

from bench.client import Session
from config import serving
from tests.asgi_server import AsgiServer
from tests.conftest import make_user

MADE_UP = "203.0.113.9"


def failed_login(client: Session, username: str) -> None:
    form = client.get("/accounts/login/")
    answer = client.post(
        "/accounts/login/",
        {"username": username, "password": "wrong", "csrfmiddlewaretoken": form.csrf_token()},
        headers={"X-Forwarded-For": MADE_UP},
    )
    assert answer.status == 200, answer.status  # the form again, with its error


def recorded_addresses(username: str) -> list[str]:
    return list(
        AccessAttempt.objects.filter(username=username).values_list("ip_address", flat=True)
    )


def test_without_a_proxy_configured_a_forwarded_address_is_not_believed(transactional_db, http):
    make_user("carol")
    failed_login(http, "carol")
    assert recorded_addresses("carol") == ["127.0.0.1"]


def test_with_the_proxy_configured_its_forwarded_address_is(transactional_db, monkeypatch):
    """Both ways: the same request from a configured proxy's address carries the visitor's."""
    monkeypatch.setenv("TRUSTED_PROXY_IPS", "127.0.0.1")
    proxied = AsgiServer().start()
    try:
        make_user("dave")
        client = Session("127.0.0.1", proxied.port, timeout=20)
        failed_login(client, "dave")
        client.close()
    finally:
        proxied.stop()
    assert recorded_addresses("dave") == [MADE_UP]


@pytest.mark.parametrize(
    ("environ", "uvicorn", "gunicorn"),
    [
        ({}, ["--no-proxy-headers"], ["--forwarded-allow-ips", ""]),
        ({"TRUSTED_PROXY_IPS": " "}, ["--no-proxy-headers"], ["--forwarded-allow-ips", ""]),
        (
            {"TRUSTED_PROXY_IPS": "127.0.0.1, 10.0.0.2"},
            ["--proxy-headers", "--forwarded-allow-ips", "127.0.0.1,10.0.0.2"],
            ["--forwarded-allow-ips", "127.0.0.1,10.0.0.2"],
        ),
    ],
)
def test_each_server_command_trusts_the_configured_proxies_only(environ, uvicorn, gunicorn):
    assert serving.uvicorn_arguments(environ)[-len(uvicorn) :] == uvicorn
    assert serving.gunicorn_arguments(environ)[-2:] == gunicorn
    options = serving.uvicorn_options(environ)
    assert options["proxy_headers"] is (len(uvicorn) > 1)
