"""Settings, all from the environment (a ``.env`` file beside manage.py is honoured).

Every variable is listed with its default in README.md ("Configuration").
"""

from __future__ import annotations

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
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "artfeed.middleware.NoCacheHtmlMiddleware",
]

ROOT_URLCONF = "artfeed.urls"
CSRF_FAILURE_VIEW = "artfeed.views.csrf_failure"
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
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("pool", True)
    # Only the hot statements of artfeed/sql.py are prepared (Django's own queries are
    # bound on the client and planned each time). Plan them once per connection: for
    # these index walks with a LIMIT the generic plan is the custom one, and PostgreSQL
    # would otherwise keep re-planning them, which costs more than running them.
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c plan_cache_mode=force_generic_plan")
    DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME", default="") or None}
else:
    raise ImproperlyConfigured("DATABASE_URL must point to SQLite or PostgreSQL.")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
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
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
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
ARTFEED_TRACKING_SINCE = read.moment("ARTFEED_TRACKING_SINCE")
ARTFEED_GENERATOR = read.choice("ARTFEED_GENERATOR", "procedural", ("procedural", "openai"))

# The OpenAI-compatible image backend (README, "Generators"): required only when chosen.
_openai = "ARTFEED_GENERATOR=openai" if ARTFEED_GENERATOR == "openai" else None
ARTFEED_OPENAI_BASE_URL = read.http_url("ARTFEED_OPENAI_BASE_URL", required_because=_openai)
ARTFEED_OPENAI_API_KEY = read.text("ARTFEED_OPENAI_API_KEY", required_because=_openai)
ARTFEED_OPENAI_MODEL = read.text("ARTFEED_OPENAI_MODEL", required_because=_openai)
ARTFEED_OPENAI_TIMEOUT = read.duration("ARTFEED_OPENAI_TIMEOUT", timedelta(seconds=60))
