"""`dailybrief serve` and `dailybrief user add`: run the editor app with uvicorn, manage its users."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from pathlib import Path

from dailybrief.store.archive import Archive
from dailybrief.web.store import WebStore

USER_NAME = re.compile(r"^[^\s/\\]{1,64}$")
MIN_PASSWORD = 8


class UserError(ValueError):
    """A user name or password that cannot be used."""


def is_loopback(host: str) -> bool:
    """Say whether a bind address only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def default_out(db: Path) -> Path:
    """Return where approved briefs' files go by default: published/ beside the archive."""
    return db.resolve().parent / "published"


def serve(db: Path, host: str, port: int, *, out: Path | None, login_to_read: bool,
          echo: Callable[[str], None]) -> None:
    """Run the app until interrupted; reading is open without login only on loopback and when not refused."""
    import uvicorn  # noqa: PLC0415 - keeps the CLI's start fast

    from dailybrief.web.app import create_app  # noqa: PLC0415
    from dailybrief.web.deps import WebSettings  # noqa: PLC0415

    local = is_loopback(host)
    settings = WebSettings(db=db, out=out or default_out(db), read_open=local and not login_to_read)
    app = create_app(settings)
    with Archive(db) as archive:
        users = WebStore(archive).users()
    if not users:
        echo(f"no users yet: create one with `dailybrief user add NAME --db {db}` to edit and approve")
    if not local:
        echo(f"serving on {host}, which is not loopback: reading needs a login too")
    echo(f"editor app for {db} at http://{host}:{port}/ (approved briefs go to {settings.out})")
    uvicorn.run(app, host=host, port=port, log_level="info")


def add_user(db: Path, name: str, password: str) -> bool:
    """Create a user (or set a new password); return True when the user is new."""
    from dailybrief.web.routes_auth import hash_password  # noqa: PLC0415

    if not USER_NAME.match(name):
        raise UserError(f"user name {name!r}: 1–64 characters without spaces or slashes")
    if len(password) < MIN_PASSWORD:
        raise UserError(f"password: at least {MIN_PASSWORD} characters")
    with Archive(db) as archive:
        store = WebStore(archive)
        new = name not in store.users()
        store.add_user(name, hash_password(password))
    return new
