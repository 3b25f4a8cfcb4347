"""What every server command that serves the app agrees on: `make run`, `make workshop`
(apps/workshops/management/commands/serve_workshop.py), production's two kinds of gunicorn
process (docs/deploy.md: threaded WSGI workers for pages, ``config.serving.AsgiWorker`` for the
``/ws/`` streams), the tests' server (tests/asgi_server.py), the scale-out tests and the bench
(bench/server.py). tests/serving checks that each says the same.

- **WebSocket frames are limited before they are inflated.** The largest message a browser
  legitimately sends on a stream is a few hundred bytes (the consumers accept at most 512
  characters; a vote is smaller). uvicorn's default limit is 16 MiB, applied to the message
  *after* permessage-deflate has inflated it: a 16 KB frame of compressed spaces became 16 MB in
  the server. With ``WS_MAX_SIZE``, uvicorn's WebSocket implementation (websockets' sans-I/O
  protocol, the one uvicorn picks when websockets is installed) stops inflating at the limit and
  closes the connection (1009, message too big).
- **Proxy headers are trusted only from a configured proxy.** ``TRUSTED_PROXY_IPS`` (comma
  separated; empty, the default, means none): without it the server ignores X-Forwarded-For and
  X-Forwarded-Proto (uvicorn's ``--no-proxy-headers``); with it, it reads them from those
  addresses only (``--forwarded-allow-ips``). The app reads the same variable
  (apps/accounts/client_address.py). uvicorn's own default trusts 127.0.0.1, so anyone on the
  host could claim any address.
- **A SQLite database stays open for the process's life.** In WAL mode, closing the last
  connection to the database checkpoints the log and syncs the file to disk: 25 ms each time on
  this machine, against 2 ms to open and close a connection while another stays open. Django
  closes its connection after each request and each database hop of a stream (CONN_MAX_AGE 0),
  so every vote paid for it, one after the other: the embedded default topped out at about 35
  votes a second. ``hold_sqlite_open`` keeps one idle connection per process (the workshop
  server and the worker class call it, through ``stream_process_ready``).
- **A process's streams keep one connection.** Their database hops all run on one thread; with
  ``CONN_MAX_AGE`` 0 each hop opened and closed a connection (a fifth of a busy process's CPU
  on SQLite, a backend forked per hop on PostgreSQL). ``stream_process_ready`` tells
  apps/live/hop.py to keep that thread's connection (checked before reuse on PostgreSQL).
- **The app keeps an idle connection longer than the proxy does.** nginx reuses kept-alive
  upstream connections for ``keepalive_timeout`` (config/nginx/raci.conf: 60 s); the app must
  not close them first, or nginx sends a request down a connection the app is closing and
  answers 502 ("upstream prematurely closed connection"). gunicorn's default is 2 s.
- **Pages by WSGI, streams by ASGI.** gunicorn's threaded WSGI workers spend a third of the CPU
  the uvicorn workers spend on a trivial request, three quarters on a short page
  (docs/performance.md, "The serving recipe"); nginx sends ``/ws/`` (and the exports, which
  stop when their client goes only under ASGI) to the ASGI processes, the rest to the WSGI ones.
  A WSGI thread serves request after request, so it keeps its PostgreSQL connection
  (``CONN_MAX_AGE``, config/settings.py); ``config/wsgi.py`` says it is WSGI before the settings
  load.
"""

import os

from uvicorn_worker import UvicornWorker

WS_MAX_SIZE = 16 * 1024  # bytes, after inflation
KEEP_ALIVE_S = 75  # the app's idle keep-alive; nginx's upstream keepalive_timeout is shorter
NGINX_KEEPALIVE_S = 60  # config/nginx/raci.conf, upstream keepalive_timeout
WSGI_THREADS = 4  # threads per WSGI worker: each keeps one database connection


def trusted_proxies(environ=None) -> list[str]:
    """The addresses whose X-Forwarded-* headers are believed (``TRUSTED_PROXY_IPS``)."""
    raw = (environ if environ is not None else os.environ).get("TRUSTED_PROXY_IPS", "")
    return [part.strip() for part in raw.split(",") if part.strip()]


def uvicorn_options(environ=None) -> dict:
    """uvicorn.Config's arguments for the settings above."""
    proxies = trusted_proxies(environ)
    return {
        "ws_max_size": WS_MAX_SIZE,
        "timeout_keep_alive": KEEP_ALIVE_S,
        "proxy_headers": bool(proxies),
        "forwarded_allow_ips": ",".join(proxies) if proxies else None,
    }


def uvicorn_arguments(environ=None) -> list[str]:
    """The same, as uvicorn's command-line options."""
    proxies = trusted_proxies(environ)
    out = ["--ws-max-size", str(WS_MAX_SIZE), "--timeout-keep-alive", str(KEEP_ALIVE_S)]
    if proxies:
        return [*out, "--proxy-headers", "--forwarded-allow-ips", ",".join(proxies)]
    return [*out, "--no-proxy-headers"]


def gunicorn_arguments(environ=None) -> list[str]:
    """gunicorn's options for the settings above (``AsgiWorker`` reads the rest)."""
    proxies = trusted_proxies(environ)
    # gunicorn's own default trusts 127.0.0.1; an empty list trusts nobody.
    return ["--keep-alive", str(KEEP_ALIVE_S), "--forwarded-allow-ips", ",".join(proxies)]


def gunicorn_asgi_arguments(environ=None) -> list[str]:
    """gunicorn's application and options for the streams' processes (``/ws/``)."""
    app = ["config.asgi:application", "--worker-class", "config.serving.AsgiWorker"]
    return [*app, *gunicorn_arguments(environ)]


def gunicorn_wsgi_arguments(environ=None) -> list[str]:
    """gunicorn's application and options for the pages' processes (everything but ``/ws/``)."""
    app = ["config.wsgi:application", "--worker-class", "gthread"]
    return [*app, "--threads", str(WSGI_THREADS), *gunicorn_arguments(environ)]


_held: list = []


def hold_sqlite_open() -> None:
    """Keep an idle connection to the default database open, when it is a SQLite file that
    exists, for the rest of the process (see above). Does nothing otherwise, or a second time."""
    import sqlite3

    from django.conf import settings

    database = settings.DATABASES["default"]
    name = str(database.get("NAME", ""))
    if (
        _held
        or database.get("ENGINE") != "django.db.backends.sqlite3"
        or name.startswith((":memory:", "file:"))
    ):
        return
    try:
        connection = sqlite3.connect(f"file:{name}?mode=rw", uri=True, check_same_thread=False)
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()  # maps the WAL index
    except sqlite3.Error:
        return  # no database yet: nothing to hold
    _held.append(connection)


def stream_process_ready() -> None:
    """What a process serving the streams does once Django is set up: holds SQLite open, and
    keeps one connection for its streams' database hops (apps/live/hop.py)."""
    from apps.live.hop import keep_connections

    hold_sqlite_open()
    keep_connections()


class AsgiWorker(UvicornWorker):
    """gunicorn's uvicorn worker with the limits above: ``-k config.serving.AsgiWorker``."""

    def __init__(self, *args, **kwargs):
        options = uvicorn_options()
        del options["timeout_keep_alive"]  # gunicorn's --keep-alive, which the worker passes on
        if not options["proxy_headers"]:
            del options["forwarded_allow_ips"]
        self.CONFIG_KWARGS = {**UvicornWorker.CONFIG_KWARGS, **options}
        super().__init__(*args, **kwargs)

    def load_wsgi(self):
        super().load_wsgi()  # in the worker's process, Django set up by config.asgi
        stream_process_ready()
