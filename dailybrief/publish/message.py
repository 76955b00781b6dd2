"""The chat message of a brief (summary, one line per section with its link) and its splitting to a size limit.

Each robot formats the same lines in its own syntax and measures the result in its own
unit; `split_lines` packs the lines into as few messages as fit, and when even
`max_parts` messages cannot hold them, leaves out sections from the end and says so, with
a link to the full brief.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from dailybrief.publish.package import BriefPackage
from dailybrief.render.documents import chinese_date, section_title

# Scraped text must not turn into markdown links, emphasis or HTML in a chat message: the marks that
# make markup become their full-width look-alikes, which read the same in Chinese text.
MARKDOWN_SAFE = str.maketrans({"[": "［", "]": "］", "(": "（", ")": "）", "<": "＜", ">": "＞", "*": "＊",
                               "_": "＿", "`": "｀", "#": "＃", "~": "～", "|": "｜", "\\": "＼"})
ELLIPSIS = "…"
PART_MARK = "（{part}/{parts}）"


@dataclass(frozen=True)
class Line:
    """One line of a chat message: text, an optional link, and what it is (summary, section or note)."""

    text: str
    link: str | None = None
    kind: str = "section"


@dataclass(frozen=True)
class Message:
    """A brief as a chat message: its title and lines, and the link to the whole brief."""

    title: str
    lines: tuple[Line, ...]
    full_link: str | None


def markdown_text(text: str) -> str:
    """Return scraped text that shows as written in chat markdown."""
    return " ".join(text.translate(MARKDOWN_SAFE).split())


def brief_message(package: BriefPackage, base_url: str | None) -> Message:
    """Return the summary and one line per section, each linked to its place in brief.html when there is a URL."""
    brief = package.brief
    links = package.links(base_url)
    page = links.get("html")
    summary = "".join(s.text for s in brief.summary)
    lines = [Line(summary, None, "summary")] if summary else []
    lines += [Line(section_title(s.number, s.heading), f"{page}#s{s.number}" if page else None)
              for s in brief.sections]
    full = page or links.get("pdf")
    if full:
        lines.append(Line("阅读全文", full, "note"))
    return Message(f"{brief.title} · {chinese_date(brief.date)}", tuple(lines), full)


Measure = Callable[[str, Sequence[Line]], int]


def split_lines(message: Message, measure: Measure, limit: int, max_parts: int) -> list[tuple[str, list[Line]]]:
    """Return (title, lines) of each message: each within `limit`, at most `max_parts` of them.

    Sections left out for room are named in a last line that links to the full brief.
    """
    lines = list(message.lines)
    full = [line for line in lines if line.kind == "note"]
    body = [line for line in lines if line.kind != "note"]
    dropped = 0
    while True:
        tail = list(full)
        if dropped:
            tail = [Line(f"篇幅所限，其余 {dropped} 节未列出，见全文", message.full_link, "note")]
        parts = _pack(message.title, body + tail, measure, limit)
        sections = [i for i, line in enumerate(body) if line.kind == "section"]
        if len(parts) <= max_parts or not sections:
            break
        del body[sections[-1]]
        dropped += 1
    count = len(parts)
    if count == 1:
        return [(message.title, parts[0])]
    return [(message.title + PART_MARK.format(part=n, parts=count), p) for n, p in enumerate(parts, 1)]


def _pack(title: str, lines: list[Line], measure: Measure, limit: int) -> list[list[Line]]:
    """Pack lines greedily into messages within the limit (measured with the widest part mark)."""
    widest = title + PART_MARK.format(part=99, parts=99)
    parts: list[list[Line]] = [[]]
    for line in lines:
        fitted = _fit(widest, line, measure, limit)
        if parts[-1] and measure(widest, [*parts[-1], fitted]) > limit:
            parts.append([])
        parts[-1].append(fitted)
    return parts


def _fit(title: str, line: Line, measure: Measure, limit: int) -> Line:
    """Shorten a line that alone would not fit in one message (binary search on its length)."""
    if measure(title, [line]) <= limit:
        return line
    low, high = 0, len(line.text)
    while low < high:
        middle = (low + high + 1) // 2
        if measure(title, [Line(line.text[:middle] + ELLIPSIS, line.link, line.kind)]) <= limit:
            low = middle
        else:
            high = middle - 1
    return Line(line.text[:low] + ELLIPSIS, line.link, line.kind)


@dataclass(frozen=True)
class MarkdownStyle:
    """How a platform's markdown shows a message: the title, the quoted summary, linked and plain lines."""

    title: str
    summary: str = "> {text}"
    linked: str = "[{text}]({link})"
    plain: str = "{text}"
    joiner: str = "\n"


def markdown(style: MarkdownStyle, title: str, lines: Sequence[Line]) -> str:
    """Return a message in a platform's markdown, every scraped string made inert."""
    out = [style.title.format(text=markdown_text(title))]
    for line in lines:
        text = markdown_text(line.text)
        if line.kind == "summary":
            out.append(style.summary.format(text=text))
        else:
            out.append((style.linked if line.link else style.plain).format(text=text, link=line.link))
    return style.joiner.join(out)
