"""Commands of the collect and extract stages: ingest, sources, extract."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import click

from dailybrief.cli.common import (
    day_options,
    default_db,
    fail,
    issue_date,
    open_archive,
    open_config,
    progress,
    verbosity,
)
from dailybrief.collect.downloads import Fetcher
from dailybrief.collect.report import health_table, problem_lines
from dailybrief.config import CollectSettings
from dailybrief.extract.article import NotExtractable, Page, extract_article, media_type
from dailybrief.models import Article


@click.command()
@verbosity
@day_options
def ingest(config_path: str, date_text: str | None, db_path: str | None) -> None:
    """Collect, extract and store every source.

    Prints a per-source table: items seen, new, unchanged, failed and why. What a run needs of
    each new article (tokens, signature, look-up keys) is computed now, once.
    """
    from dailybrief.collect.ingest import ingest as run_ingest  # noqa: PLC0415 - keeps `--help` fast
    from dailybrief.pipeline import index_articles  # noqa: PLC0415

    config = open_config(config_path)
    day = issue_date(date_text, config)
    with open_archive(Path(db_path) if db_path else default_db(config)) as archive:
        click.echo(f"ingesting {len(config.sources())} sources into {archive.path}", err=True)
        report = run_ingest(config, archive, day, progress)
        index_articles(config, archive, progress)
        click.echo(health_table(report.health))
        problems = problem_lines(report.health)
        if problems:
            click.echo("\nproblems:")
            for line in problems:
                click.echo(f"  {line}")
        click.echo(f"\n{report.new} new or updated articles; archive holds {archive.count('articles')}.")


@click.command()
@verbosity
@click.option("--config", "config_path", required=True, help="The brief's TOML config.")
@click.option("--db", "db_path", type=click.Path(dir_okay=False), help="Archive with past runs (optional).")
def sources(config_path: str, db_path: str | None) -> None:
    """Check every source: ok, silent or broken."""
    from dailybrief.collect.health import check_sources  # noqa: PLC0415

    config = open_config(config_path)
    db = Path(db_path) if db_path else default_db(config)
    archive = open_archive(db) if db.exists() else None
    try:
        rows, bad = asyncio.run(check_sources(config, archive))
    finally:
        if archive:
            archive.close()
    click.echo(rows)
    if bad:
        click.echo(f"\n{bad} source(s) broken or silent.")
        sys.exit(1)


def article_json(article: Article) -> dict[str, Any]:
    """Return the `extract` contract object for an article."""
    return {"title": article.title, "published": article.published.isoformat() if article.published else None,
            "publisher": article.publisher, "origin": article.origin, "text": article.text, "lang": article.lang}


class SourceError(Exception):
    """A file or URL that cannot be read or fetched; the message names it and says why."""


def read_page(target: str, url: str | None = None) -> Page:
    """Return the page a file holds, or an http(s) URL gives (fetched with the collector); raise SourceError."""
    if target.startswith(("http://", "https://")):
        async def get() -> Any:
            async with Fetcher(CollectSettings(robots=False)) as fetcher:
                # The URL given is the operator's choice (its own network may be private); redirects are not.
                return await (await fetcher.for_source(target)).fetch(target)
        fetched = asyncio.run(get())
        if fetched.error:
            raise SourceError(f"{target}: {fetched.error}")
        return Page(fetched.body, url or fetched.final_url, fetched.headers.get("content-type", ""))
    path = Path(target)
    try:
        body = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"{target}: {exc.strerror or exc}") from None
    return Page(body, url or path.resolve().as_uri(), media_type("", path.name))


def extract_one(target: str, url: str | None) -> dict[str, Any]:
    """Extract one file or URL; errors come back as {"error": ...}."""
    try:
        return article_json(extract_article(read_page(target, url)))
    except SourceError as exc:
        return {"error": str(exc)}
    except NotExtractable as exc:
        return {"error": f"{target}: {exc}"}
    except Exception as exc:  # noqa: BLE001 - batch mode promises one line per input
        return {"error": f"{target}: extraction failed: {type(exc).__name__}: {exc}"[:300]}


@click.command()
@verbosity
@click.argument("target", required=False)
@click.option("--url", help="The page's original URL (used for dates in the URL and links).")
@click.option("--batch", "batch", is_flag=False, flag_value="-", default=None,
              help='Read JSON lines {"path": ..., "url": ...} from stdin (--batch -); print one object per line.')
def extract(target: str | None, url: str | None, batch: str | None) -> None:
    """Extract one page (or a batch) as JSON.

    Prints {"title", "published", "publisher", "origin", "text", "lang"}.
    """
    if batch is not None:
        if batch != "-":
            fail("--batch reads from standard input: use --batch -")
        for number, line in enumerate(sys.stdin, 1):
            if not line.strip():
                continue
            try:
                job = json.loads(line)
                result = extract_one(str(job.get("path") or job.get("url")), job.get("url"))
            except (json.JSONDecodeError, AttributeError):
                result = {"error": f"line {number}: not a JSON object with a path"}
            click.echo(json.dumps(result, ensure_ascii=False))
            sys.stdout.flush()
        return
    if not target:
        fail("give a FILE or URL to extract, or --batch -")
    result = extract_one(target, url)
    click.echo(json.dumps(result, ensure_ascii=False))
    if "error" in result:
        sys.exit(1)
