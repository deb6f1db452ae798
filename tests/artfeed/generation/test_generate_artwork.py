"""``generate_artwork``: private, fresh, idempotent, within the daily quota."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.db import connection

from artfeed.generation.base import GeneratedImage, GenerationError, GenerationRequest
from artfeed.generation.procedural import ProceduralGenerator
from artfeed.generation.service import QuotaExceeded, TooSoon, generate_artwork, request_key
from artfeed.generation.vocabulary import STYLES
from artfeed.models import Artwork
from tests.factories import UserFactory, generated_earlier

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 3, 14, 12, 0, 30, tzinfo=UTC)


def make(user, prompt: str = "a harbour at dawn", *, now: datetime = NOON, **fields):
    return generate_artwork(user=user, request=GenerationRequest(prompt, **fields), now=now)


def test_it_makes_a_private_fresh_artwork_for_its_maker(user, settings):
    settings.ARTFEED_FRESH_TTL = timedelta(minutes=15)

    made = make(user, "  A   Harbour at dawn ", style="waves", mood="calm", bpm=90, energy=0.4)

    art = Artwork.objects.get()
    assert made.created and made.artwork == art
    assert (art.origin, art.is_public, art.created_by) == ("generated", False, user)
    assert art.created_at == NOON
    assert art.fresh_until == NOON + timedelta(minutes=15)
    assert art.style == "waves"
    assert art.prompt == "A Harbour at dawn"
    assert b"<svg" in art.image.read()
    assert len(art.request_key) == 64 and len(art.content_hash) == 64
    assert (made.used_today, made.daily_limit) == (1, 100)


def test_the_same_request_within_a_minute_is_the_same_artwork(user):
    first = make(user, "a harbour at dawn", style="waves")
    again = make(user, "A  HARBOUR at dawn", style="WAVES", now=NOON + timedelta(seconds=20))

    assert not again.created
    assert again.artwork == first.artwork
    assert again.used_today == 1
    assert Artwork.objects.count() == 1


def test_a_double_click_across_the_minutes_edge_is_one_artwork_too(user):
    before_the_edge = NOON.replace(second=59, microsecond=900_000)

    first = make(user, now=before_the_edge)
    again = make(user, now=before_the_edge + timedelta(seconds=0.2))

    assert again.artwork == first.artwork and not again.created


def test_other_inputs_or_a_later_minute_make_a_new_artwork(user):
    first = make(user, style="waves")

    assert make(user, style="rings").artwork != first.artwork
    assert make(user, style="waves", bpm=120).artwork != first.artwork
    assert make(user, style="waves", now=NOON + timedelta(minutes=2)).artwork != first.artwork
    assert make(UserFactory(), style="waves").artwork != first.artwork


def test_the_key_is_a_hash_of_the_user_the_inputs_and_the_minute(user):
    ask = GenerationRequest("a harbour", style="waves", mood=None, bpm=90.0, energy=0.5)

    key = request_key(user=user, request=ask, now=NOON)

    assert key == request_key(user=user, request=ask, now=NOON + timedelta(seconds=10))
    assert key != request_key(user=user, request=replace(ask, energy=0.6), now=NOON)
    assert int(key, 16) >= 0 and len(key) == 64


def test_the_quota_counts_todays_generations_in_utc(user, settings):
    settings.ARTFEED_DAILY_GENERATIONS = 3
    generated_earlier(user, 5, before=NOON.replace(hour=0, minute=0, second=0))  # yesterday, UTC
    generated_earlier(user, 2, before=NOON)

    assert make(user, "third").used_today == 3
    with pytest.raises(QuotaExceeded, match="You have made 3 of 3 artworks today"):
        make(user, "fourth")
    assert make(user, "third").artwork.title  # a repeat is not refused
    assert Artwork.objects.filter(created_by=user).count() == 8


def test_a_failing_generator_stores_nothing(user):
    class Broken:
        name = "broken"
        styles = STYLES

        def generate(self, request: GenerationRequest) -> GeneratedImage:
            raise GenerationError("The image service is down.")

    with pytest.raises(GenerationError, match="down"):
        generate_artwork(user=user, request=GenerationRequest("x"), generator=Broken())

    assert not Artwork.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"prompt": "   "}, "prompt must not be empty"),
        ({"style": "crayon"}, "style must be one of"),
        ({"bpm": 5.0}, "bpm must be between 20 and 300"),
        ({"energy": 1.5}, "energy must be between 0 and 1"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(user, fields, message):
    ask = GenerationRequest(**{"prompt": "a harbour", **fields})

    with pytest.raises(ValueError, match=message):
        generate_artwork(user=user, request=ask)

    assert not Artwork.objects.exists()


def test_a_request_that_lost_the_race_returns_the_winners_artwork(user, settings):
    """Two identical requests at once: the one inserting second meets the unique key and
    hands back the first one's artwork instead of failing."""
    procedural = ProceduralGenerator()
    ask = GenerationRequest("a harbour", style="waves")

    class RacedGenerator:
        name, styles = "raced", STYLES

        def generate(self, request: GenerationRequest) -> GeneratedImage:
            # While this request draws, the other one commits the same key.
            generate_artwork(user=user, request=ask, now=NOON)
            return procedural.generate(request)

    made = generate_artwork(user=user, request=ask, now=NOON, generator=RacedGenerator())

    winner = Artwork.objects.get()
    assert made.artwork == winner and not made.created
    stored = [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert stored == [Path(winner.image.path)]  # the loser's file is not left behind


def test_a_style_is_chosen_from_what_the_user_likes(user):
    """With likes for one style only, every prompt without a style gets that style."""
    weights = {"rings": 3.0, "waves": 0.0}

    styles = {
        generate_artwork(
            user=user, request=GenerationRequest(f"prompt {i}"), style_weights=weights
        ).artwork.style
        for i in range(6)
    }

    assert styles == {"rings"}


@pytest.mark.postgres  # concurrent writers, each on its own connection
@pytest.mark.django_db(transaction=True)
def test_concurrent_identical_requests_make_one_artwork(user):
    barrier = threading.Barrier(4)
    results, errors = [], []
    now = datetime.now(UTC)

    def post() -> None:
        try:
            barrier.wait()
            results.append(make(user, "one harbour", style="waves", now=now))
        except Exception as error:  # reported below, with the thread's error
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert errors == []
    assert len({r.artwork.pk for r in results}) == 1
    assert sum(r.created for r in results) == 1
    assert Artwork.objects.count() == 1


def test_the_same_prompt_on_a_new_song_is_a_new_artwork_a_repeat_on_the_same_song_is_not(user):
    first = make(user, fingerprint="t120-c8f3a00b21c04-s7a52", brightness=0.4)
    again = make(
        user,
        fingerprint="t120-c8f3a00b21c04-s7a52",
        brightness=0.4,
        now=NOON + timedelta(seconds=5),
    )
    new_song = make(
        user,
        fingerprint="t092-c0a1f0083b0c2-s2a95",
        brightness=0.4,
        now=NOON + timedelta(seconds=10),
    )

    assert not again.created and again.artwork == first.artwork
    assert new_song.created and new_song.artwork != first.artwork
    assert Artwork.objects.count() == 2


def test_a_dynamic_generation_waits_the_interval_after_the_last_artwork(user):
    interval = timedelta(minutes=2)
    first = generate_artwork(
        user=user,
        request=GenerationRequest("song one", fingerprint="t1"),
        now=NOON,
        min_interval=interval,
    )

    with pytest.raises(TooSoon) as refused:
        generate_artwork(
            user=user,
            request=GenerationRequest("song two", fingerprint="t2"),
            now=NOON + timedelta(seconds=90),
            min_interval=interval,
        )
    later = generate_artwork(
        user=user,
        request=GenerationRequest("song two", fingerprint="t2"),
        now=NOON + interval,
        min_interval=interval,
    )

    assert first.created and later.created
    assert refused.value.retry_after == 30
    assert "at most one artwork every 2 min" in str(refused.value)
    assert Artwork.objects.count() == 2


def test_a_repeat_of_a_dynamic_generation_is_the_same_artwork_not_too_soon(user):
    interval = timedelta(minutes=2)
    request = GenerationRequest("song one", fingerprint="t1")
    first = generate_artwork(user=user, request=request, now=NOON, min_interval=interval)

    again = generate_artwork(
        user=user, request=request, now=NOON + timedelta(seconds=3), min_interval=interval
    )

    assert again.artwork == first.artwork and not again.created
