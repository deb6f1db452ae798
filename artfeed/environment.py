"""Typed readers for settings that come from the environment.

Each reader fails loudly with the variable's name instead of guessing: a display
server left alone for months must not start with a half-understood setting.
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.dateparse import parse_datetime, parse_duration

env = environ.Env()

_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$")


def _raw(name: str) -> str | None:
    value = env.str(name, default=None)
    return None if value is None or value.strip() == "" else value


def duration(name: str, default: timedelta, *, zero_ok: bool = False) -> timedelta:
    """A positive duration: ``90`` (seconds), ``90s``, ``15m``, ``2h``, ``7d``, ``1w``, ISO 8601.

    With ``zero_ok``, ``0`` is accepted too (it switches the feature off).
    """
    raw = _raw(name)
    if raw is None:
        return default
    match = _DURATION.match(raw)
    if match:
        value = timedelta(seconds=float(match[1]) * _UNITS[match[2] or "s"])
    else:
        value = parse_duration(raw.strip())
    if value is None or value < timedelta(0) or (value == timedelta(0) and not zero_ok):
        kind = "a duration" if zero_ok else "a positive duration"
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not {kind} (examples: 900, 30s, 15m, 2h, 7d)."
        )
    return value


def positive_int(name: str, default: int, *, maximum: int | None = None) -> int:
    raw = _raw(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value <= 0 or (maximum is not None and value > maximum):
        limit = f" no larger than {maximum}" if maximum is not None else ""
        raise ImproperlyConfigured(f"{name}={raw!r} must be a whole number above 0{limit}.")
    return value


def boolean(name: str, default: bool) -> bool:
    raw = _raw(name)
    if raw is None:
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} must be true or false.")


def parse_moment(text: str) -> datetime:
    """An aware datetime from ``2025-01-31`` (midnight UTC) or ``2025-01-31T12:00:00+00:00``.

    Raises ValueError with a message that reads after the value (``X=... <message>``).
    Shared by the settings and the commands that take a moment, so both accept the same.
    """
    text = text.strip()
    try:
        value = parse_datetime(text if "T" in text or " " in text else f"{text}T00:00:00+00:00")
    except ValueError:  # well formed but impossible, like month 13
        value = None
    if value is None:
        raise ValueError("is not a date or datetime (example: 2025-01-31T00:00:00+00:00).")
    if value.tzinfo is None:
        raise ValueError("needs a time zone offset, e.g. +00:00.")
    return value


def moment(name: str) -> datetime | None:
    """An aware datetime (see ``parse_moment``), or None if unset."""
    raw = _raw(name)
    if raw is None:
        return None
    try:
        return parse_moment(raw)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name}={raw!r} {error}") from error


def choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    raw = _raw(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={raw!r} must be one of: {', '.join(choices)}.")
    return value


def required_unless(name: str, *, debug: bool, dev_default: str) -> str:
    raw = _raw(name)
    if raw is not None:
        return raw
    if debug:
        return dev_default
    raise ImproperlyConfigured(f"{name} must be set when DEBUG is off.")


def secret(name: str, *, min_length: int = 16) -> str | None:
    """An optional shared secret such as a bearer token, or None if unset. A short one is
    refused: a guessable token would open what it guards."""
    raw = _raw(name)
    if raw is None:
        return None
    value = raw.strip()
    if len(value) < min_length or any(character.isspace() for character in value):
        raise ImproperlyConfigured(
            f"{name} must be at least {min_length} characters without spaces "
            "(for example: python -c 'import secrets; print(secrets.token_urlsafe(32))')."
        )
    return value


def directory(name: str) -> Path | None:
    """An optional existing directory this process can write to, or None if unset."""
    raw = _raw(name)
    if raw is None:
        return None
    path = Path(raw.strip())
    if not path.is_dir() or not os.access(path, os.W_OK | os.X_OK):
        raise ImproperlyConfigured(
            f"{name}={raw!r} must be an existing directory this process can write to."
        )
    return path


_HEADER = re.compile(r"^[A-Za-z0-9-]+$")


def proxy_ssl_header(name: str) -> tuple[str, str] | None:
    """The header a TLS-terminating proxy sets to ``https`` (e.g. ``X-Forwarded-Proto``),
    as Django's ``SECURE_PROXY_SSL_HEADER`` wants it; None if unset."""
    raw = _raw(name)
    if raw is None:
        return None
    header = raw.strip()
    if not _HEADER.match(header):
        raise ImproperlyConfigured(
            f"{name}={raw!r} must be a header name such as X-Forwarded-Proto."
        )
    return f"HTTP_{header.upper().replace('-', '_')}", "https"


def text(name: str, *, required_because: str | None = None) -> str:
    """Free text, "" when unset; ``required_because`` (e.g. ``"ARTFEED_GENERATOR=openai"``)
    makes it mandatory and says why in the error."""
    raw = _raw(name)
    if raw is not None:
        return raw.strip()
    if required_because:
        raise ImproperlyConfigured(f"{name} must be set when {required_because}.")
    return ""


def http_url(name: str, *, required_because: str | None = None) -> str:
    """An ``http://`` or ``https://`` URL without a trailing slash, "" when unset."""
    value = text(name, required_because=required_because)
    if value and not re.match(r"^https?://[^\s/?#]+(/[^\s?#]*)?$", value):
        raise ImproperlyConfigured(
            f"{name}={value!r} must be an http:// or https:// URL "
            "(example: https://api.openai.com/v1)."
        )
    return value.rstrip("/")


def postgres_url(name: str, *, required_because: str | None = None) -> dict[str, object] | None:
    """A ``postgres://user:password@host:port`` URL as the connection parameters psycopg
    takes (``host``, ``port``, ``user``, ``password``; a database name in it is not
    used), None when unset."""
    value = text(name, required_because=required_because)
    if not value:
        return None
    if not re.match(r"^postgres(ql)?://", value):
        raise ImproperlyConfigured(
            f"{name} must be a postgres:// URL (example: postgres://app@db.internal:5432/artfeed)."
        )
    config = env.db_url_config(value)
    params = {
        "host": config.get("HOST"),
        "port": config.get("PORT"),
        "user": config.get("USER"),
        "password": config.get("PASSWORD"),
    }
    return {key: value for key, value in params.items() if value}


_TOKEN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$")


def token(name: str) -> str:
    """A short name safe in a header and a URL (a version, a commit), "" when unset."""
    raw = _raw(name)
    if raw is None or not raw.strip():
        return ""
    value = raw.strip()
    if not _TOKEN.match(value):
        raise ImproperlyConfigured(
            f"{name} must be 1 to 64 letters, digits, '.', '_', '+' or '-' (got {value!r:.80})."
        )
    return value
