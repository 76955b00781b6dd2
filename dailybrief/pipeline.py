"""The pipeline runner: the one place that reads the archive and writes output files."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from dailybrief.collect.ingest import IngestReport, Progress, ingest
from dailybrief.config import Config
from dailybrief.models import Article, Brief
from dailybrief.plugins.manager import plugin_manager
from dailybrief.render.briefjson import brief_to_json
from dailybrief.render.documents import render_html, render_markdown
from dailybrief.render.files import WriteFailed, write_atomic
from dailybrief.render.pdf import render_pdf
from dailybrief.store.archive import Archive
from dailybrief.store.features import FeatureRow
from dailybrief.stories.background import on_theme, probe, related_older, reprint_candidates
from dailybrief.stories.build import Prepared, StoriesResult, build_stories
from dailybrief.stories.features import (
    ArticleFeatures,
    body_length,
    compute_features,
    decode,
    encode,
    feature_key,
    home_of,
    query_keys,
    signature_bytes,
    stored_keys,
    theme_profile,
    with_lookup_terms,
)
from dailybrief.stories.furniture import core_text, furniture_rows, site_key
from dailybrief.stories.reprints import REPRINT_GAP
from dailybrief.stories.select import Frequencies, theme_tokens
from dailybrief.verify.verifier import Verdict
from dailybrief.write.compose import compose_brief
from dailybrief.write.style import Defect, lint

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from dailybrief.write.llm.report import LLMReport


class OutputError(Exception):
    """The output folder cannot be written; nothing was half-written."""


@dataclass
class StoriesRun:
    """What `dailybrief stories` did: the ingest report, the stories, and where they went."""

    ingest: IngestReport | None
    result: StoriesResult
    path: Path


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON through a temporary file and a rename, so a reader never sees half a file."""
    try:
        write_atomic(path, (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    except WriteFailed as exc:
        raise OutputError(f"{exc.where}: cannot write{' output' if exc.folder else ''}: {exc.reason}") from None


def ranking_weights(config: Config, archive: Archive) -> dict[str, float] | None:
    """Return the weights `rank --learn` fitted for this archive, unless the config says `[rank] learned = false`."""
    if not config.rank.learned:
        return None
    found = archive.learned_weights()
    return dict(found["weights"]) if found else None


INDEX_BATCH = 300  # articles whose features are computed and stored per transaction
RELATED_PER_ARTICLE = 3  # older articles kept per news article (background, main thread)
RELATED_PER_KEY = 20  # newest older articles read per look-up key


def current_features(config: Config, archive: Archive,
                      articles: Sequence[Article]) -> tuple[dict[str, str], dict[str, ArticleFeatures]]:
    """Return the articles' core texts and features: the stored ones when still current, else computed and stored."""
    profile = theme_profile(config.theme)
    levels = {s.name: s.level for s in config.sources()}
    sites = {a.url: site_key(a) for a in articles}
    furniture = archive.furniture(sites.values())
    cores = {a.url: core_text(a, furniture[sites[a.url]]) for a in articles}
    keys = {a.url: feature_key(a, cores[a.url], profile, home_of(a, levels)) for a in articles}
    stored = archive.stored_features([a.url for a in articles])
    features: dict[str, ArticleFeatures] = {}
    missing = []
    for a in articles:
        known = stored.get(a.url)
        if known is not None and (known.article_id, known.key) == (a.id, keys[a.url]):
            features[a.url] = decode(known.key, known.data, known.body_len, known.signature)
        else:
            missing.append(a)
    computed = {a.url: compute_features(a, cores[a.url], profile, home=home_of(a, levels), complete=True,
                                        key=keys[a.url]) for a in missing}
    if computed:
        documents, df = archive.document_frequencies({t for f in computed.values() for t in f.counts})
        frequencies = Frequencies(documents, df)
        computed = {url: with_lookup_terms(f, frequencies) for url, f in computed.items()}
        by_url = {a.url: a for a in missing}
        archive.save_features([FeatureRow(url, by_url[url].id, f.key, by_url[url].published, body_length(f),
                                          signature_bytes(f), list(f.counts), stored_keys(f), encode(f))
                               for url, f in computed.items()])
        features.update(computed)
    return cores, features


def index_articles(config: Config, archive: Archive, progress: Progress | None = None) -> int:
    """Compute and store the features of every article stored or changed since; return how many were computed.

    The daily ingest calls it after storing pages (and a run before reading), so each article's
    text is cut and hashed once; an archive from before features existed is caught up once.
    """
    done = 0
    seen: set[tuple[str, str]] = set()
    while True:
        batch = [a for a in archive.queued_articles(INDEX_BATCH) if (a.url, a.id) not in seen]
        if not batch:
            return done
        if progress and done == 0 and len(batch) == INDEX_BATCH:
            progress(f"indexing {archive.queued_count()} articles")
        archive.record_paragraphs(row for a in batch for row in furniture_rows(a))
        current_features(config, archive, batch)
        archive.dequeue_features([(a.url, a.id) for a in batch])
        seen.update((a.url, a.id) for a in batch)
        done += len(batch)


def story_pool(config: Config, archive: Archive, issue_date: dt.date) -> tuple[list[Article], Prepared]:
    """Read what the day's stories are built from: the window's articles and the older ones they relate to.

    The window's articles (and the pages without a date first stored in it) are read whole; older
    articles only when `stories.background` finds them related — reprint originals among the
    days just before the window, background through the look-up keys — so a year of history
    costs a few index look-ups, not a year of texts.
    """
    window = config.brief.window_days
    start = issue_date - dt.timedelta(days=window)
    horizon = start - dt.timedelta(days=config.select.background_days)
    news = archive.articles_between(start, issue_date)
    cores, features = current_features(config, archive, news)
    query = set(theme_tokens(config.theme))  # the same frequencies for the theme's terms in both reads
    documents, df = archive.document_frequencies(query | {t for f in features.values() for t in f.counts})
    frequencies = Frequencies(documents, df)
    relevant, relevance = on_theme(news, features, config.theme, frequencies, config.select)
    margin = max(horizon, start - dt.timedelta(days=REPRINT_GAP))
    older = reprint_candidates([probe(a, features[a.url]) for a in relevant],
                               archive.neighbours_between(margin, start), max_gap=REPRINT_GAP)
    idf = frequencies.idf()
    keys = {a.url: query_keys(features[a.url], frequencies, idf) for a in relevant}
    found = archive.keyed_articles({k for ks in keys.values() for k in ks}, horizon, start, RELATED_PER_KEY)
    older |= related_older(keys, found, per_article=RELATED_PER_ARTICLE)
    background = [a for a in archive.articles_at(sorted(older)) if a.published and horizon <= a.published < start]
    more_cores, more = current_features(config, archive, background)
    cores.update(more_cores)
    features.update(more)
    documents, df = archive.document_frequencies(query | {t for f in features.values() for t in f.counts})
    # Pages without a date stored in the window, by the issue date or by the clock (a run for an earlier day).
    today = dt.datetime.now(dt.UTC).date()
    undated = archive.undated_between((start, issue_date), (today - dt.timedelta(days=window), today))
    logger.info("%d articles in the window (%d about the theme), %d older ones related, %d undated", len(news),
                len(relevant), len(background), len(undated))
    return [*news, *background, *undated], Prepared(cores, features, Frequencies(documents, df), relevance)


def run_stories(config: Config, archive: Archive, issue_date: dt.date, out: Path, progress: Progress,
                *, collect: bool = True) -> StoriesRun:
    """Ingest (unless told not to), build the day's stories and write `out/stories.json`."""
    report = ingest(config, archive, issue_date, progress) if collect else None
    index_articles(config, archive, progress)
    earlier = archive.earlier_sections(issue_date)
    pool, prepared = story_pool(config, archive, issue_date)
    result = build_stories(pool, config, issue_date, earlier, ranking_weights(config, archive), prepared=prepared)
    payload = [s.to_json() for s in result.stories]
    path = out / "stories.json"
    write_json_atomic(path, payload)
    archive.save_stories(issue_date, [{**s.to_json(), "doc_titles": s.doc_titles, "numbers": s.numbers}
                                      for s in result.stories])
    return StoriesRun(ingest=report, result=result, path=path)


class NoNewsError(Exception):
    """No usable article for the day: nothing is written."""


@dataclass
class BriefRun:
    """What `dailybrief run` did and wrote."""

    ingest: IngestReport | None
    stories: StoriesResult
    brief: Brief
    verdicts: list[Verdict]
    files: list[Path]
    missing_glyphs: set[str]
    llm: LLMReport | None = None  # what the LLM writer did, when it ran
    style: list[Defect] = field(default_factory=list)  # what `dailybrief lint` would mark


def _no_news_message(result: StoriesResult, issue_date: dt.date, window_days: int) -> str:
    """Explain in one line why there is nothing to write."""
    start = issue_date - dt.timedelta(days=window_days)
    background = sum(1 for s in result.stories if s.background)
    passing = sum(1 for s in result.stories if s.gated and not s.background)
    return (f"no usable article for {issue_date}: no article dated {start}..{issue_date} is about the theme "
            f"({len(result.off_theme)} off-theme, {passing} mentioning it only in passing, {background} older "
            f"on-theme, {len(result.undated)} undated)")


def write_outputs(out: Path, files: dict[str, bytes]) -> list[Path]:
    """Write every output through temporary files, then rename them all, so no half-written set remains."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{out}: cannot create output folder: {exc.strerror}") from None
    staged: list[tuple[Path, Path]] = []
    mode = 0o666 & ~_umask()
    blocked = [name for name in files if (out / name).is_dir()]
    if blocked:
        raise OutputError(f"{out / blocked[0]}: cannot write output: a folder is in the way")
    try:
        for name, data in files.items():
            fd, temp_name = tempfile.mkstemp(prefix=f".{name}.", dir=out)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            Path(temp_name).chmod(mode)
            staged.append((Path(temp_name), out / name))
    except OSError as exc:
        for temp, _final in staged:
            temp.unlink(missing_ok=True)
        raise OutputError(f"{out}: cannot write output: {exc.strerror}") from None
    try:
        for temp, final in staged:
            temp.replace(final)
    except OSError as exc:
        for temp, _final in staged:
            temp.unlink(missing_ok=True)
        raise OutputError(f"{out}: cannot write output: {exc.strerror}") from None
    return [final for _temp, final in staged]


def _umask() -> int:
    """Return the process umask (read by setting and restoring it)."""
    current = os.umask(0)
    os.umask(current)
    return current


def run_brief(config: Config, archive: Archive | str | Path, issue_date: dt.date, out: str | Path,
              progress: Progress | None = None, *, collect: bool = True,
              writer: Literal["extractive", "llm"] = "extractive") -> BriefRun:
    """Run the whole pipeline and write brief.json, stories.json, brief.md, brief.html and brief.pdf into `out`.

    `archive` is an open `Archive` or the path of one (opened and closed here). `writer="llm"`
    writes the prose with the [llm] model (dailybrief.write.llm.writer), extractive where it
    cannot. Raises NoNewsError when there is nothing to write, OutputError when `out` cannot be
    written, ArchiveError for an unusable archive file.
    """
    if not isinstance(archive, Archive):
        with Archive(archive) as opened:
            return run_brief(config, opened, issue_date, out, progress, collect=collect, writer=writer)
    out = Path(out)
    progress = progress or (lambda _line: None)
    report = ingest(config, archive, issue_date, progress) if collect else None
    index_articles(config, archive, progress)
    progress("ranking stories")
    pool, prepared = story_pool(config, archive, issue_date)
    result = build_stories(pool, config, issue_date, archive.earlier_sections(issue_date),
                           ranking_weights(config, archive), prepared=prepared)
    if not any(s.selected for s in result.stories):
        raise NoNewsError(_no_news_message(result, issue_date, config.brief.window_days))
    progress("writing and verifying the brief")
    llm_report: LLMReport | None = None
    if writer == "llm":
        from dailybrief.write.llm.writer import write_brief  # noqa: PLC0415 - only when the LLM writer runs

        brief, verdicts, llm_report = write_brief(result.stories, config, issue_date, archive, progress)
    else:
        brief, verdicts = compose_brief(result.stories, config, issue_date)
    if not brief.sections:
        raise NoNewsError(f"no usable article for {issue_date}: no selected story has a sentence to publish")
    progress("rendering Markdown, HTML and PDF")
    pdf, missing = render_pdf(brief)
    payload = {
        "brief.json": _json_bytes(brief_to_json(brief, llm_report.record() if llm_report else None)),
        "stories.json": _json_bytes([s.to_json() for s in result.stories]),
        "brief.md": render_markdown(brief).encode("utf-8"),
        "brief.html": render_html(brief).encode("utf-8"),
        "brief.pdf": pdf,
    }
    files = write_outputs(out, payload)
    logger.info("wrote %s into %s", ", ".join(payload), out)
    archive.save_stories(issue_date, [{**s.to_json(), "doc_titles": s.doc_titles, "numbers": s.numbers}
                                      for s in result.stories])
    archive.save_verdicts(issue_date, [(v.where, v.text, v.status, list(v.missing), [c.to_json() for c in v.claims])
                                       for v in verdicts])
    plugin_manager().hook.dailybrief_brief_written(archive=archive, config=config, brief=brief,
                                                  stories=result.stories,
                                                  llm=llm_report.record() if llm_report else None)
    return BriefRun(ingest=report, stories=result, brief=brief, verdicts=verdicts, files=files,
                    missing_glyphs=missing, llm=llm_report, style=lint(brief, budget=config.brief.section_chars))


def _json_bytes(data: Any) -> bytes:
    """Serialise JSON readably, UTF-8, with a final newline."""
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
