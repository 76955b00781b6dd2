"""Commands that build and check briefs: run, stories, verify."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import click

from dailybrief.cli.common import (
    default_db,
    fail,
    issue_date,
    open_archive,
    open_config,
    progress,
    run_options,
    verbosity,
)
from dailybrief.collect.report import health_table, problem_lines
from dailybrief.config import ConfigError

if TYPE_CHECKING:
    from dailybrief.models import Brief
    from dailybrief.pipeline import BriefRun


@click.command()
@verbosity
@run_options("Folder for the outputs.")
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
    report_run(result)


def report_run(result: BriefRun) -> None:
    """Print what a run did: source health, left-out articles, the brief's counts, the files, the LLM's use."""
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
    n = len(result.style)
    click.echo(f"style: {n} defect{'s' if n != 1 else ''}" + (f" (dailybrief lint {result.files[0]})" if n else ""))
    if result.llm is not None:
        for note in result.llm.notes:
            click.echo(f"dailybrief: llm: {note}", err=True)
        click.echo(result.llm.line())


@click.command()
@verbosity
@run_options("Folder for stories.json.")
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


def read_brief(path: Path) -> Brief:
    """Read a brief.json; a file that cannot be read or is not a brief ends the command with one line."""
    from dailybrief.render.briefjson import BriefFormatError, brief_from_json  # noqa: PLC0415

    try:
        return brief_from_json(json.loads(path.read_text(encoding="utf-8")))
    except OSError as exc:
        fail(f"{path}: cannot read: {exc.strerror}")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        fail(f"{path}: not JSON: {exc}")
    except BriefFormatError as exc:
        fail(f"{path}: {exc}")


@click.command()
@verbosity
@click.argument("brief_path", type=click.Path(dir_okay=False))
@click.option("--db", "db_path", type=click.Path(dir_okay=False), help="Archive (default: dailybrief.db beside it).")
def verify(brief_path: str, db_path: str | None) -> None:
    """Re-check a brief.json against the archived articles it cites."""
    from dailybrief.verify.evidence import evidence_map  # noqa: PLC0415
    from dailybrief.verify.verifier import verify_brief  # noqa: PLC0415

    path = Path(brief_path)
    brief = read_brief(path)
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


@click.command()
@verbosity
@click.argument("brief_path", type=click.Path(dir_okay=False))
@click.option("--budget", type=click.IntRange(50, 10_000), default=None,
              help="Characters of fact sentences a section may use (default: --config's section_chars, else 600).")
@click.option("--config", "config_path", default=None, help="The brief's TOML config, for its [brief] section_chars.")
def lint(brief_path: str, budget: int | None, config_path: str | None) -> None:
    """Print each style defect of a brief.json; exit 1 when any.

    Near-duplicates, title-only sentences, 《》 around non-documents, repeated heading phrases,
    headings over 32 characters, sections over budget, uncited interpretations, repeated thread links.
    """
    from dailybrief.write.style import lint as style_defects  # noqa: PLC0415

    path = Path(brief_path)
    brief = read_brief(path)
    if budget is None and config_path:
        budget = open_config(config_path).brief.section_chars
    defects = style_defects(brief, budget=budget or 600)
    for defect in defects:
        click.echo(defect.line())
    click.echo(f"{len(defects)} style defect{'s' if len(defects) != 1 else ''} in {path}")
    sys.exit(1 if defects else 0)
