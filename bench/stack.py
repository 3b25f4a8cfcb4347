"""The production recipe on one machine, for the scale-out tests (tests/scaleout) and the bench.

- ``Server`` (bench/server.py): gunicorn, with threaded WSGI workers on ``config.wsgi`` (pages)
  or uvicorn workers on ``config.asgi`` (streams).
- ``Nginx``: nginx in the foreground, with a prefix and temporary directories of its own, on free
  ports, serving the repository's configuration (config/nginx/raci.conf) in front of app
  instances (a WSGI and an ASGI process each): TLS with a throwaway certificate, /static/ from
  STATIC_ROOT, /ws/ and the exports to the ASGI processes, the rest to the WSGI ones.
- ``TcpProxy``: a TCP relay between the app and PostgreSQL or Redis that can cut the line and
  refuse connections, then let them through again: an outage (a restart of the server) played
  without touching the real server, which other test runs on the machine share.
"""

import asyncio
import contextlib
import os
import re
import shutil
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .client import BenchError
from .server import ROOT, free_port

NGINX_CONF = ROOT / "config" / "nginx" / "raci.conf"
NGINX = os.environ.get("NGINX", shutil.which("nginx") or "/usr/sbin/nginx")
OPENSSL = shutil.which("openssl") or "/usr/bin/openssl"
MIME_TYPES = Path("/etc/nginx/mime.types")
PROXY_ADDRESS = "127.0.0.2"  # where the tests' nginx connects to the app from


def wait_for_port(port: int, *, seconds: float = 20, process=None, what: str = "server") -> None:
    import socket

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise BenchError(f"{what} exited ({process.returncode})")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise BenchError(f"{what} did not listen on port {port} within {seconds:g} s")


# -- A TCP relay that can fail -------------------------------------------------------------------


class TcpProxy:
    """127.0.0.1:<port> relayed to ``target``; ``cut()`` closes every connection and refuses new
    ones (as a server that is restarting does), ``hang()`` accepts and never answers (a network
    that drops packets), ``restore()`` lets them through again."""

    def __init__(self, target_host: str, target_port: int, *, name: str = "proxy"):
        self.target = (target_host, target_port)
        self.name = name
        self.port = free_port()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name=name, daemon=True)
        self.server: asyncio.Server | None = None
        self.links: set[asyncio.StreamWriter] = set()
        self.hanging = False

    def __enter__(self) -> "TcpProxy":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _call(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=10)

    def start(self) -> "TcpProxy":
        self.thread.start()
        self._call(self._listen())
        return self

    async def _listen(self) -> None:
        self.server = await asyncio.start_server(
            self._accept, "127.0.0.1", self.port, reuse_address=True
        )

    async def _accept(self, reader, writer) -> None:
        self.links.add(writer)
        if self.hanging:
            return  # held open, never answered, until cut() or restore()
        try:
            upstream_reader, upstream = await asyncio.open_connection(*self.target)
        except OSError:
            self.links.discard(writer)
            writer.transport.abort()
            return
        self.links.add(upstream)
        await asyncio.gather(self._pump(reader, upstream), self._pump(upstream_reader, writer))

    async def _pump(self, reader, writer) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (OSError, asyncio.CancelledError):
            pass
        finally:
            self.links.discard(writer)
            writer.transport.abort()

    async def _close_all(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
        for writer in list(self.links):
            writer.transport.abort()
        self.links.clear()

    def cut(self) -> None:
        """Drop every connection and refuse new ones."""
        self.hanging = False
        self._call(self._close_all())

    def hang(self) -> None:
        """Drop every connection; accept new ones and never answer them."""
        self._call(self._close_all())
        self.hanging = True
        self._call(self._listen())

    def restore(self) -> None:
        """Back to passing traffic. A proxy already passing it is left alone: closing its links
        would cut the app's pooled connections, and the next stream to use one would fail (the
        scale-out tests restore before and after every test)."""
        if self.server is not None and not self.hanging:
            return
        self._call(self._close_all())
        self.hanging = False
        self._call(self._listen())

    def stop(self) -> None:
        if self.thread.is_alive():
            self._call(self._close_all())
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout=5)


# -- nginx with the repository's configuration ---------------------------------------------------


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 valid for a day (openssl), and its key."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    command = [OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    command += ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
    command += ["-keyout", str(key), "-out", str(cert)]
    subprocess.run(command, check=True, capture_output=True)  # noqa: S603
    return cert, key


def blocks(text: str) -> list[tuple[str, str]]:
    """The top-level blocks of an nginx configuration: (head, whole text), e.g.
    ("upstream raci_app", "upstream raci_app {...}"). Comments are skipped."""
    found, depth, start, i = [], 0, None, 0
    while i < len(text):
        char = text[i]
        if char == "#":
            i = text.find("\n", i)
            if i < 0:
                break
            continue
        if char == "{":
            if depth == 0:
                start = text.rfind("\n", 0, i) + 1
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                whole = text[start : i + 1]
                found.append((whole.split("{", 1)[0].strip(), whole))
        i += 1
    return found


def _replace(text: str, pattern: str, replacement: str, *, count: int | None = None) -> str:
    """re.sub that fails loudly when the configuration no longer has what the test replaces."""
    new, n = re.subn(pattern, replacement, text, flags=re.MULTILINE)
    if n == 0 or (count is not None and n != count):
        raise BenchError(
            f"config/nginx/raci.conf: expected {count or 'some'} match(es) of {pattern!r}, "
            f"found {n}; update bench/stack.py with the configuration"
        )
    return new


@dataclass
class Site:
    """An HTTPS port of the test's nginx and the app ports behind it: the WSGI processes (pages)
    and the ASGI ones (streams, exports)."""

    port: int
    wsgi_ports: list[int]
    asgi_ports: list[int]


UPSTREAMS = ("raci_wsgi", "raci_asgi")  # config/nginx/raci.conf's, in Site's order


def nginx_site_config(
    *,
    main: Site,
    pinned: list[Site],
    redirect_port: int,
    static_root: Path,
    cert: Path,
    key: Path,
) -> str:
    """config/nginx/raci.conf for this machine: the main site in front of every app process,
    and, for the tests, the same server block again once per ``pinned`` site, in front of one
    instance each (so that a browser is known to be on that instance). Only addresses, ports,
    paths and the upstreams' names change; every directive is the file's own."""
    text = NGINX_CONF.read_text()
    found = dict(blocks(text))
    upstreams = {name: found.get(f"upstream {name}") for name in UPSTREAMS}
    servers = [whole for head, whole in blocks(text) if head == "server"]
    maps = [whole for head, whole in blocks(text) if head.startswith("map ")]
    if None in upstreams.values() or len(servers) != 2:
        raise BenchError(
            f"config/nginx/raci.conf: expected upstreams {', '.join(UPSTREAMS)} and two servers"
        )
    redirect, site = sorted(servers, key=lambda s: "ssl" in s)

    def upstream_for(name: str, suffix: str, ports: list[int]) -> str:
        upstream = upstreams[name]
        server_line = re.search(r"^\s*server 127\.0\.0\.1:\d+([^;]*);", upstream, re.MULTILINE)
        if server_line is None:
            raise BenchError(f"config/nginx/raci.conf: {name} has no server 127.0.0.1:<port>")
        options = server_line.group(1)  # max_fails=..., fail_timeout=...: kept as they are
        body = _replace(upstream, r"^\s*server 127\.0\.0\.1:\d+[^;]*;\n", "")
        lines = "".join(f"    server 127.0.0.1:{p}{options};\n" for p in ports)
        return body.replace(f"upstream {name} {{\n", f"upstream {name}{suffix} {{\n{lines}", 1)

    redirect = _replace(redirect, r"^\s*listen \[::\]:80;\n", "", count=1)
    redirect = _replace(redirect, r"listen 80;", f"listen 127.0.0.1:{redirect_port};", count=1)

    def https_site(port: int, suffix: str) -> str:
        out = _replace(site, r"^\s*listen \[::\]:443 ssl http2;\n", "", count=1)
        listen = f"listen 127.0.0.1:{port} ssl http2;"
        out = _replace(out, r"listen 443 ssl http2;", listen, count=1)
        out = _replace(out, r"ssl_certificate /\S+;", f"ssl_certificate {cert};", count=1)
        out = _replace(out, r"ssl_certificate_key /\S+;", f"ssl_certificate_key {key};", count=1)
        out = _replace(out, r"alias /srv/raci/staticfiles/;", f"alias {static_root}/;", count=1)
        # The browsers of the tests are on 127.0.0.1 too: nginx reaches the app from another
        # loopback address, the one the app trusts (TRUSTED_PROXY_IPS), so that a visitor is
        # never mistaken for the proxy.
        out = _replace(
            out,
            r"^(\s*)proxy_http_version 1\.1;",
            rf"\1proxy_http_version 1.1;\n\1proxy_bind {PROXY_ADDRESS};",
            count=1,
        )
        for name in UPSTREAMS:
            out = _replace(out, rf"http://{name};", f"http://{name}{suffix};")
        return out

    def upstreams_for(one: Site, suffix: str) -> list[str]:
        return [
            upstream_for("raci_wsgi", suffix, one.wsgi_ports),
            upstream_for("raci_asgi", suffix, one.asgi_ports),
        ]

    parts = [*upstreams_for(main, ""), *maps, redirect, https_site(main.port, "")]
    for number, pinned_site in enumerate(pinned, 1):
        parts += [
            *upstreams_for(pinned_site, f"_{number}"),
            https_site(pinned_site.port, f"_{number}"),
        ]
    return "\n\n".join(parts) + "\n"


class Nginx:
    """nginx in the foreground (``daemon off``) with a prefix of its own: its pid file, logs and
    temporary directories under ``workdir``, so it needs no root and touches nothing of the
    machine's nginx."""

    def __init__(
        self,
        workdir: Path,
        *,
        instances: list[tuple[int, int]],
        pinned: int = 0,
        static_root: Path,
    ):
        """``instances``: the (WSGI port, ASGI port) of each app instance."""
        self.prefix = workdir / "nginx"
        self.prefix.mkdir(parents=True, exist_ok=True)
        self.instances = instances
        wsgi_ports, asgi_ports = [w for w, _ in instances], [a for _, a in instances]
        self.main = Site(free_port(), wsgi_ports, asgi_ports)
        # Pinned site n is in front of app instance n alone.
        self.pinned = [Site(free_port(), [w], [a]) for w, a in instances[:pinned]]
        self.redirect_port = free_port()
        self.static_root = static_root
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.main.port}"

    def pinned_url(self, number: int) -> str:
        """The URL of a site in front of app process ``number`` (1-based) alone."""
        return f"https://127.0.0.1:{self.pinned[number - 1].port}"

    def configure(self) -> Path:
        cert, key = self_signed_certificate(self.prefix)
        site = nginx_site_config(
            main=self.main,
            pinned=self.pinned,
            redirect_port=self.redirect_port,
            static_root=self.static_root,
            cert=cert,
            key=key,
        )
        (self.prefix / "raci.conf").write_text(site)
        temp = "\n".join(
            f"    {kind}_temp_path {self.prefix / kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        conf = self.prefix / "nginx.conf"
        conf.write_text(
            f"""worker_processes 1;
daemon off;
pid {self.prefix / "nginx.pid"};
error_log {self.prefix / "error.log"} warn;
events {{ worker_connections 2048; }}
http {{
    include {MIME_TYPES};
    default_type application/octet-stream;
    access_log {self.prefix / "access.log"};
{temp}
    include {self.prefix / "raci.conf"};
}}
"""
        )
        return conf

    def check(self) -> None:
        """``nginx -t`` on the configuration: a syntax error says where."""
        conf = self.configure()
        result = subprocess.run(  # noqa: S603
            [NGINX, "-t", "-p", str(self.prefix), "-c", str(conf)],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise BenchError(f"nginx -t failed:\n{result.stderr}")

    def __enter__(self) -> "Nginx":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> "Nginx":
        conf = self.configure()
        log = (self.prefix / "stderr.log").open("wb")
        self.process = subprocess.Popen(  # noqa: S603
            [NGINX, "-p", str(self.prefix), "-c", str(conf)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        try:
            for port in (self.main.port, *(s.port for s in self.pinned)):
                wait_for_port(port, process=self.process, what="nginx")
        except BenchError as error:
            raise BenchError(f"{error}\n{self.log()}") from error
        return self

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGQUIT)  # graceful: finish what is under way
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log(self) -> str:
        parts = []
        for name in ("stderr.log", "error.log"):
            with contextlib.suppress(OSError):
                parts.append((self.prefix / name).read_text(errors="replace")[-2000:])
        return "\n".join(parts)
