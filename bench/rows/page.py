"""Row 5: what the display page costs to load: its JavaScript, gzipped as whitenoise
serves it, and whether the first frame comes with the HTML."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from bench.context import Context
from bench.load import fetch, request_bytes
from bench.report import Goal, Row
from bench.server import Server
from bench.sessions import signed_in_headers

BUDGET = 25_000  # bytes of JavaScript on the wire


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.frame_images: list[str] = []
        self._in_frame = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script" and attributes.get("src"):
            self.scripts.append(attributes["src"])
        if tag == "figure" and "frame" in (attributes.get("class") or "").split():
            self._in_frame += 1
        if tag == "img" and self._in_frame and attributes.get("src"):
            self.frame_images.append(attributes["src"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "figure" and self._in_frame:
            self._in_frame -= 1


def run(context: Context, server: Server) -> Row:
    headers = signed_in_headers(context.loaded.users["typical"])
    page = fetch(
        server.host,
        server.port,
        request_bytes("GET", "/display/?screen=weight", host=server.authority, headers=headers),
    )
    if page.status != 200:
        raise RuntimeError(f"/display/ answered {page.status}.")
    parsed = _Page()
    parsed.feed(page.body.decode())
    table = [["script", "bytes", "gzip on the wire", "Content-Encoding"]]
    total = 0
    for src in parsed.scripts:
        plain = fetch(server.host, server.port, request_bytes("GET", src, host=server.authority))
        gzipped = fetch(
            server.host,
            server.port,
            request_bytes("GET", src, host=server.authority, headers={"Accept-Encoding": "gzip"}),
        )
        if plain.status != 200 or gzipped.status != 200:
            raise RuntimeError(f"{src} answered {plain.status}/{gzipped.status}.")
        total += len(gzipped.body)
        table.append(
            [
                f"`{src}`",
                f"{len(plain.body):,}",
                f"{len(gzipped.body):,}",
                gzipped.headers.get("content-encoding", "(none)"),
            ]
        )
    table.append(["**all scripts**", "", f"**{total:,}**", ""])
    image = parsed.frame_images[0] if parsed.frame_images else None
    art = image is not None and re.fullmatch(r"/artworks/[0-9a-f-]{36}/image", image)
    return Row(
        title="5. Display page weight",
        table=table,
        goals=[
            Goal(
                f"JavaScript transferred (gzip) ≤ {BUDGET // 1000} KB",
                f"{total / 1000:.1f} KB",
                total <= BUDGET,
            ),
            Goal(
                "the first frame arrives with the page (its `<img>` is in the HTML)",
                f"`{image}`" if image else "no frame in the HTML",
                bool(art),
            ),
        ],
        notes=[NOTE.format(html=len(page.body))],
    )


NOTE = """The page is fetched signed in from the production server (DEBUG off, so the
script URLs are whitenoise's hashed, compressed files); every `<script src>` it
references is fetched with `Accept-Encoding: gzip` and its body counted as it comes over
the wire. The HTML itself is {html:,} bytes and already holds the first frame: the first
paint is art, with no second request for the frame."""
