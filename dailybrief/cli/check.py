"""`dailybrief check`: verify any text (plain or Markdown) against given sources, with the brief's own verifier.

    dailybrief check TEXT_FILE|- --source PATH_OR_URL [--source ...] [--json]
    dailybrief check --batch - --json

A sentence's `[n]` or `[^n]` markers cite the n-th --source (1-based); a sentence without markers
is checked against every source. A source is an .html/.htm file (extracted as `run` extracts a
page, with its publication date), a .txt file (its text as is) or an http(s) URL (fetched with the
collector). Exit 0 when everything checked is supported, 1 when anything is not, 2 on unusable input.
"""

from __future__ import annotations

import json
import sys
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from dailybrief.cli.collect import SourceError, read_page
from dailybrief.cli.common import fail, verbosity
from dailybrief.extract.article import NotExtractable, extract_article
from dailybrief.extract.encoding import decode_html
from dailybrief.verify.evidence import Evidence, article_evidence
from dailybrief.verify.textcheck import CheckedSentence, MarkerError, check_marked, marked_sentences, result_json

HTML_SUFFIXES = (".html", ".htm")
TEXT_SUFFIXES = (".txt", ".text", ".md")
MAX_TEXT_BYTES = 5_000_000
CACHED_SOURCES = 256  # sources kept indexed across the lines of a batch


class InputError(ValueError):
    """Text or a source that cannot be used; the message names it and says why."""


def looks_binary(body: bytes) -> bool:
    """Say whether bytes are not text: a NUL byte, or many control characters, near the start."""
    head = body[:8192]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return bool(head) and controls / len(head) > 0.05


def decode_text(body: bytes, what: str) -> str:
    """Decode a text file (UTF-8, GB18030 or what the bytes look like); refuse binary data."""
    if looks_binary(body):
        raise InputError(f"{what}: not a text file (binary data)")
    text, _codec = decode_html(body, "text/plain")
    return text


def load_source(target: str) -> Evidence:
    """Read one source into evidence: an .html/.htm page or URL extracted like `run`, a .txt file as it is."""
    page = read_page(target)
    if looks_binary(page.body):
        raise InputError(f"{target}: not a text file or web page (binary data)")
    suffix = Path(target).suffix.lower()
    if not target.startswith(("http://", "https://")) and suffix not in HTML_SUFFIXES:
        if suffix not in TEXT_SUFFIXES:
            raise InputError(f"{target}: unsupported source type {suffix or '(no suffix)'}: give .html, .htm or .txt")
        return Evidence.of(decode_text(page.body, target))
    try:
        return article_evidence(extract_article(page))
    except NotExtractable as exc:
        raise InputError(f"{target}: {exc}") from None


class Sources:
    """Sources by path or URL, each read and indexed once (a batch often repeats them)."""

    def __init__(self) -> None:
        self._cache: OrderedDict[str, Evidence] = OrderedDict()

    def evidence(self, targets: Sequence[str], warn: Any) -> list[Evidence | None]:
        """Return each source's evidence, or None (reported through `warn`) for one that cannot be used."""
        out: list[Evidence | None] = []
        for number, target in enumerate(targets, 1):
            found = self._cache.get(target)
            if found is None:
                try:
                    found = load_source(target)
                except (SourceError, InputError) as exc:
                    warn(f"source [{number}] {exc}; sentences citing it are checked without it")
                    out.append(None)
                    continue
                except Exception as exc:  # noqa: BLE001 - one bad page must not stop the other sources
                    warn(f"source [{number}] {target}: cannot be read: {type(exc).__name__}: {exc}"[:300])
                    out.append(None)
                    continue
                self._cache[target] = found
                while len(self._cache) > CACHED_SOURCES:
                    self._cache.popitem(last=False)
            if found.empty:
                warn(f"source [{number}] {target}: has no text; nothing it is cited for can be supported")
            out.append(found)
        return out


def check_one(text: str, targets: Sequence[str], sources: Sources, warn: Any) -> list[CheckedSentence]:
    """Check a text against its sources; raise InputError (a bad marker, no usable source)."""
    sentences = marked_sentences(text)
    evidence = sources.evidence(targets, warn)
    if targets and all(e is None for e in evidence):
        raise InputError("no source could be used")
    try:
        return check_marked(sentences, evidence)
    except MarkerError as exc:
        raise InputError(str(exc)) from None


def marked(sentence: CheckedSentence) -> str:
    """Return a sentence with its unsupported claims marked 〖…〗."""
    text, out, at = sentence.text, [], 0
    for claim in sorted((c for c in sentence.claims if not c.supported), key=lambda c: c.start):
        if claim.start < at:
            continue
        out += [text[at:claim.start], "〖", text[claim.start:claim.end], "〗"]
        at = claim.end
    return "".join([*out, text[at:]])


def _print_report(checked: Sequence[CheckedSentence]) -> None:
    """Print each unsupported sentence with its failing claims marked and why."""
    for sentence in (s for s in checked if s.status == "unsupported"):
        cites = "".join(f"[{n}]" for n in sentence.cites) or "[全部来源]"
        click.echo(f"{cites} {marked(sentence)}")
        for claim in (c for c in sentence.claims if not c.supported):
            click.echo(f"    {claim.text}：{claim.why}")
    bad = sum(s.status == "unsupported" for s in checked)
    count = sum(s.status != "unchecked" for s in checked)
    click.echo(f"{bad} unsupported of {count} checked sentences ({len(checked)} sentences)")


def _batch(sources: Sources) -> None:
    """Answer JSON lines {"text", "sources"} from standard input, one result (or {"error"}) per line, in order."""
    for number, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue

        def warn(message: str, number: int = number) -> None:
            """Report a source problem of this line on standard error."""
            click.echo(f"dailybrief: line {number}: {message}", err=True)

        try:
            job = json.loads(line)
            if not isinstance(job, dict) or not isinstance(job.get("text"), str) \
                    or not isinstance(job.get("sources", []), list) \
                    or not all(isinstance(s, str) for s in job.get("sources", [])):
                raise InputError('expected {"text": str, "sources": [path or URL, …]}')
            result = result_json(check_one(job["text"], job.get("sources", []), sources, warn))
        except (json.JSONDecodeError, InputError) as exc:
            result = {"error": f"line {number}: {exc}"}
        except Exception as exc:  # noqa: BLE001 - batch mode promises one line per input
            result = {"error": f"line {number}: {type(exc).__name__}: {exc}"[:300]}
        click.echo(json.dumps(result, ensure_ascii=False))
        sys.stdout.flush()


def _read_text(text_file: str) -> str:
    """Read the text to check from a file or standard input ("-")."""
    try:
        body = sys.stdin.buffer.read(MAX_TEXT_BYTES + 1) if text_file == "-" else Path(text_file).read_bytes()
    except OSError as exc:
        fail(f"{text_file}: cannot read: {exc.strerror or exc}")
    if len(body) > MAX_TEXT_BYTES:
        fail(f"{text_file}: larger than {MAX_TEXT_BYTES // 1_000_000} MB")
    try:
        return decode_text(body, "standard input" if text_file == "-" else text_file)
    except InputError as exc:
        fail(str(exc))


@click.command()
@verbosity
@click.argument("text_file", required=False, metavar="TEXT_FILE|-")
@click.option("--source", "targets", multiple=True, metavar="PATH_OR_URL",
              help="A source: .html/.htm (extracted), .txt (as is) or an http(s) URL. [n] in the text cites the n-th.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (the check contract).")
@click.option("--batch", "batch", is_flag=False, flag_value="-", default=None,
              help='Read JSON lines {"text": ..., "sources": [...]} from stdin (--batch -); one result per line.')
def check(text_file: str | None, targets: tuple[str, ...], *, as_json: bool, batch: str | None) -> None:
    """Check any text against given sources, claim by claim.

    Prints the unsupported sentences with the failing claims marked (or JSON with --json).
    Exit 0 when everything is supported, 1 when anything is not, 2 on unusable input.
    """
    sources = Sources()
    if batch is not None:
        if batch != "-" or text_file or targets:
            fail("--batch reads JSON lines from standard input: use --batch - --json, without TEXT_FILE or --source")
        _batch(sources)
        return
    if not text_file:
        fail("give a TEXT_FILE (or - for standard input) and at least one --source, or --batch -")
    if not targets:
        fail("give at least one --source PATH_OR_URL")
    text = _read_text(text_file)

    def warn(message: str) -> None:
        """Report a source problem on standard error."""
        click.echo(f"dailybrief: {message}", err=True)

    try:
        checked = check_one(text, targets, sources, warn)
    except InputError as exc:
        fail(str(exc))
    if as_json:
        click.echo(json.dumps(result_json(checked), ensure_ascii=False))
    else:
        _print_report(checked)
    sys.exit(1 if any(s.status == "unsupported" for s in checked) else 0)
