"""Undo a response's Content-Encoding a piece at a time, counting decoded bytes against the size cap.

httpx inflates each network chunk in one call, so a small gzip bomb (or gzip inside gzip)
becomes hundreds of megabytes before any cap is checked. Here every layer yields at most
`PIECE` bytes per step and the decoded total is checked after each piece, so decoding stops
at the cap with no more than a few pieces in memory.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

PIECE = 64 * 1024
GZIP_MAGIC = b"\x1f\x8b"
# Content-Encoding names → zlib window bits (deflate is tried zlib-wrapped first, then raw).
WBITS = {"gzip": zlib.MAX_WBITS | 16, "x-gzip": zlib.MAX_WBITS | 16, "deflate": zlib.MAX_WBITS}
IDENTITY = frozenset({"", "identity"})
ACCEPT_ENCODING = "gzip, deflate"


class BodyTooLarge(Exception):
    """The decoded body passed the cap."""


class BadEncoding(Exception):
    """A Content-Encoding we cannot undo, or bytes that do not decode."""


def encodings_of(header: str) -> list[str]:
    """Return the encodings a Content-Encoding header lists, in the order they were applied."""
    names = [part.strip().lower() for part in header.split(",")]
    names = [n for n in names if n not in IDENTITY]
    unknown = [n for n in names if n not in WBITS]
    if unknown:
        raise BadEncoding(f"unsupported Content-Encoding {unknown[0]!r} (we ask for {ACCEPT_ENCODING})")
    return names


class _Layer:
    """One encoding being undone, yielding at most PIECE bytes at a time."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self._inflater = zlib.decompressobj(WBITS[encoding])
        self._started = False

    def pieces(self, data: bytes) -> Iterator[bytes]:
        """Yield the decoded pieces of `data` (and of anything held back from earlier input)."""
        while True:
            try:
                out = self._inflater.decompress(data, PIECE)
            except zlib.error as exc:
                if self.encoding == "deflate" and not self._started:  # a raw deflate stream without zlib header
                    self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
                    self._started = True
                    continue
                raise BadEncoding(f"body is not valid {self.encoding} data ({exc})") from exc
            self._started = True
            data = self._inflater.unconsumed_tail
            if self._inflater.eof and self._inflater.unused_data.startswith(GZIP_MAGIC):
                data = self._inflater.unused_data  # another gzip member follows
                self._inflater = zlib.decompressobj(WBITS[self.encoding])
            if out:
                yield out
            if not data and len(out) < PIECE:
                return


class BoundedDecoder:
    """Decode a body fed in network chunks; raise BodyTooLarge once it passes `cap` bytes."""

    def __init__(self, content_encoding: str, cap: int) -> None:
        # Encodings are undone in the reverse of the order they were applied.
        self._layers = [_Layer(e) for e in reversed(encodings_of(content_encoding))]
        self.cap = cap
        self.size = 0
        self._parts: list[bytes] = []

    @property
    def encoded(self) -> bool:
        """Say whether the body had a Content-Encoding to undo."""
        return bool(self._layers)

    def feed(self, chunk: bytes) -> None:
        """Decode one network chunk, keeping what it yields."""
        for piece in self._decode(0, chunk):
            self.size += len(piece)
            if self.size > self.cap:
                raise BodyTooLarge(self.size)
            self._parts.append(piece)

    def body(self) -> bytes:
        """Return everything decoded so far."""
        return b"".join(self._parts)

    def _decode(self, level: int, data: bytes) -> Iterator[bytes]:
        """Pass data through the layers from `level` on, one bounded piece at a time."""
        if level == len(self._layers):
            yield data
            return
        for piece in self._layers[level].pieces(data):
            yield from self._decode(level + 1, piece)
