"""``manage.py import_artworks DIR``: images into the public pool, once each."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from artfeed.models import Artwork
from display.feed import next_frames
from tests.factories import JPEG_BYTES, SVG, WEBP_BYTES, png_bytes

pytestmark = pytest.mark.django_db


def run(directory: Path) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_artworks", str(directory), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    images = tmp_path / "images"
    (images / "more").mkdir(parents=True)
    (images / "harbour_at-dawn.png").write_bytes(png_bytes())
    (images / "night.jpg").write_bytes(JPEG_BYTES)
    (images / "more" / "tiles.webp").write_bytes(WEBP_BYTES)
    (images / "more" / "waves.svg").write_bytes(SVG)
    return images


def test_it_puts_every_image_into_the_public_pool(folder, user):
    out, err = run(folder)

    imported = Artwork.objects.order_by("title")
    assert [a.title for a in imported] == ["Harbour at dawn", "Night", "Tiles", "Waves"]
    assert all(a.origin == "imported" and a.is_public and a.created_by is None for a in imported)
    assert all(len(a.content_hash) == 64 for a in imported)
    assert sorted(a.image.name.rsplit(".", 1)[1] for a in imported) == ["jpg", "png", "svg", "webp"]
    assert "[1/4] harbour_at-dawn.png: imported as “Harbour at dawn”" in out
    assert "4 imported, 0 already in the pool, 0 skipped, 0 failed." in out
    assert err == ""
    assert len(next_frames(user, screen="tv", limit=4)) == 4  # in rotation at once


def test_running_it_again_imports_nothing_twice(folder):
    run(folder)
    (folder / "copy-of-night.jpg").write_bytes(JPEG_BYTES)

    out, _ = run(folder)

    assert Artwork.objects.count() == 4
    assert "copy-of-night.jpg: already in the pool as “Night”" in out
    assert "0 imported, 5 already in the pool" in out


def test_the_kind_comes_from_the_bytes_not_the_name(tmp_path):
    (tmp_path / "really-a-jpeg.png").write_bytes(JPEG_BYTES)
    (tmp_path / "no-extension").write_bytes(png_bytes())
    (tmp_path / "notes.txt").write_text("not art")

    out, _ = run(tmp_path)

    stored = {a.title: a.image.name.rsplit(".", 1)[1] for a in Artwork.objects.all()}
    assert stored == {"Really a jpeg": "jpg", "No extension": "png"}
    assert "notes.txt: not an image" in out
    assert "2 imported, 0 already in the pool, 1 skipped, 0 failed." in out


def test_each_bad_file_is_named_with_its_reason_and_the_command_fails(folder):
    (folder / "broken.png").write_bytes(png_bytes()[:30])
    (folder / "evil.svg").write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>')
    (folder / "fake.webp").write_text("hello")
    out, err = StringIO(), StringIO()

    with pytest.raises(CommandError, match="3 of 7 files could not be imported"):
        call_command("import_artworks", str(folder), stdout=out, stderr=err)

    assert "broken.png: is a PNG but is damaged or cut short" in err.getvalue()
    assert "evil.svg: is an SVG with a <script> element" in err.getvalue()
    assert "fake.webp: is not a PNG, JPEG, WebP or SVG image" in err.getvalue()
    assert Artwork.objects.count() == 4  # the good ones still went in


def test_an_unreadable_file_is_reported(folder, monkeypatch):
    locked = folder / "locked.png"
    locked.write_bytes(png_bytes())
    read_bytes = Path.read_bytes

    def refuse(path: Path) -> bytes:
        if path.name == "locked.png":  # chmod cannot lock root out: refuse as the OS would
            raise PermissionError(13, "Permission denied")
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    err = StringIO()

    with pytest.raises(CommandError, match="1 of 5 files could not be imported"):
        call_command("import_artworks", str(folder), stdout=StringIO(), stderr=err)

    assert "locked.png: cannot be read (Permission denied)" in err.getvalue()


def test_a_missing_directory_is_named(tmp_path):
    with pytest.raises(CommandError, match=r"DIR '.*nowhere' is not a directory"):
        run(tmp_path / "nowhere")
