"""The OpenAI-compatible backend's settings: required only when it is the generator."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from artfeed import environment as read
from tests.artfeed.test_settings import start

OPENAI = "ARTFEED_GENERATOR=openai"


def test_an_unset_value_is_empty_unless_required(monkeypatch):
    monkeypatch.delenv("ARTFEED_OPENAI_API_KEY", raising=False)

    assert read.text("ARTFEED_OPENAI_API_KEY") == ""
    with pytest.raises(ImproperlyConfigured, match="ARTFEED_OPENAI_API_KEY must be set when"):
        read.text("ARTFEED_OPENAI_API_KEY", required_because=OPENAI)


@pytest.mark.parametrize("raw", ["api.openai.com/v1", "ftp://host/v1", "http://", "http://a b"])
def test_a_base_url_must_be_http(monkeypatch, raw):
    monkeypatch.setenv("ARTFEED_OPENAI_BASE_URL", raw)

    with pytest.raises(ImproperlyConfigured, match="ARTFEED_OPENAI_BASE_URL=.* must be an http"):
        read.http_url("ARTFEED_OPENAI_BASE_URL")


def test_a_base_url_loses_its_trailing_slash(monkeypatch):
    monkeypatch.setenv("ARTFEED_OPENAI_BASE_URL", "https://images.example/v1/")

    assert read.http_url("ARTFEED_OPENAI_BASE_URL") == "https://images.example/v1"


def test_the_openai_generator_does_not_start_without_its_settings():
    result = start(ARTFEED_GENERATOR="openai", ARTFEED_OPENAI_BASE_URL="https://images.example/v1")

    assert result.returncode != 0
    assert "ARTFEED_OPENAI_API_KEY must be set when ARTFEED_GENERATOR=openai" in result.stderr


def test_the_openai_generator_starts_with_its_settings():
    result = start(
        ARTFEED_GENERATOR="openai",
        ARTFEED_OPENAI_BASE_URL="https://images.example/v1",
        ARTFEED_OPENAI_API_KEY="sk-test",
        ARTFEED_OPENAI_MODEL="image-model",
        ARTFEED_OPENAI_TIMEOUT="30s",
    )

    assert result.returncode == 0, result.stderr
