"""The release every answer names, which open displays compare with their own."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from artfeed import environment as read
from artfeed.web.release import HEADER, current_release

pytestmark = pytest.mark.django_db


def test_every_answer_names_the_release(client, settings):
    settings.ARTFEED_RELEASE = "2026.11.1"

    assert client.get("/healthz")[HEADER] == "2026.11.1"
    assert client.get("/display/next/")[HEADER] == "2026.11.1"  # even a redirect to log in


def test_the_display_page_knows_its_release(alice_client, settings):
    settings.ARTFEED_RELEASE = "abc123"

    page = alice_client.get("/display/")

    assert b'data-release="abc123"' in page.content


def test_without_a_setting_the_release_is_derived_and_stable(settings):
    settings.ARTFEED_RELEASE = ""

    first = current_release()

    assert len(first) == 12
    assert current_release() == first


@pytest.mark.parametrize("raw", ["two words", "x" * 65, "-leading", "a/b"])
def test_a_bad_release_names_the_variable(monkeypatch, raw):
    monkeypatch.setenv("ARTFEED_RELEASE", raw)

    with pytest.raises(ImproperlyConfigured, match="ARTFEED_RELEASE"):
        read.token("ARTFEED_RELEASE")


def test_a_release_may_be_a_version_or_a_commit(monkeypatch):
    monkeypatch.setenv("ARTFEED_RELEASE", " v1.4.0+g1a2b3c ")

    assert read.token("ARTFEED_RELEASE") == "v1.4.0+g1a2b3c"
