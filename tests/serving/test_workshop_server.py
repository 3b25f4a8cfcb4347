"""`make workshop` (manage.py serve_workshop): one command sets up and serves a workshop to the
room's network; the board's join address and QR code carry the machine's network address even
when the board is opened at 127.0.0.1. Tests and load never use the machine's own network
address: the server is bound to 127.0.0.1 and told a documentation address (192.0.2.10)."""

import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import RequestFactory
from playwright.sync_api import expect

from apps.workshops import regions
from apps.workshops.management.commands import serve_workshop
from apps.workshops.services import workshop_start
from bench.server import free_port
from bench.stack import wait_for_port
from tests.conftest import make_matrix, make_user

ROOT = Path(__file__).resolve().parents[2]
ROOM_ADDRESS = "192.0.2.10"  # TEST-NET-1: never contacted, only shown


@pytest.fixture
def command_settings(monkeypatch):
    """What the command changes in this process, put back after the test."""
    monkeypatch.setattr(django_settings, "WORKSHOP_JOIN_ORIGIN", "")
    monkeypatch.setattr(django_settings, "ALLOWED_HOSTS", list(django_settings.ALLOWED_HOSTS))
    monkeypatch.setattr(serve_workshop.Command, "serve", lambda self, bind, port: None)


def test_the_qr_code_carries_the_detected_address_though_the_board_is_at_127(
    db, command_settings, monkeypatch
):
    monkeypatch.setattr(serve_workshop, "detect_address", lambda: "192.168.1.20")
    call_command("serve_workshop", "--no-setup", "--port", "8123")
    owner = make_user("olga")
    workshop = workshop_start(
        matrix=(matrix := make_matrix(team=owner.personal_team, activities=2, roles=2)),
        activities=matrix.activities.all(),
        by=owner,
    )
    request = RequestFactory().get("/", HTTP_HOST="127.0.0.1:8123")
    board = regions.board_context(request, workshop)
    assert board["join_url"] == f"http://192.168.1.20:8123/w/{workshop.code}/"
    assert board["join_start_url"] == "192.168.1.20:8123/w/"
    assert f"QR code for http://192.168.1.20:8123/w/{workshop.code}/" in board["qr"]
    assert board["local_only"] is False
    assert "192.168.1.20" in django_settings.ALLOWED_HOSTS


def test_without_a_network_the_address_is_the_loopback_and_the_board_says_so(
    db, command_settings, monkeypatch
):
    def unreachable(self, address):
        raise OSError("Network is unreachable")

    monkeypatch.setattr(serve_workshop.socket.socket, "connect", unreachable)
    assert serve_workshop.detect_address() == "127.0.0.1"
    assert serve_workshop.join_origin("fe80::1", 8000) == "http://[fe80::1]:8000"


def test_it_refuses_to_serve_in_debug_mode(db, command_settings, settings):
    settings.DEBUG = True
    with pytest.raises(Exception, match="DEBUG=false"):
        call_command("serve_workshop", "--no-setup")


# -- For real: the command in a process of its own, joined by a browser ----------------------------


def wait_for_line(process, pattern: str, seconds: float) -> tuple[re.Match, str]:
    seen = ""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            break
        seen += line
        if match := re.search(pattern, seen):
            return match, seen
    raise AssertionError(f"{pattern!r} not printed within {seconds:g} s:\n{seen}")


@pytest.fixture
def room(tmp_path):
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE",)},
        "DEBUG": "false",
        "HTTPS": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'room.sqlite3'}",
        "REDIS_URL": "",
        "PYTHONUNBUFFERED": "1",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = [sys.executable, "manage.py", "serve_workshop", "--bind", "127.0.0.1"]
    command += ["--port", str(port), "--address", ROOM_ADDRESS]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        password, _ = wait_for_line(process, r"Password: (\S+)", 240)
        wait_for_line(process, r"Participants join at (\S+)", 60)
        wait_for_port(port, seconds=60, process=process, what="serve_workshop")
        base = f"http://127.0.0.1:{port}"
        yield {"base": base, "port": port, "password": password.group(1), "env": env}
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def test_one_command_serves_a_workshop_that_a_phone_joins(browser, room):
    facilitator = browser.new_context(viewport={"width": 1366, "height": 800})
    board = facilitator.new_page()
    board.goto(f"{room['base']}/accounts/login/", wait_until="domcontentloaded")
    board.get_by_label("Username").fill("admin")
    board.get_by_label("Password").fill(room["password"])
    board.get_by_role("button", name="Log in").click()
    board.wait_for_url(f"{room['base']}/")
    board.goto(f"{room['base']}/m/product-roles/workshops/")
    board.get_by_role("button", name=re.compile("Start")).first.click()
    join_heading = board.locator(".ws-join-url")
    expect(join_heading).to_have_text(f"{ROOM_ADDRESS}:{room['port']}/w/", timeout=20_000)
    code = board.locator(".ws-code").first.inner_text().replace(" ", "").strip()
    title = board.locator(".ws-qr svg title").text_content()
    assert title == f"QR code for http://{ROOM_ADDRESS}:{room['port']}/w/{code}/"

    phone_context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    phone = phone_context.new_page()
    phone.goto(f"{room['base']}/w/{code}/")  # the QR code's path, through 127.0.0.1
    phone.get_by_label("Your name").fill("Ann")
    phone.get_by_role("button", name="Join").click()
    expect(phone.get_by_text("Activity 1 of")).to_be_visible()
    expect(board.get_by_text("Ann").first).to_be_visible(timeout=10_000)
    phone_context.close()
    facilitator.close()
