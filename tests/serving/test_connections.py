"""Database connections by kind of process: the pages' WSGI threads keep theirs between requests,
the ASGI processes open one per request (config/settings.py, ``conn_max_age``)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings import conn_max_age, database_from_url

ROOT = Path(__file__).resolve().parents[2]
POSTGRES = "postgres://raci@db.invalid:5432/raci"


def test_a_wsgi_process_keeps_its_connections_and_an_asgi_one_does_not():
    assert conn_max_age({}) == 0
    assert conn_max_age({"CONN_MAX_AGE": "60"}) == 0  # an ASGI process, whatever is exported
    assert conn_max_age({"RACI_INTERFACE": "wsgi"}) == 60
    assert conn_max_age({"RACI_INTERFACE": "wsgi", "CONN_MAX_AGE": "300"}) == 300
    assert conn_max_age({"RACI_INTERFACE": "wsgi", "CONN_MAX_AGE": "0"}) == 0


@pytest.mark.parametrize("raw", ["soon", "-1", "1.5"])
def test_a_bad_conn_max_age_stops_the_process_with_a_message(raw):
    with pytest.raises(ImproperlyConfigured, match="CONN_MAX_AGE"):
        conn_max_age({"RACI_INTERFACE": "wsgi", "CONN_MAX_AGE": raw})


def test_postgresql_keeps_them_with_health_checks_and_sqlite_never():
    postgres = database_from_url(POSTGRES, max_age=60)
    assert (postgres["CONN_MAX_AGE"], postgres["CONN_HEALTH_CHECKS"]) == (60, True)
    sqlite = database_from_url("sqlite:////tmp/raci.sqlite3", max_age=60)
    assert sqlite["CONN_MAX_AGE"] == 0


@pytest.mark.parametrize(("module", "kept"), [("config.wsgi", 60), ("config.asgi", 0)])
def test_each_entry_point_gets_its_own(module, kept):
    """The entry point itself says which it is, before the settings load."""
    env = {k: v for k, v in os.environ.items() if k not in ("RACI_INTERFACE", "CONN_MAX_AGE")}
    env.update(DATABASE_URL=POSTGRES, DJANGO_SETTINGS_MODULE="config.settings")
    code = f"import {module}; from django.conf import settings; "
    code += "print(settings.DATABASES['default']['CONN_MAX_AGE'])"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-1] == str(kept)
