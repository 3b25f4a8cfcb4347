"""Settings that several processes, and their outages, need (the real thing is played in
tests/scaleout)."""

import os
import subprocess
import sys
from pathlib import Path

from config.settings import database_from_url

ROOT = Path(__file__).resolve().parent.parent


def test_connecting_to_postgresql_gives_up_after_five_seconds_unless_told_otherwise():
    assert database_from_url("postgres://u@db.example/raci")["OPTIONS"]["connect_timeout"] == 5
    told = database_from_url("postgres://u@db.example/raci?connect_timeout=2")
    assert int(told["OPTIONS"]["connect_timeout"]) == 2
    assert "connect_timeout" not in database_from_url("sqlite:////tmp/raci.sqlite3")["OPTIONS"]


def channel_prefix(redis_url: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(REDIS_URL=redis_url, DJANGO_SETTINGS_MODULE="config.settings")
    code = (
        "from django.conf import settings; "
        "print(settings.CHANNEL_LAYERS['default']['CONFIG']['prefix'])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_sites_on_one_redis_server_with_their_own_databases_do_not_hear_each_other():
    # Redis's pub/sub ignores the database number; the channel layer's prefix does not.
    prefixes = {
        channel_prefix(url)
        for url in ("redis://127.0.0.1:6379", "redis://127.0.0.1:6379/5", "unix:///r.sock?db=6")
    }
    assert prefixes == {"raci", "raci5", "raci6"}


def test_a_request_closes_its_database_connection_as_django_advises_under_asgi():
    # Each request runs in a thread of its own under ASGI: a kept connection would never serve
    # another, and several processes under load ran PostgreSQL out of connections.
    for url in ("postgres://u@db.example/raci", "sqlite:////tmp/raci.sqlite3"):
        assert database_from_url(url)["CONN_MAX_AGE"] == 0
