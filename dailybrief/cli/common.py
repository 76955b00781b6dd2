"""What every command shares: one-line errors, opening the config and the archive, the issue date, -v/-q."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from dailybrief.cli.progress import TerminalProgress, configure_logging
from dailybrief.config import Config, ConfigError, load_config
from dailybrief.store.archive import Archive, ArchiveError

F = TypeVar("F", bound=Callable[..., Any])

progress = TerminalProgress()
_LEVEL = {"verbose": 0, "quiet": False}


def fail(message: str, code: int = 2) -> NoReturn:
    """Print one clear error line and exit."""
    click.echo(f"dailybrief: error: {message}", err=True)
    sys.exit(code)


def open_config(path: str) -> Config:
    """Load a config or exit with its one-line error."""
    try:
        return load_config(path)
    except ConfigError as exc:
        fail(str(exc))


def default_db(config: Config) -> Path:
    """Return the archive beside the config file: one archive per deployment."""
    return (config.path.parent if config.path else Path.cwd()) / "dailybrief.db"


def existing_archive(config_path: str | None, db_path: str | None) -> Path:
    """Return the archive --db names, else the one beside --config's file; exit when there is none."""
    config = open_config(config_path) if config_path else None
    db = Path(db_path) if db_path else default_db(config) if config else None
    if db is None:
        fail("give --db PATH (the archive) or --config FILE (the archive beside it)")
    if not db.exists():
        fail(f"{db}: no such archive")
    return db


def open_archive(path: Path) -> Archive:
    """Open the archive or exit with one line naming it."""
    try:
        return Archive(path)
    except ArchiveError as exc:
        fail(str(exc))


def issue_date(value: str | None, config: Config) -> dt.date:
    """Return --date, else the config's date, else today."""
    if value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            fail(f"--date: expected YYYY-MM-DD, got {value!r}")
    return config.brief.date or dt.date.today()


def _set_level(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    """Record -v (counted, on the group and the command together) or -q, and configure logging."""
    if ctx.resilient_parsing or not value:
        return
    if param.name == "quiet":
        _LEVEL["quiet"] = True
    else:
        _LEVEL["verbose"] += int(value)
    configure_logging(progress, int(_LEVEL["verbose"]), bool(_LEVEL["quiet"]))


def verbosity(command: F) -> F:
    """Add -v/--verbose (repeatable: -vv for debug) and -q/--quiet to a command."""
    command = click.option("-q", "--quiet", is_flag=True, expose_value=False, callback=_set_level,
                           help="Only errors and results: no progress lines, no warnings.")(command)
    return click.option("-v", "--verbose", count=True, expose_value=False, callback=_set_level,
                        help="Log what happens: -v for each stage's decisions, -vv for every request.")(command)


CONFIG_OPTION = click.option("--config", "config_path", required=True, help="The brief's TOML config.")
DATE_OPTION = click.option("--date", "date_text", help="Issue date YYYY-MM-DD (default: [brief].date, else today).")
DB_OPTION = click.option("--db", "db_path", type=click.Path(dir_okay=False),
                         help="Archive file (default: beside the config).")


def _apply(command: F, options: tuple[Callable[[F], F], ...]) -> F:
    """Apply click options so that they show in the help in the order given."""
    for option in reversed(options):
        command = option(command)
    return command


def day_options(command: F) -> F:
    """Add what the commands working on one day share: --config, --date and --db."""
    return _apply(command, (CONFIG_OPTION, DATE_OPTION, DB_OPTION))


def run_options(out_help: str) -> Callable[[F], F]:
    """Add what `run` and `stories` share: --config, --date, --out, --db and --no-collect."""
    def decorate(command: F) -> F:
        """Apply the options, --config first in the help."""
        return _apply(command, (
            CONFIG_OPTION, DATE_OPTION,
            click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help=out_help),
            DB_OPTION, click.option("--no-collect", is_flag=True, help="Use the archive as it is; fetch nothing.")))
    return decorate
