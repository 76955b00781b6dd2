"""Delivery: publish (a brief folder to its channels) and daily (run + publish, once at a time)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from dailybrief.cli.brief import report_run
from dailybrief.cli.common import (
    DB_OPTION,
    day_options,
    default_db,
    fail,
    issue_date,
    open_archive,
    open_config,
    progress,
    verbosity,
)

if TYPE_CHECKING:
    from dailybrief.publish.runner import DeliveryReport

EXIT_BUSY = 75  # EX_TEMPFAIL: another daily job holds the lock; try again later


def delivery_table(report: DeliveryReport) -> str:
    """Return one row per channel: name, type, status, attempts, bytes, seconds and what happened."""
    rows = [("channel", "type", "status", "tries", "bytes", "time", "detail")]
    rows += [(r.name, r.type, r.status, str(r.attempts), str(r.bytes), f"{r.seconds:.1f}s", r.detail)
             for r in report.results]
    widths = [max(len(row[i]) for row in rows) for i in range(6)]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row[:6], widths, strict=True)) + "  " + row[6]
                     for row in rows)


@click.command()
@verbosity
@click.option("--config", "config_path", required=True, help="The brief's TOML config (its [[publish]] channels).")
@click.option("--brief", "brief_dir", required=True, type=click.Path(file_okay=False),
              help="The folder `dailybrief run --out` wrote (brief.json, brief.pdf …).")
@click.option("--channel", "names", multiple=True, metavar="NAME", help="Only this channel (repeatable).")
@DB_OPTION
@click.option("--force", is_flag=True, help="Send again to channels that already have this brief.")
@click.option("--dry-run", is_flag=True, help="Send nothing: write what would be sent into DIR/outbox/.")
def publish(config_path: str, brief_dir: str, names: tuple[str, ...], db_path: str | None, *, force: bool,
            dry_run: bool) -> None:
    """Deliver a brief to its channels, once each.

    Every delivery is recorded in the archive; a channel that already has the brief is
    skipped (unless --force); a failing channel is retried with backoff while the others
    still go. Exit 0 when every channel has the brief, 1 when any failed.
    """
    from dailybrief.publish.package import NoBriefError, load_package  # noqa: PLC0415 - keeps `--help` fast
    from dailybrief.publish.runner import PublishConfigError, build_channels, deliver  # noqa: PLC0415

    config = open_config(config_path)
    try:
        package = load_package(brief_dir)
        channels = build_channels(config, names)
    except (NoBriefError, PublishConfigError) as exc:
        fail(str(exc))
    with open_archive(Path(db_path) if db_path else default_db(config)) as archive:
        report = deliver(config, archive, package, channels, force=force, dry_run=dry_run, progress=progress)
    click.echo(delivery_table(report))
    sys.exit(0 if report.ok else 1)


@click.command()
@verbosity
@day_options
def daily(config_path: str, date_text: str | None, db_path: str | None) -> None:
    """Every morning: run, then deliver the brief.

    The pipeline writes the brief into [schedule].out/DATE/. With [schedule] publish = "auto" it is delivered
    to every channel at once; with "after_approval" it waits as a draft in the editor app
    (dailybrief serve) until an editor publishes it. Only one daily job runs at a time: a
    second start exits (code 75) saying the first is running.
    """
    from dailybrief.pipeline import NoNewsError, OutputError, run_brief  # noqa: PLC0415
    from dailybrief.publish.lock import Busy, RunLock  # noqa: PLC0415
    from dailybrief.publish.package import NoBriefError, load_package  # noqa: PLC0415
    from dailybrief.publish.runner import PublishConfigError, build_channels, deliver  # noqa: PLC0415
    from dailybrief.render.pdf import PdfError  # noqa: PLC0415

    config = open_config(config_path)
    day = issue_date(date_text, config)
    db = Path(db_path) if db_path else default_db(config)
    out = config.resolve(config.schedule.out) / day.isoformat()
    auto = config.schedule.publish == "auto"
    try:
        channels = build_channels(config) if config.publish else []  # checked now, even when an editor publishes
    except PublishConfigError as exc:
        fail(str(exc))
    try:
        with RunLock(db.with_name(db.name + ".lock")), open_archive(db) as archive:
            click.echo(f"dailybrief daily {day}: {len(config.sources())} sources → {out}", err=True)
            try:
                result = run_brief(config, archive, day, out, progress, writer="llm" if config.llm else "extractive")
            except (NoNewsError, OutputError, PdfError) as exc:
                fail(str(exc), code=1)
            report_run(result)
            if not auto:
                click.echo(f"waiting for an editor: publish it in the editor app (dailybrief serve --db {db})")
                return
            if not channels:
                click.echo("no [[publish]] channel is configured: the brief stays in its folder")
                return
            try:
                package = load_package(out)
            except NoBriefError as exc:
                fail(str(exc), code=1)
            report = deliver(config, archive, package, channels, progress=progress)
    except Busy as exc:
        click.echo(f"dailybrief: {exc}; this one exits without doing anything", err=True)
        sys.exit(EXIT_BUSY)
    click.echo(delivery_table(report))
    sys.exit(0 if report.ok else 1)
