"""Core records shared by every stage (see DESIGN.md, "Core records")."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

SourceType = Literal["feed", "page", "dir"]
SourceLevel = Literal["national", "provincial", "city", "media"]


@dataclass(frozen=True)
class Source:
    """A place articles come from: a feed, a list page or a local folder."""

    name: str
    url: str
    type: SourceType
    level: SourceLevel
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Fetch:
    """One HTTP (or file) retrieval, kept raw so extraction can be re-run offline."""

    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: datetime
    error: str | None = None
    not_modified: bool = False

    @property
    def content_type(self) -> str:
        """Return the media type without parameters, lower-cased."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


@dataclass(frozen=True)
class Article:
    """The extracted content of one page (DESIGN.md record)."""

    id: str
    url: str
    source: str
    title: str
    published: date | None
    publisher: str
    origin: str
    text: str
    paragraphs: tuple[str, ...]
    lang: str


def content_id(url: str, title: str, text: str) -> str:
    """Return a stable content-hash id so re-runs never create duplicate articles."""
    digest = hashlib.sha256(f"{url}\n{title}\n{text}".encode()).hexdigest()
    return digest[:16]


@dataclass(frozen=True)
class FeedItem:
    """An item a feed or list page points to; the page itself is fetched later."""

    url: str
    title: str = ""
    published: date | None = None
    source: str = ""


@dataclass
class SourceHealth:
    """What happened to one source in one run; printed as a row of the health table."""

    source: str
    type: str
    seen: int = 0
    new: int = 0
    unchanged: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        """Return ok, partial (some items failed), broken (the source or all its items failed) or silent."""
        if self.seen == 0 and self.errors:
            return "broken"
        if self.seen == 0:
            return "silent"
        if self.failed and self.failed >= self.seen:
            return "broken"
        return "ok" if not self.failed else "partial"


SentenceKind = Literal["fact", "analysis"]
ReferenceRole = Literal["event", "background"]


@dataclass(frozen=True)
class Sentence:
    """One sentence of the brief with the references it cites and the source spans behind it."""

    text: str
    cites: tuple[str, ...]
    kind: SentenceKind = "fact"
    evidence: tuple[tuple[str, int, int], ...] = ()
    status: str = "extractive"


@dataclass(frozen=True)
class Section:
    """One numbered section: heading "event，implication" and paragraphs of sentences."""

    number: int
    heading: str
    story_id: str
    paragraphs: tuple[tuple[Sentence, ...], ...]


@dataclass(frozen=True)
class Reference:
    """One entry of 参考文献: what the source is and what it was used to verify."""

    id: str
    publisher: str
    title: str
    date: date | None
    url: str
    verifies: str
    role: ReferenceRole = "event"
    reprint_of: str | None = None


@dataclass(frozen=True)
class Verification:
    """Counts of the verifier's verdicts over a brief."""

    sentences: int = 0
    checked: int = 0
    unsupported: int = 0
    replaced: int = 0
    dropped: int = 0


@dataclass(frozen=True)
class Brief:
    """A whole brief, ready to render."""

    title: str
    date: date
    publishers: tuple[str, ...]
    thread: tuple[str, ...]
    summary: tuple[Sentence, ...]
    sections: tuple[Section, ...]
    references: tuple[Reference, ...]
    verification: Verification = Verification()
    disclaimer: str = ""
