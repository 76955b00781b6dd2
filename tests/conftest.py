"""Shared fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from faulty_server import FaultyServer

from dailybrief.store.archive import Archive

if TYPE_CHECKING:  # the web app's imports load only for the tests that use these fixtures
    from webfixtures import Built, LiveApp

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


# --- editor app tests: the demo site's archive with a recorded brief, and the app serving it ---------


@pytest.fixture(scope="module")
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Built:
    """An archive built from the demo site, one per test module (modules edit their briefs)."""
    from webfixtures import build_archive

    return build_archive(tmp_path_factory.mktemp(request.module.__name__.removeprefix("test_")))


@pytest.fixture(scope="module")
def app(built: Built) -> Iterator[LiveApp]:
    """The editor app served on loopback over the module's archive."""
    from webfixtures import live_app

    with live_app(built) as served:
        yield served
