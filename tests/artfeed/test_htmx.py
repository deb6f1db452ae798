from __future__ import annotations

import json

from django.http import HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.test import RequestFactory
from django_htmx.middleware import HtmxMiddleware

from artfeed.web.htmx import HtmxHttpRequest, for_htmx


@for_htmx(partial="live")
def page(request: HtmxHttpRequest) -> HttpResponse:
    return TemplateResponse(request, "some/page.html", {})


@for_htmx(partial="live")
def answers_json(request: HtmxHttpRequest) -> HttpResponse:
    return JsonResponse({"ok": True})


def asked(view, *, by_htmx: bool) -> HttpResponse:
    headers = {"HX-Request": "true"} if by_htmx else {}
    request = RequestFactory().get("/", headers=headers)
    return HtmxMiddleware(view)(request)


def test_htmx_gets_only_the_named_partial_of_the_page():
    assert asked(page, by_htmx=True).template_name == "some/page.html#live"


def test_a_browser_gets_the_whole_page():
    assert asked(page, by_htmx=False).template_name == "some/page.html"


def test_both_answers_vary_on_hx_request_so_no_cache_mixes_them_up():
    for by_htmx in (True, False):
        assert "HX-Request" in asked(page, by_htmx=by_htmx)["Vary"]


def test_an_answer_that_is_no_page_passes_unchanged():
    response = asked(answers_json, by_htmx=True)

    assert json.loads(response.content) == {"ok": True}
    assert "HX-Request" in response["Vary"]
