"""The `dailybrief` command: a thin click layer over the library."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sys
from importlib import resources
from pathlib import Path
from typing import Any, Literal, NoReturn

import click

from dailybrief import __version__
from dailybrief.cli.progress import TerminalProgress
from dailybrief.collect.downloads import Fetcher
from dailybrief.collect.report import health_table, problem_lines
from dailybrief.config import CollectSettings, Config, ConfigError, load_config
from dailybrief.extract.article import NotExtractable, Page, extract_article, media_type
from dailybrief.models import Article
from dailybrief.store.archive import Archive, ArchiveError


def fail(message: str, code: int = 2) -> NoReturn:
    """Print one clear error line and exit."""
    click.echo(f"dailybrief: error: {message}", err=True)
    sys.exit(code)


progress = TerminalProgress()


def open_config(path: str) -> Config:
    """Load a config or exit with its one-line error."""
    try:
        return load_config(path)
    except ConfigError as exc:
        fail(str(exc))


def default_db(config: Config) -> Path:
    """Return the archive beside the config file: one archive per deployment."""
    return (config.path.parent if config.path else Path.cwd()) / "dailybrief.db"


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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dailybrief")
def cli() -> None:
    """Turn each day's news and policy pages into a verified, cited daily brief."""


@cli.command()
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


@cli.command()
@click.option("--config", "config_path", required=True, help="The brief's TOML config.")
@click.option("--date", "date_text", help="Issue date YYYY-MM-DD (default: [brief].date, else today).")
@click.option("--db", "db_path", type=click.Path(dir_okay=False), help="Archive file (default: beside the config).")
def ingest(config_path: str, date_text: str | None, db_path: str | None) -> None:
    """Collect, extract and store every source.

    Prints a per-source table: items seen, new, unchanged, failed and why.
    """
    from dailybrief.collect.ingest import ingest as run_ingest  # noqa: PLC0415 - keeps `--help` fast

    config = open_config(config_path)
    day = issue_date(date_text, config)
    with open_archive(Path(db_path) if db_path else default_db(config)) as archive:
        click.echo(f"ingesting {len(config.sources())} sources into {archive.path}", err=True)
        report = run_ingest(config, archive, day, progress)
        click.echo(health_table(report.health))
        problems = problem_lines(report.health)
        if problems:
            click.echo("\nproblems:")
            for line in problems:
                click.echo(f"  {line}")
        click.echo(f"\n{report.new} new or updated articles; archive holds {archive.count('articles')}.")


@cli.command()
@click.option("--config", "config_path", required=True, help="The brief's TOML config.")
@click.option("--date", "date_text", help="Issue date YYYY-MM-DD (default: [brief].date, else today).")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Folder for the outputs.")
@click.option("--db", "db_path", type=click.Path(dir_okay=False), help="Archive file (default: beside the config).")
@click.option("--no-collect", is_flag=True, help="Use the archive as it is; fetch nothing.")
@click.option("--writer", type=click.Choice(["llm", "extractive"]), default=None,
              help="Who writes the prose (default: llm when the config has an [llm] table, else extractive).")
@click.option("--llm-url", help="Set [llm] base_url, e.g. http://127.0.0.1:8080/v1 (the config stays untouched).")
@click.option("--llm-model", help="Set [llm] model.")
@click.option("--llm-key-env", metavar="NAME",
              help="Set [llm] api_key_env: the NAME of the environment variable holding the API key (never the key).")
def run(config_path: str, date_text: str | None, out_dir: str, db_path: str | None, no_collect: bool, *,
        writer: str | None, llm_url: str | None, llm_model: str | None, llm_key_env: str | None) -> None:
    """Run the whole pipeline and write the brief.

    Writes brief.json, stories.json, brief.md, brief.html and brief.pdf into --out.
    """
    from dailybrief.pipeline import NoNewsError, OutputError, run_brief  # noqa: PLC0415
    from dailybrief.render.pdf import PdfError  # noqa: PLC0415
    from dailybrief.write.llm.client import with_llm  # noqa: PLC0415

    try:
        config = with_llm(open_config(config_path), llm_url, llm_model, llm_key_env)
    except ConfigError as exc:
        fail(str(exc))
    day = issue_date(date_text, config)
    out = Path(out_dir)
    chosen: Literal["llm", "extractive"] = "llm" if (writer or ("llm" if config.llm else "")) == "llm" else "extractive"
    if chosen == "llm" and config.llm is None:
        fail(f"{config_path}: --writer llm needs an [llm] table (base_url, model …) or --llm-url and --llm-model")
    with open_archive(Path(db_path) if db_path else default_db(config)) as archive:
        click.echo(f"dailybrief {day}: {len(config.sources())} sources → {out}", err=True)
        try:
            result = run_brief(config, archive, day, out, progress, collect=not no_collect, writer=chosen)
        except (NoNewsError, OutputError, PdfError) as exc:
            fail(str(exc), code=1)
    if result.ingest:
        click.echo(health_table(result.ingest.health), err=True)
        for line in problem_lines(result.ingest.health):
            click.echo(f"  {line}", err=True)
    for article in result.stories.undated:
        click.echo(f"left out (no publication date): {article.url}", err=True)
    if result.missing_glyphs:
        click.echo(f"PDF: no font has {''.join(sorted(result.missing_glyphs))!r}; printed as 〓", err=True)
    v = result.brief.verification
    click.echo(f"{len(result.brief.sections)} sections, {len(result.brief.references)} references; "
               f"verified {v.checked} of {v.sentences} sentences: {v.replaced} replaced, {v.dropped} dropped")
    for path in result.files:
        click.echo(f"  {path.resolve()}")
    if result.llm is not None:
        for note in result.llm.notes:
            click.echo(f"dailybrief: llm: {note}", err=True)
        click.echo(result.llm.line())


@cli.command()
@click.argument("brief_path", type=click.Path(dir_okay=False))
@click.option("--db", "db_path", type=click.Path(dir_okay=False), help="Archive (default: dailybrief.db beside it).")
def verify(brief_path: str, db_path: str | None) -> None:
    """Re-check a brief.json against the archived articles it cites."""
    from dailybrief.render.briefjson import BriefFormatError, brief_from_json  # noqa: PLC0415
    from dailybrief.verify.evidence import evidence_map  # noqa: PLC0415
    from dailybrief.verify.verifier import verify_brief  # noqa: PLC0415

    path = Path(brief_path)
    try:
        brief = brief_from_json(json.loads(path.read_text(encoding="utf-8")))
    except OSError as exc:
        fail(f"{path}: cannot read: {exc.strerror}")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        fail(f"{path}: not JSON: {exc}")
    except BriefFormatError as exc:
        fail(f"{path}: {exc}")
    db = Path(db_path) if db_path else next((p for p in (path.parent / "dailybrief.db", path.parent.parent /
                                                          "dailybrief.db", Path("dailybrief.db")) if p.exists()), None)
    if db is None or not db.exists():
        fail(f"no archive found beside {path}; give --db PATH")
    with open_archive(db) as archive:
        evidence = evidence_map(((r.id, r.url) for r in brief.references), archive.article_by_url)
    for ref in brief.references:
        if ref.id not in evidence:
            click.echo(f"{ref.id}: {ref.url} is not in the archive {db}", err=True)
    _checked, verdicts = verify_brief(brief, evidence, repair=False)
    bad = [v for v in verdicts if v.status == "unsupported"]
    for verdict in bad:
        click.echo(f"{verdict.where}: {verdict.text}")
        click.echo(f"    unsupported: {', '.join(verdict.missing)}")
    checked = sum(1 for v in verdicts if v.status != "unchecked")
    click.echo(f"{len(bad)} unsupported of {checked} checked sentences in {path}")
    sys.exit(1 if bad else 0)


@cli.command()
@click.option("--config", "config_path", required=True, help="The brief's TOML config.")
@click.option("--date", "date_text", help="Issue date YYYY-MM-DD (default: [brief].date, else today).")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Folder for stories.json.")
@click.option("--db", "db_path", type=click.Path(dir_okay=False), help="Archive file (default: beside the config).")
@click.option("--no-collect", is_flag=True, help="Use the archive as it is; fetch nothing.")
def stories(config_path: str, date_text: str | None, out_dir: str, db_path: str | None, no_collect: bool) -> None:
    """Ingest, then rank the day's stories into stories.json."""
    from dailybrief.pipeline import OutputError, run_stories  # noqa: PLC0415

    config = open_config(config_path)
    day = issue_date(date_text, config)
    with open_archive(Path(db_path) if db_path else default_db(config)) as archive:
        try:
            run = run_stories(config, archive, day, Path(out_dir), progress, collect=not no_collect)
        except OutputError as exc:
            fail(str(exc))
    if run.ingest:
        click.echo(health_table(run.ingest.health), err=True)
    for article in run.result.undated:
        click.echo(f"left out (no publication date): {article.url}", err=True)
    news = [s for s in run.result.stories if not s.background]
    click.echo(f"{len(news)} stories ({sum(s.selected for s in news)} selected), "
               f"{len(run.result.stories) - len(news)} background, {len(run.result.off_theme)} off-theme articles")
    for story in news:
        mark = "*" if story.selected else " "
        click.echo(f" {mark}{story.rank:>3}  {story.score:.3f}  {story.primary.title[:40]}  — {story.why}")
    click.echo(f"wrote {run.path.resolve()}")


@cli.command()
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


def extract_one(target: str, url: str | None) -> dict[str, Any]:
    """Extract one file or URL; errors come back as {"error": ...}."""
    if target.startswith(("http://", "https://")):
        async def get() -> Any:
            async with Fetcher(CollectSettings(robots=False)) as fetcher:
                return await fetcher.fetch(target)
        fetched = asyncio.run(get())
        if fetched.error:
            return {"error": f"{target}: {fetched.error}"}
        page = Page(fetched.body, url or fetched.final_url, fetched.headers.get("content-type", ""))
    else:
        path = Path(target)
        try:
            body = path.read_bytes()
        except OSError as exc:
            return {"error": f"{target}: {exc.strerror or exc}"}
        page = Page(body, url or path.resolve().as_uri(), media_type("", path.name))
    try:
        return article_json(extract_article(page))
    except NotExtractable as exc:
        return {"error": f"{target}: {exc}"}
    except Exception as exc:  # noqa: BLE001 - batch mode promises one line per input
        return {"error": f"{target}: extraction failed: {type(exc).__name__}: {exc}"[:300]}


@cli.command()
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


@cli.command()
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


@cli.command()
@click.option("--db", "db_path", default="dailybrief.db", show_default=True, type=click.Path(dir_okay=False),
              help="Archive file.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback unless told).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False),
              help="Folder for approved briefs' files (default: published/ beside the archive).")
@click.option("--login-to-read", is_flag=True, help="Require a login to read too (always so off loopback).")
def serve(db_path: str, host: str, port: int, out_dir: str | None, login_to_read: bool) -> None:
    """Serve the editor web app (review, edit, approve) over an archive."""
    from dailybrief.web.serve import serve as run_server  # noqa: PLC0415

    db = Path(db_path)
    if not db.exists():
        fail(f"{db}: no such archive (run `dailybrief run` first, or give --db PATH)")
    out = Path(out_dir) if out_dir else None
    try:
        run_server(db, host, port, out=out, login_to_read=login_to_read, echo=lambda line: click.echo(line, err=True))
    except ArchiveError as exc:
        fail(str(exc))


@cli.group()
def user() -> None:
    """Manage the editor web app's users."""


@user.command("add")
@click.argument("name")
@click.option("--db", "db_path", default="dailybrief.db", show_default=True, type=click.Path(dir_okay=False),
              help="Archive file.")
@click.password_option("--password", help="The password (prompted for, hidden, when not given).")
def user_add(name: str, db_path: str, password: str) -> None:
    """Add an editor (or reset a password).

    The password is prompted for twice, hidden, and stored only as an Argon2id hash.
    """
    from dailybrief.web.serve import UserError, add_user  # noqa: PLC0415

    try:
        new = add_user(Path(db_path), name, password)
    except (UserError, ArchiveError) as exc:
        fail(str(exc))
    click.echo(f"{'added user' if new else 'new password for'} {name} in {db_path}")


def main() -> None:
    """Entry point for the console script."""
    cli()
