"""Every recipe serves with the same limits (config/serving.py): `make run`, the workshop server,
gunicorn's workers in the bench, the scale-out tests and docs/deploy.md, and nginx in front."""

import http.client
import re
import shutil
import subprocess
import time
from pathlib import Path

from bench.server import Server
from config import serving

ROOT = Path(__file__).resolve().parents[2]


def nginx_upstreams() -> dict[str, str]:
    conf = (ROOT / "config/nginx/raci.conf").read_text()
    return dict(re.findall(r"^upstream (\w+) \{(.*?)\n\}", conf, re.DOTALL | re.MULTILINE))


def test_nginx_lets_idle_upstream_connections_go_before_the_app_does():
    upstreams = nginx_upstreams()
    assert set(upstreams) == {"raci_wsgi", "raci_asgi"}
    for body in upstreams.values():
        timeout = re.search(r"^\s*keepalive_timeout (\d+)s;", body, re.MULTILINE).group(1)
        assert int(timeout) == serving.NGINX_KEEPALIVE_S
    assert serving.NGINX_KEEPALIVE_S < serving.KEEP_ALIVE_S


def test_nginx_sends_the_streams_and_the_exports_to_asgi_and_the_rest_to_wsgi():
    conf = (ROOT / "config/nginx/raci.conf").read_text()
    routes = dict(re.findall(r"^\s*location (.+?) \{\n\s*proxy_pass http://(\w+);", conf, re.M))
    assert routes == {
        "/": "raci_wsgi",
        "~ ^/(m|s)/[^/]+/export/": "raci_asgi",
        "/ws/": "raci_asgi",
    }
    # The export views are these paths (apps/exchange/urls.py, apps/sharing/urls.py).
    from django.urls import reverse

    pattern = re.compile(r"^/(m|s)/[^/]+/export/")
    assert pattern.match(reverse("exchange:export", args=["a-matrix", "csv"]))
    assert pattern.match(reverse("sharing:export", args=["a-token", "pdf"]))


def test_make_run_serves_with_the_shared_options():
    make = shutil.which("make") or "/usr/bin/make"
    dry = subprocess.run(
        [make, "-n", "run"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    words = dry.split()
    options = serving.uvicorn_arguments({})
    for flag, value in zip(options[::2], options[1::2], strict=False):
        assert words[words.index(flag) + 1] == value, flag
    assert "--no-proxy-headers" in words


def test_the_bench_and_the_scale_out_tests_run_gunicorn_with_the_worker_and_its_options(tmp_path):
    streams = Server({}, tmp_path, workers=2).command()
    assert "config.asgi:application" in streams
    assert streams[streams.index("--worker-class") + 1] == "config.serving.AsgiWorker"
    assert streams[streams.index("--keep-alive") + 1] == str(serving.KEEP_ALIVE_S)
    pages = Server({}, tmp_path, workers=2, kind="wsgi").command()
    assert "config.wsgi:application" in pages
    assert pages[pages.index("--worker-class") + 1] == "gthread"
    assert pages[pages.index("--threads") + 1] == str(serving.WSGI_THREADS)
    assert pages[pages.index("--keep-alive") + 1] == str(serving.KEEP_ALIVE_S)


def test_the_deployment_guide_says_the_same_commands():
    for guide in ("docs/deploy.md", "README.md"):
        text = " ".join((ROOT / guide).read_text().replace("\\\n", " ").split())
        assert "gunicorn config.asgi:application -k config.serving.AsgiWorker" in text, guide
        wsgi = f"gunicorn config.wsgi:application -k gthread --threads {serving.WSGI_THREADS}"
        assert wsgi in text, guide
        assert text.count(f"--keep-alive {serving.KEEP_ALIVE_S}") >= 2, guide


def test_the_worker_class_passes_the_limits_to_uvicorn(monkeypatch):
    captured = {}

    class Config:
        def __init__(self, **kwargs):
            captured.update(kwargs)

    monkeypatch.setattr("uvicorn_worker._workers.Config", Config)
    monkeypatch.setattr("gunicorn.workers.base.Worker.__init__", _fake_worker_init)
    serving.AsgiWorker()
    assert captured["ws_max_size"] == serving.WS_MAX_SIZE
    assert captured["proxy_headers"] is False
    assert captured["timeout_keep_alive"] == serving.KEEP_ALIVE_S


def _fake_worker_init(self, *args, **kwargs):
    """What gunicorn's Worker sets that the uvicorn worker reads, for a worker built in a test."""
    import logging
    from types import SimpleNamespace

    self.log = SimpleNamespace(
        error_log=logging.getLogger("test.error"), access_log=logging.getLogger("test.access")
    )
    settings = {"backlog": SimpleNamespace(value=None)}
    self.cfg = SimpleNamespace(
        keepalive=serving.KEEP_ALIVE_S, forwarded_allow_ips=[], is_ssl=False, settings=settings
    )
    self.timeout = 30
    self.max_requests = 0


def test_an_idle_kept_alive_connection_is_still_served_after_the_old_timeouts(
    transactional_db, server
):
    """nginx reuses an idle upstream connection for up to 60 s: the app must still answer on it
    after gunicorn's default keep-alive (2 s) and uvicorn's (5 s) have passed."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request("GET", "/healthz")
    assert connection.getresponse().read() == b"ok"
    local = connection.sock.getsockname()
    time.sleep(6)  # the idle time is what is tested: longer than both old timeouts
    connection.request("GET", "/healthz")  # raises RemoteDisconnected if the app had closed it
    assert connection.getresponse().read() == b"ok"
    assert connection.sock.getsockname() == local  # the same connection, not a new one
    connection.close()


def test_a_sqlite_database_is_held_open_so_that_closing_a_connection_never_checkpoints(
    tmp_path, monkeypatch
):
    import sqlite3

    from django.conf import settings

    path = tmp_path / "room.sqlite3"
    monkeypatch.setattr(serving, "_held", [])
    database = {"ENGINE": "django.db.backends.sqlite3", "NAME": path}
    monkeypatch.setattr(settings, "DATABASES", {"default": database})
    serving.hold_sqlite_open()
    assert serving._held == []  # no database yet: none is created
    first = sqlite3.connect(path)
    first.execute("PRAGMA journal_mode=WAL")
    first.execute("CREATE TABLE vote (code TEXT)")
    first.close()
    serving.hold_sqlite_open()
    serving.hold_sqlite_open()
    assert len(serving._held) == 1
    # A connection that writes and closes leaves the log in place: another one is still open.
    writer = sqlite3.connect(path)
    writer.execute("INSERT INTO vote VALUES ('R')")
    writer.commit()
    writer.close()
    assert (tmp_path / "room.sqlite3-wal").exists()
    serving._held[0].close()
