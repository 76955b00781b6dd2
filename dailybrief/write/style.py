"""Style defects of a brief, as an editor would mark them (`dailybrief lint`; `run` prints the count).

Checked: a sentence that says again what another says; a sentence that only says a document was
issued; 《》 around something that is not a document (a news headline); a heading phrase used by
two headings; a heading over 32 characters; a section whose fact sentences exceed the budget;
an interpretation that cites nothing; a link repeated in the main thread.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from dailybrief.models import Brief, Sentence
from dailybrief.text.spans import DOC_TITLE
from dailybrief.write.extractive import restates, title_only
from dailybrief.write.headings import HEADING_MAX, is_document_title, shared_phrase

DUPLICATE = 0.8  # share of a sentence's character bigrams another sentence holds: a near-duplicate
PUBLICATIONS = ("报", "刊", "杂志", "周刊", "新闻", "网")


@dataclass(frozen=True)
class Defect:
    """One style defect: where it is, what kind it is, and the text at fault."""

    where: str
    kind: str
    text: str

    def line(self) -> str:
        """Return the defect as one line: place, kind, text."""
        return f"{self.where}: {self.kind}: {self.text}"


def _sentences(brief: Brief) -> Iterator[tuple[str, Sentence]]:
    """Yield every section sentence with its place (section N paragraph P sentence K)."""
    for section in brief.sections:
        for p, paragraph in enumerate(section.paragraphs, 1):
            for k, sentence in enumerate(paragraph, 1):
                yield f"section {section.number} paragraph {p} sentence {k}", sentence


def _not_documents(text: str) -> list[str]:
    """Return the 《…》 spans of a text that name neither a document nor a publication."""
    return [t for t in DOC_TITLE.findall(text) if not is_document_title(t) and not t.endswith(PUBLICATIONS)]


def _implication(heading: str) -> str:
    """Return a heading's implication part (after its last ，), or ''."""
    return heading.rsplit("，", 1)[1] if "，" in heading else ""


def _duplicates(items: Sequence[tuple[str, Sentence]]) -> Iterator[Defect]:
    """Yield the sentences that say again what an earlier one of the same part says."""
    for n, (where, sentence) in enumerate(items):
        for _other_where, other in items[:n]:
            if restates(sentence.text, other.text, DUPLICATE) or restates(other.text, sentence.text, DUPLICATE):
                yield Defect(where, "near-duplicate sentence", sentence.text)
                break


def lint(brief: Brief, *, budget: int = 600) -> list[Defect]:
    """Return the style defects of a brief (empty: none); `budget` is the characters of facts a section may use."""
    names = tuple({r.publisher for r in brief.references})
    body = list(_sentences(brief))
    summary = [(f"summary sentence {k}", s) for k, s in enumerate(brief.summary, 1)]
    out = [*_duplicates(body), *_duplicates(summary)]
    for where, sentence in body + summary:
        # A section's lead names who issued what, when (国家数据局6月8日印发《…》): the seed's form, not a defect.
        lead = where.endswith("paragraph 1 sentence 1") or where.startswith("summary")
        if not lead and title_only(sentence.text, names):
            out.append(Defect(where, "title-only sentence", sentence.text))
        out += [Defect(where, "《》 around a non-document", f"《{t}》") for t in _not_documents(sentence.text)]
        is_note = sentence.status == "editorial" or sentence.text.startswith(("今日", "编者按"))
        if sentence.kind == "analysis" and not sentence.cites and not is_note:
            out.append(Defect(where, "uncited interpretation", sentence.text))
    seen: dict[str, int] = {}
    for section in brief.sections:
        where = f"section {section.number} heading"
        if len(section.heading) > HEADING_MAX:
            out.append(Defect(where, f"heading over {HEADING_MAX} characters ({len(section.heading)})",
                              section.heading))
        out += [Defect(where, "《》 around a non-document", f"《{t}》") for t in _not_documents(section.heading)]
        point = _implication(section.heading)
        for other_point, number in seen.items():
            shared = shared_phrase(point, other_point)
            if shared:
                out.append(Defect(where, f"heading phrase “{shared}” also in section {number}", section.heading))
                break
        if point:
            seen[point] = section.number
        facts = sum(len(s.text) for paragraph in section.paragraphs for s in paragraph if s.kind == "fact")
        if facts > budget:
            out.append(Defect(f"section {section.number}", f"over budget ({facts} characters of facts, "
                              f"{budget} allowed)", section.heading))
    for n, link in enumerate(brief.thread):
        if any(link in other or other in link for other in brief.thread[:n]):
            out.append(Defect("main thread", "repeated link", "—".join(brief.thread)))
            break
    return out
