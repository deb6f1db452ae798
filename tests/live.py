"""The live ASGI server for end-to-end tests, and the test database's URL to give it.

``start_asgi_server`` and ``asgi_server`` (tests/conftest.py) are the fixtures to use,
both ``bench.server.ServerProcess``; this module holds what they and their tests share.
"""

from __future__ import annotations

from urllib.parse import quote

from django.db import connection

PIN_SECONDS = 4  # how long ``asgi_server`` pins a new artwork on screen


def live_database_url() -> str:
    """The URL of the database the tests run on (pytest-django's ``test_…`` database)."""
    s = connection.settings_dict
    credentials = quote(s["USER"] or "", safe="")
    if s["PASSWORD"]:
        credentials += ":" + quote(s["PASSWORD"], safe="")
    host = s["HOST"] or "localhost"
    port = f":{s['PORT']}" if s["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{quote(s['NAME'], safe='')}"
