"""The benchmark's own database and the app served by gunicorn as in production (uvicorn workers
on ASGI; threaded WSGI workers for the pages' processes of the split recipe) with production
settings, on loopback."""

import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from config.serving import gunicorn_asgi_arguments, gunicorn_wsgi_arguments

from .client import BenchError, Session

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG_NAME = "raci_bench"


def database_url(source: str | None, workdir: Path) -> str:
    """A fresh, empty database for this run.

    PostgreSQL when ``source`` points at it: on the same server, a database of the bench's own
    (``BENCH_DATABASE_NAME``, default ``raci_bench``), dropped and created anew, so the data in
    ``source``'s database is never touched. Otherwise a SQLite file in ``workdir``.
    """
    if not source or not source.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{workdir / 'bench.sqlite3'}"
    import psycopg

    name = os.environ.get("BENCH_DATABASE_NAME", DEFAULT_PG_NAME)
    parts = urlsplit(source)
    if parts.path.lstrip("/") == name and name != DEFAULT_PG_NAME:
        raise BenchError(f"BENCH_DATABASE_NAME={name!r} is DATABASE_URL's own database.")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def database_drop(url: str) -> None:
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


def production_environment(db_url: str) -> dict[str, str]:
    """What the server and the in-process measurements run with: DEBUG off, a fresh key."""
    return {
        "DATABASE_URL": db_url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "HTTPS": "false",
        "LOG_LEVEL": "WARNING",
        # The fan-out's 300 watchers are one browser session from one address, and a room's 300
        # participants one address: the per-visitor stream caps (docs/deploy.md) are for the
        # internet, not for the bench's own clients.
        "LIVE_STREAMS_PER_SESSION": "2000",
        "LIVE_STREAMS_PER_ADDRESS": "2000",
        # The same for the joins one address may make to one workshop (300): the capacity
        # search tries rooms above 300, whose joins it would refuse.
        "WORKSHOP_JOINS_PER_ADDRESS": "2000",
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# What nginx adds to every request it passes on (config/nginx/raci.conf); the app trusts it only
# with BEHIND_TLS_PROXY, and then redirects plain HTTP without it.
PROXIED = {"X-Forwarded-Proto": "https"}


def children(pid: int) -> list[int]:
    """The process ids whose parent is ``pid`` (Linux's /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces and parentheses; split after the last.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def rss_bytes(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def redis_url() -> str:
    """The bench server's Redis (``BENCH_REDIS_URL``, default database 7 on 127.0.0.1), checked:
    the PostgreSQL run serves several processes, which need it."""
    import redis

    url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        raise BenchError(
            f"Redis at {url} does not answer ({error}): the PostgreSQL bench runs several "
            "processes, which need it (BENCH_REDIS_URL to use another)."
        ) from None
    return url


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used so far (Linux's /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def default_workers() -> int:
    """Gunicorn's advice is 2 x cores + 1; between 2 and 4 keeps a small machine responsive."""
    raw = os.environ.get("BENCH_WORKERS")
    if raw:
        return int(raw)
    return max(2, min(4, 2 * (os.cpu_count() or 1)))


class Server:
    """gunicorn as in the production recipe (docs/deploy.md): ``kind="asgi"``, uvicorn's worker
    class on ``config.asgi`` (the streams' processes; alone, pages and streams); ``kind="wsgi"``,
    threaded workers on ``config.wsgi`` (the pages' processes, behind nginx with an ASGI one)."""

    def __init__(
        self,
        env: dict[str, str],
        workdir: Path,
        *,
        workers: int,
        name: str = "gunicorn",
        kind: str = "asgi",
    ):
        if kind not in ("asgi", "wsgi"):
            raise ValueError(f"kind={kind!r}: asgi or wsgi")
        self.env = {**os.environ, **env}
        self.port = free_port()
        self.workers = workers
        self.name = name
        self.kind = kind
        self.log_path = workdir / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Server":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def command(self) -> list[str]:
        """The production recipe's command (docs/deploy.md) on a port of the bench's own."""
        arguments = gunicorn_asgi_arguments if self.kind == "asgi" else gunicorn_wsgi_arguments
        return [
            sys.executable,
            "-m",
            "gunicorn",
            *arguments(self.env),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--timeout",
            "120",
            # Open streams would hold a graceful stop for 30 s; the browsers reconnect anyway.
            "--graceful-timeout",
            "5",
            "--log-level",
            "warning",
        ]

    def start(self) -> None:
        command = self.command()
        with self.log_path.open("wb") as log:
            # A session of its own, so that kill() takes the workers down with the master.
            self.process = subprocess.Popen(  # noqa: S603 (our own interpreter, fixed arguments)
                command,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        session = Session("127.0.0.1", self.port, timeout=5)
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"{self.name} exited ({self.process.returncode}):\n{self.log()}")
            try:
                # As the proxy would say it: with BEHIND_TLS_PROXY, plain HTTP is redirected.
                if session.get("/healthz", headers=PROXIED).status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise BenchError(f"{self.name} did not answer within 60 s:\n{self.log()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def kill(self) -> None:
        """Die at once, workers and all, as a crashed or unplugged server would."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def pids(self) -> list[int]:
        """The master's and its workers' process ids."""
        if self.process is None or self.process.poll() is not None:
            return []
        return [self.process.pid, *children(self.process.pid)]

    def rss_bytes(self) -> int:
        """Resident memory of the master and its workers together."""
        return sum(rss_bytes(pid) for pid in self.pids())

    def cpu_seconds(self) -> float:
        """CPU time the master and its workers have used so far."""
        return sum(cpu_seconds(pid) for pid in self.pids())

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-3000:]
        except OSError:
            return ""

    def session(self, **kwargs) -> Session:
        return Session("127.0.0.1", self.port, **kwargs)


def workdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="raci-bench-"))


def django_start(extra_env: dict[str, str] | None = None) -> tuple[Path, str, dict[str, str]]:
    """What every bench script starts with: a work directory, a fresh database (see
    ``database_url``) and the production environment, set in this process, with Django set up
    on it. Returns the directory, the database's URL and the environment for the server."""
    work = workdir()
    db_url = database_url(os.environ.get("DATABASE_URL"), work)
    env = {**production_environment(db_url), **(extra_env or {})}
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    return work, db_url, env
