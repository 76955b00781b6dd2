"""List pages: article links by CSS selector or URL pattern, resolved, once each, with the next page."""

from __future__ import annotations

import datetime as dt

from dailybrief.collect.listpages import ListPage, parse_list_page
from dailybrief.collect.urls import canonical_url

LIST_URL = "http://www.example-prov.gov.cn/zwgk/tzgg/index.html"

LIST_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>通知公告_某某省人民政府</title></head>
<body>
<div class="nav"><a href="/">首页</a> <a href="/zwgk/">政务公开</a> <a href="/zwfw/">政务服务</a></div>
<div class="main">
  <div class="sidebar">
    <h3>热点专题</h3>
    <ul class="list">
      <li><a href="/zt/2026/t20260101_1.html">专题：优化营商环境</a></li>
    </ul>
    <ul class="hot"><li><a href="/zwgk/ywdt/202611/t20261101_9.html">要闻：全省经济运行情况</a></li></ul>
  </div>
  <div class="content">
    <ul class="list">
      <li><a href="./202611/t20261118_55.html">关于公布2026年度省级智能工厂名单的通知</a><span>2026-11-18</span></li>
      <li><a href="202611/t20261117_54.html?utm_source=list#top">关于开展冬季用工服务专项行动的通知</a>
        <span>2026-11-17</span></li>
      <li><a href="/zwgk/tzgg/202611/t20261116_53.html">关于做好秋冬种工作的通知</a><span>2026-11-16</span></li>
      <li><a href="http://www.example-prov.gov.cn/zwgk/tzgg/202611/t20261118_55.html">关于公布2026年度省级智能工厂名单的通知</a></li>
      <li><a href="javascript:void(0)">加载更多</a></li>
      <li><a href="../../files/2026/attachment.pdf">附件下载</a></li>
      <li><a href="#">置顶</a></li>
    </ul>
    <div class="page">
      <a href="index.html">首页</a>
      <a class="prev" href="index.html">上一页</a>
      <a class="next" href="index_1.html">下一页</a>
      <a href="index_9.html">尾页</a>
    </div>
  </div>
</div>
<div class="footer"><a href="/about/">关于本网</a> 某ICP备05001234号</div>
</body></html>
"""


def urls(page: ListPage) -> list[str]:
    return [item.url for item in page.items]


def test_css_selector_picks_the_content_list_not_the_sidebar() -> None:
    page = parse_list_page(LIST_PAGE, LIST_URL, selector="div.content ul.list li a", link_pattern=None,
                           source="某某省人民政府")
    assert [canonical_url(u) for u in urls(page)[:3]] == [
        "http://www.example-prov.gov.cn/zwgk/tzgg/202611/t20261118_55.html",
        "http://www.example-prov.gov.cn/zwgk/tzgg/202611/t20261117_54.html",
        "http://www.example-prov.gov.cn/zwgk/tzgg/202611/t20261116_53.html",
    ]
    assert page.items[0].title == "关于公布2026年度省级智能工厂名单的通知"
    assert page.items[0].source == "某某省人民政府"
    assert not any("/zt/" in u or "/ywdt/" in u for u in urls(page)), "sidebar links are not articles"
    assert not any(u.startswith("javascript:") for u in urls(page))


def test_the_same_article_is_listed_once() -> None:
    page = parse_list_page(LIST_PAGE, LIST_URL, selector="div.content ul.list", link_pattern=None)
    found = [u for u in urls(page) if "t20261118_55" in u]
    assert len(found) == 1


def test_link_pattern_selects_articles_anywhere_and_resolves_relative_links() -> None:
    page = parse_list_page(LIST_PAGE, LIST_URL, selector=None, link_pattern=r"/zwgk/tzgg/\d{6}/t\d{8}_\d+\.html")
    assert [u.split("?")[0] for u in urls(page)] == [
        "http://www.example-prov.gov.cn/zwgk/tzgg/202611/t20261118_55.html",
        "http://www.example-prov.gov.cn/zwgk/tzgg/202611/t20261117_54.html",
        "http://www.example-prov.gov.cn/zwgk/tzgg/202611/t20261116_53.html",
    ]


def test_selector_and_pattern_together() -> None:
    page = parse_list_page(LIST_PAGE, LIST_URL, selector="ul.list a", link_pattern=r"t2026111[78]_")
    assert len(page.items) == 2
    assert all("/zwgk/tzgg/202611/" in u for u in urls(page))


def test_pattern_keeps_sidebar_links_out() -> None:
    page = parse_list_page(LIST_PAGE, LIST_URL, selector=None, link_pattern=r"/zwgk/tzgg/")
    assert not any("/zt/" in u or "/ywdt/" in u or u.endswith("/about/") for u in urls(page))


def test_next_page_link_found() -> None:
    page = parse_list_page(LIST_PAGE, LIST_URL, selector="div.content ul.list a", link_pattern=None,
                           next_selector="div.page a.next")
    assert page.next_url == "http://www.example-prov.gov.cn/zwgk/tzgg/index_1.html"


def test_no_next_page_when_not_asked_or_pointing_back() -> None:
    assert parse_list_page(LIST_PAGE, LIST_URL, selector="ul.list a", link_pattern=None).next_url is None
    # A "next" link that points to the page itself (the last page) is not followed.
    last = LIST_PAGE.replace('href="index_1.html"', 'href="index.html"')
    page = parse_list_page(last, LIST_URL, selector="ul.list a", link_pattern=None, next_selector="a.next")
    assert page.next_url is None


def test_base_href_is_honoured() -> None:
    html = ('<html><head><base href="http://cdn.example-prov.gov.cn/zwgk/"></head><body>'
            '<ul class="list"><li><a href="tzgg/202611/t20261118_55.html">通知</a></li></ul></body></html>')
    page = parse_list_page(html, LIST_URL, selector="ul.list a", link_pattern=None)
    assert urls(page) == ["http://cdn.example-prov.gov.cn/zwgk/tzgg/202611/t20261118_55.html"]


def test_empty_or_unmatched_page_gives_no_items() -> None:
    page = parse_list_page("<html><body><p>维护中</p></body></html>", LIST_URL, selector="ul.list a",
                           link_pattern=None, next_selector="a.next")
    assert page.items == []
    assert page.next_url is None


def test_the_date_beside_each_link_is_kept_as_evidence_of_the_page_date() -> None:
    page = parse_list_page(LIST_PAGE, LIST_URL, selector="div.content ul.list", link_pattern=None)
    dated = {item.url.rsplit("/", 1)[1].split("?")[0]: item.published for item in page.items}
    assert dated["t20261118_55.html"] == dt.date(2026, 11, 18)  # the first listing of the page, which has a date
    assert dated["t20261117_54.html"] == dt.date(2026, 11, 17)  # its date on the next line of the same row
    assert dated["t20261116_53.html"] == dt.date(2026, 11, 16)
    sidebar = parse_list_page(LIST_PAGE, LIST_URL, selector="div.sidebar", link_pattern=None)
    assert all(item.published is None for item in sidebar.items)  # no date in those rows
