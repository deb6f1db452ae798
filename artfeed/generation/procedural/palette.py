"""A picture's palette: colours in the character of a mood (or of a look), steered by a
few prompt words, the energy and the brightness of the music heard."""

from __future__ import annotations

import random
from dataclasses import dataclass

from artfeed.generation.looks import Look
from artfeed.generation.procedural.colour import Colour, lerp
from artfeed.generation.vocabulary import MOODS, WORD, mood_named, seed


@dataclass(frozen=True)
class Palette:
    background: Colour
    background_alt: Colour  # a second tone of the ground, for gradients and halos
    colours: tuple[Colour, ...]  # 4-5 harmonious colours, all well clear of the ground
    ink: Colour  # the strongest contrast with the ground, for lines and details
    dark: bool

    def by_contrast(self) -> list[Colour]:
        """Colours ordered from closest to the ground to furthest from it (for depth)."""
        return sorted(self.colours, key=lambda c: abs(c.lightness - self.background.lightness))


@dataclass(frozen=True)
class Character:
    """A palette's character: what a mood (or a look) asks of the colours."""

    hue: float  # centre of the hue family, OKLCH degrees
    hue_spread: float  # how far the base hue may wander from it
    chroma: float
    dark: bool | None  # dark ground, light ground, or either
    schemes: tuple[str, ...]  # colour harmonies it likes
    energy: float  # defaults when the request leaves them out
    bpm: float


_CHARACTERS: dict[str, Character] = {
    "calm": Character(210, 30, 0.09, False, ("analogous",), 0.25, 72),
    "happy": Character(75, 40, 0.16, False, ("triadic", "split", "analogous"), 0.7, 124),
    "melancholy": Character(260, 25, 0.06, True, ("analogous", "complementary"), 0.3, 66),
    "energetic": Character(30, 45, 0.19, True, ("complementary", "triadic", "split"), 0.9, 150),
    "dark": Character(300, 50, 0.09, True, ("analogous", "complementary"), 0.5, 90),
    "dreamy": Character(320, 40, 0.08, False, ("analogous", "triadic"), 0.35, 80),
    "romantic": Character(10, 20, 0.12, False, ("analogous", "split"), 0.45, 92),
    "mysterious": Character(200, 40, 0.08, True, ("complementary", "analogous"), 0.4, 84),
    "nostalgic": Character(65, 20, 0.07, False, ("analogous", "complementary"), 0.35, 88),
}  # fmt: skip
assert set(_CHARACTERS) == set(MOODS)

# Prompt words that should steer the hue whatever the mood: "ocean" ought to look like water.
_HUE_HINTS = {
    **dict.fromkeys(
        ("ocean", "sea", "water", "rain", "river", "lake", "harbour", "harbor", "waves"), 235.0
    ),
    **dict.fromkeys(
        ("forest", "leaf", "leaves", "moss", "jungle", "garden", "meadow", "grass"), 145.0
    ),
    **dict.fromkeys(("sunset", "fire", "autumn", "desert", "ember", "flame", "dusk"), 48.0),
    **dict.fromkeys(("rose", "roses", "cherry", "blossom", "heart", "petals"), 5.0),
    **dict.fromkeys(("space", "galaxy", "cosmos", "stars", "midnight", "nebula"), 285.0),
    **dict.fromkeys(("snow", "ice", "winter", "frost", "glacier"), 230.0),
    **dict.fromkeys(("gold", "golden", "sun", "summer", "honey", "lemon"), 90.0),
}

# Hue offsets of each palette slot from the base hue.
_SCHEMES = {
    "analogous": (0, 28, -28, 56, -14),
    "complementary": (0, 180, 22, 200, -22),
    "triadic": (0, 120, 240, 20, 140),
    "split": (0, 150, 210, 30, 180),
}


def character_for(mood: str | None, prompt: str) -> Character:
    """The character of the mood the request names (``vocabulary.mood_named``), else one
    derived from the hash of its free-text mood (or of its prompt)."""
    name = mood_named(mood, prompt)
    if name is not None:
        return _CHARACTERS[name]
    digest = seed("mood", mood or prompt)
    return Character(
        hue=digest[0] * 360 / 256,
        hue_spread=15,
        chroma=0.06 + digest[1] / 255 * 0.1,
        dark=digest[2] < 128,
        schemes=(tuple(_SCHEMES)[digest[3] % len(_SCHEMES)],),
        energy=0.5,
        bpm=100,
    )


def look_character(look: Look, mood: Character) -> Character:
    """The mood's tempo and energy, with the look's colours."""
    return Character(
        hue=look.hue,
        hue_spread=12,
        chroma=look.chroma,
        dark=look.dark,
        schemes=look.schemes,
        energy=mood.energy,
        bpm=mood.bpm,
    )


def prompt_hue(prompt: str) -> float | None:
    return next((_HUE_HINTS[w] for w in WORD.findall(prompt) if w in _HUE_HINTS), None)


def make_palette(
    rng: random.Random,
    character: Character,
    energy: float,
    *,
    dark: bool | None,
    hue_hint: float | None,
    lift: float = 0.0,
) -> Palette:
    if dark is None:
        dark = character.dark if character.dark is not None else rng.random() < 0.5
    centre = character.hue if hue_hint is None else hue_hint
    spread = character.hue_spread if hue_hint is None else min(character.hue_spread, 18)
    hue = (centre + rng.uniform(-spread, spread)) % 360
    offsets = _SCHEMES[rng.choice(character.schemes)]
    count = rng.choice((4, 5))
    chroma = character.chroma * lerp(0.8, 1.3, energy)
    # Energy widens the lightness range: more contrast between the colours themselves.
    if dark:
        low, high = lerp(0.64, 0.52, energy), lerp(0.82, 0.9, energy)
    else:
        low, high = lerp(0.58, 0.42, energy), lerp(0.76, 0.82, energy)
    steps = [min(low + lift + (high - low) * i / (count - 1), 0.95) for i in range(count)]
    rng.shuffle(steps)
    colours = []
    for i in range(count):
        colour_hue = (hue + offsets[i] + rng.uniform(-6, 6)) % 360
        lightness = steps[i]
        if 70 <= colour_hue <= 125:
            # Yellow only reads as yellow when light; a mid-lightness yellow is drab olive.
            lightness = max(lightness, 0.74)
        colours.append(Colour.from_oklch(lightness, chroma * rng.uniform(0.85, 1.15), colour_hue))
    if dark:
        # A dark orange-to-yellow ground is brown; turn it to its complement, a night blue.
        ground_hue = hue + 180 if 35 <= hue <= 135 else hue
        ground = Colour.from_oklch(
            rng.uniform(0.15, 0.2), min(0.045, chroma * 0.35), ground_hue + rng.uniform(-25, 25)
        )
        alt = Colour.from_oklch(ground.lightness + 0.09, min(0.06, chroma * 0.45), ground_hue + 30)
        ink = Colour.from_oklch(0.96, 0.015, hue)
    else:
        ground = Colour.from_oklch(
            rng.uniform(0.94, 0.97), min(0.03, chroma * 0.2 + 0.008), hue + rng.uniform(-25, 25)
        )
        alt = Colour.from_oklch(ground.lightness - 0.07, min(0.05, chroma * 0.35), hue - 20)
        ink = Colour.from_oklch(0.25, min(0.05, chroma * 0.4), hue + 10)
    return Palette(ground, alt, tuple(colours), ink, dark)
