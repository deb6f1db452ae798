"""The database's system checks (artfeed/checks.py)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from artfeed import checks

pytestmark = pytest.mark.django_db


def check_database() -> str:
    out = StringIO()
    call_command("check", databases=["default"], stdout=out, stderr=out)
    return out.getvalue()


def test_autovacuum_turned_off_is_a_warning_naming_the_database(monkeypatch):
    monkeypatch.setattr(checks, "autovacuum_setting", lambda alias: "off")

    assert "artfeed.W001" in check_database()
    assert "autovacuum is off on the 'default' database" in check_database()


def test_autovacuum_on_says_nothing(monkeypatch):
    monkeypatch.setattr(checks, "autovacuum_setting", lambda alias: "on")

    assert "artfeed.W001" not in check_database()


def test_the_setting_is_read_from_postgresql_and_not_elsewhere():
    setting = checks.autovacuum_setting("default")

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT setting FROM pg_settings WHERE name = 'autovacuum'")
            assert setting == cursor.fetchone()[0]
    else:
        assert setting is None


def test_the_checks_without_a_database_do_not_touch_one(monkeypatch):
    monkeypatch.setattr(checks, "autovacuum_setting", lambda alias: pytest.fail("queried"))

    assert checks.autovacuum_is_on(databases=None) == []
