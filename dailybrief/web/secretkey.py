"""The key that signs the editor app's session cookies: from the environment or a private file, never the archive.

`DAILYBRIEF_SECRET_KEY` wins when set. Otherwise the key is read from a file (`--secret-file`,
by default `$XDG_CONFIG_HOME/dailybrief/secret_key`, i.e. `~/.config/dailybrief/secret_key`),
created with mode 0600 on first use; a key file other users may read is refused, so a copy of
the archive (or a shared machine) is never enough to forge a cookie.
"""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

SECRET_ENV = "DAILYBRIEF_SECRET_KEY"  # noqa: S105 - the variable's name, not a secret
MIN_LENGTH = 32
NEW_KEY_BYTES = 48


class SecretError(ValueError):
    """A signing key that cannot be used; the message says which and how to fix it (never the key)."""


@dataclass(frozen=True)
class SigningKey:
    """The key and where it came from (for the one line `serve` prints)."""

    value: str
    origin: str


def default_secret_file(environ: Mapping[str, str]) -> Path:
    """Return ~/.config/dailybrief/secret_key (under $XDG_CONFIG_HOME when that is set)."""
    base = environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "dailybrief" / "secret_key"


def _checked(value: str, where: str) -> str:
    """Require a key long enough to be a real secret."""
    value = value.strip()
    if len(value) < MIN_LENGTH:
        raise SecretError(f"{where}: the key must be at least {MIN_LENGTH} characters of random text "
                          f"(make one with: python3 -c 'import secrets; print(secrets.token_urlsafe(48))')")
    return value


def _create(path: Path) -> bool:
    """Write a new random key readable only by its owner; return False when another process made it first."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_urlsafe(NEW_KEY_BYTES) + "\n")
    return True


def _read(path: Path) -> str:
    """Read a key file, refusing one that is not a regular file or that others may read or write."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "r", encoding="utf-8") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise SecretError(f"{path}: not a regular file")
        if info.st_mode & 0o077:
            raise SecretError(f"{path}: other users may read or change it (mode {stat.S_IMODE(info.st_mode):04o});"
                              f" run: chmod 600 {path}")
        return handle.read()


def load_signing_key(secret_file: Path | None, environ: Mapping[str, str]) -> SigningKey:
    """Return the session-signing key: $DAILYBRIEF_SECRET_KEY, else the key file (created 0600 if absent)."""
    if environ.get(SECRET_ENV):
        return SigningKey(_checked(environ[SECRET_ENV], f"${SECRET_ENV}"), f"${SECRET_ENV}")
    path = secret_file or default_secret_file(environ)
    try:
        created = _create(path) if not path.exists() else False
        value = _checked(_read(path), str(path))
    except OSError as exc:
        raise SecretError(f"{path}: cannot use the key file: {exc.strerror or exc}") from None
    return SigningKey(value, f"{path} (new)" if created else str(path))
