"""Settings for the RACI matrix builder.

Everything that differs between a laptop and a server comes from the environment. A bad value
stops the process with ImproperlyConfigured instead of being silently replaced by a default.
"""

import importlib.util
import ipaddress
import os
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean; use one of: {', '.join(sorted(_TRUE | _FALSE - {''}))}."
    )


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def conn_max_age(environ) -> int:
    """How long (seconds) a process keeps its PostgreSQL connection for the next request.

    Under ASGI, 0: a connection per request, closed at its end, as Django advises: each request
    runs in a thread of its own, so a connection kept for the next request is never reused, and
    with several processes under load the kept ones ran PostgreSQL out of connections ("too
    many clients"; bench/run.py's workshop load). Under WSGI (config/wsgi.py sets
    RACI_INTERFACE=wsgi) each of a worker's threads serves request after request and keeps its
    connection, ``CONN_MAX_AGE`` seconds (default 60), checked before reuse
    (CONN_HEALTH_CHECKS): one connection per thread, not one per request.
    """
    if environ.get("RACI_INTERFACE") != "wsgi":
        return 0
    raw = environ.get("CONN_MAX_AGE", "").strip() or "60"
    try:
        seconds = int(raw)
    except ValueError:
        seconds = -1
    if seconds < 0:
        raise ImproperlyConfigured(f"CONN_MAX_AGE={raw!r} is not a whole number of seconds.")
    return seconds


def database_from_url(url: str, *, max_age: int = 0) -> dict:
    """Parse DATABASE_URL; only SQLite and PostgreSQL are supported. ``max_age``: see
    ``conn_max_age`` (PostgreSQL only; SQLite's connections stay per request)."""
    try:
        config = dj_database_url.parse(url, conn_max_age=0, conn_health_checks=True)
    except Exception as exc:  # dj-database-url raises several types for malformed URLs
        raise ImproperlyConfigured(f"DATABASE_URL={url!r} cannot be parsed: {exc}") from None
    engine = config.get("ENGINE", "")
    if engine == "django.db.backends.sqlite3":
        # In WAL mode, synchronous=NORMAL syncs at checkpoints rather than at every commit: a
        # crash of the app loses nothing, a power cut may lose the last commits but never
        # corrupts the file (SQLite's own advice).
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            # Writers queue for the lock this long (seconds) instead of failing at once, e.g.
            # fifty workshop participants voting together (SQLite allows one writer at a time).
            "timeout": 30,
        }
        if not config.get("NAME"):
            raise ImproperlyConfigured(f"DATABASE_URL={url!r} names no SQLite file.")
        # Tests use a file too (not memory), so that server threads and concurrent requests
        # in the tests see one database, as they do in production; one file per test run.
        config["TEST"] = {
            "NAME": str(Path(tempfile.gettempdir()) / f"raci-test-{os.getpid()}.sqlite3")
        }
    elif engine == "django.db.backends.postgresql":
        if not config.get("NAME"):
            raise ImproperlyConfigured(f"DATABASE_URL={url!r} names no PostgreSQL database.")
        # A server that does not answer (its host down, a network dropping packets) would hold
        # a request for as long as TCP retries, minutes, and with it every request of its
        # process (an ASGI process runs Django's views in one thread): give up after 5 s with
        # the error page instead. `?connect_timeout=N` in DATABASE_URL sets another.
        config.setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
        config["CONN_MAX_AGE"] = max_age
        # A kept connection (WSGI threads; the streams' thread, apps/live/hop.py) is checked
        # once before each request or stream hop reuses it, so that a PostgreSQL restarted
        # meanwhile costs a reconnect, not a failed request. A new connection is not checked.
        config["CONN_HEALTH_CHECKS"] = True
    else:
        raise ImproperlyConfigured(
            f"DATABASE_URL={url!r} uses an unsupported database; use sqlite:///path "
            "or postgres://user:password@host:port/name."
        )
    return config


def load_secret_key() -> str:
    """SECRET_KEY from the environment, else a random key kept in .secret_key (never in git)."""
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        return key
    path = BASE_DIR / ".secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text().strip()
        if not key:
            raise ImproperlyConfigured(f"{path} is empty; delete it or set SECRET_KEY.") from None
        return key
    key = secrets.token_urlsafe(50)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = load_secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
for _origin in CSRF_TRUSTED_ORIGINS:
    if not _origin.startswith(("http://", "https://")):
        raise ImproperlyConfigured(
            f"CSRF_TRUSTED_ORIGINS entry {_origin!r} must start with http:// or https://."
        )

# HTTPS=true: the site is reached over HTTPS only (secure cookies, HSTS, redirect).
# BEHIND_TLS_PROXY=true: a reverse proxy terminates TLS and sets X-Forwarded-Proto; implies HTTPS.
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
HTTPS = env_bool("HTTPS", False) or BEHIND_TLS_PROXY
# The proxies whose X-Forwarded-For is believed (apps/accounts/client_address.py): addresses or
# networks, comma-separated; set but empty, none. Unset, the proxy on this host (127.0.0.1, ::1)
# behind a TLS proxy, and none otherwise. The server commands read the same variable.
TRUSTED_PROXY_IPS = env_list("TRUSTED_PROXY_IPS", ["127.0.0.1", "::1"] if BEHIND_TLS_PROXY else [])
for _proxy in TRUSTED_PROXY_IPS:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXY_IPS entry {_proxy!r} is not an IP address or network."
        ) from None

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "django_tasks_db",
    # django-ninja: here only for its templates and static files (the API's interactive docs,
    # served from our own static files, not a CDN).
    "ninja",
    "apps.accounts",
    "apps.catalog",
    "apps.matrices",
    "apps.people",
    "apps.history",
    "apps.exchange",
    "apps.sharing",
    "apps.workshops",
    "apps.live",
    "apps.notices",
    "apps.agreement",
    "apps.api",
    "apps.webhooks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages and htmx answers compressed for browsers that accept it (a 300-activity matrix:
    # 290 KB of HTML, about 30 KB sent). After whitenoise, which serves the static files
    # compressed ahead of time. Django's GZipMiddleware pads each response with a random number
    # of bytes (since Django 4.2), a mitigation of BREACH: a compressed page that reflects a
    # secret (the CSRF token) and text an attacker chose could otherwise leak the secret through
    # its compressed length. CSRF tokens are also masked anew for every response.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Which open page a change came from (X-Raci-Client), for the live layer's broadcast.
    "apps.live.origin.OriginMiddleware",
    # The API's 405 as JSON, as its other errors are (apps/api/middleware.py).
    "apps.api.middleware.method_not_allowed_as_json",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# django-debug-toolbar, for developers only: on when asked for (DEBUG_TOOLBAR=true, what `make dev`
# sets) with DEBUG and the dev extras installed; never in production (DEBUG off) nor under pytest.
# Off under `make run`, what a new user runs: the toolbar's tab covers the grid on a phone.
DEBUG_TOOLBAR = (
    DEBUG
    and env_bool("DEBUG_TOOLBAR", False)
    and "PYTEST_VERSION" not in os.environ
    and importlib.util.find_spec("debug_toolbar") is not None
)
if DEBUG_TOOLBAR:
    INSTALLED_APPS.append("debug_toolbar")
    # Early, after the static files (which it has nothing to say about).
    MIDDLEWARE.insert(
        MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
        "debug_toolbar.middleware.DebugToolbarMiddleware",
    )
    INTERNAL_IPS = ["127.0.0.1", "::1"]
    # A small tab at the page's edge rather than a panel over the page.
    DEBUG_TOOLBAR_CONFIG = {"SHOW_COLLAPSED": True}

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        max_age=conn_max_age(os.environ),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out login is refused before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "matrices:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "config.storage.StaticFilesStorage"},
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# The live layer (apps/live, Django Channels): changes reach every open browser of a matrix.
# With REDIS_URL, Redis carries them between the server's processes (channels-redis, on Redis's
# pub/sub) and keeps who is on which matrix; without it, one process's memory does, which is
# enough for `make run` and any single-process server, and only for those.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(
        f"REDIS_URL={REDIS_URL!r} must start with redis://, rediss:// or unix://."
    )
if REDIS_URL:
    from redis.connection import parse_url as redis_parse_url

    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                # A Redis that does not answer fails a publish within seconds instead of
                # holding up the request that made the change (saving never waits for it).
                "hosts": [{"address": REDIS_URL, "socket_connect_timeout": 2, "socket_timeout": 5}],
                # Pub/sub channels belong to the whole Redis server, not to REDIS_URL's database:
                # two sites (or test runs) on one server with databases 0 and 5 would hear each
                # other's changes to their matrices of the same id. The database number keeps
                # them apart.
                "prefix": f"raci{redis_parse_url(REDIS_URL).get('db') or ''}",
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Open live streams (apps/live/gate.py), per server process: per visitor's address (a room of
# phones behind one NAT shares one), and per browser session (its tabs).
LIVE_STREAMS_PER_ADDRESS = env_int("LIVE_STREAMS_PER_ADDRESS", 400)
LIVE_STREAMS_PER_SESSION = env_int("LIVE_STREAMS_PER_SESSION", 20)
for _name in ("LIVE_STREAMS_PER_ADDRESS", "LIVE_STREAMS_PER_SESSION"):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be 1 or more.")

# Background work (mail, webhooks): Django's tasks framework, queued in the database and run by
# a worker process (`manage.py db_worker`; `make run` starts one beside the server). Never in a
# request. Tests may swap in the immediate backend where they do not test the worker itself.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# Mail: the notices' digests, built and sent by the worker (apps/notices/tasks.py). SMTP from
# the environment in production (docs/deploy.md); `make run` prints them (EMAIL_BACKEND=console).
# Django's mailers (MAILERS, new in 6.1; the EMAIL_* settings are deprecated).
_email_backend = os.environ.get("EMAIL_BACKEND", "smtp")
if _email_backend == "smtp":
    _email_use_tls = env_bool("EMAIL_USE_TLS", False)
    _email_use_ssl = env_bool("EMAIL_USE_SSL", False)
    if _email_use_tls and _email_use_ssl:
        raise ImproperlyConfigured("Set EMAIL_USE_TLS or EMAIL_USE_SSL, not both.")
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": env_int("EMAIL_PORT", 25),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": _email_use_tls,
                "use_ssl": _email_use_ssl,
                "timeout": env_int("EMAIL_TIMEOUT", 20),
            },
        }
    }
elif _email_backend == "console":
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    raise ImproperlyConfigured(f"EMAIL_BACKEND={_email_backend!r}: use smtp or console.")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "RACI Builder <raci@localhost>")
# The address the mails' links start with (the site as its users reach it).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"SITE_URL={SITE_URL!r} must start with http:// or https://.")
NOTICE_MAIL_DOMAIN = urlsplit(SITE_URL).hostname or "localhost"
# The hour (local time) of the daily digest, for those who chose it.
NOTICE_DAILY_HOUR = env_int("NOTICE_DAILY_HOUR", 7)
if not 0 <= NOTICE_DAILY_HOUR <= 23:
    raise ImproperlyConfigured(f"NOTICE_DAILY_HOUR={NOTICE_DAILY_HOUR} is not an hour (0-23).")

# The REST API (apps/api, docs/api.md): requests allowed per token and minute (a 429 with
# Retry-After beyond), counted in the database so every process sees the same count.
API_REQUESTS_PER_MINUTE = env_int("API_REQUESTS_PER_MINUTE", 120)
if API_REQUESTS_PER_MINUTE < 1:
    raise ImproperlyConfigured("API_REQUESTS_PER_MINUTE must be at least 1.")

# Webhooks (apps/webhooks): the addresses a webhook may be sent to although they are private,
# loopback or link-local (networks such as 10.0.0.0/8, or single addresses): none unless set, so
# that nobody can make the server probe its own network. Checked when a webhook is saved and
# again at each delivery, against the addresses its host resolves to.
WEBHOOK_ALLOWED_PRIVATE_NETWORKS = env_list("WEBHOOK_ALLOWED_PRIVATE_NETWORKS", [])
for _network in WEBHOOK_ALLOWED_PRIVATE_NETWORKS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"WEBHOOK_ALLOWED_PRIVATE_NETWORKS: {_network!r} is not an address or a network."
        ) from None
# Seconds to wait before each retry of a failed delivery: about a day in all, then it fails.
_DELAYS = env_list("WEBHOOK_RETRY_DELAYS", ["60", "300", "1800", "7200", "21600", "57600"])
if not all(delay.isdigit() for delay in _DELAYS):
    raise ImproperlyConfigured(f"WEBHOOK_RETRY_DELAYS={_DELAYS!r}: whole numbers of seconds only.")
WEBHOOK_RETRY_DELAYS = [int(delay) for delay in _DELAYS]
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10)

# Uploads: imports larger than this are refused with a message (bytes).
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 2_000_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_BYTES + 100_000
FILE_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_BYTES + 100_000

# Size limits (docs/deploy.md, "Size limits"): the largest matrix an import takes, the largest
# grid (activities x roles) each heavy export format makes, and the time any export may take
# before it is stopped with a message. The defaults are what a 2-core machine serves in seconds.
IMPORT_MAX_ACTIVITIES = env_int("IMPORT_MAX_ACTIVITIES", 1_000)
IMPORT_MAX_ROLES = env_int("IMPORT_MAX_ROLES", 100)
EXPORT_MAX_CELLS = {
    "pdf": env_int("EXPORT_PDF_MAX_CELLS", 50_000),
    "xlsx": env_int("EXPORT_XLSX_MAX_CELLS", 200_000),
}
EXPORT_SECONDS = env_int("EXPORT_SECONDS", 20)
for _name, _value in (
    ("IMPORT_MAX_ACTIVITIES", IMPORT_MAX_ACTIVITIES),
    ("IMPORT_MAX_ROLES", IMPORT_MAX_ROLES),
    ("EXPORT_PDF_MAX_CELLS", EXPORT_MAX_CELLS["pdf"]),
    ("EXPORT_XLSX_MAX_CELLS", EXPORT_MAX_CELLS["xlsx"]),
    ("EXPORT_SECONDS", EXPORT_SECONDS),
):
    if _value < 1:
        raise ImproperlyConfigured(f"{_name}={_value} must be 1 or more.")

# Workshops: failed join attempts allowed per minute from one IP address (a room behind one
# address must be able to join), and join attempts per minute from one browser session.
WORKSHOP_JOINS_PER_MINUTE_PER_IP = env_int("WORKSHOP_JOINS_PER_MINUTE_PER_IP", 30)
WORKSHOP_JOINS_PER_MINUTE_PER_SESSION = env_int("WORKSHOP_JOINS_PER_MINUTE_PER_SESSION", 10)
# Successful joins of one workshop from one address, ever: enough for a whole room behind one NAT.
WORKSHOP_JOINS_PER_ADDRESS = env_int("WORKSHOP_JOINS_PER_ADDRESS", 300)
if WORKSHOP_JOINS_PER_ADDRESS < 1:
    raise ImproperlyConfigured(
        f"WORKSHOP_JOINS_PER_ADDRESS={WORKSHOP_JOINS_PER_ADDRESS} must be 1 or more."
    )
# Where phones reach the app (e.g. http://192.168.1.20:8000), for the board's join address and QR
# code; empty: the address the board was opened at. `make workshop` sets it to the detected one.
WORKSHOP_JOIN_ORIGIN = os.environ.get("WORKSHOP_JOIN_ORIGIN", "")

# Teams: whether visitors may create their own account (otherwise staff create users), and how
# long an invite link stays valid (seconds).
ALLOW_SIGNUP = env_bool("ALLOW_SIGNUP", False)
INVITE_MAX_AGE = env_int("INVITE_MAX_AGE", 7 * 24 * 60 * 60)

# Login throttling (django-axes): after LOGIN_FAILURE_LIMIT failed logins for one username from
# one IP address, that pair is locked out for LOGIN_LOCKOUT_MINUTES; after
# LOGIN_FAILURE_LIMIT_PER_ADDRESS failed logins from one address for any usernames (password
# spraying), so is every login from that address (apps/accounts/throttling.py). The second limit
# is generous: a room behind one NAT shares an address. Attempts are kept in the database, so
# every worker process sees them.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_LIMIT_PER_ADDRESS = env_int("LOGIN_FAILURE_LIMIT_PER_ADDRESS", 20)
if min(LOGIN_FAILURE_LIMIT, LOGIN_FAILURE_LIMIT_PER_ADDRESS) < 1:
    raise ImproperlyConfigured(
        "LOGIN_FAILURE_LIMIT and LOGIN_FAILURE_LIMIT_PER_ADDRESS must be at least 1."
    )
AXES_FAILURE_LIMIT = "apps.accounts.throttling.failure_limit"
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "apps.accounts.views.lockout"
AXES_VERBOSE = False
# Behind the proxy, the visitor's address is the one the proxy added to X-Forwarded-For.
AXES_CLIENT_IP_CALLABLE = "apps.accounts.client_address.client_ip"

# Security headers. The CSP allows scripts from this origin only (htmx is served by
# django-htmx from our static files); no inline script, no eval.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if HTTPS:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
