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
from tests.live import PIN_SECONDS, live_database_url

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``postgres`` prove what only PostgreSQL can show (real concurrency):
    on SQLite they are skipped, saying so."""
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL=postgres://...)")
    for item in items:
        if item.get_closest_marker("postgres"):
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


def _skip_unless_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the live ASGI server needs PostgreSQL (set DATABASE_URL=postgres://...)")


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

    The subprocess sees what the test wrote because the test runs in transactional mode
    (committed rows). PostgreSQL only: the server is handed the test database by its
    PostgreSQL URL (``live_database_url``), and what these tests prove (live updates
    through LISTEN/NOTIFY, several workers, statement timeouts) is PostgreSQL's; on
    SQLite they are skipped, saying so.
    """
    _skip_unless_postgresql()
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


@pytest.fixture(scope="module")
def asgi_server(django_db_setup, tmp_path_factory, request) -> Iterator[ServerProcess]:
    """One production server shared by a module's tests of live updates (where
    ``start_asgi_server`` starts one per test): DEBUG on, so it reads the plain session
    cookie a test hands it (``bench.sessions.session_cookie``); pins last ``PIN_SECONDS``
    and a view counts after 300 ms; its media directory is ``server.env["MEDIA_ROOT"]``.
    PostgreSQL only, as ``start_asgi_server``."""
    _skip_unless_postgresql()
    server = ServerProcess(
        live_database_url(),
        env={
            "DEBUG": "true",
            "SECRET_KEY": settings.SECRET_KEY,
            "MEDIA_ROOT": str(tmp_path_factory.mktemp("asgi-media")),
            "STATIC_ROOT": str(settings.STATIC_ROOT),
            "ARTFEED_PIN": f"{PIN_SECONDS}s",
            "ARTFEED_VIEWABLE_MS": "300",
        },
        log=ARTIFACTS / "servers" / f"{request.module.__name__}.log",
    )
    server.start()
    yield server
    server.stop()
