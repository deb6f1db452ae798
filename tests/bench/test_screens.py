"""The bench's screens: they ask for frames as a display does and report what they showed."""

from __future__ import annotations

import os

import pytest

from bench import cpu
from bench.screens import report_shown
from bench.sessions import frame_request
from display.feed import next_frames
from display.screens import SCREEN_COOKIE
from impressions.models import Impression
from tests.factories import ArtworkFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_frame_request_carries_the_screen_s_cookie_beside_the_session():
    request = frame_request("127.0.0.1:8000", {"Cookie": "sessionid=abc"}, "tv")

    head = request.decode().split("\r\n")
    assert head[0] == "GET /display/next/?screen=tv HTTP/1.1"
    assert f"Cookie: sessionid=abc; {SCREEN_COOKIE}=tv" in head
    assert "HX-Request: true" in head


def test_the_frames_a_screen_was_handed_are_reported_seen_and_no_other_screen_s():
    user, other = UserFactory(), UserFactory()
    ArtworkFactory.create_batch(3)
    shown = next_frames(user, screen="bench")[0]
    next_frames(other, screen="elsewhere")

    assert report_shown([user, other], "bench") == 1

    assert list(Impression.objects.values_list("user", "artwork")) == [(user.pk, shown.artwork.pk)]


def test_the_cpu_a_process_used_grows_as_it_works_and_a_gone_one_counts_nothing():
    before = cpu.seconds([os.getpid()])
    sum(i * i for i in range(3_000_000))

    assert cpu.seconds([os.getpid()]) > before
    assert cpu.with_children(os.getpid())[0] == os.getpid()
    assert cpu.seconds([2**22 + 1]) == 0
