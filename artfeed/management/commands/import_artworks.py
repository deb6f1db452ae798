from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from artfeed.images import BadImage, NotAnImage
from artfeed.imports import import_artwork

IMAGE_EXTENSIONS = {".png", ".jpg", ".jpeg", ".webp", ".svg"}


class Command(BaseCommand):
    help = (
        "Put the PNG, JPEG, WebP and SVG images under DIR into the public pool. Safe to "
        "run again: an image already in the pool (same bytes) is skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "directory", metavar="DIR", help="a folder of images (its subfolders too)"
        )

    def handle(self, *args: Any, directory: str, **options: Any) -> None:
        root = Path(directory)
        if not root.is_dir():
            raise CommandError(f"DIR {directory!r} is not a directory.")
        files = sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith("."))
        counts = {"imported": 0, "already in the pool": 0, "skipped": 0, "failed": 0}
        for number, path in enumerate(files, 1):
            outcome, detail = self._one(path)
            counts[outcome] += 1
            line = f"[{number}/{len(files)}] {path.relative_to(root)}: {detail}"
            if outcome == "failed":
                self.stderr.write(self.style.ERROR(line))
            else:
                self.stdout.write(line)
        self.stdout.write(", ".join(f"{n} {what}" for what, n in counts.items()) + ".")
        if counts["failed"]:
            raise CommandError(f"{counts['failed']} of {len(files)} files could not be imported.")

    def _one(self, path: Path) -> tuple[str, str]:
        try:
            content = path.read_bytes()
        except OSError as error:
            return "failed", f"cannot be read ({error.strerror or error})"
        try:
            result = import_artwork(content=content, filename=path.name)
        except NotAnImage as error:
            if path.suffix.lower() in IMAGE_EXTENSIONS:
                return "failed", str(error)
            return "skipped", "not an image"
        except BadImage as error:
            return "failed", str(error)
        if not result.created:
            return "already in the pool", f"already in the pool as “{result.artwork.title}”"
        return "imported", f"imported as “{result.artwork.title}”"
