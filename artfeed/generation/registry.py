"""Which generator serves this installation: ``ARTFEED_GENERATOR`` names it."""

from __future__ import annotations

from django.conf import settings

from artfeed.generation.base import Generator
from artfeed.generation.openai import OpenAIGenerator
from artfeed.generation.procedural import ProceduralGenerator


def get_generator() -> Generator:
    """The configured backend, built from the settings as they are now (tests change them)."""
    if settings.ARTFEED_GENERATOR == "openai":
        return OpenAIGenerator(
            base_url=settings.ARTFEED_OPENAI_BASE_URL,
            api_key=settings.ARTFEED_OPENAI_API_KEY,
            model=settings.ARTFEED_OPENAI_MODEL,
            timeout=settings.ARTFEED_OPENAI_TIMEOUT.total_seconds(),
        )
    return ProceduralGenerator()
