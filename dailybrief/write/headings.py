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
_WRAPPER = re.compile(r"^(?P<who>.*?)关于(?P<verb>印发|转发|发布)(?P<what>《[^》]+》|.+?)的通知$")
_ABOUT = re.compile(r"^(?P<who>.*?)关于(?P<what>.+?)的(?:通知|公告|通告|意见|决定|批复|函)$")
_YEARS = re.compile(r"[（(][^）)]*\d{4}[^）)]*[）)]")
_CLAUSE = re.compile(r"[，,；;。！？：:]")
_HAS_FIGURE = re.compile(r"\d|[一二两三四五六七八九十百千万]+(?:个|项|条|家|类|方面|大|批|项重点)")
_PAIRS = (("“", "”"), ("《", "》"), ("（", "）"), ("(", ")"), ("‘", "’"))


@dataclass(frozen=True)
class Phrases:
    """The word lists of phrases.toml."""

    document_suffixes: tuple[str, ...]
    publishing_words: tuple[str, ...]
    implication_markers: tuple[str, ...]
    figure_verbs: tuple[str, ...]
    actor_suffixes: tuple[str, ...]
    judgement_openers: tuple[str, ...]


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
    names = [n for n in lexicon().names_of(actor) if not n.endswith(("办公厅", "办公室"))]
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


def _fewer_actors(phrase: str) -> str:
    """Name the issuers short, several of them as the first 等: 工业和信息化部、国家标准委印发 → 工信部等印发."""
    match = _ISSUERS.match(phrase)
    if not match:
        return phrase
    actors = match["who"].split("、")
    who = short_name(actors[0]) + ("等" if len(actors) > 1 else "")
    return f"{who}{match['verb']}{match['rest']}"


def event_phrase(primary: Article, others: Sequence[Article], limit: int = EVENT_MAX) -> str:
    """Return the heading's event part: who did what, in at most `limit` characters, never cut inside a word."""
    first = condense_title(primary.title)
    bare = _bare(first)
    short = _fewer_actors(bare)
    options = [first, bare, _by_place(bare), _LEADING_YEAR.sub("", first), short, _shortest_core(bare),
               _shortest_core(_by_place(bare)), _shortest_core(short)]
    options += [_bare(condense_title(a.title)) for a in others]
    options += [_shortest_core(_bare(condense_title(a.title))) for a in others]
    options += [part for part in re.split(r"[，：:,]", bare) if len(part) >= 8]
    for option in options:
        if IMPLICATION_MIN <= len(option) <= limit and balanced(option) and not option.endswith(_DANGLING):
            return option
    return cut_at_word(_shortest_core(short), limit)


_LEADING_YEAR = re.compile(r"^(?:19|20)\d{2}年(?:度)?")
_ISSUERS = re.compile(r"^(?P<who>[^，：]+?、[^，：]+?)(?P<verb>印发|发布|出台|公布|转发|联合印发)(?P<rest>.+)$")
# An event that ends in a verb has lost its object in cutting (…委员会印发): never a heading.
_DANGLING = ("印发", "发布", "出台", "公布", "转发", "推动", "推进", "关注", "部署", "支持")
_SPACE = re.compile(r"\s+")
_TARGET_YEAR = re.compile(r"到(?:19|20)\d{2}年(?:底|末)?")
_ISSUED = re.compile(r"^(?P<who>.+?)(?P<verb>印发|发布|出台|公布|转发)"
                     r"(?P<place>[\u4e00-\u9fff]{2,3}?)(?:省|市|自治区)(?P<rest>.+)$")


def _by_place(phrase: str) -> str:
    """Name an issuing government by the place its document names (省政府办公厅印发江苏省X方案 → 江苏印发X方案)."""
    match = _ISSUED.match(phrase)
    if match and (match["who"].startswith(("省", "市")) or match["who"].startswith(match["place"])):
        return f"{match['place']}{match['verb']}{match['rest']}"
    return phrase


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
        if at >= 0:
            rest = sentence[at + len(marker):].lstrip("，, ")
            parts = _clauses(rest)
            clause = parts[0] if parts else ""
            return ("推动" + clause) if marker == "推动" else clause
    return ""


def _figure_clause(sentence: str) -> str:
    """Return the clause stating a headline figure, with the word before its verb (渗透率达到70%以上), or ''."""
    for clause in _clauses(without_lists(sentence)):
        if not _HAS_FIGURE.search(clause):
            continue
        verbs = [clause.find(v) for v in phrases().figure_verbs if v in clause]
        if not verbs:
            continue
        at = min(verbs)
        # The figure's subject: back from the verb to the nearest word of two or more characters
        # (数据中心用电量或将超过… → 用电量或将超过…), so the clause says what the figure is of.
        start = at
        for word in reversed([w for w in _words(clause[:at]) if w.strip()]):
            start -= len(word)
            if len(word) >= 2 and not _HAS_FIGURE.search(word):
                break
        # A target keeps its year (到2028年规模突破…): without it a plan would read as a result.
        target = _TARGET_YEAR.search(sentence[: sentence.find(clause)] if clause in sentence else "")
        return (target.group(0) if target and target.group(0) not in clause else "") + clause[max(0, start):]
    return ""


def implications(facts: Sequence[Candidate], analysis: Sequence[Candidate], event: str, taken: Iterable[str],
                 limit: int) -> list[str]:
    """Return the heading's possible implications from the story's own sentences, best first.

    Whole clauses only (a fragment cut to fit reads worse than no implication), never one
    another heading of the brief used, never one the event already says.
    """
    used = set(taken)
    options = [_point_of(c.text) for c in analysis]
    options += [_figure_clause(c.text) for c in facts]
    options += [c for f in facts for c in _clauses(f.text) if any(m in c for m in ("首个", "首批", "首次", "全国首"))]
    out: list[str] = []
    for raw in options:
        option = raw.strip("，。 ")
        subject = _words(option)[0] if option else ""
        if len(subject) >= 2 and subject in event and len(option) - len(subject) >= IMPLICATION_MIN:
            option = option[len(subject):]  # the event names it already: 广东分赛设置17个赛道 → 设置17个赛道
        if IMPLICATION_MIN <= len(option) <= limit and balanced(option) and option not in used \
                and option not in event and option not in out:
            out.append(option)
    return out
