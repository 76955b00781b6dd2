#!/usr/bin/env python3
"""Check this corpus day against ../../../../shared/corpora/FORMAT.md (Python 3.11+ standard library only).

Adapted from the shared day's check.py: sources may be feeds, list pages (`page`, with a CSS
`selector`) or a local folder (`dir`), so a page counts as reachable when a feed lists it, a list
page's selector picks its link, or it lies in a `dir` source's folder. List pages are not articles.
The two hard date shapes of this day (a 公众号 page dated only by `var ct`, a city page dated only
by a month-day) are checked to stay that way.

Run from anywhere:  python3 check.py
Exit status 0 when every check passes; every failure is printed.
"""

import datetime
import html
import html.parser
import json
import re
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent
SITE = ROOT / "site"
ATOM = "{http://www.w3.org/2005/Atom}"
PAGE_EXT = (".html", ".htm", ".shtml")
# briefeval.py replaces {{BASE}} only in files with these suffixes (a .shtml page keeps it)
FILLED_EXT = (".xml", ".html", ".htm", ".toml", ".rss", ".atom")
# markers that delimit the article body in each site template
BODY_MARKERS = [
    ("<!--TRS_EDITOR_BEGIN-->", "<!--TRS_EDITOR_END-->"),            # 财政部农业农村司
    ("<!--UCAP-CONTENT begin-->", "<!--UCAP-CONTENT end-->"),        # 中国政府网
    ("<!--zhengwen start-->", "<!--zhengwen end-->"),                # 农业农村部
    ("<!--article_body_begin-->", "<!--article_body_end-->"),        # 农民日报·中国农网
    ("<!--content_area_start-->", "<!--content_area_end-->"),        # 经济参考报
    ("<!-- article-content -->", "<!-- /article-content -->"),       # 川观新闻
    ("<!--hlj_content_begin-->", "<!--hlj_content_end-->"),          # 黑龙江省人民政府
    ("<!--ContentStart-->", "<!--ContentEnd-->"),                    # 绥化市人民政府 (GBK)
    ("<!--正文区 开始-->", "<!--正文区 结束-->"),                      # 德州市人民政府
    ('id="js_content" style="visibility: hidden;">',
     '<div class="ct_mpda_wrp" id="js_sponsor_ad_area"'),            # 公众号 (mp.weixin.qq.com layout)
]
# the day's two hard date shapes: page id -> what must hold (see README, trap 8)
MONTH_DAY_PAGE = "www.suihua.gov.cn/zwgk/zwdt/bmdt/content_128734.html"
WEIXIN_PAGE = "local/weixin/s_Xk3f9Qe2LmA7tR1cVb8nPw.html"
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class Report:
    """Failures and notes collected by the checks."""

    def __init__(self):
        self.errors = []
        self.notes = []

    def err(self, msg):
        self.errors.append(msg)


REPORT = Report()
err = REPORT.err


def rel(path):
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


def body_text(txt):
    for b, e in BODY_MARKERS:
        i = txt.find(b)
        if i >= 0:
            j = txt.find(e, i)
            if j > i:
                return strip(txt[i + len(b):j])
    return None


def han(s):
    return len(re.findall(r"[\u4e00-\u9fff]", s))


def local(url):
    """The file a {{BASE}} URL or a dir path (relative to config.toml) names, or None."""
    if url.startswith("{{BASE}}/"):
        return SITE / url[len("{{BASE}}/"):]
    if url.startswith("site/"):
        return ROOT / url
    return None


# ------------------------------------------------------------------ a small CSS selector matcher
def parse_selector(selector):
    """'div.news-list div.item h3 a' -> [(tag, {classes}, id), ...] (descendant combinators only)."""
    parts = []
    for token in selector.split():
        m = re.fullmatch(r"([a-zA-Z][a-zA-Z0-9]*)?((?:[.#][\w-]+)*)", token)
        if not m:
            raise ValueError(f"selector part {token!r} is beyond this checker (tag, .class, #id only)")
        classes = set(re.findall(r"\.([\w-]+)", m.group(2)))
        ids = re.findall(r"#([\w-]+)", m.group(2))
        parts.append((m.group(1), classes, ids[0] if ids else None))
    return parts


def matches(part, node):
    tag, classes, ident = part
    return ((tag is None or node["tag"] == tag) and classes <= node["classes"]
            and (ident is None or node["id"] == ident))


def chain_matches(parts, chain):
    """True when the last part matches chain[-1] and the rest match its ancestors in order."""
    if not matches(parts[-1], chain[-1]):
        return False
    k = len(parts) - 2
    for node in reversed(chain[:-1]):
        if k < 0:
            break
        if matches(parts[k], node):
            k -= 1
    return k < 0


class Anchors(html.parser.HTMLParser):
    """Every <a href> with its chain of open elements (itself last)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.found = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        node = {"tag": tag, "classes": set((a.get("class") or "").split()), "id": a.get("id")}
        if tag == "a" and a.get("href"):
            self.found.append((a["href"], [*self.stack, node]))
        if tag not in VOID_TAGS:
            self.stack.append(node)

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i]["tag"] == tag:
                del self.stack[i:]
                break


def selected_links(txt, selector):
    """Hrefs a CSS selector picks as a list-page lister does: matched <a>, or <a> inside a matched node."""
    parts = parse_selector(selector)
    parser = Anchors()
    parser.feed(txt)
    out = []
    for href, chain in parser.found:
        if any(chain_matches(parts, chain[: i + 1]) for i in range(len(chain))):
            out.append(href)
    return out


# ------------------------------------------------------------------ the checks
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
    kinds = {}
    for s in sources:
        for k in ("name", "url", "type", "level"):
            if k not in s:
                err(f"config.toml: source {s.get('name')!r} lacks {k}")
        if s.get("level") not in ("national", "provincial", "city", "media"):
            err(f"config.toml: source {s.get('name')!r} has bad level {s.get('level')!r}")
        kinds.setdefault(s.get("type"), []).append(s)
        p = local(s.get("url", ""))
        want_dir = s.get("type") == "dir"
        if not p or not (p.is_dir() if want_dir else p.is_file()):
            err(f"config.toml: source {s.get('name')!r} url {s.get('url')!r} does not resolve under site/")
        if s.get("type") == "page" and not s.get("selector"):
            err(f"config.toml: page source {s.get('name')!r} has no selector")
    if len(kinds.get("page", [])) < 2 or not kinds.get("dir") or not kinds.get("feed"):
        err("config.toml: want at least two page sources, one dir source and one feed")
    return brief, sources


def collect_pages(list_pages):
    pages = {}
    for full in sorted(SITE.rglob("*")):
        if not full.is_file():
            continue
        r = rel(full)
        if r.startswith("feeds/") or r in list_pages:
            continue
        if not full.name.endswith(PAGE_EXT):
            err(f"unexpected file under site/: {r}")
            continue
        pages[r] = full
    return pages


def check_pages(pages):
    decoded = {}
    gbk_pages = 0
    for r, full in sorted(pages.items()):
        raw, cs, txt = decode(full)
        decoded[r] = txt
        gbk_pages += cs != "utf-8"
        if not 2048 <= len(raw) <= 8192:
            err(f"{r}: {len(raw)} bytes (want 2-8 KB)")
        if "{{BASE}}" not in txt and not r.startswith("local/"):
            REPORT.notes.append(f"{r}: no {{{{BASE}}}} link")
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


def check_gold(brief, pages, decoded):
    gold = json.loads((ROOT / "gold.json").read_text(encoding="utf-8"))
    if gold.get("date") != brief["date"]:
        err(f"gold.json date {gold.get('date')!r} != config date {brief['date']!r}")
    day = datetime.date.fromisoformat(brief["date"])
    window_start = day - datetime.timedelta(days=int(brief["window_days"]))
    events = gold["events"]

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
    classified = {}
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
        if not 4 <= len(e["facts"]) <= 8:
            err(f"{e['id']}: {len(e['facts'])} facts (want 4-8)")
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
    return gold, old


def check_sources(sources, pages):
    """Feeds parse; list pages' selectors pick only existing article pages; every page is reachable."""
    reach = {}
    atom = rss = no_date = 0
    feed_files = set()
    for s in sources:
        p = local(s.get("url", ""))
        if not p or not p.exists():
            continue
        if s["type"] == "feed":
            feed_files.add(p)
            try:
                root = ET.parse(p).getroot()  # noqa: S314 - our own files, not untrusted input
            except ET.ParseError as e:
                err(f"feed {rel(p)} is not well-formed XML: {e}")
                continue
            links = []
            if root.tag == "rss":
                rss += 1
                if root.get("version") != "2.0":
                    err(f"feed {rel(p)}: rss version {root.get('version')!r}")
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
                err(f"feed {rel(p)}: root element {root.tag} is neither rss nor Atom feed")
        elif s["type"] == "page":
            raw = p.read_bytes()
            if not 1024 <= len(raw) <= 8192:
                err(f"list page {rel(p)}: {len(raw)} bytes (want 1-8 KB)")
            _, _, txt = decode(p)
            links = selected_links(txt, s.get("selector", ""))
            if not links:
                err(f"list page {rel(p)}: selector {s.get('selector')!r} picks no link")
        else:
            links = ["{{BASE}}/" + rel(f) for f in p.rglob("*") if f.is_file()]
        for ln in links:
            target = local(ln or "")
            if not target or not target.is_file():
                err(f"source {s['name']!r}: link {ln!r} does not resolve under site/")
                continue
            reach.setdefault(rel(target), []).append(s["name"])
    for r in pages:
        if r not in reach:
            err(f"{r}: not reached by any source (feed item, list-page link or dir folder)")
    feed_dir = SITE / "feeds"
    for fp in sorted(feed_dir.iterdir()):
        if fp not in feed_files:
            err(f"feed {rel(fp)} is not referenced by config.toml")
    if atom < 1 or rss < 1:
        err("want at least one RSS 2.0 feed and one Atom feed")
    if no_date < 1:
        err("no feed item without a date")
    return atom, rss, no_date


def check_date_traps(decoded, gold):
    """The month-day page and the 公众号 page must keep their hard date shapes."""
    txt = decoded.get(MONTH_DAY_PAGE)
    if txt is not None:
        visible = strip(txt)
        body = body_text(txt) or ""
        if not body.startswith(gold["dates"][MONTH_DAY_PAGE][5:7].lstrip("0") + "月"):
            err(f"{MONTH_DAY_PAGE}: first body line does not start with the month-day")
        if gold["dates"][MONTH_DAY_PAGE][:4] in visible or re.search(r"PubDate|20\d\d-\d\d-\d\d", txt):
            err(f"{MONTH_DAY_PAGE}: the true year or a full date is on the page")
        if not re.search(r"©\s*\d{4}-\d{4}", visible):
            err(f"{MONTH_DAY_PAGE}: no ©YYYY-YYYY footer")
    txt = decoded.get(WEIXIN_PAGE)
    if txt is not None:
        m = re.search(r'var ct = "(\d+)";', txt)
        if not m:
            err(f"{WEIXIN_PAGE}: no var ct")
        else:
            tz = datetime.timezone(datetime.timedelta(hours=8))
            ct_day = datetime.datetime.fromtimestamp(int(m.group(1)), tz).date().isoformat()
            if ct_day != gold["dates"][WEIXIN_PAGE]:
                err(f"{WEIXIN_PAGE}: var ct is {ct_day} (+08:00), gold says {gold['dates'][WEIXIN_PAGE]}")
        if '<em id="publish_time" class="rich_media_meta rich_media_meta_text"></em>' not in txt:
            err(f"{WEIXIN_PAGE}: #publish_time is not empty")
        d = gold["dates"][WEIXIN_PAGE]
        if d in txt or f"{int(d[5:7])}月{int(d[8:10])}日" in txt:
            err(f"{WEIXIN_PAGE}: its date is written on the page besides var ct")


def check_placeholders():
    """A {{BASE}} in a file the harness does not fill stays a dead link."""
    for full in sorted(SITE.rglob("*")):
        if full.is_file() and not full.name.endswith(FILLED_EXT) and b"{{BASE}}" in full.read_bytes():
            err(f"{rel(full)}: holds {{{{BASE}}}} but briefeval fills it only in {', '.join(FILLED_EXT)} files")


def main():
    for need in ("README.md", "config.toml", "gold.json", "site", "site/feeds"):
        if not (ROOT / need).exists():
            err(f"missing {need}")
    if REPORT.errors:
        return
    brief, sources = check_config()
    list_pages = {rel(local(s["url"])) for s in sources if s.get("type") == "page" and local(s["url"])}
    pages = collect_pages(list_pages)
    decoded, gbk_pages = check_pages(pages)
    gold, old = check_gold(brief, pages, decoded)
    atom, rss, no_date = check_sources(sources, pages)
    check_date_traps(decoded, gold)
    check_placeholders()
    events = gold["events"]
    n_ev = sum(len(e["articles"]) for e in events)
    print(f"pages: {len(pages)} (event articles {n_ev}, background {len(gold['background'])}, distractors "
          f"{len(gold['distractors'])}); list pages: {len(list_pages)}; feeds: RSS {rss}, Atom {atom}; "
          f"GBK pages: {gbk_pages}; undated feed items: {no_date}; out-of-window distractors: {len(old)}")
    for e in sorted(events, key=lambda e: e["rank"]):
        print(f"  {e['id']} rank {e['rank']}  {len(e['articles'])} article(s)  {len(e['facts'])} facts  {e['title']}")


if __name__ == "__main__":
    main()
    for n in REPORT.notes:
        print("note:", n)
    for e in REPORT.errors:
        print("FAIL:", e)
    print("OK" if not REPORT.errors else f"{len(REPORT.errors)} problem(s)")
    sys.exit(1 if REPORT.errors else 0)
