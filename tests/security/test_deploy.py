"""The production settings pass Django's deployment checklist, and say what they say."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def production(**extra: str) -> dict[str, str]:
    # Not the test run's own switches (the browser tests allow sync ORM calls in a loop).
    skip = ("DEBUG", "SECURE_", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if not k.startswith(skip)}
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="art.example.org",
        DJANGO_SETTINGS_MODULE="artfeed.settings",
        **extra,
    )
    return env


def settings_of(env: dict[str, str], *names: str) -> dict:
    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_check_deploy_finds_nothing_with_production_settings():
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production(),
        capture_output=True,
        text=True,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues (0 silenced)." in done.stdout


def test_production_cookies_are_host_only_secure_and_unreadable_by_scripts():
    values = settings_of(
        production(),
        "SESSION_COOKIE_NAME",
        "CSRF_COOKIE_NAME",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
    )

    assert values == {
        "SESSION_COOKIE_NAME": "__Host-sessionid",
        "CSRF_COOKIE_NAME": "__Host-csrftoken",
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
    }


def test_a_wall_display_stays_signed_in_for_weeks_by_default():
    values = settings_of(production(), "SESSION_COOKIE_AGE", "SESSION_EXPIRE_AT_BROWSER_CLOSE")

    assert values == {"SESSION_COOKIE_AGE": 30 * 86400, "SESSION_EXPIRE_AT_BROWSER_CLOSE": False}


def test_behind_a_tls_proxy_the_forwarded_header_is_trusted():
    values = settings_of(
        production(SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto", SECURE_HSTS_SECONDS="0"),
        "SECURE_PROXY_SSL_HEADER",
        "SECURE_HSTS_SECONDS",
    )

    assert values == {
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SECURE_HSTS_SECONDS": 0,
    }


def test_a_bad_proxy_header_stops_start_up_naming_it():
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=production(SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https"),
        capture_output=True,
        text=True,
    )

    assert done.returncode != 0
    assert "SECURE_PROXY_SSL_HEADER" in done.stderr
