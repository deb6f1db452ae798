"""A Content Security Policy without inline script, and pages that need none."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from artfeed.web.csp import REPORT_PATH
from tests.factories import ArtworkFactory

pytestmark = pytest.mark.django_db


def test_every_page_carries_a_policy_without_inline_script_or_eval(alice_client):
    policy = alice_client.get("/display/")["Content-Security-Policy"]

    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["img-src"] == "'self' data: blob:"
    assert directives["report-uri"] == REPORT_PATH
    assert "unsafe" not in policy


@pytest.mark.parametrize("path", ["/display/", "/accounts/login/"])
def test_pages_have_no_inline_script_event_handler_or_style(alice_client, path):
    ArtworkFactory()
    client = alice_client if path == "/display/" else Client()

    html = client.get(path).content.decode()

    for script in re.findall(r"<script\b[^>]*>(.*?)</script>", html, re.S):
        assert script.strip() == "", "an inline script"
    assert all(re.search(r'\bsrc="', tag) for tag in re.findall(r"<script\b[^>]*>", html))
    assert not re.search(r"\son[a-z]+\s*=", html), "an inline event handler"
    assert not re.search(r"\sstyle\s*=", html) and "<style" not in html
    assert "javascript:" not in html


def test_an_artwork_image_keeps_its_own_stricter_policy(alice_client):
    art = ArtworkFactory()

    policy = alice_client.get(f"/artworks/{art.pk}/image")["Content-Security-Policy"]

    assert policy.startswith("default-src 'none'")


def test_a_violation_report_is_logged(caplog):
    report = {
        "csp-report": {
            "document-uri": "https://art.example.org/display/",
            "violated-directive": "script-src",
            "blocked-uri": "inline",
        }
    }

    response = Client(enforce_csrf_checks=True).post(
        REPORT_PATH, json.dumps(report), content_type="application/csp-report"
    )

    assert response.status_code == 204
    assert "CSP blocked inline (script-src)" in caplog.text


@pytest.mark.parametrize(
    ("body", "status"),
    [("not json", 400), ('{"x": 1}', 400), ("[]", 400), ('"' + "x" * 20_000 + '"', 413)],
)
def test_a_report_that_is_not_one_is_refused(body, status):
    response = Client().post(REPORT_PATH, body, content_type="application/csp-report")

    assert response.status_code == status
    assert response.json()["error"]
