#!/usr/bin/env python3
"""Check this corpus day against ../FORMAT.md (Python 3.11+ standard library only).

Run from anywhere:  python3 check.py
Exit status 0 when every check passes; every failure is printed.

Adapted from the shared day's check.py: sources may be `feed`, `page` (a list page under site/
with a CSS selector) or `dir` (a folder under site/, relative to config.toml); every article page
must be reachable from a feed, a list page or a dir folder. It also checks the two date traps:
公众号 pages whose only date is `var ct` (+08:00), and a page whose only date is a month-day with
a different year in its footer. No feed in this day is deliberately broken.
"""

import datetime
import html
import json
import re
import sys
import tomllib
import urllib.parse
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent
SITE = ROOT / "site"
ATOM = "{http://www.w3.org/2005/Atom}"
PAGE_EXT = (".html", ".htm", ".shtml")
BEIJING = datetime.timezone(datetime.timedelta(hours=8))
# comment markers that delimit the article body in each site template
BODY_MARKERS = [
    ("<!--con_con start-->", "<!--con_con end-->"),                  # 工业和信息化部
    ("<!--art_con begin-->", "<!--art_con end-->"),                  # 商务部
    ("<!--正文内容开始-->", "<!--正文内容结束-->"),                   # 国家能源局
    ("<!--ZOOM_BEGIN-->", "<!--ZOOM_END-->"),                        # 成都市人民政府
    ("<!--content_start-->", "<!--content_end-->"),                  # 洛阳市人民政府
    ("<!--newscontent start-->", "<!--newscontent end-->"),          # 中国汽车报网
    ("<!-- detail-content -->", "<!-- /detail-content -->"),         # 证券时报网
    ("<!-- 正文 start -->", "<!-- 正文 end -->"),                    # 新浪财经
]
# mp.weixin.qq.com pages have no comment markers: the body is the #js_content div (no nested divs)
WECHAT_BODY = re.compile(r'(?s)<div[^>]*\bid="js_content"[^>]*>(.*?)</div>')
WECHAT_CT = re.compile(r'\bvar ct = "(\d{9,11})";')
FULL_DATE = re.compile(r"(?:19|20)\d{2}\s*(?:年|[-/.])\s*\d{1,2}\s*(?:月|[-/.])\s*\d{1,2}")
MONTH_DAY = re.compile(r"(\d{1,2})月(\d{1,2})日")
FOOTER_YEARS = re.compile(r"(?:©|&copy;)\s*((?:19|20)\d{2})(?:\s*-\s*((?:19|20)\d{2}))?")

errors: list = []
notes: list = []


def err(msg):
    errors.append(msg)


def rel(path):
    path = Path(path)
    return path.relative_to(SITE).as_posix() if path.is_relative_to(SITE) else path.relative_to(ROOT).as_posix()


def declared_charset(raw):
    m = re.search(rb'charset=["\']?([A-Za-z0-9_-]+)', raw[:2048])
    return m.group(1).decode("ascii").lower() if m else "utf-8"


def decode(path):
    raw = path.read_bytes()
    cs = declared_charset(raw)
    try:
        txt = raw.decode(cs)
    except (UnicodeDecodeError, LookupError) as e:
        err(f"{rel(path)}: does not decode as declared charset {cs} ({e})")
        txt = raw.decode("utf-8", errors="replace")
    if cs in ("gbk", "gb2312", "gb18030"):
        try:
            raw.decode("utf-8")
            err(f"{rel(path)}: declares {cs} but is valid UTF-8 (not really GBK-encoded)")
        except UnicodeDecodeError:
            pass
    return raw, cs, txt


def strip(fragment):
    fragment = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", fragment)
    fragment = re.sub(r"(?s)<!--.*?-->", " ", fragment)
    fragment = re.sub(r"(?s)<[^>]+>", " ", fragment)
    return re.sub(r"\s+", " ", html.unescape(fragment)).strip()


def body_html(txt):
    for b, e in BODY_MARKERS:
        i = txt.find(b)
        if i >= 0:
            j = txt.find(e, i)
            if j > i:
                return txt[i + len(b):j]
    m = WECHAT_BODY.search(txt)
    return m.group(1) if m else None


def body_text(txt):
    b = body_html(txt)
    return None if b is None else strip(b)


def han(s):
    return len(re.findall(r"[\u4e00-\u9fff]", s))


def local(url):
    """Map a {{BASE}} URL to its file under site/."""
    if not url or not url.startswith("{{BASE}}/"):
        return None
    return SITE / urllib.parse.unquote(url[len("{{BASE}}/"):].split("#")[0])


def list_page_links(path, txt):
    """Article links on a list page, as paths under site/ (relative and {{BASE}} links)."""
    out = []
    base = "http://base.invalid/" + rel(path)
    for href in re.findall(r'<a\b[^>]*\bhref="([^"]+)"', txt):
        if href.startswith(("javascript:", "#")):
            continue
        if href.startswith("{{BASE}}/"):
            p = local(href)
        else:
            u = urllib.parse.urljoin(base, href)
            p = SITE / urllib.parse.unquote(urllib.parse.urlsplit(u).path.lstrip("/")) if "base.invalid" in u else None
        if p is not None:
            out.append(p)
    return out


def check_config():
    cfg = tomllib.loads((ROOT / "config.toml").read_text(encoding="utf-8"))
    brief = cfg.get("brief", {})
    for k in ("title", "publishers", "date", "window_days", "language", "max_sections", "disclaimer"):
        if k not in brief:
            err(f"config.toml: [brief] lacks {k}")
    for k in ("name", "description", "keywords"):
        if k not in cfg.get("theme", {}):
            err(f"config.toml: [theme] lacks {k}")
    sources = cfg.get("source", [])
    if not 8 <= len(sources) <= 10:
        err(f"config.toml: {len(sources)} sources (want 8-10)")
    kinds = {"feed": [], "page": [], "dir": []}
    for s in sources:
        for k in ("name", "url", "type", "level"):
            if k not in s:
                err(f"config.toml: source {s.get('name')!r} lacks {k}")
        if s.get("level") not in ("national", "provincial", "city", "media"):
            err(f"config.toml: source {s.get('name')!r} has bad level {s.get('level')!r}")
        kind = s.get("type")
        if kind not in kinds:
            err(f"config.toml: source {s.get('name')!r} has bad type {kind!r}")
            continue
        if kind == "dir":
            p = ROOT / s.get("url", "")
            if not p.is_dir() or not p.is_relative_to(SITE):
                err(f"config.toml: dir source {s['name']!r} url {s.get('url')!r} is not a folder under site/")
                continue
        else:
            p = local(s.get("url", ""))
            if not p or not p.is_file():
                err(f"config.toml: source {s.get('name')!r} url {s.get('url')!r} does not resolve under site/")
                continue
        if kind == "page" and not (s.get("selector") or s.get("link_pattern")):
            err(f"config.toml: page source {s['name']!r} has no selector or link_pattern")
        kinds[kind].append(p)
    if not kinds["feed"]:
        err("config.toml: no feed source")
    if len(kinds["page"]) < 2:
        err("config.toml: fewer than two page sources")
    if not kinds["dir"]:
        err("config.toml: no dir source")
    return brief, kinds


def collect_pages(list_pages):
    pages = {}
    for full in sorted(SITE.rglob("*")):
        if not full.is_file():
            continue
        r = rel(full)
        if r.startswith("feeds/") or full in list_pages:
            continue
        if not full.name.endswith(PAGE_EXT):
            err(f"unexpected file under site/: {r}")
            continue
        pages[r] = full
    return pages


def check_pages(pages):
    decoded = {}
    gbk_pages = 0
    for r, full in pages.items():
        raw, cs, txt = decode(full)
        decoded[r] = txt
        if cs != "utf-8":
            gbk_pages += 1
        if not 2048 <= len(raw) <= 8192:
            err(f"{r}: {len(raw)} bytes (want 2-8 KB)")
        if re.search(r'(?:href|src)="https?://', txt):
            err(f"{r}: absolute link not written with {{{{BASE}}}}")
        b = body_text(txt)
        if b is None:
            err(f"{r}: no article body markers")
        elif not 300 <= han(b) <= 900:
            err(f"{r}: body has {han(b)} Chinese characters (want 300-900)")
    if gbk_pages == 0:
        err("no GBK-encoded page")
    return decoded, gbk_pages


def check_gold(gold, brief, pages, decoded):
    day = datetime.date.fromisoformat(brief["date"])
    window_start = day - datetime.timedelta(days=int(brief["window_days"]))
    if gold.get("date") != brief["date"]:
        err(f"gold.json date {gold.get('date')!r} != config date {brief['date']!r}")
    events = gold["events"]
    classified = {}

    def exists(aid, where):
        if aid not in pages:
            err(f"{where}: article {aid} does not exist under site/")
            return False
        return True

    ranks = sorted(e["rank"] for e in events)
    if ranks != list(range(1, len(events) + 1)):
        err(f"event ranks are not 1..{len(events)}: {ranks}")
    if len(events) <= brief["max_sections"]:
        err(f"only {len(events)} events for {brief['max_sections']} sections: nothing to choose")
    for e in events:
        if not 1 <= len(e["articles"]) <= 4:
            err(f"{e['id']}: {len(e['articles'])} articles (want 1-4)")
        if e["primary"] not in e["articles"]:
            err(f"{e['id']}: primary not among its articles")
        for a in e["articles"]:
            if exists(a, e["id"]):
                classified.setdefault(a, []).append(e["id"])
                d = datetime.date.fromisoformat(gold["dates"][a])
                if not window_start <= d <= day:
                    err(f"{e['id']}: article {a} dated {d} is outside the window")
        bodies = [body_text(decoded[a]) or "" for a in e["articles"] if a in decoded]
        for fact in e["facts"]:
            if not any(fact in b for b in bodies):
                err(f"{e['id']}: fact {fact!r} not found in any of its article bodies")
    for key, label in (("background", "background"), ("distractors", "distractor")):
        for a in gold[key]:
            if exists(a, key):
                classified.setdefault(a, []).append(label)
    for r in pages:
        if r not in classified:
            err(f"{r}: page is neither event article, background nor distractor")
        elif len(classified[r]) > 1:
            err(f"{r}: classified more than once: {classified[r]}")
    later = 0
    for group in gold["reprints"]:
        for a in group:
            exists(a, "reprints")
        orig = group[0]
        for a in group[1:]:
            if a not in decoded or orig not in decoded:
                continue
            if "来源：" not in strip(decoded[a]):
                err(f"reprint {a} has no 来源： line")
            if a.split("/")[0] == orig.split("/")[0]:
                err(f"reprint {a} is on the same host as its original")
            do, dr = gold["dates"][orig], gold["dates"][a]
            if dr < do:
                err(f"reprint {a} ({dr}) is dated before its original ({do})")
            if (datetime.date.fromisoformat(dr) - datetime.date.fromisoformat(do)).days == 1:
                later += 1
    if later < 2:
        err("fewer than two reprints dated a day after their original")
    for key in ("dates", "titles"):
        for a in gold[key]:
            exists(a, key)
        for r in pages:
            if r not in gold[key]:
                err(f"{r}: missing from gold {key}")
    for a, t in gold["titles"].items():
        if a in decoded and t not in strip(decoded[a]):
            err(f"{a}: gold title {t!r} not on the page")
    old = [a for a in gold["distractors"] if datetime.date.fromisoformat(gold["dates"][a]) < window_start]
    if not old:
        err("no out-of-window distractor")
    return old


def check_date_traps(gold, decoded):
    """公众号 pages dated only by `var ct`; a month-day page whose footer shows another year."""
    wechat = month_day = 0
    for r, txt in decoded.items():
        want = gold["dates"].get(r)
        if 'id="js_content"' in txt:
            wechat += 1
            cts = WECHAT_CT.findall(txt)
            if len(cts) != 1:
                err(f"{r}: 公众号 page needs exactly one `var ct`, has {len(cts)}")
                continue
            got = datetime.datetime.fromtimestamp(int(cts[0]), BEIJING).date().isoformat()
            if got != want:
                err(f"{r}: var ct is {got} (+08:00) but gold says {want}")
            if not re.search(r'<em id="publish_time"[^>]*></em>', txt):
                err(f"{r}: #publish_time is not empty")
            outside_body = txt.replace(body_html(txt) or "", " ")
            if FULL_DATE.search(strip(outside_body)) or re.search(r'(?i)name="(?:pubdate|publishdate)"', txt):
                err(f"{r}: 公众号 page shows a readable date besides var ct")
            continue
        if FULL_DATE.search(strip(txt)) or FULL_DATE.search(r):
            continue
        month_day += 1
        first = strip(body_html(txt) or "")[:40]
        m = MONTH_DAY.search(first)
        if not m or f"{int(m.group(1)):02d}-{int(m.group(2)):02d}" != want[5:]:
            err(f"{r}: no full date anywhere, and the first body line has no month-day matching {want}")
        years = {int(y) for pair in FOOTER_YEARS.findall(txt) for y in pair if y}
        if not years or int(want[:4]) in years:
            err(f"{r}: month-day page's footer should show a copyright year other than {want[:4]}")
    if wechat < 2:
        err("fewer than two 公众号 (mp.weixin.qq.com layout) pages")
    if month_day < 1:
        err("no page dated only by a month-day")
    return wechat, month_day


def check_feeds(feed_files, pages):
    in_sources = {}
    atom = no_date = 0
    all_feeds = sorted((SITE / "feeds").iterdir())
    for fp in all_feeds:
        if fp not in feed_files:
            err(f"feed {rel(fp)} is not referenced by config.toml")
        try:
            root = ET.parse(fp).getroot()  # noqa: S314 - our own files, checked for well-formedness
        except ET.ParseError as e:
            err(f"feed {rel(fp)} is not well-formed XML: {e}")
            continue
        links = []
        if root.tag == "rss":
            if root.get("version") != "2.0":
                err(f"feed {rel(fp)}: rss version {root.get('version')!r}")
            for it in root.iter("item"):
                links.append(it.findtext("link"))
                no_date += it.find("pubDate") is None
        elif root.tag == ATOM + "feed":
            atom += 1
            for en in root.iter(ATOM + "entry"):
                ln = [x for x in en.findall(ATOM + "link") if x.get("rel", "alternate") == "alternate"]
                links.append(ln[0].get("href") if ln else None)
                no_date += en.find(ATOM + "published") is None and en.find(ATOM + "updated") is None
        else:
            err(f"feed {rel(fp)}: root element {root.tag} is neither rss nor Atom feed")
        for ln in links:
            p = local(ln or "")
            if not p or not p.is_file():
                err(f"feed {rel(fp)}: link {ln!r} does not resolve under site/")
                continue
            in_sources.setdefault(rel(p), []).append(rel(fp))
    if atom < 1:
        err("no Atom feed")
    if no_date < 1:
        err("no feed item without a date")
    return in_sources, len(all_feeds), atom, no_date


def main():
    for need in ("README.md", "config.toml", "gold.json", "site", "site/feeds"):
        if not (ROOT / need).exists():
            err(f"missing {need}")
    if errors:
        return
    brief, kinds = check_config()
    pages = collect_pages(set(kinds["page"]))
    decoded, gbk_pages = check_pages(pages)
    gold = json.loads((ROOT / "gold.json").read_text(encoding="utf-8"))
    old = check_gold(gold, brief, pages, decoded)
    wechat, month_day = check_date_traps(gold, decoded)
    in_sources, n_feeds, atom, no_date = check_feeds(set(kinds["feed"]), pages)

    dated_lists = 0
    for lp in kinds["page"]:
        _raw, _cs, txt = decode(lp)
        links = list_page_links(lp, txt)
        targets = [p for p in links if p.is_file() and rel(p) in pages]
        if not targets:
            err(f"list page {rel(lp)} links no article page")
        for p in targets:
            in_sources.setdefault(rel(p), []).append(rel(lp))
        dated_lists += bool(re.search(r"</a>\s*<span[^>]*>\s*20\d{2}-\d{2}-\d{2}\s*</span>", txt))
    if not dated_lists:
        err("no list page shows dates beside its links")
    for folder in kinds["dir"]:
        files = [p for p in folder.rglob("*") if p.is_file()]
        if not files:
            err(f"dir source folder {rel(folder)} is empty")
        for p in files:
            in_sources.setdefault(rel(p), []).append(rel(folder))
    for r in pages:
        if r not in in_sources:
            err(f"{r}: not reachable from any feed, list page or dir source")

    n_ev = sum(len(e["articles"]) for e in gold["events"])
    print(f"pages: {len(pages)} (event articles {n_ev}, background {len(gold['background'])}, distractors "
          f"{len(gold['distractors'])}); feeds: {n_feeds} (Atom {atom}); list pages: {len(kinds['page'])}; "
          f"dir sources: {len(kinds['dir'])}; GBK pages: {gbk_pages}; undated feed items: {no_date}; "
          f"公众号 pages: {wechat}; month-day-only pages: {month_day}; out-of-window distractors: {len(old)}")
    for e in sorted(gold["events"], key=lambda e: e["rank"]):
        print(f"  {e['id']} rank {e['rank']}  {len(e['articles'])} article(s)  {len(e['facts'])} facts  {e['title']}")


if __name__ == "__main__":
    main()
    for n in notes:
        print("note:", n)
    for e in errors:
        print("FAIL:", e)
    print("OK" if not errors else f"{len(errors)} problem(s)")
    sys.exit(1 if errors else 0)
