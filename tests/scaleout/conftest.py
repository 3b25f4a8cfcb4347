"""The production recipe, run for real: two app instances, each a WSGI process for the pages
(gunicorn, threaded workers) and an ASGI process for the streams (gunicorn with uvicorn workers),
as in docs/deploy.md, on one PostgreSQL database and one Redis; nginx in front with the
repository's config/nginx/raci.conf over TLS, sending /ws/ to the ASGI processes and the rest to
the WSGI ones; and Chromium going through it.

Outages are played by TCP proxies (bench/stack.py) between the app processes and PostgreSQL or
Redis: cutting one closes every connection and refuses new ones, as a restarting server does,
and the Redis database is emptied as a restart without persistence empties it. The machine's
own PostgreSQL and Redis are never restarted: other test runs share them.

These tests start processes and take a few minutes, so a plain ``pytest`` does not collect
them: ``make test-scaleout`` (or ``pytest tests/scaleout``) runs them, and CI runs them as a
step of their own after the main suites. They need PostgreSQL (127.0.0.1:5432, user postgres;
``SCALEOUT_DATABASE_URL``), Redis (127.0.0.1:6379; ``SCALEOUT_REDIS_URL``, database 5), nginx
and Chromium. Without one of them they are skipped with a message saying which, except in CI
(``CI=true``), where they fail.
"""

import asyncio
import os
import secrets
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from bench.client import BenchError, Session
from bench.server import Server
from bench.stack import NGINX, PROXY_ADDRESS, Nginx, TcpProxy

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
STATIC_ROOT = ROOT / "staticfiles"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
DATABASE_URL = os.environ.get(
    "SCALEOUT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/raci_scaleout"
)
REDIS_URL = os.environ.get("SCALEOUT_REDIS_URL", "redis://127.0.0.1:6379/5")
LIVE = "#live[data-state='live']"
OFFLINE = "#live[data-state='offline']"


# -- Collected only when asked for -----------------------------------------------------------------


def _asked_for(config) -> bool:
    if os.environ.get("RACI_SCALEOUT", "").lower() in {"1", "true", "yes"}:
        return True
    for arg in config.args:
        path = Path(arg.split("::", 1)[0]).resolve()
        if path == HERE or HERE in path.parents:
            return True
    return False


def pytest_ignore_collect(collection_path, config):
    if not _asked_for(config) and (collection_path == HERE or HERE in collection_path.parents):
        return True
    return None


# -- Services ------------------------------------------------------------------------------------


def missing(what: str):
    if IN_CI:
        pytest.fail(f"{what}: the scale-out tests need it in CI (see .ci/run)", pytrace=False)
    pytest.skip(f"{what}: scale-out tests skipped")


def admin_url(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


def via(url: str, port: int) -> str:
    """``url`` with its host and port replaced by a proxy's on 127.0.0.1."""
    parts = urlsplit(url)
    netloc = f"{parts.username}@" if parts.username else ""
    if parts.password:
        netloc = f"{parts.username}:{parts.password}@"
    return urlunsplit(parts._replace(netloc=f"{netloc}127.0.0.1:{port}"))


def sql(query: str, *params):
    """Rows of ``query`` on the scale-out database, straight to PostgreSQL (not via a proxy)."""
    import psycopg

    with psycopg.connect(DATABASE_URL, autocommit=True, connect_timeout=5) as conn:
        return conn.execute(query, params).fetchall()


@pytest.fixture(scope="session")
def services():
    import psycopg
    import redis

    try:
        with psycopg.connect(admin_url(DATABASE_URL), connect_timeout=3):
            pass
    except psycopg.Error as error:
        missing(f"PostgreSQL at {DATABASE_URL} is not reachable ({error})")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        missing(f"Redis at {REDIS_URL} is not reachable ({error})")
    if not Path(NGINX).exists():
        missing(f"nginx ({NGINX}) is not installed (apt-get install -y nginx)")
    if not shutil.which("openssl"):
        missing("openssl is not installed")
    if not (STATIC_ROOT / "staticfiles.json").exists():
        missing(f"{STATIC_ROOT} has no collected static files (manage.py collectstatic)")


# -- The stack -----------------------------------------------------------------------------------


@dataclass
class Instance:
    """What one host runs: a WSGI process for the pages and an ASGI one for the streams."""

    pages: Server
    streams: Server


@dataclass
class Stack:
    instances: list[Instance]
    nginx: Nginx
    postgres: TcpProxy
    redis: TcpProxy
    password: str
    slug: str
    env: dict = field(default_factory=dict)

    @property
    def pages(self) -> list[Server]:
        """The WSGI processes, one per instance."""
        return [instance.pages for instance in self.instances]

    @property
    def streams(self) -> list[Server]:
        """The ASGI processes, one per instance."""
        return [instance.streams for instance in self.instances]

    @property
    def apps(self) -> list[Server]:
        return [*self.pages, *self.streams]

    def redis_flush(self) -> None:
        """What a Redis restarted without persistence has forgotten: everything in our database."""
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()

    def logs(self) -> str:
        """The end of every app process's log and nginx's, for a failure's message."""
        parts = [f"-- {app.name} --\n{app.log()[-1500:]}" for app in self.apps]
        return "\n".join([*parts, f"-- nginx --\n{self.nginx.log()[-1500:]}"])

    def revive(self) -> None:
        """Every service back and every app process up, after a test that broke something."""
        self.postgres.restore()
        self.redis.restore()
        for app in self.apps:
            if app.process is None or app.process.poll() is not None:
                app.start()

    def session(self, *, base: str | None = None, username: str = "ana") -> Session:
        """An HTTP client signed in through nginx (``base``: a pinned site's URL)."""
        port = int((base or self.nginx.url).rsplit(":", 1)[1])
        client = Session("127.0.0.1", port, tls=True, timeout=30)
        client.login(username, self.password)
        return client


def database_create() -> None:
    import psycopg

    name = urlsplit(DATABASE_URL).path.lstrip("/")
    if name in {"test", "test_test", "postgres", "raci"}:
        raise BenchError(f"SCALEOUT_DATABASE_URL names {name!r}, which others use")
    with psycopg.connect(admin_url(DATABASE_URL), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def database_drop() -> None:
    import psycopg

    name = urlsplit(DATABASE_URL).path.lstrip("/")
    with psycopg.connect(admin_url(DATABASE_URL), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def stack(services, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("scaleout")
    password = secrets.token_urlsafe(16)
    database_create()
    setup_env = {
        k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL")
    }
    setup_env.update(DATABASE_URL=DATABASE_URL, SCALEOUT_PASSWORD=password)
    done = subprocess.run(
        [sys.executable, "-m", "tests.scaleout.setup_data"],
        cwd=ROOT,
        env=setup_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    slug = done.stdout.strip().splitlines()[-1]
    redis_target = urlsplit(REDIS_URL)
    pg_target = urlsplit(DATABASE_URL)
    postgres = TcpProxy(pg_target.hostname, pg_target.port or 5432, name="postgres-proxy").start()
    redis_proxy = TcpProxy(redis_target.hostname, redis_target.port or 6379, name="redis-proxy")
    redis_proxy.start()
    env = {
        "DATABASE_URL": via(DATABASE_URL, postgres.port),
        "REDIS_URL": via(REDIS_URL, redis_proxy.port),
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "BEHIND_TLS_PROXY": "true",
        "TRUSTED_PROXY_IPS": PROXY_ADDRESS,  # nginx (bench/stack.py binds it there)
        "LOG_LEVEL": "ERROR",
    }
    base_env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    instances = [
        Instance(
            Server({**base_env, **env}, workdir, workers=1, name=f"pages{n}", kind="wsgi"),
            Server({**base_env, **env}, workdir, workers=1, name=f"streams{n}", kind="asgi"),
        )
        for n in (1, 2)
    ]
    apps = [server for instance in instances for server in (instance.pages, instance.streams)]
    nginx = None
    try:
        with ThreadPoolExecutor(max_workers=len(apps)) as pool:
            list(pool.map(Server.start, apps))  # raises the first that failed to start
        ports = [(instance.pages.port, instance.streams.port) for instance in instances]
        nginx = Nginx(workdir, instances=ports, pinned=2, static_root=STATIC_ROOT).start()
        the_stack = Stack(instances, nginx, postgres, redis_proxy, password, slug, env)
        the_stack.redis_flush()
        yield the_stack
    finally:
        if nginx is not None:
            nginx.stop()
        for app in apps:
            app.stop()
        postgres.stop()
        redis_proxy.stop()
        database_drop()


@pytest.fixture
def healthy(stack):
    """The stack as it should be, before and after each test, whatever the test broke."""
    stack.revive()
    yield stack
    stack.revive()


@pytest.fixture
def person(browser, healthy):
    """``person(name, base)``: a browser signed in as ``name`` through ``base`` (nginx's main
    site or a pinned one, in front of one instance), on the sample matrix, its stream
    connected."""
    contexts = []

    def open_page(name: str, base: str):
        context = browser.new_context(
            ignore_https_errors=True, viewport={"width": 1366, "height": 800}
        )
        contexts.append(context)
        page = context.new_page()
        errors, console = [], []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
        page.errors, page.console = errors, console
        page.base = base
        page.goto(f"{base}/accounts/login/")
        page.get_by_label("Username").fill(name)
        page.get_by_label("Password").fill(healthy.password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{base}/")
        page.goto(f"{base}/m/{healthy.slug}/")
        try:
            page.locator(LIVE).wait_for(state="attached", timeout=10_000)
        except Exception as error:
            raise AssertionError(
                f"{name}'s stream did not connect: {error}\npage errors: {errors}\n"
                f"console: {console[-10:]}\n{healthy.logs()}"
            ) from None
        return page

    yield open_page
    for context in contexts:
        context.close()


# The grid's markup is the editor's business: these helpers need only cells with the id
# ``cell-<activity>-<role>`` whose letter is their text (or their data-code).
CODE = """(id) => {
  const td = document.getElementById(id);
  if (!td) return null;
  return td.dataset.code !== undefined ? td.dataset.code : td.textContent.trim();
}"""


def empty_cells(page, n: int) -> list[str]:
    return page.evaluate(
        f"""(n) => {{
          const code = {CODE};
          return Array.from(document.querySelectorAll("table.grid td[id^='cell-']"))
            .filter((td) => code(td.id) === "").slice(0, n).map((td) => td.id);
        }}""",
        n,
    )


def code_on_page(page, cell_id: str) -> str | None:
    return page.evaluate(CODE, cell_id)


def expect_code(page, cell_id: str, letter: str, *, timeout: float = 1000) -> None:
    """Wait until the page shows ``letter`` in the cell (``timeout`` in ms)."""
    page.wait_for_function(
        f"([id, letter]) => ({CODE})(id) === letter",
        arg=[cell_id, letter],
        timeout=timeout,
        polling=20,
    )


def type_letter(page, cell_id: str, letter: str) -> None:
    """Focus the cell as the keyboard would, and type the letter."""
    page.evaluate(
        """id => {
          const td = document.getElementById(id);
          const button = td.querySelector(".cell-button");
          if (button) { button.focus(); } else { td.tabIndex = 0; td.focus(); }
        }""",
        cell_id,
    )
    page.keyboard.press(letter.lower())


def stored_code(cell_id: str) -> str:
    """The letter PostgreSQL holds for a cell (``cell-<activity>-<role>``), '' for none."""
    _, activity, role = cell_id.split("-")
    rows = sql(
        "SELECT code FROM matrices_responsibility WHERE activity_id = %s AND role_id = %s",
        int(activity),
        int(role),
    )
    return rows[0][0] if rows else ""


def wait_until(check, *, seconds: float, what: str, every: float = 0.1):
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {seconds:g} s")
        time.sleep(every)


def streams_on(app) -> int:
    """Open connections to an app process: to an ASGI one, its WebSocket streams (and the idle
    connections nginx keeps after an export or a refused handshake, for 60 s; the app keeps them
    75 s, config/serving.py). Read from Linux's /proc."""
    sockets = set()
    for pid in app.pids():
        try:
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                target = os.readlink(fd)
                if target.startswith("socket:["):
                    sockets.add(target[8:-1])
        except OSError:
            continue
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local_port = int(fields[1].rsplit(":", 1)[1], 16)
            established = fields[3] == "01"
            if established and local_port == app.port and fields[9] in sockets:
                count += 1
    return count


def run_async(coroutine_function, *args):
    """Run a coroutine to its end in a thread of its own: once Playwright has started, this
    thread has its event loop, and asyncio.run refuses to start another beside it."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine_function(*args)).result()
