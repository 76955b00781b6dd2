"""Chinese-aware tokens and the signals editors use to tell events apart.

Tokens come from rjieba (jieba's dictionary, compiled), with the theme's keywords and
common agency names added as words so 国家发展改革委 or 数据要素 stay whole.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import rjieba

from dailybrief.text.spans import DOC_TITLE

# Agency names jieba splits; they are words to an editor.
AGENCY_WORDS = (
    "国家发展改革委", "国家发改委", "国家数据局", "工业和信息化部", "工信部", "国务院办公厅", "国家标准委",
    "民航局", "中国民用航空局", "国家能源局", "生态环境部", "财政部", "商务部", "科技部", "国家网信办",
    "市场监管总局", "国家统计局", "人民银行", "证监会", "金融监管总局", "省政府办公厅", "市数据局",
)
_STOPWORD_TEXT = """
的 了 和 与 及 等 在 是 为 对 将 把 被 从 以 于 也 并 而 或 其 这 那 有 个 上 下 中 后 前 年 月 日
一 二 三 等等 我们 你们 他们 以及 进行 开展 有关 相关 工作 方面 通过 同时 主要 要求 提出 表示 记者
今年 目前 已经 不断 持续 推进 推动 加快 加强 进一步 积极 做好 一批 一些 各类 各地 全国 重点
关于 通知 按照 根据 其中 包括 以下 如下 可以 能够 需要 一个 没有 就是 还是 已 该 此 之 所
编辑 责任编辑 来源 发布 时间 日期 作者 本报 本网 讯 电
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_TOKEN_OK = re.compile(r"^(?:[\u4e00-\u9fff]{2,}|[A-Za-z][A-Za-z0-9+\-]{1,}|[\u4e00-\u9fff]+[+×][\u4e00-\u9fff]*)$")
# 新华社北京6月8日电（记者 …） or 香港商报讯（记者 …）: the agency's dateline, not the event's place.
_DATELINE = re.compile(
    r"^(?:[^，。,]{0,16}?(?:社|网|报|台|日报|讯)[\u4e00-\u9fff]{0,6}?\d{1,2}月\d{1,2}日(?:电|讯|消息)|"
    r"[^，。,]{0,12}讯)\s*(?:[（(][^）)]{0,24}[）)])?\s*"
)
_YEAR = re.compile(r"(?<!\d)(20\d{2})\s*年?(?!\d)")
_NUMBER_UNIT = re.compile(
    r"(?<![\d.])(\d+(?:\.\d+)?)\s*(%|％|个|条|家|项|亿元|万元|元|亿千瓦时|千瓦时|万千瓦|千瓦|吨|万吨|公里|千米|架|台|所|座|人|"
    r"万人|场|次|批|类|大|张|份|倍|亿|万|平方米|亩|赛道|城市|社区)"
)
PLACE_SUFFIX = re.compile(r"(?:省|市|自治区|特别行政区|区|县|州|新区)$")


def normalise(text: str) -> str:
    """NFKC-normalise (full-width digits and letters become ASCII) and fold white space."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


@cache
def tokenizer(extra_words: tuple[str, ...] = ()) -> rjieba.Jieba:
    """Return a jieba instance knowing the agency names and the given extra words."""
    jieba = rjieba.Jieba()
    cleaned = (re.sub(r"[^\u4e00-\u9fffA-Za-z0-9]", "", w) for w in extra_words)
    for word in (*AGENCY_WORDS, *extra_words, *cleaned):
        if word and not jieba.has_word(word):
            jieba.add_word(word, 20000, None)
    return jieba


def tokens(text: str, extra_words: tuple[str, ...] = ()) -> list[str]:
    """Return content tokens: Chinese words of two or more characters and Latin terms, lower-cased.

    Tokens are interned: a day of 100,000 articles repeats the same few hundred thousand
    words, and one string per word keeps the token lists small.
    """
    kept = _token_forms(extra_words)
    if len(kept) > _MAX_REMEMBERED:
        kept.clear()
    out = []
    for word in tokenizer(extra_words).cut(unicodedata.normalize("NFKC", text), False):
        form = kept.get(word, "")
        if form == "":
            form = kept[word] = _token_form(word)
        if form is not None:
            out.append(form)
    return out


_MAX_REMEMBERED = 1_000_000  # words: a long-lived process (the web app) keeps a bounded memo


@cache
def _token_forms(_extra_words: tuple[str, ...]) -> dict[str, str | None]:
    """Return the memo of each word jieba has cut ("" never is a token): its token, or None when it is none."""
    return {}


def _token_form(word: str) -> str | None:
    """Return the interned token a cut word stands for, or None (too short, a stop word, punctuation)."""
    if len(word) < 2 or word in STOPWORDS:
        return None
    first = word[0]
    if "\u4e00" <= first <= "\u9fff" or (first.isascii() and first.isalpha() and _TOKEN_OK.match(word)):
        return sys.intern(word.lower())
    return None


def strip_dateline(paragraph: str) -> str:
    """Remove a news dateline such as 新华社北京6月8日电（记者 …） whose place is not the event's."""
    return _DATELINE.sub("", paragraph, count=1)


def place_counts(text: str, extra_words: tuple[str, ...] = ()) -> Counter[str]:
    """Count the place names (jieba's ns tags) a text mentions, without 省/市/区 suffixes."""
    found: Counter[str] = Counter()
    for word, tag in tokenizer(extra_words).tag(normalise(text)):
        if tag == "ns" and len(word) >= 2:
            base = PLACE_SUFFIX.sub("", word)
            found[base if len(base) >= 2 else word] += 1
    for generic in ("中国", "全国", "国家", "我国", "中华人民共和国", "境内", "国内", "海外", "国际"):
        found.pop(generic, None)
    return found


def places(text: str, extra_words: tuple[str, ...] = ()) -> set[str]:
    """Return place names (jieba's ns tags), without 省/市/区 suffixes."""
    return set(place_counts(text, extra_words))


def main_places(counts: Counter[str]) -> set[str]:
    """Return the most-mentioned places (the event's own place, not one named in passing)."""
    top = max(counts.values(), default=0)
    return {p for p, c in counts.items() if c == top} if top else set()


def doc_titles(text: str) -> set[str]:
    """Return the document titles written in 《》, normalised."""
    return {normalise(t).replace(" ", "") for t in DOC_TITLE.findall(text)}


def years(text: str) -> set[int]:
    """Return the years written in a text (2000-2099)."""
    return {int(y) for y in _YEAR.findall(normalise(text))}


def numbers_with_units(text: str) -> set[tuple[str, str]]:
    """Return (value, unit) pairs such as ('17', '个') or ('1960', '亿千瓦时'); values canonical."""
    out = set()
    for value, unit in _NUMBER_UNIT.findall(normalise(text).replace(",", "")):
        number = value.rstrip("0").rstrip(".") if "." in value else value.lstrip("0") or "0"
        out.add((number, "%" if unit == "％" else unit))
    return out


@dataclass(frozen=True)
class Signals:
    """What an editor compares to tell two look-alike events apart."""

    places: frozenset[str]
    main_places: frozenset[str]
    title_places: frozenset[str]
    title_years: frozenset[int]
    title_numbers: frozenset[tuple[str, str]]
    numbers: frozenset[tuple[str, str]]
    doc_titles: frozenset[str]
    title_doc_titles: frozenset[str] = frozenset()


# A local government's text names its own place as 我市/本省/全县: the place is its publisher's.
_SELF_PLACE = re.compile(r"我市|本市|全市|我省|本省|全省|我区|本区|全区|我县|本县|全县|我州|全州")


def signals(title: str, paragraphs: Iterable[str], extra_words: tuple[str, ...] = (), *,
            with_places: bool = True, home: str = "") -> Signals:
    """Compute an article's signals from its title and its lead paragraphs (no places when `with_places` is false).

    `home` is a local government publisher's name: when the text calls its place 我市 or 全省,
    that publisher's place counts as the text's main place.
    """
    lead = [strip_dateline(p) for p in list(paragraphs)[:3]]
    body = " ".join(lead)
    in_title: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    if with_places:
        in_title = place_counts(title, extra_words)
        counts = in_title + in_title + place_counts(body, extra_words)
        if home and _SELF_PLACE.search(title + body):
            own = place_counts(home, extra_words)
            counts += Counter({place: max(counts.values(), default=0) + 1 for place in own})
    return Signals(
        places=frozenset(counts),
        main_places=frozenset(main_places(counts)),
        title_places=frozenset(in_title),
        title_years=frozenset(years(title)),
        title_numbers=frozenset(numbers_with_units(title)),
        numbers=frozenset(numbers_with_units(title + " " + body)),
        doc_titles=frozenset(doc_titles(title + " " + body)),
        title_doc_titles=frozenset(doc_titles(title)),
    )


def same_document(a: str, b: str) -> bool:
    """Say whether two 《titles》 name one document (a short form and the full title with its years)."""
    x, y = (re.sub(r"[（(][^）)]*[）)]", "", t) for t in (a, b))
    return bool(x and y) and (x in y or y in x)
