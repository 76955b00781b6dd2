"""`dailybrief prune`: keep an archive that grows for years small, without losing anything a brief needs."""

from __future__ import annotations

import datetime as dt

import click

from dailybrief.cli.common import DB_OPTION, existing_archive, open_archive, verbosity


def _size(count: int) -> str:
    """Say a number of bytes in MB (two decimals below 10 MB)."""
    mb = count / 1e6
    return f"{mb:.2f} MB" if mb < 10 else f"{mb:,.0f} MB"


@click.command()
@verbosity
@click.option("--keep-raw-days", "keep_days", type=click.IntRange(min=0), required=True,
              help="Keep the raw pages fetched in the last N days; drop the bodies of older ones.")
@click.option("--vacuum", is_flag=True,
              help="Then rewrite the file so the space goes back to the disk (needs that much free space meanwhile).")
@click.option("--config", "config_path", help="The brief's config (the archive beside it).")
@DB_OPTION
def prune(keep_days: int, vacuum: bool, config_path: str | None, db_path: str | None) -> None:
    """Drop raw fetch bodies older than N days.

    Articles, briefs, stories and verdicts stay, so `dailybrief verify` still checks old briefs;
    each page's validators and body hash stay, so the next fetch is still conditional (or a full
    fetch, which stores the body again). Safe while `serve` or a run reads the archive: bodies
    are dropped a few hundred at a time, and readers keep their snapshot during --vacuum.
    """
    db = existing_archive(config_path, db_path)
    with open_archive(db) as archive:
        size_before = archive.file_bytes()
        cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(days=keep_days)
        pruned = archive.prune_bodies(cutoff)
        kept, kept_bytes = archive.raw_bytes()
        click.echo(f"dropped the raw bodies of {pruned.rows} fetches made before {cutoff:%Y-%m-%d %H:%M} UTC "
                   f"({_size(pruned.bytes)} compressed); kept {kept} ({_size(kept_bytes)})")
        click.echo(f"articles ({archive.count('articles')}), briefs, stories and verdicts are unchanged")
        if not vacuum:
            click.echo(f"file: {_size(size_before)} (the freed pages are reused; --vacuum gives them back to the disk)")
            return
        shrunk = archive.vacuum()
        size_after = archive.file_bytes()
    click.echo(f"file: {_size(size_before)} → {_size(size_after)}" +
               ("" if shrunk else " (a reader is still open: the file shrinks at its next checkpoint)"))
