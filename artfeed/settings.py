"""Settings, all from the environment (a ``.env`` file beside manage.py is honoured).

Every variable is listed with its default in README.md ("Configuration").
"""

from __future__ import annotations

import math
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from artfeed import environment as read
from artfeed.environment import env

BASE_DIR = Path(__file__).resolve().parent.parent
environ_file = BASE_DIR / ".env"
if environ_file.exists():
    env.read_env(str(environ_file))  # real environment variables win over the file

DEBUG = read.boolean("DEBUG", False)
SECRET_KEY = read.required_unless(
    "SECRET_KEY", debug=DEBUG, dev_default="insecure-development-key-do-not-use-in-production"
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
    ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"]
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Transport and cookies (README, "Security"). ARTFEED_HTTPS says the site is reached over
# HTTPS, directly or through a TLS proxy: cookies are then Secure and host-only
# (``__Host-``), plain HTTP is redirected and browsers are told to stay on HTTPS.
HTTPS = read.boolean("ARTFEED_HTTPS", not DEBUG)
SECURE_PROXY_SSL_HEADER = read.proxy_ssl_header("SECURE_PROXY_SSL_HEADER")
SECURE_SSL_REDIRECT = read.boolean("SECURE_SSL_REDIRECT", HTTPS)
# A load balancer probes over plain HTTP and cannot follow a redirect to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(
    read.duration(
        "SECURE_HSTS_SECONDS", timedelta(days=365 if HTTPS else 0), zero_ok=True
    ).total_seconds()
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = read.boolean("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = read.boolean("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
if HTTPS:
    # Host-only, Secure, path /: a sibling subdomain can neither set nor overwrite them.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
# The page carries its token once (<body hx-headers>, read by static/display/csrf.js);
# no script reads the cookie.
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
# A wall display is set up once and then left alone for months: its session lasts
# SESSION_COOKIE_AGE after the last time it was used (renewed at most once a day by
# artfeed.web.middleware.SessionRenewalMiddleware), so a screen that stays on never logs out
# while a device unplugged for longer than that must log in again.
SESSION_COOKIE_AGE = int(read.duration("SESSION_COOKIE_AGE", timedelta(days=30)).total_seconds())
# Django's database sessions and its users, each loaded with one prepared statement
# (artfeed/web/sessions.py).
SESSION_ENGINE = "artfeed.web.sessions"
AUTHENTICATION_BACKENDS = ["artfeed.web.sessions.UserBackend"]
SESSION_EXPIRE_AT_BROWSER_CLOSE = False  # kiosk browsers restart; the session must not end

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "artfeed",
    "impressions",
    "display",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "artfeed.web.middleware.SecureCookiesMiddleware",
    "artfeed.web.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "artfeed.web.outage.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "artfeed.web.middleware.SessionRenewalMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "artfeed.web.middleware.NoCacheHtmlMiddleware",
    "artfeed.web.release.ReleaseHeaderMiddleware",
    "artfeed.web.outage.DatabaseOutageMiddleware",
]

ROOT_URLCONF = "artfeed.urls"
CSRF_FAILURE_VIEW = "artfeed.web.views.csrf_failure"
WSGI_APPLICATION = "artfeed.wsgi.application"
ASGI_APPLICATION = "artfeed.asgi.application"

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
            ],
        },
    }
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# What sits between the app and PostgreSQL (README, "Production"): nothing, or a pooler
# such as PgBouncer in transaction mode, which hands each transaction to any of its
# server connections, so nothing may live on one across transactions.
DATABASE_POOLER = read.choice("DATABASE_POOLER", "none", ("none", "transaction"))
# LISTEN lasts as long as its session, which such a pooler does not keep: each process's
# one listening connection (display/hub.py) goes to PostgreSQL itself. Host, port, user
# and password come from this URL; the database is the one DATABASE_URL names.
DATABASE_DIRECT_URL = read.postgres_url(
    "DATABASE_DIRECT_URL",
    required_because="DATABASE_POOLER=transaction" if DATABASE_POOLER != "none" else None,
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the display read while an impression batch writes; IMMEDIATE takes the
    # write lock up front so concurrent writers queue instead of failing mid-transaction.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A request waits at most this long for a connection: while the database is down it
    # gets a 503 with Retry-After (artfeed/web/outage.py) instead of hanging.
    connect_timeout = read.duration("ARTFEED_DB_CONNECT_TIMEOUT", timedelta(seconds=10))
    # A statement running longer is cancelled: a slow database costs one clear 503, never
    # a worker stuck for good. 0 turns it off (e.g. for a long migration).
    statement_timeout = read.duration(
        "ARTFEED_DB_STATEMENT_TIMEOUT", timedelta(seconds=30), zero_ok=True
    )
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options.setdefault("pool", {"timeout": connect_timeout.total_seconds()})
    # After a database restart every pooled connection is dead; checking each one as it
    # is taken turns that into a reconnect instead of a 503. The check is a round trip
    # only when the server closed the connection (artfeed/connections.py).
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    options.setdefault("connect_timeout", max(2, math.ceil(connect_timeout.total_seconds())))
    if DATABASE_POOLER == "transaction":
        # The pooler refuses startup options, and a SET would stay behind on whichever
        # server connection ran it: the statement timeout is the role's default in this
        # database instead, written by ``migrate`` (artfeed/pooler.py). Nothing is
        # prepared by name (artfeed/sql.py), and querysets' .iterator() reads in chunks
        # instead of through a cursor held open between transactions.
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    else:
        # Only the hot statements of artfeed/sql.py are prepared (Django's own queries
        # are bound on the client and planned each time). Plan them once per connection:
        # for these index walks with a LIMIT the generic plan is the custom one, and
        # PostgreSQL would otherwise keep re-planning them, which costs more than running
        # them.
        options.setdefault(
            "options",
            "-c plan_cache_mode=force_generic_plan"
            f" -c statement_timeout={int(statement_timeout.total_seconds() * 1000)}",
        )
    ARTFEED_DB_STATEMENT_TIMEOUT = statement_timeout
    DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME", default="") or None}
else:
    raise ImproperlyConfigured("DATABASE_URL must point to SQLite or PostgreSQL.")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Request bodies. The ASGI server hands Django a body only once it has all of it, so
# artfeed/asgi.py refuses one declared or streamed (chunked) beyond ARTFEED_MAX_REQUEST_BODY
# before reading it; file uploads (the admin's artwork images) are the only large ones.
ARTFEED_MAX_REQUEST_BODY = read.positive_int(
    "ARTFEED_MAX_REQUEST_BODY", 10 * 1024 * 1024, maximum=1024 * 1024 * 1024
)
# Form fields other than files: an impression batch is under 20 KB, an admin form far less.
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# Failed logins per username and address before that pair must wait (artfeed/web/throttle.py).
ARTFEED_LOGIN_MAX_FAILURES = read.positive_int("ARTFEED_LOGIN_MAX_FAILURES", 5, maximum=1000)
ARTFEED_LOGIN_LOCKOUT = read.duration("ARTFEED_LOGIN_LOCKOUT", timedelta(minutes=15))
LOGIN_REDIRECT_URL = "display:page"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "artfeed.web.staticfiles.StaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 31536000 if not DEBUG else 0

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# The feed's knobs (DESIGN.md, "Settings").
ARTFEED_FRESH_TTL = read.duration("ARTFEED_FRESH_TTL", timedelta(minutes=15))
ARTFEED_COOLDOWN = read.duration("ARTFEED_COOLDOWN", timedelta(days=7))
ARTFEED_POOL_MAX_AGE = read.duration("ARTFEED_POOL_MAX_AGE", timedelta(days=7))
ARTFEED_DWELL = read.duration("ARTFEED_DWELL", timedelta(seconds=30))
ARTFEED_PIN = read.duration("ARTFEED_PIN", timedelta(seconds=3))
ARTFEED_VIEWABLE_MS = read.positive_int("ARTFEED_VIEWABLE_MS", 1000, maximum=60_000)
ARTFEED_BATCH_MAX = read.positive_int("ARTFEED_BATCH_MAX", 200, maximum=10_000)
ARTFEED_DAILY_GENERATIONS = read.positive_int("ARTFEED_DAILY_GENERATIONS", 100)
# Dynamic mode (a listening screen generating when the music changes): at most this often.
ARTFEED_DYNAMIC_MIN_INTERVAL = read.duration("ARTFEED_DYNAMIC_MIN_INTERVAL", timedelta(minutes=2))
ARTFEED_TRACKING_SINCE = read.moment("ARTFEED_TRACKING_SINCE")
# The release open displays compare with their own to reload after an upgrade
# (artfeed/web/release.py); derived from the static files when unset.
ARTFEED_RELEASE = read.token("ARTFEED_RELEASE")
# Open event streams one user may keep per server process; a new one replaces the oldest
# (display/hub.py). A household's screens fit many times over.
ARTFEED_STREAMS_PER_USER = read.positive_int("ARTFEED_STREAMS_PER_USER", 10, maximum=1000)
ARTFEED_GENERATOR = read.choice("ARTFEED_GENERATOR", "procedural", ("procedural", "openai"))

# Telemetry (README, "Production"): a scraper holding this token may read /metrics (staff
# always may). prometheus_client reads PROMETHEUS_MULTIPROC_DIR itself when it is imported;
# it is checked here so a missing directory stops start-up instead of the first batch.
ARTFEED_METRICS_TOKEN = read.secret("ARTFEED_METRICS_TOKEN")
PROMETHEUS_MULTIPROC_DIR = read.directory("PROMETHEUS_MULTIPROC_DIR")

# The OpenAI-compatible image backend (README, "Generators"): required only when chosen.
_openai = "ARTFEED_GENERATOR=openai" if ARTFEED_GENERATOR == "openai" else None
ARTFEED_OPENAI_BASE_URL = read.http_url("ARTFEED_OPENAI_BASE_URL", required_because=_openai)
ARTFEED_OPENAI_API_KEY = read.text("ARTFEED_OPENAI_API_KEY", required_because=_openai)
ARTFEED_OPENAI_MODEL = read.text("ARTFEED_OPENAI_MODEL", required_because=_openai)
ARTFEED_OPENAI_TIMEOUT = read.duration("ARTFEED_OPENAI_TIMEOUT", timedelta(seconds=60))
