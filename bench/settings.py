"""The production settings plus one trivial view to compare a request against.

Selected with ``DJANGO_SETTINGS_MODULE=bench.settings`` by the bench's server only.
"""

from __future__ import annotations

from artfeed.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
