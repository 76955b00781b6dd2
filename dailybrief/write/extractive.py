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
from dailybrief.text.spans import DOC_TITLE
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
_FORMULA = re.compile(r"现(?:印发|转发)给你们|现将.{0,12}印发给你们|请认真|请结合实际|认真组织实施|贯彻执行|遵照执行|"
                      r"特此通知|抓好落实|请径向|遇到的(?:问题|困难).{0,12}(?:反映|报告)|制定本(?:方案|意见|办法|计划|规划|细则|措施)|特制定|(?:现将|现就)有关事项通知如下")
_ENUMERATOR = re.compile(
    r"^(?:[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]{1,3}[、.．]|\d{1,2}[、.．](?!\d))\s*"
)

_ISSUING = "印发|发布|出台|公布|转发|下发"
MIN_CHARS, MAX_CHARS = 18, 220
SAME_SENTENCE, SIMILAR_SENTENCE = 0.8, 0.5  # cosine: the same sentence again; alike, so it must add a fact
NEAR_DUPLICATE = 0.8  # share of a sentence's character bigrams in another: it says that again
TITLE_ONLY_REST = 6  # Han characters left beside the title, date and publisher: fewer says nothing else
_NOT_WORD = re.compile(r"[\s，。、；：！？“”‘’（）《》,.;:!?()\"']")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_DIGITS = re.compile(r"\d+")
_FIGURES = re.compile(r"\d+(?:\.\d+)?(?![\d.]*[年月日号时])")  # figures, not the dates around them


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


def _bigrams(text: str) -> set[str]:
    """Return a text's character bigrams without white space and punctuation."""
    flat = _NOT_WORD.sub("", text)
    return {flat[i:i + 2] for i in range(len(flat) - 1)}


def restates(text: str, other: str, share: float = 0.6) -> bool:
    """Say whether a sentence says again what another says (most of its character bigrams are the other's).

    A sentence with a figure the other lacks says something new (四川最高补贴300万元 beside 浙江的500万元).
    """
    if not set(_FIGURES.findall(text)) <= set(_FIGURES.findall(other)):
        return False
    mine = _bigrams(text)
    return bool(mine) and len(mine & _bigrams(other)) / len(mine) >= share


def reannounces(text: str, lead: str) -> bool:
    """Say whether a sentence announces again the document the lead names (近日，X印发《Y》（以下简称…），…)."""
    return any(re.search(rf"(?:{_ISSUING})《{re.escape(title)}》", text) for title in DOC_TITLE.findall(lead))


def title_only(text: str, names: Sequence[str]) -> bool:
    """Say whether a sentence only says a document was issued (X8日对外发布《Y》。): nothing is left without them."""
    if "《" not in text:
        return False
    rest = DOC_TITLE.sub("", text)
    for name in sorted(names, key=len, reverse=True):
        rest = rest.replace(name, "")
    for word in sorted(phrases_of_publishing(), key=len, reverse=True):
        rest = rest.replace(word, "")
    return len(_HAN.findall(_DIGITS.sub("", rest))) < TITLE_ONLY_REST


def choose_facts(pool: Sequence[Candidate], primary: Article, words: tuple[str, ...], *, budget: int = 600,
                 lead: str = "", said: Sequence[str] = (), max_sentences: int = 8) -> list[Candidate]:
    """Pick the sentences that cover the story's distinct facts within `budget` characters, the primary's first.

    Each step takes the sentence that adds the most facts not yet stated (and is central to the
    story), until the budget (the lead sentence included) is spent. Left out: a sentence sharing
    no topic word with the story; on a page mostly about something else (a press conference), a
    sentence naming no theme term (the wheat harvest beside computing power); the formulae of
    official cover letters (现印发给你们, 制定本方案); a title-only sentence; one restating the lead or
    what the brief has `said` already (earlier sections), or a sentence already chosen.
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
    names = tuple({c.article.publisher for c in pool} | {c.article.source for c in pool})
    # A primary whose headline does not name the theme may be about several things (a press conference):
    # only its paragraphs that name the theme count.
    mixed = bool(words) and not _names_theme(primary.title, words)
    off_topic = _off_theme_paragraphs(primary, words) if mixed else set()
    usable = []
    for cand, vec in zip(pool, vectors, strict=True):
        opening = cand.article.url == primary.url and cand.position < 2
        if (not opening and not topic & set(vec)) or _FORMULA.search(cand.text) or _ANALYTIC.search(cand.text) \
                or (cand.article.url == primary.url and not opening and _paragraph_of(cand) in off_topic) \
                or title_only(cand.text, names) or (lead and (restates(cand.text, lead) or reannounces(cand.text, lead)
                                                              or (restates(lead, cand.text)
                                                                  and not (opening and _adds_facts(cand.text, lead)))))\
                or any(restates(cand.text, s) or restates(s, cand.text, NEAR_DUPLICATE) for s in said):
            continue
        facts = _stated_facts(cand.text)
        theme = min(1.0, sum(1 for w in words if w and w in cand.text) / 2)
        bonus = (0.3 if cand.article.url == primary.url and cand.position < 3 else 0.0) \
            + (0.25 if cand.article.url == primary.url else 0.0)
        usable.append((cand, vec, facts, cosine(vec, centroid) + 0.3 * theme + bonus
                       + 0.15 * min(cand.text.count("、"), 6) / 6))
    chosen: list[tuple[Candidate, Vector]] = []
    covered: set[str] = set()
    left = budget - len(lead)
    while usable and len(chosen) < max_sentences:
        def gain(item: tuple[Candidate, Vector, set[str], float], stated: set[str] = covered) -> float:
            """Return what a sentence adds: its new facts, then its centrality."""
            return min(1.0, len(item[2] - stated) / 4) + item[3]
        fitting = [u for u in usable if len(u[0].text) <= left
                   and max((cosine(u[1], v) for _c, v in chosen), default=0.0) <= SAME_SENTENCE
                   and not (u[2] and not u[2] - covered and len(u[2]) > 1)
                   and not any(restates(u[0].text, c.text, NEAR_DUPLICATE) or restates(c.text, u[0].text,
                                                                                      NEAR_DUPLICATE)
                               for c, _v in chosen)]
        if not fitting:
            break
        best = max(fitting, key=gain)
        if chosen and not best[2] - covered and max(cosine(best[1], v) for _c, v in chosen) > SIMILAR_SENTENCE:
            usable.remove(best)
            continue
        usable.remove(best)
        chosen.append((best[0], best[1]))
        covered |= best[2]
        left -= len(best[0].text)
    order = {a.url: i for i, a in enumerate(dict.fromkeys(c.article for c in pool))}
    return sorted((c for c, _v in chosen), key=lambda c: (order[c.article.url], c.position))


def _stated_facts(text: str) -> set[str]:
    """Return the numbers, 《titles》 and dates a sentence states."""
    found = claims(text)
    return set(found.numbers) | set(found.titles) | {str(d) for d in found.dates}


def _adds_facts(text: str, lead: str) -> bool:
    """Say whether a sentence states facts the lead does not (its opening then stands in for the lead)."""
    return bool(_stated_facts(text) - _stated_facts(lead))


def _paragraph_of(cand: Candidate) -> int:
    """Return the index of the paragraph a candidate sentence stands in."""
    at = 0
    for index, paragraph in enumerate(cand.article.paragraphs):
        at += len(paragraph) + 1
        if cand.start < at:
            return index
    return len(cand.article.paragraphs) - 1


def _off_theme_paragraphs(article: Article, words: tuple[str, ...]) -> set[int]:
    """Return the paragraphs of an article that name no theme term, when some others do."""
    naming = [_names_theme(p, words) for p in article.paragraphs]
    return {i for i, named in enumerate(naming) if not named} if any(naming) else set()


def _names_theme(text: str, words: tuple[str, ...]) -> bool:
    """Say whether a sentence names one of the theme's terms."""
    return any(w and w in text for w in words)


def choose_analysis(pool: Sequence[Candidate], used: Sequence[Candidate], *, lead: str = "",
                    max_sentences: int = 2) -> list[Candidate]:
    """Pick the story's own interpretive sentences (这意味着/表明/有助于…), fewest numbers first.

    Never one announcing the lead's document again (近日，X印发《Y》，…为…提供支撑) nor one saying
    what a chosen sentence says.
    """
    said = [c.text for c in used] + ([lead] if lead else [])
    found = [c for c in pool if _ANALYTIC.search(c.text) and not (lead and reannounces(c.text, lead))]
    found.sort(key=lambda c: (claims(c.text).count, c.article.url != used[0].article.url if used else 0, c.position))
    picked: list[Candidate] = []
    for cand in found:
        if len(picked) >= max_sentences:
            break
        if not any(restates(cand.text, t, NEAR_DUPLICATE) or restates(t, cand.text, NEAR_DUPLICATE)
                   for t in said + [p.text for p in picked]):
            picked.append(cand)
    return picked


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


def phrases_of_publishing() -> tuple[str, ...]:
    """Return the words that only say a document was issued (phrases.toml)."""
    from dailybrief.write.headings import phrases  # noqa: PLC0415 - headings builds on this module

    return phrases().publishing_words
