"""Shared fixtures."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from faulty_server import FaultyServer

from dailybrief.store import Archive

# --- collection tests: a misbehaving HTTP server on loopback and a fresh archive -----------


@pytest.fixture
def faulty_server() -> Iterator[FaultyServer]:
    """A started FaultyServer with no routes yet; stopped (and its sleepers woken) after the test."""
    with FaultyServer() as server:
        yield server
    assert not server.errors, f"route handlers crashed: {server.errors}"


@pytest.fixture
def tmp_archive(tmp_path: Path) -> Iterator[Archive]:
    """An empty archive in the test's temporary folder."""
    with Archive(tmp_path / "a.db") as archive:
        yield archive
