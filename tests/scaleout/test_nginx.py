"""config/nginx/raci.conf in front of the two app instances: it serves the static files itself,
passes the pages to the WSGI processes with the visitor's address and scheme, and upgrades the
live streams on the ASGI processes."""

import asyncio
import json
import ssl
import time
from pathlib import Path

import websockets

from bench.client import Session

from .conftest import STATIC_ROOT, run_async, sql


def header(answer, name: str) -> str:
    """A response header, whatever its case (uvicorn sends them in lower case)."""
    return next((v for k, v in answer.headers.items() if k.lower() == name.lower()), "")


def nginx_session(stack) -> Session:
    return Session("127.0.0.1", stack.nginx.main.port, tls=True, timeout=10)


def test_it_serves_the_static_files_from_static_root_itself(healthy):
    manifest = json.loads((STATIC_ROOT / "staticfiles.json").read_text())
    stylesheet = manifest["paths"]["css/app.css"]
    client = nginx_session(healthy)
    answer = client.get(f"/static/{stylesheet}", headers={"Accept-Encoding": "gzip"})
    assert answer.status == 200
    assert header(answer, "Server").startswith("nginx")
    assert "immutable" in header(answer, "Cache-Control")
    assert header(answer, "Content-Encoding") == "gzip"  # collectstatic's .gz, as it is

    # A file the app processes cannot know (they list STATIC_ROOT when they start): only nginx,
    # reading the directory, can serve it.
    probe = STATIC_ROOT / f"scaleout-probe-{healthy.nginx.main.port}.txt"
    probe.write_text("served by nginx")
    try:
        answer = client.get(f"/static/{probe.name}")
        assert (answer.status, answer.text) == (200, "served by nginx")
        direct = Session("127.0.0.1", healthy.pages[0].port, timeout=10)
        answer = direct.get(f"/static/{probe.name}", headers={"X-Forwarded-Proto": "https"})
        assert answer.status == 404
    finally:
        probe.unlink()


def test_plain_http_is_redirected_and_the_app_sees_https_through_it(healthy):
    plain = Session("127.0.0.1", healthy.nginx.redirect_port, timeout=10)
    answer = plain.get("/accounts/login/")
    assert answer.status == 301
    assert header(answer, "Location").startswith("https://127.0.0.1")

    # The app runs with BEHIND_TLS_PROXY=true: without X-Forwarded-Proto it would redirect this
    # request too; through nginx it answers, and its cookies are marked Secure.
    answer = nginx_session(healthy).get("/accounts/login/")
    assert answer.status == 200
    assert "Secure" in header(answer, "Set-Cookie")
    assert "max-age" in header(answer, "Strict-Transport-Security")


def test_the_app_reads_the_visitors_address_nginx_appended_not_the_one_it_was_sent(healthy):
    client = nginx_session(healthy)
    form = client.get("/accounts/login/")
    username = f"nobody-{healthy.nginx.main.port}"
    answer = client.post(
        "/accounts/login/",
        {"username": username, "password": "wrong", "csrfmiddlewaretoken": form.csrf_token()},
        headers={"X-Forwarded-For": "203.0.113.9"},  # made up by the client
    )
    assert answer.status == 200  # the form again, with its error
    rows = sql("SELECT host(ip_address) FROM axes_accessattempt WHERE username = %s", username)
    assert rows == [("127.0.0.1",)]


def test_a_stream_opens_through_nginx_and_a_foreign_origin_is_refused(healthy):
    client = healthy.session()
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    url = f"wss://127.0.0.1:{healthy.nginx.main.port}/ws/m/{healthy.slug}/"
    context = ssl._create_unverified_context()  # noqa: S323 (the test's own certificate)

    async def hello(origin: str):
        async with websockets.connect(
            url,
            ssl=context,
            origin=origin,
            additional_headers={"Cookie": cookie},
            open_timeout=10,
        ) as socket:
            return json.loads(await asyncio.wait_for(socket.recv(), 10))

    message = run_async(hello, healthy.nginx.url)
    assert message["t"] == "hello"
    assert message["me"] in [member["id"] for member in message["roster"]]

    async def refused():
        try:
            await hello("https://evil.example")
        except websockets.InvalidStatus as error:
            return error.response.status_code
        return None

    assert run_async(refused) == 403


def test_the_repository_configuration_is_what_runs(healthy):
    """The site nginx runs is config/nginx/raci.conf with addresses, ports and paths changed:
    every directive of the file's TLS server is in it."""
    shipped = (Path(__file__).resolve().parents[2] / "config/nginx/raci.conf").read_text()
    running = (healthy.nginx.prefix / "raci.conf").read_text()
    for line in shipped.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "listen", "ssl_certificate", "alias", "server 127")):
            continue
        assert line in running, line


def upstream_connections(app) -> int:
    """Established connections from nginx (bench/stack.py's PROXY_ADDRESS) to ``app``'s port."""
    nginx_hex = "0200007F"  # 127.0.0.2, as /proc/net/tcp writes it
    count = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port = int(fields[1].rsplit(":", 1)[1], 16)
        remote = fields[2].split(":")[0]
        if fields[3] == "01" and local_port == app.port and remote == nginx_hex:
            count += 1
    return count


def test_an_idle_upstream_connection_is_reused_after_the_apps_old_timeout(healthy):
    """nginx keeps idle connections to the app for 60 s (keepalive_timeout); the app keeps them
    longer (75 s), so nginx never sends a request down one the app is closing (a 502). Idle
    past gunicorn's default keep-alive (2 s) and uvicorn's (5 s), they are still open on both
    sides, and the next requests go through them. (A page is the WSGI process's.)"""
    client = Session("127.0.0.1", healthy.nginx.pinned[0].port, tls=True, timeout=10)
    for _ in range(3):
        assert client.get("/healthz").status == 200
    app = healthy.pages[0]
    kept = upstream_connections(app)
    assert kept >= 1
    time.sleep(6)  # the idle time is what is tested
    assert upstream_connections(app) == kept
    for _ in range(5):
        assert client.get("/healthz").status == 200
    assert "prematurely closed" not in healthy.nginx.log()


def test_a_compressed_frame_above_the_limit_is_refused_through_nginx(healthy):
    """gunicorn's workers (config.serving.AsgiWorker) limit a message before inflating it: 16 MB
    of spaces, 16 KB compressed on the wire, close the stream (1009) through nginx."""
    from websockets.extensions.permessage_deflate import ClientPerMessageDeflateFactory

    client = healthy.session()
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    url = f"wss://127.0.0.1:{healthy.nginx.main.port}/ws/m/{healthy.slug}/"
    context = ssl._create_unverified_context()  # noqa: S323 (the test's own certificate)
    before = sum(app.rss_bytes() for app in healthy.streams)

    async def bomb():
        async with websockets.connect(
            url,
            ssl=context,
            origin=healthy.nginx.url,
            additional_headers={"Cookie": cookie},
            extensions=[ClientPerMessageDeflateFactory(compress_settings={"level": 9})],
            open_timeout=10,
        ) as socket:
            assert socket.protocol.extensions
            await socket.send(" " * 16_000_000)
            try:
                while True:
                    await asyncio.wait_for(socket.recv(), 10)
            except websockets.ConnectionClosed as closed:
                return closed.rcvd.code if closed.rcvd else None

    assert run_async(bomb) == 1009
    after = sum(app.rss_bytes() for app in healthy.streams)
    assert after - before < 16_000_000
