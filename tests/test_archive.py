"""An archive that grows for years at constant daily cost: what a run reads, features computed once, indexes.

Articles are the stories tests' standard day (storyfixtures.py) plus a year of unrelated history and
three older pages that relate to the news (archivefixtures.py), stored in a real SQLite archive as the
collector stores them; runs are the real pipeline (`run_stories`, `run_brief`) without collecting.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import archivefixtures as ax
import pytest
import storyfixtures as fx
from faulty_server import FaultyServer, page
from test_ingest_failures import chinese_page, feed, feed_source
from test_ingest_failures import run as ingest_run

from dailybrief import pipeline
from dailybrief.config import Config, parse_config
from dailybrief.models import Article
from dailybrief.store.archive import Archive
from dailybrief.store.schema import MIGRATIONS, apply_migrations
from dailybrief.stories import features as features_module
from dailybrief.stories.build import StoriesResult, build_stories
from dailybrief.web.search import search
from dailybrief.web.store import WebStore

HISTORY = 300  # unrelated items over the year before the window
WINDOW_START = fx.ISSUE - dt.timedelta(days=fx.WINDOW)


def related() -> list[Article]:
    """Return the older pages built to relate to the news day."""
    return [ax.named_document(), ax.early_copy(), ax.lab_original()]


def news() -> list[Article]:
    """Return the standard day plus the reprint of the page just before the window."""
    return [*fx.day_articles().values(), ax.lab_reprint()]


def history() -> list[Article]:
    """Return a year of unrelated items before the window."""
    return ax.history(HISTORY, WINDOW_START - dt.timedelta(days=365), WINDOW_START - dt.timedelta(days=1))


def store(path: Path, articles: Sequence[Article], config: Config | None = None) -> Archive:
    """Open an archive, store articles as the collector does and compute their features as ingest does."""
    archive = Archive(path)
    for a in articles:
        archive.save_article(fx.fetch_for(a), a)
    pipeline.index_articles(config or fx.make_config(), archive)
    return archive


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[set[str]]:
    """Record the URL of every article a run reads from the archive (reading all of them fails the test)."""
    seen: set[str] = set()
    for name in ("articles_between", "articles_at", "undated_between"):
        original = getattr(Archive, name)

        def recording(self: Archive, *args: Any, _original: Any = original, **kwargs: Any) -> list[Article]:
            found: list[Article] = _original(self, *args, **kwargs)
            seen.update(a.url for a in found)
            return found

        monkeypatch.setattr(Archive, name, recording)

    def everything(self: Archive, *args: Any, **kwargs: Any) -> list[Article]:
        raise AssertionError("a run read every article")

    monkeypatch.setattr(Archive, "articles", everything)
    yield seen


def run(archive: Archive, config: Config, out: Path) -> StoriesResult:
    """Run the stories stage from the archive (nothing collected)."""
    return pipeline.run_stories(config, archive, fx.ISSUE, out, lambda _line: None, collect=False).result


def story_with(result: StoriesResult, url: str) -> Any:
    """Return the story holding an article."""
    found = [s for s in result.stories if url in {a.url for a in s.articles}]
    assert len(found) == 1, url
    return found[0]


# ------------------------------------------------------------------ what a run reads


def test_a_run_reads_the_window_and_only_the_older_articles_its_news_relates_to(tmp_path: Path,
                                                                                 reads: set[str]) -> None:
    config = fx.make_config()
    older = history()
    archive = store(tmp_path / "a.db", [*news(), *related(), *older], config)
    result = run(archive, config, tmp_path / "out")
    assert not reads & {a.url for a in older}  # a year of unrelated history was never read
    assert {a.url for a in related()} <= reads
    window = {a.url for a in news() if a.published and WINDOW_START <= a.published <= fx.ISSUE}
    assert window <= reads
    # the 《document》 the news names: a background story
    named = story_with(result, ax.named_document().url)
    assert named.background and "大模型赋能制造业行动方案(2026—2028年)" in named.doc_titles  # NFKC, as compared
    # an identical body months earlier is the same text (the original is the one a 来源：line names)
    policy = story_with(result, fx.policy_original().url)
    assert not policy.background and policy.reprints[ax.early_copy().url] == fx.policy_original().url
    # the original of a reprint, three days before the window
    lab = story_with(result, ax.lab_reprint().url)
    assert lab.reprints == {ax.lab_reprint().url: ax.lab_original().url}
    archive.close()


def test_the_selected_stories_are_those_the_whole_archive_gives(tmp_path: Path) -> None:
    config = fx.make_config()
    everything = [*news(), *related(), *history()]
    archive = store(tmp_path / "a.db", everything, config)
    from_archive = run(archive, config, tmp_path / "out")
    in_memory = build_stories(everything, config, fx.ISSUE)
    picked = [(s.rank, s.primary.url, sorted(a.url for a in s.articles)) for s in from_archive.stories if s.selected]
    expected = [(s.rank, s.primary.url, sorted(a.url for a in s.articles)) for s in in_memory.stories if s.selected]
    assert picked == expected and len(picked) == 5
    archive.close()


def test_the_window_s_undated_pages_are_reported_and_older_ones_are_not(tmp_path: Path) -> None:
    config = fx.make_config()
    archive = store(tmp_path / "a.db", news(), config)
    item = fx.undated_item()
    stale = fx.art("https://www.scdata.gov.cn/sjzy/2025/old.html", item.title, None, item.publisher, item.paragraphs,
                   source=item.source)
    archive.save_article(fx.fetch_for(stale), stale)
    archive.db.execute("UPDATE articles SET first_seen = '2025-01-02T00:00:00+00:00' WHERE url = ?", (stale.url,))
    result = run(archive, config, tmp_path / "out")
    assert [a.url for a in result.undated] == [fx.undated_item().url]
    archive.close()


# ------------------------------------------------------------------ features computed once


def test_features_are_computed_once_and_again_only_for_what_changed(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    compute = features_module.compute_features

    def counted(article: Article, *args: Any, **kwargs: Any) -> Any:
        calls.append(article.url)
        return compute(article, *args, **kwargs)

    monkeypatch.setattr(pipeline, "compute_features", counted)
    config = fx.make_config()
    archive = store(tmp_path / "a.db", [*news(), *related()], config)
    assert len(calls) == len(news()) + len(related()) and archive.queued_count() == 0
    calls.clear()
    run(archive, config, tmp_path / "out")
    run(archive, config, tmp_path / "out")
    assert calls == []  # runs read what ingest computed
    changed = dataclasses.replace(fx.city_report(), text=fx.city_report().text + "\n另有5个项目进入评审。",
                                  paragraphs=(*fx.city_report().paragraphs, "另有5个项目进入评审。"))
    changed = dataclasses.replace(changed, id=fx.art(changed.url, changed.title, changed.published, changed.publisher,
                                                     changed.paragraphs, source=changed.source).id)
    archive.save_article(fx.fetch_for(changed), changed)
    assert archive.queued_count() == 1
    pipeline.index_articles(config, archive)
    assert calls == [changed.url]
    assert_frequencies_are_exact(archive)
    archive.close()


def test_a_new_theme_or_algorithm_recomputes_what_a_run_reads_and_nothing_else(tmp_path: Path,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    config = fx.make_config()
    older = history()
    archive = store(tmp_path / "a.db", [*news(), *related(), *older], config)
    before = stored_keys(archive)
    data = fx.config_data()
    data["theme"]["keywords"] = [*data["theme"]["keywords"], "工业大模型"]
    run(archive, parse_config(data), tmp_path / "out")
    after = stored_keys(archive)
    rekeyed = {url for url in before if before[url] != after[url]}
    assert fx.policy_original().url in rekeyed and ax.named_document().url in rekeyed
    assert not rekeyed & {a.url for a in older}
    monkeypatch.setattr(features_module, "FEATURES_VERSION", features_module.FEATURES_VERSION + 1)
    run(archive, config, tmp_path / "out")
    assert fx.policy_original().url in {url for url, key in stored_keys(archive).items() if key != after[url]}
    assert_frequencies_are_exact(archive)
    archive.close()


def stored_keys(archive: Archive) -> dict[str, str]:
    """Return each article's stored feature key."""
    return {str(u): str(k) for u, k in archive.db.execute("SELECT url, key FROM article_features")}


def assert_frequencies_are_exact(archive: Archive) -> None:
    """Check the maintained document frequencies against a count over the stored features."""
    counted: dict[str, int] = {}
    rows = archive.db.execute("SELECT terms FROM article_features").fetchall()
    for (terms,) in rows:
        for term in bytes(terms).decode("utf-8").split("\n"):
            counted[term] = counted.get(term, 0) + 1
    kept = {str(t): int(n) for t, n in archive.db.execute("SELECT term, df FROM term_df")}
    assert kept == counted
    assert archive.document_frequencies([])[0] == len(rows)


def test_two_indexers_at_once_count_each_article_once(tmp_path: Path) -> None:
    config = fx.make_config()
    db = tmp_path / "a.db"
    with Archive(db) as archive:
        for a in news():
            archive.save_article(fx.fetch_for(a), a)
    with Archive(db) as first, Archive(db) as second:
        batch = second.queued_articles(1000)
        pipeline.index_articles(config, first)
        pipeline.index_articles(config, second)  # finds nothing left
        pipeline.current_features(config, second, batch)  # and a late writer of the same versions changes nothing
        assert_frequencies_are_exact(second)
        assert second.queued_count() == 0


def test_an_archive_from_before_features_is_indexed_once(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    connection = sqlite3.connect(db, isolation_level=None)
    apply_migrations(connection, [m for m in MIGRATIONS if m[0] < "0015"])
    connection.close()
    with Archive.__new__(Archive) as old:  # the archive as the previous version wrote it
        old.path, old.db = db, sqlite3.connect(db, isolation_level=None)
        for a in news():
            old.save_article(fx.fetch_for(a), a)
    with Archive(db) as archive:  # opening it applies 0015, which queues every stored article
        assert archive.queued_count() == len(news())
        assert pipeline.index_articles(fx.make_config(), archive) == len(news())
        assert archive.queued_count() == 0 and len(stored_keys(archive)) == len(news())


# ------------------------------------------------------------------ indexes


def plan(archive: Archive, sql: str, *args: object) -> str:
    """Return SQLite's query plan for a statement."""
    return " / ".join(str(r[-1]) for r in archive.db.execute("EXPLAIN QUERY PLAN " + sql, args))


def test_the_daily_reads_go_through_indexes(tmp_path: Path) -> None:
    archive = store(tmp_path / "a.db", news())
    day = fx.ISSUE.isoformat()
    reads = {
        "articles_published": "SELECT url FROM articles a WHERE a.published BETWEEN ? AND ?",
        "articles_published_seen": "SELECT url FROM articles a WHERE a.published IS NULL AND a.first_seen >= ?",
        "articles_source_published": "SELECT MAX(published) FROM articles WHERE source = ?",
        "source_health_source": "SELECT h.seen FROM source_health h JOIN runs r ON r.id = h.run_id"
                                " WHERE h.source = ? ORDER BY r.id DESC LIMIT 10",
        "article_features_published": "SELECT url FROM article_features WHERE published >= ? AND published < ?",
    }
    for index, sql in reads.items():
        args = [day] * sql.count("?")
        assert f"USING INDEX {index}" in plan(archive, sql, *args) or \
            f"USING COVERING INDEX {index}" in plan(archive, sql, *args), (index, plan(archive, sql, *args))
    keyed = plan(archive, "SELECT ref FROM article_keys WHERE key = ? AND day >= ? AND day < ? ORDER BY day DESC"
                          " LIMIT 20", 1, 2, 3)
    assert "SEARCH article_keys USING PRIMARY KEY" in keyed and "TEMP B-TREE" not in keyed
    archive.close()


# ------------------------------------------------------------------ the editor app's search, kept current


def test_what_an_ingest_stores_and_a_run_writes_is_searchable_at_once(faulty_server: FaultyServer,
                                                                      tmp_path: Path) -> None:
    faulty_server["/a.html"] = page(chinese_page(1))
    faulty_server["/feed.xml"] = feed([faulty_server.url("/a.html")])
    with Archive(tmp_path / "a.db") as archive:
        report = ingest_run(archive, [feed_source("国家数据局", faulty_server.url("/feed.xml"))])
        assert report.new == 1
        store = WebStore(archive)
        assert store.queued_for_search() == []  # the ingest's hook indexed it
        hits = search(store, "数据要素市场化配置改革", "article")
        assert [h.title for h in hits] == ["国家数据局印发《数据要素市场化配置改革实施方案（第1号）》"]
        for a in news():
            archive.save_article(fx.fetch_for(a), a)
        written = pipeline.run_brief(fx.make_config(), archive, fx.ISSUE, tmp_path / "out", collect=False)
        assert store.queued_for_search() == []  # the run indexed its brief, and the articles stored before it
        assert [h.title for h in search(store, "数字经济", "brief")] == [written.brief.title]
        assert search(store, "大模型赋能制造业", "article")
