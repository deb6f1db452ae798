"""The display installs as an app: its web app manifest, linked from the page."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from artfeed.web.csp import POLICY

pytestmark = pytest.mark.django_db

URL = "/display/manifest.webmanifest"


def test_the_url_is_the_contract():
    assert reverse("display:manifest") == URL


def test_it_opens_the_display_full_screen_in_the_dark():
    response = Client().get(URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "artfeed"
    assert manifest["start_url"] == "/display/"
    assert manifest["scope"] == "/display/"
    assert manifest["display"] == "fullscreen"
    assert manifest["theme_color"] == manifest["background_color"] == "#000000"


def test_its_icons_are_the_favicon():
    icons = json.loads(Client().get(URL).content)["icons"]

    assert {icon["sizes"] for icon in icons} == {"any", "192x192", "512x512"}
    assert any(icon["src"].endswith(".svg") for icon in icons)
    for icon in icons:
        assert icon["src"].startswith("/static/display/")


def test_the_display_page_links_it_and_the_policy_allows_it(alice_client):
    response = alice_client.get("/display/")

    assert f'<link rel="manifest" href="{URL}">' in response.content.decode()
    assert response["Content-Security-Policy"] == POLICY
    assert "manifest-src 'self'" in POLICY
