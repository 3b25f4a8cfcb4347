"""The WSGI entry point: the pages' processes of the production recipe (docs/deploy.md),
``gunicorn config.wsgi:application`` with threaded workers; the streams go to config.asgi."""

import os

# Read by config/settings.py: a WSGI thread serves request after request, so it keeps its
# PostgreSQL connection between them (CONN_MAX_AGE); under ASGI it would never be reused.
os.environ["RACI_INTERFACE"] = "wsgi"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from django.core.wsgi import get_wsgi_application

from config.serving import hold_sqlite_open

application = get_wsgi_application()
hold_sqlite_open()
