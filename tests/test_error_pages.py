"""The error pages: styled, with a way back, and the 500 page without the database."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.views.defaults import server_error


@pytest.mark.django_db
@pytest.mark.parametrize("signed_in", [False, True])
def test_the_404_page_says_what_happened_and_links_back(client, user, signed_in):
    if signed_in:
        client.force_login(user)
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert 'class="card error-card"' in response.text
    assert ("Back to your matrices" if signed_in else "Log in") in response.text


def test_the_500_page_is_styled_and_needs_no_database(monkeypatch):
    def no_database(*args, **kwargs):
        raise AssertionError("the 500 page touched the database")

    monkeypatch.setattr(connection, "cursor", no_database)
    response = server_error(RequestFactory().get("/m/x/"))
    text = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in text
    assert 'rel="stylesheet" href="/static/css/app.' in text
    assert 'href="/"' in text
    assert "<script" not in text
