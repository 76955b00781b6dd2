"""Feeds: every flavour read, and an item's date is the day written in its own time zone."""

from __future__ import annotations

import datetime as dt

import pytest

from dailybrief.collect.feeds import FeedError, entry_date, parse_feed

FEED_URL = "http://www.example.gov.cn/feeds/news.xml"

RSS_091 = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91">
<channel>
  <title>某某日报</title>
  <link>http://www.example-daily.cn/</link>
  <description>要闻</description>
  <language>zh-cn</language>
  <item>
    <title>全省重点项目集中开工</title>
    <link>http://www.example-daily.cn/news/2026/06/08/1001.html</link>
    <description>全省重点项目集中开工，总投资超过千亿元。</description>
  </item>
  <item>
    <title>第二条新闻</title>
    <link>/news/2026/06/08/1002.html</link>
  </item>
</channel>
</rss>
"""

RSS_10 = """<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="http://www.example.gov.cn/">
    <title>某某部</title>
    <link>http://www.example.gov.cn/</link>
    <description>政策发布</description>
    <items><rdf:Seq>
      <rdf:li rdf:resource="http://www.example.gov.cn/zcfb/202606/t20260608_1.html"/>
    </rdf:Seq></items>
  </channel>
  <item rdf:about="http://www.example.gov.cn/zcfb/202606/t20260608_1.html">
    <title>关于推进数据基础设施建设的意见</title>
    <link>http://www.example.gov.cn/zcfb/202606/t20260608_1.html</link>
    <dc:date>2026-06-08T01:30:00+08:00</dc:date>
  </item>
</rdf:RDF>
"""

RSS_20 = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0">
<channel>
  <title>国家数据局</title>
  <link>http://www.example.gov.cn/</link>
  <description>通知公告</description>
  <item>
    <title>国家数据局关于印发《数据领域常用名词解释》的通知</title>
    <link>http://www.example.gov.cn/zwgk/tzgg/202606/t20260608_123.html?utm_source=rss</link>
    <guid>http://www.example.gov.cn/zwgk/tzgg/202606/t20260608_123.html</guid>
    <pubDate>Mon, 08 Jun 2026 23:30:00 +0800</pubDate>
  </item>
  <item>
    <title>一条早晨的通知</title>
    <link>http://www.example.gov.cn/zwgk/tzgg/202606/t20260609_124.html</link>
    <pubDate>Tue, 09 Jun 2026 07:10:00 +0800</pubDate>
  </item>
  <item>
    <title>没有链接的条目</title>
    <description>这条没有 link 也没有 guid。</description>
    <pubDate>Tue, 09 Jun 2026 08:00:00 +0800</pubDate>
  </item>
  <item>
    <title>没有日期的条目</title>
    <link>http://www.example.gov.cn/zwgk/tzgg/202606/t20260609_125.html</link>
  </item>
</channel>
</rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>某某研究院</title>
  <link href="http://research.example.org/"/>
  <id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>
  <updated>2026-06-10T09:00:00+08:00</updated>
  <entry>
    <title>人工智能赋能制造业研究报告</title>
    <link rel="alternate" href="http://research.example.org/reports/ai-manufacturing.html"/>
    <id>tag:research.example.org,2026:reports/17</id>
    <published>2026-06-08T01:30:00+08:00</published>
    <updated>2026-06-10T16:00:00+08:00</updated>
  </entry>
  <entry>
    <title>只有 updated 的条目</title>
    <link href="/reports/only-updated.html"/>
    <id>tag:research.example.org,2026:reports/18</id>
    <updated>2026-06-09T22:15:00+08:00</updated>
  </entry>
</feed>
"""


def test_rss_091() -> None:
    result = parse_feed(RSS_091.encode(), FEED_URL, source="日报")
    assert [i.title for i in result.items] == ["全省重点项目集中开工", "第二条新闻"]
    assert result.items[0].url == "http://www.example-daily.cn/news/2026/06/08/1001.html"
    assert result.items[1].url.endswith("/news/2026/06/08/1002.html")
    assert result.items[1].url.startswith("http://")
    assert all(i.source == "日报" for i in result.items)
    assert all(i.published is None for i in result.items)


def test_rss_10_rdf_keeps_the_written_day() -> None:
    result = parse_feed(RSS_10.encode(), FEED_URL)
    assert len(result.items) == 1
    item = result.items[0]
    assert item.title == "关于推进数据基础设施建设的意见"
    assert item.url == "http://www.example.gov.cn/zcfb/202606/t20260608_1.html"
    # 01:30 in Beijing is 17:30 UTC the day before: the day meant is 06-08.
    assert item.published == dt.date(2026, 6, 8)


def test_rss_20_dates_stay_in_their_own_time_zone() -> None:
    result = parse_feed(RSS_20.encode(), FEED_URL)
    by_title = {i.title: i for i in result.items}
    # 23:30 +0800 is 15:30 UTC of the same day; the written day is what counts.
    assert by_title["国家数据局关于印发《数据领域常用名词解释》的通知"].published == dt.date(2026, 6, 8)
    # 07:10 +0800 is 23:10 UTC of the previous day; still 06-09.
    assert by_title["一条早晨的通知"].published == dt.date(2026, 6, 9)
    assert by_title["没有日期的条目"].published is None


def test_rss_20_item_without_a_link_is_reported_not_invented() -> None:
    result = parse_feed(RSS_20.encode(), FEED_URL)
    assert "没有链接的条目" not in [i.title for i in result.items]
    assert len(result.items) == 3
    assert any("没有链接的条目" in p and "no link" in p for p in result.problems), result.problems


def test_atom_published_wins_over_a_later_updated() -> None:
    result = parse_feed(ATOM.encode(), FEED_URL)
    first, second = result.items
    assert first.title == "人工智能赋能制造业研究报告"
    assert first.url == "http://research.example.org/reports/ai-manufacturing.html"
    assert first.published == dt.date(2026, 6, 8)
    # Without `published`, `updated` is the only date there is.
    assert second.published == dt.date(2026, 6, 9)
    # A relative link resolves against the feed's own address (no xml:base here).
    assert second.url == "http://www.example.gov.cn/reports/only-updated.html"


def test_gbk_encoded_feed() -> None:
    body = RSS_20.replace('encoding="utf-8"', 'encoding="gbk"').encode("gbk")
    result = parse_feed(body, FEED_URL)
    assert result.items[0].title == "国家数据局关于印发《数据领域常用名词解释》的通知"


@pytest.mark.parametrize(("raw", "day"), [
    ("Mon, 08 Jun 2026 23:30:00 +0800", dt.date(2026, 6, 8)),
    ("Mon, 08 Jun 2026 00:30:00 +0800", dt.date(2026, 6, 8)),
    ("Mon, 08 Jun 2026 23:30:00 GMT", dt.date(2026, 6, 8)),
    ("2026-06-08T01:30:00+08:00", dt.date(2026, 6, 8)),
    ("2026-06-08T23:59:59-05:00", dt.date(2026, 6, 8)),
    ("2026-06-08T01:30:00Z", dt.date(2026, 6, 8)),
    ("2026-06-08", dt.date(2026, 6, 8)),
    ("2026-06-08 17:30:00", dt.date(2026, 6, 8)),
    ("2026年6月8日", dt.date(2026, 6, 8)),
    ("", None),
    (None, None),
    ("not a date", None),
])
def test_entry_date(raw: str | None, day: dt.date | None) -> None:
    assert entry_date(raw) == day


@pytest.mark.parametrize("body", [
    b"",
    b"   \n",
    b"<html><head><title>Not found</title></head><body><h1>404</h1></body></html>",
    b"this is plain text, not a feed",
])
def test_not_a_feed(body: bytes) -> None:
    with pytest.raises(FeedError):
        parse_feed(body, FEED_URL)
