"""`dailybrief serve` and `dailybrief user`: run the editor app with uvicorn, manage its users.

Where the app listens and which Host names it answers decide how careful it is: on loopback
only, reading is open and cookies are plain; bound to another address, or answering another
name (behind a reverse proxy), reading needs a login, cookies are Secure and HSTS is sent.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path

from dailybrief.store.archive import Archive
from dailybrief.web.deps import LOOPBACK_HOSTS, WebSettings
from dailybrief.web.secretkey import load_signing_key
from dailybrief.web.store import WebStore

USER_NAME = re.compile(r"^[^\s/\\]{1,64}$")
MIN_PASSWORD = 8
# A Host name the app may answer: a DNS name or an address ([…] for IPv6); no port, scheme, path or wildcard.
HOST_NAME = re.compile(r"^(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?)*)$")


class UserError(ValueError):
    """A user name or password that cannot be used."""


class ServeError(ValueError):
    """A `serve` option that cannot be used."""


def is_loopback(host: str) -> bool:
    """Say whether a bind address or Host name only reaches this machine."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_header_name(host: str) -> str:
    """Return how a bind address appears in a Host header (an IPv6 address in brackets), lower-cased."""
    host = host.lower()
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def answered_hosts(host: str, allowed: Sequence[str]) -> tuple[str, ...]:
    """Return the Host names the app answers: loopback names, `--allowed-host` names and the bound address."""
    names = [*LOOPBACK_HOSTS]
    for given in allowed:
        name = given.strip().lower()
        if not HOST_NAME.match(name):
            raise ServeError(f"--allowed-host {name!r}: give a host name or address, without port, scheme or *")
        names.append(name)
    bound = host_header_name(host)
    if not _unspecified(bound):
        names.append(bound)
    return tuple(dict.fromkeys(names))


def _unspecified(host: str) -> bool:
    """Say whether a bind address means every address (0.0.0.0, ::), which no client puts in a Host header."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_unspecified
    except ValueError:
        return False


def web_settings(db: Path, host: str, *, out: Path | None, login_to_read: bool, allowed_hosts: Sequence[str],
                 secret: str) -> WebSettings:
    """Decide who may read and how cookies are sent from where the app listens and which names it answers."""
    hosts = answered_hosts(host, allowed_hosts)
    exposed = not is_loopback(host) or not all(is_loopback(name) for name in hosts)
    return WebSettings(db=db, out=out or default_out(db), read_open=not exposed and not login_to_read,
                       secret=secret, secure=exposed, allowed_hosts=hosts)


def default_out(db: Path) -> Path:
    """Return where approved briefs' files go by default: published/ beside the archive."""
    return db.resolve().parent / "published"


def serve(db: Path, host: str, port: int, *, out: Path | None, login_to_read: bool, allowed_hosts: Sequence[str],
          secret_file: Path | None, echo: Callable[[str], None]) -> None:
    """Run the app until interrupted; reading is open without login only on loopback and when not refused."""
    import uvicorn  # noqa: PLC0415 - keeps the CLI's start fast

    from dailybrief.web.app import create_app  # noqa: PLC0415

    key = load_signing_key(secret_file, os.environ)
    settings = web_settings(db, host, out=out, login_to_read=login_to_read, allowed_hosts=allowed_hosts,
                            secret=key.value)
    app = create_app(settings)
    with Archive(db) as archive:
        users = WebStore(archive).users()
    if not users:
        echo(f"no users yet: create one with `dailybrief user add NAME --db {db}` to edit and approve")
    echo(f"session cookies signed with the key in {key.origin}")
    if settings.secure:
        echo("served beyond loopback: reading needs a login, cookies are Secure (serve it over HTTPS, e.g. behind"
             " a reverse proxy), HSTS is sent")
    if _unspecified(host_header_name(host)):
        echo("bound to every address: name the host clients use with --allowed-host (other names get 400)")
    echo(f"answering Host: {', '.join(settings.allowed_hosts)}")
    echo(f"editor app for {db} at http://{host_header_name(host)}:{port}/ (approved briefs go to {settings.out})")
    uvicorn.run(app, host=host, port=port, log_level="info")


def add_user(db: Path, name: str, password: str) -> tuple[bool, int]:
    """Create a user (or set a new password, ending its sessions); return (is new, sessions ended)."""
    from dailybrief.web.routes_auth import hash_password  # noqa: PLC0415

    if not USER_NAME.match(name):
        raise UserError(f"user name {name!r}: 1–64 characters without spaces or slashes")
    if len(password) < MIN_PASSWORD:
        raise UserError(f"password: at least {MIN_PASSWORD} characters")
    with Archive(db) as archive:
        store = WebStore(archive)
        new = name not in store.users()
        ended = store.add_user(name, hash_password(password))
    return new, ended


def remove_user(db: Path, name: str) -> int:
    """Remove a user and end its sessions at once; return how many sessions ended."""
    with Archive(db) as archive:
        ended = WebStore(archive).remove_user(name)
    if ended is None:
        raise UserError(f"no user {name!r} in {db}")
    return ended
