"""The CLI's progress: stage lines always, a page bar only on a terminal."""

from __future__ import annotations

import io

from dailybrief.cli.progress import TerminalProgress


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_bar_is_drawn_on_a_terminal_and_cleared_before_lines():
    stream = FakeTerminal()
    bar = TerminalProgress(stream)
    bar.tick(3, 12)
    assert "3/12 pages" in stream.getvalue()
    assert "███████" in stream.getvalue()
    bar("国家数据局: 5 items")
    tail = stream.getvalue().rsplit("\r", 1)[-1]
    assert tail == "  国家数据局: 5 items\n"


def test_no_bar_when_stderr_is_not_a_terminal():
    stream = io.StringIO()
    bar = TerminalProgress(stream)
    bar.tick(3, 12)
    bar("ranking stories")
    assert stream.getvalue() == "  ranking stories\n"


def test_ingest_reports_every_listed_page_to_the_bar(faulty_server, tmp_archive):
    from test_ingest_failures import article, feed, feed_source, make_config

    ticks: list[tuple[int, int]] = []

    class Recorder:
        def __call__(self, line: str) -> None:
            pass

        def tick(self, done: int, total: int) -> None:
            ticks.append((done, total))

    for n in range(3):
        faulty_server[f"/a{n}.html"] = article(n)
    urls = [faulty_server.url(f"/a{n}.html") for n in range(3)]
    faulty_server["/one.xml"] = feed(urls)
    faulty_server["/two.xml"] = feed(urls[:1])  # the same page in a second feed is counted once per listing
    from dailybrief.collect.ingest import ingest

    sources = [feed_source("甲", faulty_server.url("/one.xml")), feed_source("乙", faulty_server.url("/two.xml"))]
    ingest(make_config(sources), tmp_archive, None, Recorder())
    assert ticks[-1] == (4, 4)
    assert [d for d, _t in ticks] == [1, 2, 3, 4]
