"""Headings "event，implication" from the story itself, and the names of what was issued.

The event is the story in at most 20 characters: who did what (国家数据局推进高质量数据集建设),
from the primary's headline with its document named without brackets and years, or a
shorter headline of its coverage. The implication is what the story says beyond the event,
taken from its own sentences — the point of an analytic sentence (…有助于推动数据要素从“资源”
走向“资产”), else a headline figure (设置17个赛道), else a first-of-its-kind — so no two
headings of a brief share a stock phrase. Word lists are data (`phrases.toml`).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from dailybrief.models import Article
from dailybrief.text.tokens import tokens
from dailybrief.verify.lexicon import lexicon
from dailybrief.write.extractive import Candidate

EVENT_MAX = 20
HEADING_MAX = 32
IMPLICATION_MIN = 5
SPEAKER_MAX = 6  # characters of a headline's "X：" that name who says it
EVENT_MIN_HAN = 8  # Chinese characters an event needs to say who did what (首期规模60亿元 does not)
_TITLE_PARTS = re.compile(r"[，,；;！!？?]")  # a headline's parts (X：Y stays whole: X said Y)
_YEAR = re.compile(r"(?:19|20)\d{2}年(?:度)?")
_TIME = re.compile(r"^(?P<who>[^，]{2,8}?)(?:今年|近日|日前|目前|当前)")  # 我市今年… → 我市…
_HAN = re.compile(r"[\u4e00-\u9fff]")
_FIGURE_WORD = re.compile(r"(\d+(?:\.\d+)?(?:年度|年|月|日|个|万|亿|%)*)")  # one word: 2027年, 120个
SHARED_PHRASE = 4  # Chinese characters a heading's implication may share with its event or another implication
_HAN_ONLY = re.compile(r"[\u4e00-\u9fff]+")
_WRAPPER = re.compile(r"^(?P<who>.*?)关于(?P<verb>印发|转发|发布)(?P<what>《[^》]+》|.+?)的通知$")
_ABOUT = re.compile(r"^(?P<who>.*?)关于(?P<what>.+?)的(?:通知|公告|通告|意见|决定|批复|函)$")
_YEARS = re.compile(r"[（(][^）)]*\d{4}[^）)]*[）)]")
_CLAUSE = re.compile(r"[，；;。！？：:]|,(?!\d{3})")  # 1,960 is one figure, not two clauses
_HAS_FIGURE = re.compile(r"\d|[一二两三四五六七八九十百千万]+(?:个|项|条|家|类|方面|大|批|项重点)")
_PAIRS = (("“", "”"), ("《", "》"), ("（", "）"), ("(", ")"), ("‘", "’"))


@dataclass(frozen=True)
class Phrases:
    """The word lists of phrases.toml."""

    document_suffixes: tuple[str, ...]
    publishing_words: tuple[str, ...]
    implication_markers: tuple[str, ...]
    implication_verbs: tuple[str, ...]
    event_verbs: tuple[str, ...]
    former_names: tuple[str, ...]
    figure_verbs: tuple[str, ...]
    actor_suffixes: tuple[str, ...]
    judgement_openers: tuple[str, ...]
    bare_connectives: tuple[str, ...]


@cache
def phrases() -> Phrases:
    """Load the writer's word lists from the package data."""
    data = tomllib.loads(resources.files("dailybrief.write").joinpath("phrases.toml").read_text("utf-8"))
    return Phrases(**{key: tuple(data[key]) for key in Phrases.__dataclass_fields__})


def balanced(text: str) -> bool:
    """Say whether every quotation mark and bracket a text opens it also closes."""
    return all(text.count(a) == text.count(b) for a, b in _PAIRS)


def is_document_title(title: str) -> bool:
    """Say whether a title names a document (方案, 意见, 报告 …), not a news headline."""
    core = _YEARS.sub("", plain(title).strip("《》“”\" ")).rstrip("）) ")
    return core.endswith(phrases().document_suffixes)


def plain(text: str) -> str:
    """Fold white space and full-width digits and letters, keeping Chinese punctuation (：，（） stay as written)."""
    return _SPACE.sub(" ", "".join(unicodedata.normalize("NFKC", ch) if ch.isalnum() else ch for ch in text)).strip()


def short_name(actor: str) -> str:
    """Return an actor's shortest common name (工业和信息化部 → 工信部), from the verifier's alias table."""
    names = [n for n in lexicon().names_of(actor)
             if not n.endswith(("办公厅", "办公室")) and n not in phrases().former_names]
    return min(names, key=len) if names else actor


def join_actors(text: str) -> str:
    """Join actors a headline separates by spaces as the source would write them: 甲部、乙委员会; else with ，."""
    parts = plain(text).split(" ")
    out = parts[0]
    for part in parts[1:]:
        out += ("、" if out.endswith(phrases().actor_suffixes) else "，") + part
    return out


def condense_title(title: str) -> str:
    """Turn a document title into an event phrase: X关于印发《Y》的通知 → X印发《Y》, and a bare Y gets its 《》."""
    title = join_actors(title)
    match = _WRAPPER.match(title)
    if match:
        what = match["what"] if match["what"].startswith("《") else f"《{match['what']}》"
        return f"{match['who']}{match['verb']}{what}"
    match = _ABOUT.match(title)
    if match:
        return f"{match['who']}{match['what']}"
    return title


def _bare(phrase: str) -> str:
    """Name documents without brackets, years, 关于 and 的 (《关于推进X的实施方案（2026—2028年）》: 推进X实施方案)."""
    def inside(match: re.Match[str]) -> str:
        """Return one bracketed title, bare."""
        return _YEARS.sub("", match.group(1)).removeprefix("关于").replace("的", "")
    return re.sub(r"《([^》]+)》", inside, phrase)


def _shortest_core(phrase: str) -> str:
    """Drop a document's kind and 行动/工作 from a bare event phrase (推进X建设行动实施方案 → 推进X建设)."""
    out = phrase
    for suffix in sorted(phrases().document_suffixes, key=len, reverse=True):
        if out.endswith(suffix) and len(out) - len(suffix) >= 6:
            out = out[: -len(suffix)]
            break
    return re.sub(r"(?:行动|工作|专项)+$", "", re.sub(r"实施$", "", out))


def cut_at_word(text: str, limit: int) -> str:
    """Cut a phrase to at most `limit` characters at a word boundary (no ellipsis), keeping quotes balanced."""
    if len(text) <= limit:
        return text
    out = ""
    for word in _words(text):
        if len(out) + len(word) > limit:
            break
        out += word
    while out and not balanced(out):
        out = out[:-1]
    out = out.rstrip("，、：:（(《“的和与及")
    out = re.sub(r"(?:19|20)?\d+(?:\.\d+)?$", "", out)  # 启动2026 lost its 年: no figure at all
    for verb in _DANGLING:
        out = out.removesuffix(verb)
    return out


def _words(text: str) -> list[str]:
    """Cut a text into words and the characters between them, in order (nothing is lost)."""
    found = [w for w in tokens(text) if w]
    out: list[str] = []
    at = 0
    for word in found:
        index = text.find(word, at)
        if index < 0:
            continue
        out.extend(text[at:index])
        out.append(word)
        at = index + len(word)
    out.extend(text[at:])
    return out


def _fewer_actors(phrase: str, *, count: bool = True) -> str:
    """Name the issuers short, several of them as the first 等: 工业和信息化部、国家标准委印发 → 工信部等印发.

    An issuer already written as 甲等六部门 keeps its count (工信部等六部门); without `count`, 甲等.
    """
    match = _ISSUERS.match(phrase)
    if not match:
        return phrase
    actors = match["who"].split("、")
    first, many, rest = actors[0].partition("等")
    counted = _COUNTS[len(actors)] + "部门" if count and 1 < len(actors) < len(_COUNTS) else ""
    who = short_name(first) + (many + (rest if count else "") if many else f"等{counted}" if len(actors) > 1 else "")
    return f"{who}{match['verb']}{match['rest']}"


def event_phrases(primary: Article, others: Sequence[Article], limit: int = EVENT_MAX) -> list[str]:
    """Return the ways to say the heading's event (who did what) in at most `limit` characters, fullest first.

    From the primary's title (its document named bare, its issuers short, its place for 省政府,
    a two-part headline's part that says the event), then the other articles' titles; never cut
    inside a word. Never empty.
    """
    first = condense_title(primary.title)
    options = [first, _LEADING_YEAR.sub("", first)]
    whole: set[str] = set()  # a headline's own part may end in its verb (示范县名单公布); a cut one may not
    for title in [first, *(condense_title(a.title) for a in others)]:
        parts = [_bare(title), *_TITLE_PARTS.split(_bare(title))]
        whole |= {t for p in parts for t in (p, _YEAR.sub("", p), _TIME.sub(r"\g<who>", p))}
        options += _variants(_bare(title))
    fitting = [o for o in dict.fromkeys(options)
               if len(_HAN.findall(o)) >= EVENT_MIN_HAN and len(o) <= limit and balanced(o)
               and (o in whole or not o.endswith(_DANGLING))]
    core = _shortest_core(_bare(first))
    return fitting or list(dict.fromkeys(cut_object(_fewer_actors(core, count=c), limit) for c in (True, False)))


def cut_object(text: str, limit: int) -> str:
    """Shorten an event to `limit` characters by dropping the words inside its object, keeping its head noun.

    A Chinese noun phrase ends in its head (…提升示范县名单): 农业农村部等两部门公布首批国家现代种业
    提升示范县名单 → 农业农村部等两部门公布首批示范县名单. Without a verb to find the object by, the
    phrase is cut at a word boundary instead.
    """
    verbs = [m.end() for v in (*phrases().event_verbs, "下达", "公布") for m in [re.search(v, text)] if m]
    if len(text) <= limit or not verbs:
        return cut_at_word(text, limit)
    at = min(verbs)
    words = [w for w in _FIGURE_WORD.split(text[at:]) if w]
    words = [piece for w in words for piece in ([w] if _FIGURE_WORD.fullmatch(w) else _words(w))]
    cut = next((i + 1 for i in range(len(words)) if len("".join(words[:i + 1])) >= 2), len(words))
    head, middle = words[:cut], words[cut:]  # the object's first word: 加快, never 加
    while middle and len(text[:at]) + len("".join(head + middle)) > limit and len(middle) > 2:
        middle.pop(0)
    out = text[:at] + "".join(head + middle)
    return out if len(out) <= limit and balanced(out) else cut_at_word(text, limit)


def _variants(bare: str) -> list[str]:
    """Return a bare title's shorter forms: per part (a headline in two parts), fewer actors, place, core."""
    out: list[str] = []
    # A two-part headline (X印发Y细则 单台最高补贴300万元) says its event in one part.
    parts = [bare, *(p for p in _TITLE_PARTS.split(bare) if p)]
    parts += [p.split("：", 1)[1] for p in parts if 0 < p.find("：") <= SPEAKER_MAX]  # 中汽协：10月销量… → 10月销量…
    for part in dict.fromkeys(parts):
        for text in dict.fromkeys([part, _without_locative(part)]):
            short, shortest = _fewer_actors(text), _fewer_actors(text, count=False)
            out += [text, _by_place(text), short, _by_place(short), shortest, _shortest_core(text),
                    _shortest_core(_by_place(text)), _shortest_core(short), _shortest_core(_by_place(short)),
                    _shortest_core(shortest)]
    out += [_YEAR.sub("", o) for o in out] + [_TIME.sub(r"\g<who>", o) for o in out]
    return out


def _without_locative(phrase: str) -> str:
    """Drop where an actor acts (中储粮在黑龙江、吉林、内蒙古启动… → 中储粮启动…)."""
    verbs = "|".join(phrases().event_verbs)
    return re.sub(rf"在[\u4e00-\u9fff、]{{2,16}}?(?={verbs})", "", phrase, count=1)


def event_phrase(primary: Article, others: Sequence[Article], limit: int = EVENT_MAX) -> str:
    """Return the fullest way to say the heading's event in at most `limit` characters."""
    return event_phrases(primary, others, limit)[0]


_COUNTS = "零一两三四五六七八九十"
_LEADING_YEAR = re.compile(r"^(?:19|20)\d{2}年(?:度)?")
_ISSUERS = re.compile(r"^(?P<who>[^，：《]+?)(?P<verb>(?:联合|提前|正式)?(?:印发|发布|出台|公布|转发|下达|启动|设立))"
                      r"(?P<rest>.+)$")
# An event that ends in a verb has lost its object in cutting (…委员会印发): never a heading.
_DANGLING = ("印发", "发布", "出台", "公布", "转发", "推动", "推进", "关注", "部署", "支持")
_SPACE = re.compile(r"\s+")
_TARGET_YEAR = re.compile(r"到(?:19|20)\d{2}年(?:底|末)?")
_ISSUED = re.compile(r"^(?P<who>.+?)(?P<verb>印发|发布|出台|公布|转发)"
                     r"(?P<place>[\u4e00-\u9fff]{2,3}?)(?:省|市|自治区)(?P<rest>.+)$")


_PLACE_ISSUED = re.compile(r"^(?P<place>[\u4e00-\u9fff]{2,3}?)(?:省|市|自治区)(?P<rest>(?:印发|发布|出台|公布).+)$")


def _by_place(phrase: str) -> str:
    """Name an issuing government by its place (省政府办公厅印发江苏省X方案 → 江苏印发X方案; 四川省印发 → 四川印发)."""
    match = _ISSUED.match(phrase)
    if match and (match["who"].startswith(("省", "市")) or match["who"].startswith(match["place"])):
        return f"{match['place']}{match['verb']}{match['rest']}"
    match = _PLACE_ISSUED.match(phrase)
    return f"{match['place']}{match['rest']}" if match else phrase


def _clauses(text: str) -> list[str]:
    """Split a sentence into its clauses."""
    return [c.strip() for c in _CLAUSE.split(text) if c.strip()]


def without_lists(text: str) -> str:
    """Drop enumerations in quotes (部署“强基扩容、标注攻坚…”六个专项行动 → 部署六个专项行动)."""
    return re.sub(r"“[^”]*、[^”]*”", "", text)


def _point_of(sentence: str) -> str:
    """Return what an analytic sentence says after its marker (这意味着/有助于/推动 …), or ''."""
    for marker in phrases().implication_markers:
        at = sentence.find(marker)
        # A one-character marker only where a clause begins (为X提供…, not 业内人士认为).
        while len(marker) == 1 and at > 0 and sentence[at - 1] not in "，,；; ":
            at = sentence.find(marker, at + 1)
        if at >= 0:
            rest = sentence[at + len(marker):].lstrip("，, ")
            parts = _clauses(rest)
            clause = parts[0] if parts else ""
            return (marker + clause) if marker in phrases().implication_verbs and clause else clause
    return ""


def _figure_clauses(sentence: str) -> list[str]:
    """Return the clauses stating a headline figure, each from its whole subject down to the word before its verb.

    (13个粮食主产省份安排资金占比74.3% … 省份安排资金占比74.3%): longest first, so a heading
    takes the fullest that fits; empty when the sentence states no figure with a verb.
    """
    out: list[str] = []
    for clause in _clauses(without_lists(sentence)):
        verbs = [clause.find(v) for v in phrases().figure_verbs if v in clause]
        if not _HAS_FIGURE.search(clause) or not verbs:
            continue
        at = min(verbs)
        # The figure's subject: back from the verb word by word; the shortest keeps a word of two or
        # more characters (数据中心用电量或将超过… → 用电量或将超过…), so it says what the figure is of.
        starts, start = [], at
        for word in reversed(_words(clause[:at])):
            start -= len(word)
            if len(word) >= 2 and not _HAS_FIGURE.search(word):
                starts.append(start)
        # A target keeps its year (到2028年规模突破…): without it a plan would read as a result.
        target = _TARGET_YEAR.search(sentence[: sentence.find(clause)] if clause in sentence else "")
        prefix = target.group(0) if target and target.group(0) not in clause else ""
        out += [prefix + clause[s:].strip() for s in reversed(starts or [at])]
    return out


def implications(facts: Sequence[Candidate], analysis: Sequence[Candidate], event: str, taken: Iterable[str],
                 limit: int) -> list[str]:
    """Return the heading's possible implications from the story's own sentences, best first.

    Whole clauses only (a fragment cut to fit reads worse than no implication), never one
    another heading of the brief used, never one the event already says.
    """
    used = set(taken)
    issued = any(v in event for v in _DANGLING[:5])
    options = [_point_of(c.text) for c in analysis]
    for fact in facts:
        for clause in _figure_clauses(fact.text):
            options.append(clause)
            # Under "X印发《方案》" a figure of the plan reads as its target: the year may go to fit.
            if issued and _TARGET_YEAR.match(clause):
                options.append(_TARGET_YEAR.sub("", clause, count=1))
    options += [c for f in facts for c in _clauses(f.text) if any(m in c for m in ("首个", "首批", "首次", "全国首"))]
    out: list[str] = []
    for raw in options:
        option = raw.strip("，。 ")
        subject = ""
        for word in _words(option):  # the longest run of whole words the event already says
            if subject + word not in event:
                break
            subject += word
        rest = option[len(subject):]
        if len(subject) >= 2 and subject in event and len(rest) >= IMPLICATION_MIN \
                and rest.startswith(phrases().figure_verbs):
            option = rest  # the event names it already: 广东分赛设置17个赛道 → 设置17个赛道
        if IMPLICATION_MIN <= len(option) <= limit and balanced(option) and option not in out \
                and not shared_phrase(option, event) and not any(shared_phrase(option, u) for u in used):
            out.append(option)
    return out


def shared_phrase(a: str, b: str, size: int = SHARED_PHRASE) -> str:
    """Return a phrase of `size` Chinese characters two texts share (figures aside), or ''."""
    grams = {a[i:i + size] for i in range(len(a) - size + 1)}
    return next((b[i:i + size] for i in range(len(b) - size + 1)
                 if b[i:i + size] in grams and _HAN_ONLY.fullmatch(b[i:i + size])), "")
