from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client

from bench.server import ServerProcess
from tests.factories import UserFactory
from tests.live import live_database_url

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``postgres`` prove what only PostgreSQL can show (real concurrency):
    on SQLite they are skipped, saying so."""
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL=postgres://...)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """On SQLite the test database is a file, as in production, not shared memory.

    The live server answers each request in a thread of its own; with an in-memory
    database they would all share the test's one connection, and a page's concurrent
    requests (a frame, an impression batch) would trip over each other's statements
    ("database table is locked"). With a file each thread has its own connection, and
    WAL with a busy timeout makes them wait their turn, as they do in production.
    """
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        test = database.setdefault("TEST", {})
        test["NAME"] = str(tmp_path_factory.mktemp("database") / "test.sqlite3")


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://...)")


@pytest.fixture(scope="session", autouse=True)
def collected_static() -> None:
    """Pages link hashed static files, and live servers serve the collected copies: make
    sure they are there and not older than the sources (``make test`` has collected
    them already; a bare ``pytest`` after an edit does it here)."""
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    sources = [p for d in settings.STATICFILES_DIRS for p in Path(d).rglob("*") if p.is_file()]
    newest = max((p.stat().st_mtime for p in sources), default=0)
    if not manifest.exists() or manifest.stat().st_mtime < newest:
        call_command("collectstatic", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def test_settings(settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    # Real hashing costs ~0.3 s a user; tests are not about password strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def user(db):
    return UserFactory(username="alice")


@pytest.fixture
def other_user(db):
    return UserFactory(username="bob")


@pytest.fixture
def alice_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def csrf_client(user) -> Client:
    """A client that enforces CSRF like a browser would."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


@pytest.fixture
def start_asgi_server(
    transactional_db, settings, request
) -> Iterator[Callable[..., ServerProcess]]:
    """Start the production server against the test database, for end-to-end tests:
    ``server = start_asgi_server(ARTFEED_VIEWABLE_MS="1500")`` runs
    ``uvicorn artfeed.asgi:application`` (one worker, DEBUG off, cookies ``Secure`` and
    ``__Host-``) in a subprocess on a free loopback port; ``server.url`` is its address,
    ``server.restart()`` restarts it on the same port. Keyword arguments are environment
    variables for it; ``workers=2`` runs ``uvicorn --workers 2``. Stopped after the test;
    its log is kept under test-artifacts/.

    PostgreSQL only: the subprocess sees what the test wrote because the test runs in
    transactional mode (committed rows) on a database another process can open. On
    SQLite the test database lives in this process's memory, so such tests are skipped.
    """
    if connection.vendor != "postgresql":
        pytest.skip("the live ASGI server needs PostgreSQL (SQLite's test database is in memory)")
    started: list[ServerProcess] = []

    def start(*, workers: int = 1, **env: str) -> ServerProcess:
        log = ARTIFACTS / "servers" / f"{request.node.name}-{len(started)}.log"
        log.unlink(missing_ok=True)
        server = ServerProcess(
            live_database_url(),
            env={
                # The same secret, so sessions made in the test verify in the server.
                "SECRET_KEY": settings.SECRET_KEY,
                "MEDIA_ROOT": str(settings.MEDIA_ROOT),
                "STATIC_ROOT": str(settings.STATIC_ROOT),
                "LOG_LEVEL": "WARNING",
                **env,
            },
            log=log,
            workers=workers,
        )
        server.start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
