"""Setting up and serving: init, demo, serve, user."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import click

from dailybrief.cli.common import fail, progress, verbosity
from dailybrief.config import ConfigError
from dailybrief.store.archive import ArchiveError


@click.command()
@verbosity
@click.argument("path", default="dailybrief.toml", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init(path: str, force: bool) -> None:
    """Write a commented starter config."""
    target = Path(path)
    if target.exists() and not force:
        fail(f"{target} already exists (use --force to overwrite)")
    text = resources.files("dailybrief").joinpath("starter.toml").read_text(encoding="utf-8")
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"{target}: cannot write: {exc.strerror}")
    click.echo(f"wrote {target}; edit [brief], [theme] and the [[source]] tables, then run:")
    click.echo(f"  dailybrief sources --config {target}")


@click.command()
@verbosity
@click.option("--out", "out_dir", default="demo-output", show_default=True, type=click.Path(file_okay=False),
              help="Folder for the demo's config, archive and outputs.")
def demo(out_dir: str) -> None:
    """Run the pipeline on the bundled demo site."""
    from dailybrief.demo import run_demo  # noqa: PLC0415
    from dailybrief.pipeline import NoNewsError, OutputError  # noqa: PLC0415
    from dailybrief.render.pdf import PdfError  # noqa: PLC0415

    try:
        run_demo(Path(out_dir), progress)
    except (ConfigError, ArchiveError, OSError, NoNewsError, OutputError, PdfError) as exc:
        fail(str(exc))


@click.command()
@verbosity
@click.option("--db", "db_path", default="dailybrief.db", show_default=True, type=click.Path(dir_okay=False),
              help="Archive file.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback unless told).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False),
              help="Folder for approved briefs' files (default: published/ beside the archive).")
@click.option("--login-to-read", is_flag=True, help="Require a login to read too (always so off loopback).")
@click.option("--allowed-host", "allowed_hosts", multiple=True, metavar="NAME",
              help="A Host name the app answers besides loopback names and the bound address (repeatable); "
                   "any other gets 400. A name beyond loopback (a reverse proxy's) makes cookies Secure.")
@click.option("--secret-file", type=click.Path(dir_okay=False),
              help="File holding the cookie-signing key, created 0600 if absent "
                   "(default: ~/.config/dailybrief/secret_key; $DAILYBRIEF_SECRET_KEY wins when set).")
def serve(db_path: str, host: str, port: int, *, out_dir: str | None, login_to_read: bool,
          allowed_hosts: tuple[str, ...], secret_file: str | None) -> None:
    """Serve the editor web app (review, edit, approve) over an archive."""
    from dailybrief.web.secretkey import SecretError  # noqa: PLC0415
    from dailybrief.web.serve import ServeError  # noqa: PLC0415
    from dailybrief.web.serve import serve as run_server  # noqa: PLC0415

    db = Path(db_path)
    if not db.exists():
        fail(f"{db}: no such archive (run `dailybrief run` first, or give --db PATH)")
    out = Path(out_dir) if out_dir else None
    try:
        run_server(db, host, port, out=out, login_to_read=login_to_read, allowed_hosts=allowed_hosts,
                   secret_file=Path(secret_file) if secret_file else None,
                   echo=lambda line: click.echo(line, err=True))
    except (ArchiveError, SecretError, ServeError) as exc:
        fail(str(exc))


@click.group()
@verbosity
def user() -> None:
    """Manage the editor web app's users."""


@user.command("add")
@verbosity
@click.argument("name")
@click.option("--db", "db_path", default="dailybrief.db", show_default=True, type=click.Path(dir_okay=False),
              help="Archive file.")
@click.password_option("--password", help="The password (prompted for, hidden, when not given).")
def user_add(name: str, db_path: str, password: str) -> None:
    """Add an editor (or reset a password, which signs that user out everywhere).

    The password is prompted for twice, hidden, and stored only as an Argon2id hash.
    """
    from dailybrief.web.serve import UserError, add_user  # noqa: PLC0415

    try:
        new, ended = add_user(Path(db_path), name, password)
    except (UserError, ArchiveError) as exc:
        fail(str(exc))
    if new:
        click.echo(f"added user {name} in {db_path}")
    else:
        click.echo(f"new password for {name} in {db_path}; {signed_out(ended)}")


@user.command("remove")
@verbosity
@click.argument("name")
@click.option("--db", "db_path", default="dailybrief.db", show_default=True, type=click.Path(dir_okay=False),
              help="Archive file.")
def user_remove(name: str, db_path: str) -> None:
    """Remove an editor; the user's sessions end at once (revisions they wrote keep their name)."""
    from dailybrief.web.serve import UserError, remove_user  # noqa: PLC0415

    db = Path(db_path)
    if not db.exists():
        fail(f"{db}: no such archive")
    try:
        ended = remove_user(db, name)
    except (UserError, ArchiveError) as exc:
        fail(str(exc))
    click.echo(f"removed user {name} from {db_path}; {signed_out(ended)}")


def signed_out(sessions: int) -> str:
    """Say how many sessions a change to a user ended."""
    return f"{sessions} signed-in session{'s' if sessions != 1 else ''} ended"
