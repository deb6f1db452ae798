"""``GET /display/service-worker.js``: the display's service worker names its release and
the static files it keeps, and is never cached by HTTP."""

from __future__ import annotations

import json
import re

import pytest
from django.templatetags.static import static
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

URL = "/display/service-worker.js"


def constant(script: str, name: str):
    return json.loads(re.search(rf"^const {name} = (.*);$", script, re.M).group(1))


def test_the_url_is_the_contract():
    assert reverse("display:service-worker") == URL


def test_it_names_the_release_and_the_display_static_files(settings):
    settings.ARTFEED_RELEASE = "2026.11"

    response = Client().get(URL)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    script = response.content.decode()
    assert constant(script, "RELEASE") == "2026.11"
    assert constant(script, "DISPLAY") == "/display/"
    files = constant(script, "STATIC_FILES")
    for name in ("display.js", "offline.js", "recorder.js", "display.css", "vendor/htmx.min.js"):
        assert static(f"display/{name}") in files  # as the page links it (hashed)


def test_a_new_release_is_a_new_script(settings):
    settings.ARTFEED_RELEASE = "one"
    first = Client().get(URL).content
    settings.ARTFEED_RELEASE = "two"

    assert Client().get(URL).content != first


def test_the_display_page_names_it(alice_client):
    html = alice_client.get("/display/").content.decode()

    assert f'data-service-worker-url="{URL}"' in html
    assert 'data-display-url="/display/"' in html


def test_its_static_files_follow_the_storage_in_use(settings):
    hashed = constant(Client().get(URL).content.decode(), "STATIC_FILES")
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }

    plain = constant(Client().get(URL).content.decode(), "STATIC_FILES")

    assert "/static/display/display.js" in plain and "/static/display/display.js" not in hashed
    assert len(plain) == len(hashed)
