"""URL canonicalisation: one spelling per article."""

from __future__ import annotations

import pytest

from dailybrief.collect.urls import canonical_url, host_of, resolve_link


@pytest.mark.parametrize(("raw", "canonical"), [
    ("http://www.example.gov.cn/a/t20260608_1.html?utm_source=rss&utm_medium=feed&utm_campaign=x",
     "http://www.example.gov.cn/a/t20260608_1.html"),
    ("https://news.example.com/article/77.html?spm=a2c4g.11186623.0.0&from=timeline&isappinstalled=0",
     "https://news.example.com/article/77.html"),
    ("https://mp.example.qq.com/s?__biz=MzA&mid=2650&idx=1&sn=abc&scene=21&sharer_shareid=9",
     "https://mp.example.qq.com/s?__biz=MzA&mid=2650&idx=1&sn=abc"),
    ("https://www.example.com/story?id=42&fbclid=IwAR0abc&gclid=xyz", "https://www.example.com/story?id=42"),
    ("http://www.example.gov.cn/a/t20260608_1.html#content", "http://www.example.gov.cn/a/t20260608_1.html"),
    ("HTTP://WWW.Example.GOV.cn/A/Page.html", "http://www.example.gov.cn/A/Page.html"),
    ("http://www.example.gov.cn:80/a.html", "http://www.example.gov.cn/a.html"),
    ("https://www.example.gov.cn:443/a.html", "https://www.example.gov.cn/a.html"),
    ("http://127.0.0.1:8765/host/a.html", "http://127.0.0.1:8765/host/a.html"),
    ("http://www.example.gov.cn", "http://www.example.gov.cn/"),
    ("  http://www.example.gov.cn/a.html  ", "http://www.example.gov.cn/a.html"),
])
def test_canonical_url(raw: str, canonical: str) -> None:
    assert canonical_url(raw) == canonical


def test_non_tracking_parameters_are_kept_in_order() -> None:
    url = "http://www.example.gov.cn/detail.jsp?id=8812&page=2&utm_source=x&channel=tzgg"
    assert canonical_url(url) == "http://www.example.gov.cn/detail.jsp?id=8812&page=2&channel=tzgg"


def test_path_case_and_blank_values_are_kept() -> None:
    url = "http://www.example.gov.cn/Show.aspx?ID=5&q="
    assert canonical_url(url) == "http://www.example.gov.cn/Show.aspx?ID=5&q="


def test_spellings_of_one_article_meet() -> None:
    spellings = [
        "http://WWW.EXAMPLE.GOV.CN/zwgk/t20260608_1.html",
        "http://www.example.gov.cn/zwgk/t20260608_1.html?utm_source=weibo",
        "http://www.example.gov.cn:80/zwgk/t20260608_1.html#top",
        "http://www.example.gov.cn/zwgk/t20260608_1.html?spm=1.2.3",
    ]
    assert len({canonical_url(u) for u in spellings}) == 1


def test_non_http_urls_are_left_alone() -> None:
    assert canonical_url("file:///tmp/pages/a.html") == "file:///tmp/pages/a.html"


@pytest.mark.parametrize(("href", "resolved"), [
    ("t20260608_1.html", "http://www.example.gov.cn/zwgk/tzgg/t20260608_1.html"),
    ("./202606/t20260608_1.html", "http://www.example.gov.cn/zwgk/tzgg/202606/t20260608_1.html"),
    ("../xwdt/a.html", "http://www.example.gov.cn/zwgk/xwdt/a.html"),
    ("/root.html", "http://www.example.gov.cn/root.html"),
    ("//cdn.example.gov.cn/a.html", "http://cdn.example.gov.cn/a.html"),
    ("javascript:void(0)", None),
    ("mailto:office@example.gov.cn", None),
    ("#top", None),
    ("", None),
])
def test_resolve_link(href: str, resolved: str | None) -> None:
    assert resolve_link("http://www.example.gov.cn/zwgk/tzgg/index.html", href) == resolved


def test_host_of() -> None:
    assert host_of("http://WWW.Example.gov.cn:8080/a") == "www.example.gov.cn:8080"
    assert host_of("file:///tmp/a.html") == ""
