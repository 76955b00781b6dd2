"""Server render time of the editor app's heaviest pages: a 10-section brief and the story list of a 2,000-article day.

The archive is bench_stories.py's synthetic 2,000-article archive (the 低空经济 theme, ~50
sources, 60 days, reprints and look-alike events planted). Stories are its planted events
(every on-theme event one story, reprints inside it) — what a perfect clusterer would list;
`--one-story-per-article` lists every article as its own story instead, the worst case
for the page. Ten of the largest events are written into a brief by the real
`compose_brief` and recorded with the real `record_run`; then the app runs under uvicorn
on 127.0.0.1 and each page is fetched `--rounds` times by a signed-in editor. "Server time" is the app's own
Server-Timing header (routing, archive reads, template rendering, middleware); "wall" is
what the client saw over loopback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx
import uvicorn

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_stories import DEFAULT_SEED, ISSUE_DATE, load_archive, make_config  # noqa: E402
from common import machine, table  # noqa: E402

from dailybrief.models import Article, Fetch  # noqa: E402
from dailybrief.store.archive import Archive  # noqa: E402
from dailybrief.stories.build import RankedStory, story_id  # noqa: E402
from dailybrief.web.app import create_app  # noqa: E402
from dailybrief.web.deps import WebSettings  # noqa: E402
from dailybrief.web.record import record_run  # noqa: E402
from dailybrief.web.serve import add_user  # noqa: E402
from dailybrief.write.compose import compose_brief  # noqa: E402

TARGET_MS = 200.0


def make_stories(articles: list[Article], events: dict[str, str], one_each: bool) -> list[RankedStory]:
    """Group articles into stories by planted event (or one story per article), ranked by size."""
    groups: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        event = events.get(article.url, article.url)
        if one_each or event.startswith("e"):
            groups[article.url if one_each else event].append(article)
    stories = []
    for members in groups.values():
        members.sort(key=lambda a: (a.published or dt.date.min, a.url))
        primary = members[0]
        publishers = len({a.publisher for a in members})
        score = round(min(1.0, 0.3 + 0.05 * len(members)), 4)
        stories.append(RankedStory(
            id=story_id(primary.url), primary=primary, articles=members, reprints={}, score=score,
            why=f"media report; {publishers} publishers; theme terms: 低空经济, 无人机, eVTOL", relevance=0.5,
            background=bool(primary.published and primary.published < ISSUE_DATE - dt.timedelta(days=7))))
    stories.sort(key=lambda s: (s.background, -s.score, s.primary.url))
    for rank, story in enumerate(stories, 1):
        story.rank = rank
    return stories


def build(root: Path, seed: int, one_each: bool, sections: int) -> tuple[Path, int, int, int]:
    """Write the archive, compose and record the brief; return (db, brief id, stories, sections)."""
    articles, truth = load_archive(2000, seed)
    stories = make_stories(articles, truth.event_of, one_each)
    config = make_config(7)
    chosen = sorted((s for s in stories if not s.background), key=lambda s: -len(s.articles))[:sections]
    for story in chosen:
        story.selected = True
    brief, _verdicts = compose_brief(chosen, config, ISSUE_DATE)
    db = root / "bench.db"
    with Archive(db) as archive:
        for article in articles:
            fetch = Fetch(url=article.url, final_url=article.url, status=200, headers={}, body=article.text.encode(),
                          fetched_at=dt.datetime.now(dt.UTC))
            archive.save_article(fetch, article)
        brief_id = record_run(archive, config, brief, stories)
    add_user(db, "bench", "bench-password")
    return db, brief_id, len(stories), len(brief.sections)


def serve(db: Path) -> tuple[uvicorn.Server, threading.Thread, str]:
    """Start the app on a free loopback port."""
    app = create_app(WebSettings(db=db, out=db.parent / "published"))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    return server, thread, f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"


def measure(client: httpx.Client, path: str, rounds: int, warmup: int,
            form: dict[str, str] | None = None) -> dict[str, Any]:
    """Fetch a page (or post a form) repeatedly; return server and wall times in ms, and the reply size."""

    def fetch() -> httpx.Response:
        """Make one request."""
        return client.post(path, data=form) if form is not None else client.get(path)

    for _ in range(warmup):
        fetch().raise_for_status()
    server_ms, wall_ms = [], []
    size = 0
    for _ in range(rounds):
        start = time.perf_counter()
        reply = fetch()
        wall_ms.append((time.perf_counter() - start) * 1000)
        reply.raise_for_status()
        server_ms.append(float(reply.headers["server-timing"].split("dur=")[1]))
        size = len(reply.content)
    server_ms.sort()
    return {"path": path, "median": statistics.median(server_ms), "p90": server_ms[int(len(server_ms) * 0.9) - 1],
            "max": server_ms[-1], "wall": statistics.median(wall_ms), "kb": size / 1024}


def login(client: httpx.Client) -> None:
    """Sign in, so pages carry the editor's forms (the heavier view)."""
    page = client.get("/login").text
    token = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    reply = client.post("/login", data={"name": "bench", "password": "bench-password", "csrf": token})
    if reply.status_code != 303:
        raise RuntimeError(f"login failed: {reply.status_code}")


def main(argv: list[str] | None = None) -> int:
    """Build, serve, measure, print a Markdown report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--sections", type=int, default=10)
    parser.add_argument("--one-story-per-article", action="store_true", help="worst case: every article a story")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-web-") as tmp:
        started = time.perf_counter()
        db, brief_id, n_stories, n_sections = build(Path(tmp), args.seed, args.one_story_per_article, args.sections)
        print(f"built in {time.perf_counter() - started:.1f} s: 2,000 articles, {n_stories} stories, "
              f"a {n_sections}-section brief", file=sys.stderr)
        server, thread, base = serve(db)
        try:
            with httpx.Client(base_url=base, timeout=60) as client:
                login(client)
                first_sentence = f"/briefs/{brief_id}"
                page = client.get(first_sentence).text
                addr = page.split('data-addr="sec.', 1)[1].split('"', 1)[0]
                results = [measure(client, path, args.rounds, args.warmup) for path in
                           (f"/briefs/{brief_id}", f"/briefs/{brief_id}/stories",
                            f"/briefs/{brief_id}/s/sec.{addr}?fragment=1")]
                panel = client.get(f"/briefs/{brief_id}/s/sec.{addr}?fragment=1").text
                draft = html.unescape(panel.split('name="text" rows="5">', 1)[1].split("</textarea>", 1)[0])
                token = panel.split('name="csrf" value="', 1)[1].split('"', 1)[0]
                results.append(measure(client, f"/briefs/{brief_id}/check", args.rounds, args.warmup,
                                       {"addr": f"sec.{addr}", "text": draft + "，增至1234个", "csrf": token}))
        finally:
            server.should_exit = True
            thread.join(timeout=10)
    names = [f"brief page ({n_sections} sections)", f"story list ({n_stories} stories of 2,000 articles)",
             "evidence panel (one sentence)", "check while typing (one sentence, one unsupported number)"]
    rows = [[name, f"{r['median']:.1f}", f"{r['p90']:.1f}", f"{r['max']:.1f}", f"{r['wall']:.1f}", f"{r['kb']:.0f}",
             "met" if r["p90"] < TARGET_MS else "MISSED"] for name, r in zip(names, results, strict=True)]
    print(f"`bench_web.py --rounds {args.rounds}{' --one-story-per-article' if args.one_story_per_article else ''}`"
          f" on {machine()}, {dt.date.today()}:\n")
    print(table(["page", "server median ms", "server p90 ms", "server max ms", "wall median ms", "KiB",
                 f"target p90 < {TARGET_MS:.0f} ms"], rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
