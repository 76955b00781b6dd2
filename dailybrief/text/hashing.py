"""Stable 63-bit hashes of text: the same in every process (Python's `hash` of a str is not), so they can be stored."""

from __future__ import annotations

import hashlib


def stable_hash(*parts: str) -> int:
    """Return a non-negative 63-bit integer hash of some strings (their order matters)."""
    digest = hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1
