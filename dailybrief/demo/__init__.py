"""`dailybrief demo`: the bundled demo site, served on loopback, through the pipeline."""

from __future__ import annotations

import datetime as dt
import shutil
from importlib import resources
from pathlib import Path

import click

from dailybrief.collect.ingest import Progress, ingest
from dailybrief.collect.report import health_table
from dailybrief.config import load_config
from dailybrief.demo.siteserver import SiteServer
from dailybrief.pipeline import run_brief
from dailybrief.store.archive import Archive


def demo_root() -> Path:
    """Return the folder of the bundled demo (site/, local/, config.toml)."""
    return Path(str(resources.files("dailybrief.demo")))


def prepare(out: Path, server: SiteServer) -> Path:
    """Write the demo config (with the server's address) and its local folder into `out`."""
    root = demo_root()
    out.mkdir(parents=True, exist_ok=True)
    config_path = out / "config.toml"
    config_path.write_text(server.substitute((root / "config.toml").read_text(encoding="utf-8")), encoding="utf-8")
    local = out / "local"
    if local.exists():
        shutil.rmtree(local)
    shutil.copytree(root / "local", local)
    return config_path


def run_demo(out: Path, progress: Progress) -> None:
    """Serve the demo site, ingest it into a fresh `out/dailybrief.db`, print the source table, write the brief.

    The site's port changes from run to run, and with it every URL, so the demo starts a
    new archive each time; it ingests twice to show that a re-run adds nothing.
    """
    with SiteServer(demo_root() / "site") as server:
        click.echo(f"demo site served at {server.base_url}", err=True)
        config_path = prepare(out, server)
        config = load_config(config_path)
        db = out / "dailybrief.db"
        for stale in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
            stale.unlink(missing_ok=True)
        day = config.brief.date or dt.date.today()
        with Archive(db) as archive:
            report = ingest(config, archive, day, progress)
            click.echo(health_table(report.health))
            again = ingest(config, archive, day)
            unchanged = sum(h.unchanged for h in again.health)
            click.echo(f"\nsame day again: {again.new} new, {unchanged} unchanged (nothing is stored twice)")
            click.echo(f"{archive.count('articles')} articles archived in {archive.path.resolve()}")
            run = run_brief(config, archive, day, out, progress, collect=False)
        v = run.brief.verification
        click.echo(f"\nbrief for {day}: {len(run.brief.sections)} sections, {len(run.brief.references)} references, "
                   f"{v.checked} sentences with facts verified ({v.replaced} replaced, {v.dropped} dropped)")
        for path in run.files:
            click.echo(f"  {path.resolve()}")
        click.echo(f"style: {len(run.style)} defect{'s' if len(run.style) != 1 else ''} (dailybrief lint)")
        click.echo(f"\nopen the brief: {(out / 'brief.pdf').resolve()}")
