"""The verifier: the mutation suite on whole briefs, verification speed, and UHGEval's real hallucinations.

1. Mutation suite (tests/mutations.py) on the storyfixtures day, the bundled demo site and, when
   ../shared is present, the shared corpus day: every kind of falsified claim caught (per kind,
   the context-swap rate), and false alarms on the brief as written and on format rewrites.
2. Speed: a brief of 10+ sections (the three days' sections together, each citing its own sources)
   verified against its sources — indexing the cited articles and settling every sentence and
   heading — median of 5 rounds; claims per second.
3. UHGEval (../shared/corpora/uhgeval-dev) scored with ../shared/tools/uhgeval_score.py through
   `dailybrief check --batch - --json` (one process for all 1,000 checks).
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from common import code_version, machine, table
from mutations import KINDS, demo_day, score, shared_day
from test_mutations import story_day

from dailybrief.models import Brief, Reference, Section
from dailybrief.verify.claims import analyse
from dailybrief.verify.evidence import Evidence, article_evidence
from dailybrief.verify.verifier import verify_brief

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"
SHARED_DAY = SHARED / "corpora" / "2026-06-17"
UHGEVAL = SHARED / "corpora" / "uhgeval-dev" / "data.jsonl"
SCORER = SHARED / "tools" / "uhgeval_score.py"


def days(work: Path) -> dict[str, tuple[Brief, dict[str, Evidence]]]:
    """Return the briefs the suite runs on, with their evidence."""
    out = {"storyfixtures day": story_day()}
    out["demo site"] = demo_day(work / "demo")
    if (SHARED_DAY / "site").is_dir():
        out["shared day 2026-06-17"] = shared_day(SHARED_DAY, work / "shared")
    return out


def mutation_tables(briefs: dict[str, tuple[Brief, dict[str, Evidence]]]) -> str:
    """Run the suite on every brief and return its tables."""
    rows, alarm_rows, missed = [], [], []
    for name, (brief, evidence) in briefs.items():
        result = score(brief, evidence)
        rows.append([name] + [f"{c}/{n}" if n else "–" for c, n in (result.caught[k] for k in KINDS)])
        alarm_rows.append([name, str(len(result.written_alarms))] + [f"{a}/{n}" for a, n in result.alarms.values()])
        missed += [(name, *m) for m in result.missed]
    total = {k: [sum(int(r[1 + i].split("/")[0]) for r in rows if "/" in r[1 + i]),
                 sum(int(r[1 + i].split("/")[1]) for r in rows if "/" in r[1 + i])] for i, k in enumerate(KINDS)}
    rows.append(["**all**"] + [f"**{c}/{n}**" for c, n in total.values()])
    swap = total["swap"]
    out = ["### Mutations caught (caught/made)", "", table(["brief", *KINDS], rows), "",
           f"Context-swap rate: **{swap[0] / swap[1]:.1%}** ({swap[0]} of {swap[1]}).", "",
           "### False alarms (flagged/rewrites)", "",
           table(["brief", "as written", "Arabic→Chinese", "Chinese→Arabic", "万 ↔ digits", "% → 百分之N"],
                 alarm_rows)]
    if missed:
        out += ["", "Missed:", *[f"- {n} {k}: {after[:120]}" for n, k, _before, after in missed[:20]]]
    return "\n".join(out)


def ten_sections(briefs: dict[str, tuple[Brief, dict[str, Evidence]]]) -> Brief:
    """Return one brief holding every section of the given briefs (references renumbered apart)."""
    sections: list[Section] = []
    references: list[Reference] = []
    for tag, (brief, _evidence) in enumerate(briefs.values()):
        articles = {r.id: r for r in brief.references}
        rename = {r.id: f"{r.id}-{tag}" for r in brief.references}
        for section in brief.sections:
            paragraphs = tuple(tuple(dataclasses.replace(s, cites=tuple(rename[c] for c in s.cites)) for s in p)
                               for p in section.paragraphs)
            sections.append(dataclasses.replace(section, number=len(sections) + 1, paragraphs=paragraphs))
        references += [dataclasses.replace(r, id=rename[r.id]) for r in articles.values()]
    first = next(iter(briefs.values()))[0]
    return dataclasses.replace(first, sections=tuple(sections), references=tuple(references), summary=())


def speed(briefs: dict[str, tuple[Brief, dict[str, Evidence]]], work: Path, rounds: int = 5) -> str:
    """Time indexing the sources and verifying a 10+-section brief; return a table."""
    from dailybrief.store.archive import Archive

    brief = ten_sections(briefs)
    articles = {}
    for db in sorted(work.rglob("archive.db")):
        with Archive(db) as archive:
            articles.update({a.url: a for a in archive.articles()})
    from storyfixtures import day_articles

    articles.update({a.url: a for a in day_articles().values()})
    cited = {r.id: articles[r.url] for r in brief.references if r.url in articles}
    claims = sum(len(analyse(s.text).claims) for sec in brief.sections for p in sec.paragraphs for s in p)
    claims += sum(len(analyse(sec.heading).claims) for sec in brief.sections)
    sentences = sum(len(p) for sec in brief.sections for p in sec.paragraphs) + len(brief.sections)
    index_times, verify_times = [], []
    for _round in range(rounds):
        started = time.perf_counter()
        evidence = {rid: article_evidence(a) for rid, a in cited.items()}
        index_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        _out, verdicts = verify_brief(brief, evidence, repair=False)
        verify_times.append(time.perf_counter() - started)
    index, verify = statistics.median(index_times), statistics.median(verify_times)
    unsupported = sum(v.status == "unsupported" for v in verdicts)
    chars = sum(len(a.text) + len(a.title) for a in cited.values())
    rows = [[f"{len(brief.sections)} sections, {sentences} sentences and headings, {claims} claims; "
             f"{len(cited)} sources ({chars:,} characters)", f"{index:.3f} s", f"{verify:.3f} s",
             f"{index + verify:.3f} s", f"{claims / verify:,.0f}", str(unsupported)]]
    return table(["brief", "index the sources", "verify", "total", "claims/s (verify)", "unsupported"], rows)


def uhgeval() -> str:
    """Score UHGEval with the real CLI in batch mode; return the scorer's summary line and the time."""
    if not UHGEVAL.is_file() or not SCORER.is_file():
        return "(../shared/corpora/uhgeval-dev is not present)"
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, str(SCORER), str(UHGEVAL), "--batch", "--",
                           str(Path(sys.executable).parent / "dailybrief"), "check", "--batch", "-", "--json"],
                          capture_output=True, text=True, check=False, timeout=3600)
    seconds = time.perf_counter() - started
    line = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr[-500:]
    return f"`{line}` ({seconds:.0f} s for 1,000 checks, one process)"


def main() -> int:
    """Run the three measurements and print Markdown."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-uhgeval", action="store_true", help="skip the UHGEval run (about a minute)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-verify-") as tmp:
        work = Path(tmp)
        briefs = days(work)
        print(f"## Verifier ({code_version()}; {machine()})\n")
        print(mutation_tables(briefs))
        print("\n### Speed\n")
        print(speed(briefs, work))
    if not args.no_uhgeval:
        print("\n### UHGEval (uhgeval-dev, 500 items)\n")
        print(uhgeval())
    return 0


if __name__ == "__main__":
    sys.exit(main())
