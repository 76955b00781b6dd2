"""The extractive writer: sections, summary and main thread from the stories' own sentences.

It needs no model. Fact sentences are chosen for fact density and centrality, the
primary article first, then what the coverage adds (no fact twice); the interpretation
comes from the story's own analytic sentences (这意味着/表明/标志着…), which cite their article;
a story without one gets no interpretation (no template judgement is presented as a finding).
Every sentence keeps the id of the article it came from, which becomes its citation.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from dailybrief.config import ThemeSettings
from dailybrief.models import Article
from dailybrief.stories.select import Vector, cosine, idf_table, tfidf
from dailybrief.text.tokens import normalise, strip_dateline, tokens
from dailybrief.verify.claims import claims

_SENTENCE = re.compile(r"[^。！？!?]+(?:[。！？!?]+[”’」』）)]*|$)")
_BOILERPLATE = re.compile(
    r"记者\s*[\u4e00-\u9fff]{2,4}\s*(?:摄|报道)|通讯员|责任编辑|编辑：|来源：|原标题|点击|扫码|二维码|版权|转载请|图为|"
    r"（完）|附件|联系电话|电话：|邮箱|网址|[文图摄]\s*[/／]|"
    r"索\s*引\s*号|发文机关|主题分类|成文日期|发布日期|文\s*号|\||欢迎|关注我们|分享到|打印|字号"
)
_REPORTER = re.compile(r"[（(](?:记者|通讯员|实习生)[^）)]{0,30}[）)]")
_ANALYTIC = re.compile(
    r"这意味着|意味着|这表明|表明|标志着|有助于|有利于|将进一步|体现了|彰显|这说明|说明了|业内人士认为|专家认为|"
    r"分析认为|业内认为|具有重要意义|为.{2,20}提供|奠定.{0,8}基础"
)
_QUESTION = re.compile(r"[？?]$|^问[：:]|^答[：:]")
# The formulae of an official cover letter: true, but they say nothing an editor would quote.
_FORMULA = re.compile(r"现(?:印发|转发)给你们|请认真|请结合实际|认真组织实施|贯彻执行|遵照执行|特此通知|抓好落实")
_ENUMERATOR = re.compile(
    r"^(?:[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]{1,3}[、.．]|\d{1,2}[、.．](?!\d))\s*"
)

MIN_CHARS, MAX_CHARS = 18, 220


@dataclass(frozen=True)
class Candidate:
    """A source sentence the writer may use, with where it came from."""

    text: str
    article: Article
    position: int
    start: int
    end: int


def split_sentences(paragraph: str) -> list[str]:
    """Split a Chinese paragraph into sentences, keeping closing quotes with their sentence."""
    return [m.group(0).strip() for m in _SENTENCE.finditer(paragraph) if m.group(0).strip()]


def trim_sentence(text: str) -> str:
    """Remove a news dateline and reporter credits; the rest of the sentence is kept verbatim."""
    text = strip_dateline(text.strip())
    text = _REPORTER.sub("", text)
    text = _ENUMERATOR.sub("", text.strip(" 　，,"))
    return text.strip(" 　，,")


def candidates(article: Article) -> list[Candidate]:
    """Return the usable sentences of an article, in order, with their spans in its text."""
    out: list[Candidate] = []
    cursor = 0
    for paragraph in article.paragraphs:
        for raw in split_sentences(paragraph):
            start = article.text.find(raw, cursor)
            start = start if start >= 0 else article.text.find(raw)
            end = start + len(raw) if start >= 0 else -1
            if start >= 0:
                cursor = end
            text = trim_sentence(raw)
            if not (MIN_CHARS <= len(text) <= MAX_CHARS) or _BOILERPLATE.search(text) or _QUESTION.search(text):
                continue
            if not text.endswith(("。", "！", "”", "」", "）", ")")):
                continue
            out.append(Candidate(text, article, len(out), max(start, 0), max(end, 0)))
    return out


@dataclass(frozen=True)
class WrittenSection:
    """What the writer produced for one story (citations are article URLs until references exist)."""

    heading: str
    facts: tuple[Candidate, ...]
    analysis: tuple[Candidate, ...]
    label: str


def _vectors(items: Sequence[Candidate], words: tuple[str, ...]) -> list[Vector]:
    """Return TF-IDF vectors of candidate sentences."""
    docs = [tokens(c.text, words) for c in items]
    idf = idf_table(docs)
    default = max(idf.values(), default=1.0)
    return [tfidf(d, idf, default) for d in docs]


def topic_words(pool: Sequence[Candidate], primary: Article, words: tuple[str, ...],
                vectors: Sequence[Vector]) -> set[str]:
    """Return the words that say what a story is about: its headlines, the primary's lead, the theme.

    Words in most of the story's sentences (新闻发言人 in a press conference) say nothing
    about any one of them and are left out — unless the headlines carry them: then they are
    what the story is about (数据中心 in a report on data centres).
    """
    heads = " ".join(dict.fromkeys(c.article.title for c in pool))
    lead = " ".join(c.text for c in pool if c.article.url == primary.url and c.position < 2)
    found = set(tokens(heads + " " + lead, words)) | {t for w in words for t in tokens(w, words)}
    df: Counter[str] = Counter()
    for vec in vectors:
        df.update(vec.keys())
    common = {t for t, n in df.items() if len(vectors) >= 5 and n > 0.4 * len(vectors)}
    return found - (common - set(tokens(heads, words)))


def choose_facts(pool: Sequence[Candidate], primary: Article, words: tuple[str, ...],
                 max_sentences: int = 8, max_chars: int = 900) -> list[Candidate]:
    """Pick fact-dense, central sentences, the primary's first; never the same facts twice.

    A sentence sharing no topic word with the story (the wheat harvest in a press
    conference about computing power) is left out, and so are the formulae of official
    cover letters (现印发给你们…).
    """
    if not pool:
        return []
    vectors = _vectors(pool, words)
    topic = topic_words(pool, primary, words, vectors)
    centroid: dict[str, float] = {}
    for vec in vectors:
        for term, weight in vec.items():
            centroid[term] = centroid.get(term, 0.0) + weight
    norm = sum(v * v for v in centroid.values()) ** 0.5 or 1.0
    centroid = {t: v / norm for t, v in centroid.items()}
    scored = []
    for cand, vec in zip(pool, vectors, strict=True):
        lead_sentence = cand.article.url == primary.url and cand.position < 2
        if (not lead_sentence and not topic & set(vec)) or _FORMULA.search(cand.text) or _ANALYTIC.search(cand.text):
            continue
        found = claims(cand.text)
        listing = 0.15 * min(cand.text.count("、"), 6) / 6
        density = min(1.0, found.count / 4) + listing
        theme = min(1.0, sum(1 for w in words if w and w in cand.text) / 2)
        lead = 0.3 if cand.article.url == primary.url and cand.position < 3 else 0.0
        primary_bonus = 0.25 if cand.article.url == primary.url else 0.0
        total = density + cosine(vec, centroid) + 0.3 * theme + lead + primary_bonus
        scored.append((total, cand, vec))
    scored.sort(key=lambda item: -item[0])
    chosen: list[tuple[Candidate, Vector]] = []
    covered: set[object] = set()
    used = 0
    for _score, cand, vec in scored:
        if len(chosen) >= max_sentences or used + len(cand.text) > max_chars:
            continue
        found = claims(cand.text)
        facts = set(found.numbers) | set(found.titles) | {str(d) for d in found.dates}
        closest = max((cosine(vec, other) for _c, other in chosen), default=0.0)
        adds = bool(facts - covered)
        if closest > 0.8 or (closest > 0.5 and not adds) or (facts and not adds and len(facts) > 1):
            continue
        chosen.append((cand, vec))
        covered |= facts
        used += len(cand.text)
    order = {a.url: i for i, a in enumerate(dict.fromkeys(c.article for c in pool))}
    return sorted((c for c, _v in chosen), key=lambda c: (order[c.article.url], c.position))


def choose_analysis(pool: Sequence[Candidate], used: Sequence[Candidate], max_sentences: int = 2) -> list[Candidate]:
    """Pick the story's own interpretive sentences (这意味着/表明/有助于…), fewest numbers first."""
    taken = {c.text for c in used}
    found = [c for c in pool if c.text not in taken and _ANALYTIC.search(c.text)]
    found.sort(key=lambda c: (claims(c.text).count, c.article.url != used[0].article.url if used else 0, c.position))
    picked: list[Candidate] = []
    for cand in found:
        if len(picked) >= max_sentences:
            break
        if all(cand.text != p.text for p in picked):
            picked.append(cand)
    return picked


_WRAPPER = re.compile(r"^(?P<who>.*?)关于(?P<verb>印发|转发|发布)(?P<what>《[^》]+》)的通知$")
_ABOUT = re.compile(r"^(?P<who>.*?)关于(?P<what>.+?)的(?:通知|公告|通告|意见|决定|批复|函)$")
HEADING_EVENT_MAX = 24
# 《关于推进X的实施方案（2026—2028年）》 → 推进X实施方案: a document named without its brackets and years.
_BARE_DOC = re.compile(
    r"《(?:关于)?([^》]+?)(?:的)?(实施方案|方案|意见|办法|通知|规划|计划|指南|要点)(?:[（(][^）)]*[）)])?》"
)
IMPLICATIONS = {
    "national_policy": "{kw}顶层设计加码",
    "local_policy": "{kw}地方落地提速",
    "data": "{kw}态势值得关注",
    "event": "{kw}工作持续推进",
}


def condense_title(title: str) -> str:
    """Turn a document title into an event phrase: X关于印发《Y》的通知 → X印发《Y》."""
    title = normalise(title).replace(" ", "，")
    match = _WRAPPER.match(title)
    if match:
        return f"{match['who']}{match['verb']}{match['what']}"
    match = _ABOUT.match(title)
    if match:
        return f"{match['who']}{match['what']}"
    return title


def event_phrase(primary: Article, others: Sequence[Article]) -> str:
    """Return the heading's event part (≤ 24 characters, 32 for a document named without brackets)."""
    first = condense_title(primary.title)
    bare = _BARE_DOC.sub(r"\1\2", first)
    for option in (first, bare):
        if len(option) <= HEADING_EVENT_MAX + (8 if option is bare else 0):
            return option
    for option in (condense_title(a.title) for a in others):
        if len(option) <= HEADING_EVENT_MAX:
            return option
    for cut in ("，", "：", ":"):
        head = first.split(cut)[0]
        if 8 <= len(head) <= HEADING_EVENT_MAX:
            return head
    return clip_phrase(first, HEADING_EVENT_MAX)


def clip_phrase(text: str, limit: int) -> str:
    """Cut text to `limit` characters ending in …, never inside a number (a cut 19600 would read as 19)."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    if re.match(r"[\d.,，．]", text[limit - 1]) and re.search(r"\d[\d.,，．]*$", head):
        head = re.sub(r"\d[\d.,，．]*$", "", head)
    return head.rstrip("，、：:（(《“") + "…"


def theme_label(articles: Sequence[Article], theme: ThemeSettings, taken: set[str]) -> str:
    """Return the theme keyword that best names a story, preferring one no earlier section used."""
    counts: Counter[str] = Counter()
    for article in articles:
        text = normalise(article.title + " " + article.text)
        for keyword in theme.keywords:
            if keyword:
                counts[keyword] += text.count(normalise(keyword)) + 3 * article.title.count(keyword)
    ranked = [k for k, n in counts.most_common() if n > 0]
    for keyword in ranked:
        if not any(keyword in t or t in keyword for t in taken):
            return keyword
    return ranked[0] if ranked else theme.name


def implication(kind: str, label: str) -> str:
    """Return the heading's implication part from the theme vocabulary (no facts)."""
    return IMPLICATIONS.get(kind, IMPLICATIONS["event"]).format(kw=label)


def story_kind(primary: Article, level: str) -> str:
    """Classify a story for headings and interpretations: policy (national/local), data or event."""
    from dailybrief.stories.importance import is_policy_title  # noqa: PLC0415 - one vocabulary for rank and writer

    if is_policy_title(primary.title) and level != "media":
        return "national_policy" if level == "national" else "local_policy"
    if re.search(r"报告|数据显示|统计|规模|增长|亿元|%|％", primary.title):
        return "data"
    return "event"


def summary_clause(sentence: str, limit: int = 90) -> str:
    """Shorten a fact sentence to a clause for the summary, cutting at a clause boundary."""
    text = sentence.rstrip("。！!？?")
    if len(text) <= limit:
        return text
    cut = max(text.rfind("，", 0, limit), text.rfind("；", 0, limit))
    clause = text[:cut] if cut >= 20 else ""
    balanced = all(clause.count(a) == clause.count(b) for a, b in ("“”", "《》", "（）", "()"))
    return clause if clause and balanced else text
