"""Synchronous views run with their middleware in one call on the request's thread; async
views (the event stream) keep Django's async chain (artfeed/web/handler.py)."""

from __future__ import annotations

import json

import pytest
from asgiref import sync
from django.core.signals import request_finished, request_started

from artfeed.web import handler
from artfeed.web.handler import ArtfeedASGIHandler
from tests.event_loop import asgi_get

# The ASGI request's code runs on a thread of its own, outside the test's transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def get(path: str, *, root_path: str = "") -> list[dict]:
    """The ASGI messages the handler sends for ``GET path``."""
    sent: list[dict] = []
    asgi_get(ArtfeedASGIHandler(), path, sent.append, root_path=root_path)
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


@pytest.fixture
def into_threads(monkeypatch) -> list[str]:
    """The name of each call the event loop hands to a thread."""
    calls: list[str] = []
    original = sync.SyncToAsync.__call__

    def counted(self, *args, **kwargs):
        calls.append(getattr(self.func, "__name__", repr(self.func)))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(sync.SyncToAsync, "__call__", counted)
    return calls


@pytest.fixture
def signals_sent() -> list[str]:
    sent: list[str] = []

    def started(**kwargs):
        sent.append("started")

    def finished(**kwargs):
        sent.append("finished")

    request_started.connect(started)
    request_finished.connect(finished)
    yield sent
    request_started.disconnect(started)
    request_finished.disconnect(finished)


def test_a_synchronous_request_crosses_into_its_thread_once_for_its_answer(
    into_threads, signals_sent
):
    sent = get("/healthz")

    assert sent[0]["status"] == 200
    # The signal, the request and the chain in one call, then closing the answer once
    # it has gone: Django's handler makes the first of these two calls.
    assert into_threads == ["_respond", "close"]
    assert signals_sent == ["started", "finished"]


def test_an_answer_that_cannot_be_sent_is_still_closed(signals_sent):
    def gone(message: dict) -> None:
        raise OSError("the client went away")

    with pytest.raises(OSError):
        asgi_get(ArtfeedASGIHandler(), "/healthz", gone)

    # Closed all the same: its database connection is given back.
    assert signals_sent == ["started", "finished"]


def test_under_a_script_prefix_the_event_stream_still_takes_the_async_chain(into_threads):
    sent = get("/art/display/stream/", root_path="/art")

    assert sent[0]["status"] == 401
    assert "_respond" not in into_threads
    assert get("/art/healthz", root_path="/art")[0]["status"] == 200


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
