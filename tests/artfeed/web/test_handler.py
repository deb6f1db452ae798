"""Synchronous views run with their middleware in one call on the request's thread; async
views (the event stream) keep Django's async chain (artfeed/web/handler.py)."""

from __future__ import annotations

import json

import pytest
from asgiref import sync

from artfeed.web import handler
from artfeed.web.handler import ArtfeedASGIHandler
from tests.event_loop import asgi_get

# The ASGI request's code runs on a thread of its own, outside the test's transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def get(path: str) -> list[dict]:
    """The ASGI messages the handler sends for ``GET path``."""
    sent: list[dict] = []
    asgi_get(ArtfeedASGIHandler(), path, sent.append)
    return sent


@pytest.fixture
def crossings(monkeypatch) -> list[object]:
    """Each call from a request's thread back into the event loop."""
    calls: list[object] = []
    original = sync.AsyncToSync.__call__

    def counted(self, *args, **kwargs):
        calls.append(self.awaitable)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(sync.AsyncToSync, "__call__", counted)
    return calls


def test_a_synchronous_view_runs_with_its_middleware_without_going_back_to_the_event_loop(
    crossings,
):
    sent = get("/healthz")

    assert sent[0]["status"] == 200
    assert crossings == []  # Django's own handler goes back once, between middleware and view


def test_a_page_that_does_not_exist_is_a_404_from_the_synchronous_chain(crossings):
    sent = get("/no-such-page/")

    assert sent[0]["status"] == 404
    assert crossings == []


def test_the_event_stream_keeps_the_async_chain_and_answers_through_it():
    sent = get("/display/stream/")

    assert sent[0]["status"] == 401
    assert "Log in first" in json.loads(sent[1]["body"])["error"]


def test_a_path_that_fails_to_resolve_is_left_to_the_synchronous_chain(monkeypatch, crossings):
    def broken(*args):
        raise RuntimeError("a converter that fails")

    monkeypatch.setattr(handler, "get_resolver", lambda: type("R", (), {"resolve": broken})())
    handler._async_view.cache_clear()
    try:
        sent = get("/healthz")
    finally:
        handler._async_view.cache_clear()

    assert sent[0]["status"] == 200  # the chain resolved it on its own
    assert crossings == []
