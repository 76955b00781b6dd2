"""How close the brief's sections read to an editor's: character-bigram F1 against the seed brief's sections.

A report, not a target (issue 14): for each section of the editor's brief (../shared/seed-brief.txt,
新质生产力每日动态 of 2026-06-17), the best-matching section of our brief.json for the same day, by
the F1 of their character bigrams (Chinese characters, letters and digits; counts, not sets).
Also: section and heading lengths beside the editor's, and `dailybrief lint`'s defect count.

    python benchmarks/bench_prose.py                 # runs the shared day with briefeval, then scores it
    python benchmarks/bench_prose.py --brief B.json  # scores a brief.json you already have
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import code_version, machine, table

from dailybrief.render.briefjson import brief_from_json
from dailybrief.write.style import lint

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"
SEED = SHARED / "seed-brief.txt"
DAY = SHARED / "corpora" / "2026-06-17"
_HEADING = re.compile(r"^([一二三四五六七八九十]+)、(.+)$")
_KEPT = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")


def seed_sections(text: str) -> list[tuple[str, str]]:
    """Return the seed brief's sections as (heading, body), from its numbered headings to 参考文献."""
    body = text.split("参考文献")[-2] if text.count("参考文献") > 1 else text
    sections: list[tuple[str, list[str]]] = []
    for raw in body.splitlines():
        line = raw.strip()
        match = _HEADING.match(line)
        if match and not line.endswith(tuple("0123456789")):  # a contents line ends in its page number
            sections.append((match.group(2), []))
        elif sections and line:
            sections[-1][1].append(line)
    return [(h, "".join(lines)) for h, lines in sections]


def bigrams(text: str) -> Counter[str]:
    """Return the character bigrams of a text's Chinese characters, letters and digits, with counts."""
    flat = "".join(_KEPT.findall(text))
    return Counter(flat[i:i + 2] for i in range(len(flat) - 1))


def f1(ours: str, theirs: str) -> float:
    """Return the bigram F1 of two texts."""
    a, b = bigrams(ours), bigrams(theirs)
    common = sum((a & b).values())
    if not common:
        return 0.0
    precision, recall = common / sum(a.values()), common / sum(b.values())
    return 2 * precision * recall / (precision + recall)


def run_shared_day(out: Path) -> Path:
    """Write the shared day's brief with the installed dailybrief through briefeval; return brief.json's path."""
    dailybrief = Path(sys.executable).parent / "dailybrief"
    command = f"{dailybrief} -q run --config {{config}} --date {{date}} --out {{out}} && cp {{out}}/brief.json {out}"
    subprocess.run([sys.executable, str(SHARED / "tools" / "briefeval.py"), str(DAY), "--", "sh", "-c", command],
                   check=False, capture_output=True, text=True, timeout=1800)
    if not out.exists():
        sys.exit("the shared day's brief was not written (is ../shared/corpora/2026-06-17 there?)")
    return out


def main() -> None:
    """Score a brief.json (or the shared day's, written now) against the seed brief's sections."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--brief", type=Path, help="brief.json to score (default: write the shared day's now)")
    parser.add_argument("--seed", type=Path, default=SEED, help="the editor's brief (text)")
    args = parser.parse_args()
    seed = seed_sections(args.seed.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        path = args.brief or run_shared_day(Path(tmp) / "brief.json")
        brief = brief_from_json(json.loads(path.read_text(encoding="utf-8")))
    ours = [(s.heading, "".join(x.text for p in s.paragraphs for x in p)) for s in brief.sections]
    rows, scores = [], []
    for heading, body in seed:
        best = max(range(len(ours)), key=lambda i: f1(ours[i][0] + ours[i][1], heading + body), default=None)
        score = f1(ours[best][0] + ours[best][1], heading + body) if best is not None else 0.0
        scores.append(score)
        rows.append([heading, ours[best][0] if best is not None else "—", f"{score:.3f}"])
    print(f"# Prose against the editor's sections ({code_version()}, {machine()})\n")
    print(table(["editor's section", "our best match", "bigram F1"], rows))
    print(f"\nmean bigram F1 over the editor's {len(seed)} sections: {statistics.mean(scores):.3f}")
    print(table(["", "editor", "ours"], [
        ["sections", str(len(seed)), str(len(ours))],
        ["section characters (median)", str(int(statistics.median(len(h) + len(b) for h, b in seed))),
         str(int(statistics.median(len(h) + len(b) for h, b in ours))) if ours else "0"],
        ["heading characters (median)", str(int(statistics.median(len(h) for h, _ in seed))),
         str(int(statistics.median(len(h) for h, _ in ours))) if ours else "0"],
        ["style defects (dailybrief lint)", "—", str(len(lint(brief)))],
    ]))


if __name__ == "__main__":
    main()
