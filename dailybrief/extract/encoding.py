"""Decode page bytes: HTTP header charset, then `<meta charset>`, then detection."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)
# GBK and GB2312 pages routinely contain characters only GB18030 (their superset) defines.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
              "iso-8859-1": "cp1252", "latin-1": "cp1252", "ascii": "cp1252", "us-ascii": "cp1252"}


def normalise_charset(name: str | None) -> str | None:
    """Return a Python codec name for a declared charset, mapping GBK/GB2312 to GB18030."""
    if not name:
        return None
    label = name.strip().strip("\"'").lower()
    label = _SUPERSETS.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def header_charset(content_type: str | None) -> str | None:
    """Return the charset parameter of a Content-Type header value, if any."""
    if not content_type:
        return None
    match = _HEADER_CHARSET.search(content_type)
    return match.group(1) if match else None


def meta_charset(body: bytes) -> str | None:
    """Return the charset a page declares in its first 4 KB (`<meta charset>` or http-equiv)."""
    match = _META_CHARSET.search(body[:4096])
    return match.group(1).decode("ascii", "replace") if match else None


def _strict(body: bytes, codec: str) -> str | None:
    """Decode without errors or return None."""
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_html(body: bytes, content_type: str | None = None, override: str | None = None) -> tuple[str, str]:
    """Decode page bytes; return (text, codec used).

    Declared charsets are trusted only when the bytes decode cleanly with them, because
    sites mislabel pages (a GBK page served as UTF-8 is common). Non-ASCII bytes that are
    valid UTF-8 are UTF-8 whatever is declared: GBK or Latin text almost never is.
    """
    if body.startswith(codecs.BOM_UTF8):
        return body[len(codecs.BOM_UTF8):].decode("utf-8", "replace"), "utf-8"
    declared = [normalise_charset(c) for c in (override, header_charset(content_type), meta_charset(body))]
    candidates = [c for c in declared if c]
    if not body.isascii():
        text = _strict(body, "utf-8")
        if text is not None:
            return text, "utf-8"
    for codec in candidates:
        text = _strict(body, codec)
        if text is not None:
            return text, codec
    for codec in ("utf-8", "gb18030"):
        text = _strict(body, codec)
        if text is not None:
            return text, codec
    best = from_bytes(body[:200_000]).best()
    if best is not None and best.encoding:
        codec = normalise_charset(best.encoding) or "utf-8"
        return body.decode(codec, "replace"), codec
    codec = candidates[0] if candidates else "utf-8"
    return body.decode(codec, "replace"), codec
