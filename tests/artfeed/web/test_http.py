"""An answer's work after it is sent (``artfeed.web.http.JsonThen``), on the ASGI handler
the server runs."""

from __future__ import annotations

import logging

from django.test import override_settings
from django.urls import path

from artfeed.web.handler import ArtfeedASGIHandler
from artfeed.web.http import JsonThen
from tests.event_loop import asgi_get

events: list[str] = []


def answer_then_work(request):
    return JsonThen({"ok": True}, then=lambda: events.append("then"))


def answer_then_fail(request):
    def fail() -> None:
        raise RuntimeError("the span could not grow")

    return JsonThen({"ok": True}, then=fail)


urlpatterns = [path("then/", answer_then_work), path("fails/", answer_then_fail)]


def serve(path_: str) -> list[str]:
    events.clear()
    asgi_get(ArtfeedASGIHandler(), path_, lambda message: events.append(message["type"]))
    return list(events)


@override_settings(ROOT_URLCONF=__name__, ALLOWED_HOSTS=["testserver"], MIDDLEWARE=[])
def test_the_work_runs_once_the_answer_has_been_sent():
    assert serve("/then/") == ["http.response.start", "http.response.body", "then"]


@override_settings(ROOT_URLCONF=__name__, ALLOWED_HOSTS=["testserver"], MIDDLEWARE=[])
def test_work_that_fails_is_logged_and_the_answer_stands(caplog):
    caplog.set_level(logging.ERROR, logger="artfeed.web.http")

    assert serve("/fails/") == ["http.response.start", "http.response.body"]
    [record] = caplog.records
    assert record.getMessage() == "The work after an answer failed"
    assert "the span could not grow" in caplog.text
