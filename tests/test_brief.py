"""The brief: claims, verifier (mutation and repair), `run` end to end, brief.json, Markdown/HTML/PDF, bad inputs.

The articles are written here for these tests (an invented day, 2026-06-10, on an energy theme):
a national notice with a 《document》, a provincial follow-up, a media report with figures, a
reprint of the notice and off-theme items. Nothing touches the network except the corpus gate,
which serves the shared corpora on loopback through shared/tools/briefeval.py.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import html.parser
import json
import re
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from mutations import mutations, replace_text, score
from storyfixtures import art, fetch_for

from dailybrief.config import Config, parse_config
from dailybrief.models import Article, Brief, Reference, Section, Sentence
from dailybrief.pipeline import BriefRun, NoNewsError, OutputError, run_brief
from dailybrief.render.briefjson import brief_from_json, brief_to_json
from dailybrief.render.documents import render_html, render_markdown, section_title
from dailybrief.render.pdf import MISSING_MARK, render_pdf
from dailybrief.store.archive import Archive
from dailybrief.stories.build import build_stories
from dailybrief.verify.claims import analyse, claims
from dailybrief.verify.evidence import Evidence, article_evidence
from dailybrief.verify.verifier import Verdict, missing_claims, verify_brief
from dailybrief.write.compose import _source_sentence, compose_brief

DAILYBRIEF = Path(sys.executable).parent / "dailybrief"
SHARED = Path(__file__).resolve().parents[2] / "shared"
BRIEFEVAL = SHARED / "tools" / "briefeval.py"
GOLD = sorted(SHARED.glob("corpora/*/gold.json"))
FILES = ("brief.json", "stories.json", "brief.md", "brief.html", "brief.pdf")

ISSUE = dt.date(2026, 6, 10)
YESTERDAY = dt.date(2026, 6, 9)


def d(day: int) -> dt.date:
    """Return a day of June 2026."""
    return dt.date(2026, 6, day)


# ------------------------------------------------------------------ the day's articles

NATIONAL_TITLE = "国家能源局关于印发《关于推进“人工智能+”能源高质量发展的实施意见》的通知"
NATIONAL_DOC = "关于推进“人工智能+”能源高质量发展的实施意见"
NATIONAL_PARAS = (
    "各省、自治区、直辖市发展改革委、能源局，各派出机构，有关中央企业：",
    "为深入实施“人工智能+”行动，推动人工智能技术与能源产业深度融合，国家能源局研究制定了《关于推进“人工智能+”"
    "能源高质量发展的实施意见》。现印发给你们，请认真贯彻执行。",
    "实施意见提出，到2027年，能源领域人工智能应用取得重要进展，在电网调度、新能源功率预测、油气勘探等领域打造"
    "100个以上典型应用场景，建设5个以上能源行业大模型，培育一批“人工智能+能源”专业服务商。",
    "实施意见明确，要加快建设能源行业高质量数据集，推动电力、煤炭、油气企业开放共享运行数据，在京津冀、长三角、"
    "粤港澳大湾区等地区布局3个能源算力协同示范区，提升算力设施绿电使用比例至80%以上。",
    "实施意见要求，各地能源主管部门要建立工作台账，统筹用好中央预算内投资等资金渠道，2026年9月30日前报送本地区"
    "落实方案。",
    "国家能源局",
    "2026年6月8日",
)


def national() -> Article:
    """Return the national notice (a 《document》, numbers, a deadline date), published 6月8日."""
    return art("https://www.nea.gov.cn/20260608/c1a2b3.html", NATIONAL_TITLE, d(8), "国家能源局", NATIONAL_PARAS)


def national_reprint() -> Article:
    """Return a portal's reprint of the notice a day later (来源：国家能源局, an added first line)."""
    return art("https://energy.people.com.cn/n1/2026/0609/c71661-40501.html",
               "国家能源局印发实施意见 推进“人工智能+”能源高质量发展", d(9), "人民网",
               ("人民网北京6月9日电 国家能源局日前发布通知。", *NATIONAL_PARAS[1:5]), source="人民网",
               origin="国家能源局")


PROVINCIAL_DOC = "江苏省“人工智能+”能源行动方案（2026—2028年）"


def provincial() -> Article:
    """Return the provincial follow-up document, published 6月9日."""
    return art("https://fzggw.jiangsu.gov.cn/art/2026/6/9/art_284_11876.html", f"江苏省印发《{PROVINCIAL_DOC}》",
               d(9), "江苏省发展和改革委员会", (
                   f"6月9日，江苏省发展改革委、省能源局联合印发《{PROVINCIAL_DOC}》，贯彻落实国家能源局《{NATIONAL_DOC}》。",
                   "行动方案提出，到2028年，全省建成20个能源人工智能应用示范项目，新能源功率预测准确率提升至95%，"
                   "虚拟电厂可调节能力达到500万千瓦。",
                   "行动方案部署了电网智能调度、新型储能智能运维、算力与电力协同等6项重点任务，明确在南京、苏州建设2个"
                   "绿色算力中心，新增算力规模3,000P，绿电使用比例不低于80%。",
                   "省能源局有关负责人表示，这意味着江苏将以人工智能为抓手，加快构建新型电力系统，推动能源产业数字化"
                   "智能化转型。",
               ), source="江苏省发展和改革委员会")


MEDIA_TITLE = "5月份全国风电光伏发电量1,960亿千瓦时 全社会用电量同比增长1.9%"


def media() -> Article:
    """Return a media report with figures (1,960亿千瓦时, 1.9%), published 6月9日."""
    return art("https://www.cpnn.com.cn/news/2026/06/09/t20260609_1732.html", MEDIA_TITLE, d(9), "中国电力新闻网", (
        "6月9日，中国电力企业联合会发布数据，5月份全国全社会用电量8,096亿千瓦时，同比增长1.9%。",
        "其中，全国风电和光伏发电量合计1,960亿千瓦时，同比增长18.6%，占全社会用电量的比重达到24.2%。",
        "分产业看，第一产业用电量112亿千瓦时，同比增长6.3%；第二产业用电量5,210亿千瓦时，同比增长0.8%；"
        "充换电服务业和数据中心用电量分别增长42.5%和31.7%。",
        "业内人士认为，数据中心用电快速增长表明，算力需求正在成为电力消费的新增长点，绿电与算力协同的重要性日益凸显。",
    ), source="中国电力新闻网")


def off_theme() -> list[Article]:
    """Return a sports meeting and a weather warning from a city site (in the window, off the theme)."""
    return [
        art("https://www.nanjing.gov.cn/njxx/202606/t20260609_4510.html", "全市中小学生田径运动会开幕", d(9),
            "南京市人民政府", (
                "6月9日，全市中小学生田径运动会在奥体中心开幕，来自12个区的48支代表队、1,300余名运动员参加比赛。",
                "本届运动会设短跑、跳远、铅球等58个比赛项目，赛期3天，将评选体育道德风尚奖和优秀组织奖。",
            ), source="南京市人民政府"),
        art("https://www.nanjing.gov.cn/njxx/202606/t20260610_4522.html", "市气象台发布暴雨蓝色预警", d(10),
            "南京市人民政府", (
                "市气象台6月10日8时发布暴雨蓝色预警，预计未来12小时市区将出现50毫米以上降水，局部伴有雷电大风。",
                "请市民减少外出，驾车途经积水路段时谨慎慢行，注意防范城市内涝。",
            ), source="南京市人民政府"),
    ]


def no_fact_commentary() -> Article:
    """Return an on-theme commentary with no number, date, 《title》 or quoted term anywhere in its body."""
    return art("https://opinion.cpnn.com.cn/pl/2026/0609/c1003-3312.html", "以人工智能赋能新型电力系统建设",
               d(9), "中国电力新闻网", (
                   "人工智能正在深刻改变能源行业的生产方式和管理模式，电网企业纷纷把智能调度作为数字化转型的重点方向。",
                   "新能源发电具有随机性和波动性，依靠传统经验难以做到精准预测，而人工智能模型能够综合气象、负荷和设备"
                   "运行数据，显著提升新能源功率预测水平。",
                   "与此同时，算力设施本身也是用电大户，推动算力与电力协同布局，让数据中心更多使用绿电，已成为行业共识。",
                   "专家认为，人工智能与能源的深度融合有助于构建清洁低碳、安全高效的新型能源体系。",
               ), source="中国电力新闻网")


def day_articles() -> list[Article]:
    """Return the standard day: three on-theme events, a reprint and two off-theme items."""
    return [national(), national_reprint(), provincial(), media(), *off_theme()]


# ------------------------------------------------------------------ config, archive, runs

SOURCE_LEVELS = (("国家能源局", "national"), ("江苏省发展和改革委员会", "provincial"), ("南京市人民政府", "city"),
                 ("人民网", "media"), ("中国电力新闻网", "media"))


def config_data(**brief: Any) -> dict[str, Any]:
    """Return the test config mapping (the TOML structure of FORMAT.md)."""
    return {
        "brief": {"title": "能源转型每日动态", "publishers": ["能源转型研究室"], "date": ISSUE.isoformat(),
                  "window_days": 7, "language": "zh", "max_sections": 5,
                  "disclaimer": "本报告仅供研究参考", **brief},
        "theme": {"name": "能源转型",
                  "description": "跟踪能源转型领域的国家和地方政策及产业动态：人工智能与能源融合、新能源发电、"
                                 "新型电力系统、储能、算力与电力协同、全社会用电数据。",
                  "keywords": ["能源", "人工智能", "新能源", "电力", "储能", "算力", "绿电", "用电量"]},
        "source": [{"name": n, "url": f"https://feeds.example.cn/{i}.xml", "type": "feed", "level": lv}
                   for i, (n, lv) in enumerate(SOURCE_LEVELS)],
    }


def make_config(**brief: Any) -> Config:
    """Return a validated Config."""
    return parse_config(config_data(**brief))


def toml_text(data: dict[str, Any]) -> str:
    """Write a config mapping as TOML (JSON strings are valid TOML basic strings)."""
    def value(v: Any) -> str:
        """Return a TOML value."""
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int):
            return str(v)
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return json.dumps(str(v), ensure_ascii=False)

    lines: list[str] = []
    for table in ("brief", "theme"):
        lines += [f"[{table}]", *(f"{k} = {value(v)}" for k, v in data[table].items()), ""]
    for source in data["source"]:
        lines += ["[[source]]", *(f"{k} = {value(v)}" for k, v in source.items()), ""]
    return "\n".join(lines)


def fill_archive(path: Path, articles: Sequence[Article]) -> Path:
    """Store articles (with plausible raw fetches) in an archive file; return its path."""
    with Archive(path) as archive:
        for a in articles:
            archive.save_article(fetch_for(a), a)
    return path


def run_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the installed `dailybrief` command."""
    return subprocess.run([str(DAILYBRIEF), *args], capture_output=True, text=True, timeout=timeout, check=False)


def run_day(tmp: Path, articles: Sequence[Article], out: Path, *, issue: dt.date = ISSUE,
            config: Config | None = None, db: str = "a.db") -> BriefRun:
    """Run the pipeline in-process on some articles (no collection) into `out`."""
    with Archive(fill_archive(tmp / db, articles)) as archive:
        return run_brief(config or make_config(date=issue.isoformat()), archive, issue, out, lambda _line: None,
                         collect=False)


def error_lines(stderr: str) -> list[str]:
    """Return the CLI's error lines."""
    return [line for line in stderr.splitlines() if line.startswith("dailybrief: error:")]


def sentences_of(brief: Brief) -> Iterator[Sentence]:
    """Yield every sentence of a brief (summary first)."""
    yield from brief.summary
    for section in brief.sections:
        for paragraph in section.paragraphs:
            yield from paragraph


def evidence_for(brief: Brief, articles: Sequence[Article]) -> dict[str, Evidence]:
    """Return what each reference of a brief supports, as compose does (title, text, publication date)."""
    by_url = {a.url: a for a in articles}
    return {r.id: article_evidence(by_url[r.url]) for r in brief.references if r.url in by_url}


def unsupported(verdicts: Sequence[Verdict]) -> list[Verdict]:
    """Return the unsupported verdicts."""
    return [v for v in verdicts if v.status == "unsupported"]


def norm(text: str) -> str:
    """Normalise PDF text for comparison: no white space and no word joiners (pdftotext adds spaces)."""
    return re.sub(r"[\s\u2060]+", "", text)


def pdftotext(path: Path) -> str:
    """Return the text of a PDF, in reading layout."""
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True,
                          timeout=60).stdout


@pytest.fixture(scope="module")
def day_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """`dailybrief run --no-collect` on the standard day, through the CLI."""
    root = tmp_path_factory.mktemp("day")
    db = fill_archive(root / "dailybrief.db", day_articles())
    config = root / "brief.toml"
    config.write_text(toml_text(config_data()), encoding="utf-8")
    out = root / "out"
    proc = run_cli("run", "--config", str(config), "--date", ISSUE.isoformat(), "--out", str(out), "--db", str(db),
                   "--no-collect")
    assert proc.returncode == 0, proc.stderr
    data = json.loads((out / "brief.json").read_text(encoding="utf-8"))
    return {"root": root, "db": db, "out": out, "proc": proc, "json": data, "brief": brief_from_json(data)}


@pytest.fixture(scope="module")
def composed() -> tuple[Brief, list[Verdict]]:
    """The standard day's brief, composed in-process."""
    config = make_config()
    result = build_stories(day_articles(), config, ISSUE)
    return compose_brief(result.stories, config, ISSUE)


# ------------------------------------------------------------------ 1. claims and the verifier, unit by unit

@pytest.mark.parametrize(("sentence", "evidence"), [
    ("风电光伏发电量1,960亿千瓦时", "风电光伏发电量1960亿千瓦时"),
    ("风电光伏发电量1960亿千瓦时", "风电光伏发电量1,960亿千瓦时"),
    ("发电量１９６０亿千瓦时", "发电量1,960亿千瓦时"),
    ("同比增长1.9%", "同比增长1.9％"),
    ("同比增长１.９％", "同比增长1.90%"),
    ("第08批", "第8批"),
])
def test_numbers_compare_by_value(sentence, evidence):
    assert missing_claims(sentence, [Evidence.of(evidence)]) == []


def _kinds(found: list[str]) -> list[str]:
    """Return each finding as 'kind span' without the reason."""
    return [f.split("（")[0] for f in found]


@pytest.mark.parametrize(("sentence", "evidence", "missing"), [
    ("发电量1,961亿千瓦时", "发电量1,960亿千瓦时", "quantity 1,961亿千瓦时"),
    ("同比增长1.8%", "同比增长1.9％", "quantity 1.8%"),
    ("同比增长19%", "同比增长1.9%", "quantity 19%"),
    ("发电量196亿千瓦时", "发电量1,960亿千瓦时", "quantity 196亿千瓦时"),
])
def test_a_different_number_is_named(sentence, evidence, missing):
    assert missing in _kinds(missing_claims(sentence, [Evidence.of(evidence)]))


def _dates(text: str) -> set[tuple[int | None, int | None, int | None]]:
    """Return the dates a text states as (year, month, day)."""
    return {(c.date.year, c.date.month, c.date.day) for c in analyse(text).claims if c.date}


def test_dates_in_every_written_form():
    assert _dates("2026年6月8日") == {(2026, 6, 8)}
    assert _dates("2026-06-08") == {(2026, 6, 8)}
    assert _dates("2026年06月08日") == {(2026, 6, 8)}
    assert _dates("二〇二六年六月八日") == {(2026, 6, 8)}
    assert _dates("6月8日") == {(None, 6, 8)}
    for evidence in ("2026年6月8日，国家能源局印发通知。", "国家能源局\n发布时间：2026-06-08 10:30"):
        assert missing_claims("6月8日，国家能源局印发通知。", [Evidence.of(evidence)]) == []
        assert missing_claims("2026年6月8日，国家能源局印发通知。", [Evidence.of(evidence)]) == []
    stated = [Evidence.of("2026年6月8日，国家能源局印发通知。")]
    assert _kinds(missing_claims("6月18日，国家能源局印发通知。", stated)) == ["date 6月18日"]
    # A date stated with its year needs that year; the publication date counts as stated.
    assert "date 2025年6月8日" in _kinds(missing_claims("2025年6月8日", [Evidence.of("2026年6月8日")]))
    assert missing_claims("6月8日，通知印发。", [Evidence.of("通知印发。", d(8))]) == []
    assert _kinds(missing_claims("6月9日，通知印发。", [Evidence.of("通知印发。", d(8))])) == ["date 6月9日"]


def test_titles_ignore_quote_styles_but_not_words():
    curly = "《关于推进“人工智能+”行动的意见》"
    straight = '《关于推进"人工智能+"行动的意见》'
    corner = "《关于推进「人工智能+」行动的意见》"
    keys = [{c.key for c in analyse(t).claims if c.kind == "title"} for t in (curly, straight, corner)]
    assert keys[0] == keys[1] == keys[2] == {"关于推进人工智能+行动的意见"}
    assert missing_claims(f"国务院印发{curly}。", [Evidence.of(f"国务院印发{straight}。")]) == []
    assert missing_claims(f"国务院印发{straight}。", [Evidence.of(f"国务院印发{curly}。")]) == []
    wrong = missing_claims("国务院印发《关于推进“人工智能+”行动的实施意见》。", [Evidence.of(f"国务院印发{curly}。")])
    assert _kinds(wrong) == ["title 《关于推进“人工智能+”行动的实施意见》"]


def test_quoted_terms_must_occur():
    evidence = [Evidence.of("培育一批“人工智能+能源”专业服务商。")]
    assert missing_claims('培育一批"人工智能+能源"专业服务商。', evidence) == []
    assert _kinds(missing_claims("培育一批“人工智能+电力”专业服务商。", evidence)) == ["quote “人工智能+电力”"]


def test_a_sentence_is_checked_against_what_it_cites_only():
    a, b = media(), provincial()
    sentence = "全国风电和光伏发电量合计1,960亿千瓦时，同比增长18.6%。"
    assert missing_claims(sentence, [article_evidence(a)]) == []
    assert sorted(_kinds(missing_claims(sentence, [article_evidence(b)]))) == \
        ["quantity 1,960亿千瓦时", "quantity 18.6%"]
    assert sorted(_kinds(missing_claims(sentence, []))) == ["quantity 1,960亿千瓦时", "quantity 18.6%"]
    assert claims(sentence).count == 2


def test_verify_brief_names_the_unsupported_sentence_and_number():
    a = media()
    good = Sentence("全国风电和光伏发电量合计1,960亿千瓦时。", ("R1",))
    bad = Sentence("全国风电和光伏发电量合计1,690亿千瓦时。", ("R1",))
    section = Section(1, "风电光伏发电量增长，电力态势值得关注", "s1", ((good, bad),))
    brief = Brief("能源转型每日动态", ISSUE, (), ("电力",), (), (section,),
                  (Reference("R1", a.publisher, a.title, a.published, a.url, "用于核验"),))
    _out, verdicts = verify_brief(brief, {"R1": article_evidence(a)}, repair=False)
    assert [(v.text, _kinds(list(v.missing))) for v in unsupported(verdicts)] == \
        [(bad.text, ["quantity 1,690亿千瓦时"])]
    assert [v.status for v in verdicts] == ["verified", "unsupported"]


# ------------------------------------------------------------------ 2. the mutation test (tests/mutations.py)

def _replace_text(brief: Brief, target: Sentence | Section, text: str) -> Brief:
    """Return the brief with one sentence (or one section's heading, given the Section) rewritten."""
    return replace_text(brief, target, text)


@pytest.fixture(scope="module")
def run_evidence(day_run) -> dict[str, Evidence]:
    """Evidence for the CLI run's references, from the articles the run was given."""
    return evidence_for(day_run["brief"], day_articles())


def test_the_verified_brief_has_no_false_alarms(day_run, run_evidence, composed):
    brief = day_run["brief"]
    assert set(run_evidence) == {r.id for r in brief.references}
    _out, verdicts = verify_brief(brief, run_evidence, repair=False)
    assert unsupported(verdicts) == []
    assert sum(v.status == "verified" for v in verdicts) >= 8
    composed_brief, composed_verdicts = composed
    assert composed_brief.verification.unsupported == 0
    assert not [v for v in composed_verdicts if v.status in {"unsupported", "dropped"}]


def test_every_mutation_is_caught_and_no_rewrite_is_flagged(day_run, run_evidence):
    result = score(day_run["brief"], run_evidence)
    caught, alarms = result.caught, result.alarms
    assert all(caught[k][1] for k in ("number", "swap", "date", "impossible", "actor", "title")), caught
    assert not result.missed, f"{len(result.missed)} mutations not caught: {result.missed[:3]}"
    assert sum(n for _k, (_a, n) in alarms.items()) > 5, alarms
    assert not result.false_alarms, result.false_alarms[:3]
    assert not result.written_alarms


def test_dailybrief_verify_accepts_the_run_and_rejects_mutations(day_run, run_evidence, tmp_path):
    ok = run_cli("verify", str(day_run["out"] / "brief.json"), "--db", str(day_run["db"]))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "0 unsupported" in ok.stdout
    brief = day_run["brief"]
    found = mutations(brief, run_evidence)
    sample = [next(m for m in found if m.kind == kind and "heading" not in m.where)
              for kind in ("number", "date", "title", "actor")]
    sample.append(next(m for m in found if "heading" in m.where))
    for i, mutation in enumerate(sample):
        path = tmp_path / f"m{i}" / "brief.json"
        path.parent.mkdir()
        changed = replace_text(brief, mutation.node, mutation.after)
        path.write_text(json.dumps(brief_to_json(changed), ensure_ascii=False), encoding="utf-8")
        proc = run_cli("verify", str(path), "--db", str(day_run["db"]))
        assert proc.returncode == 1, (mutation, proc.stdout, proc.stderr)
        assert f"{mutation.where}: {mutation.after}" in proc.stdout.splitlines()
        assert "1 unsupported" in proc.stdout


def test_dailybrief_verify_accepts_a_date_known_only_from_page_metadata(tmp_path):
    report = media()
    undated_text = art(report.url, report.title, report.published, report.publisher,
                       [p.replace("6月9日，", "") for p in report.paragraphs], source=report.source)
    result = run_day(tmp_path, [undated_text], tmp_path / "out")
    # the writer states no date the page's text does not show (a reader of the page could not find it) …
    assert not any("6月9日" in s.text for s in sentences_of(result.brief))
    # … but an editor who writes it is supported by the page's metadata, which the reference states
    path = tmp_path / "out" / "brief.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    first = data["sections"][0]["paragraphs"][0]["sentences"][0]
    first["text"] = "6月9日，" + first["text"].removeprefix("据" + report.publisher + "报道，")
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    proc = run_cli("verify", str(path), "--db", str(tmp_path / "a.db"))
    assert proc.returncode == 0, proc.stdout


# ------------------------------------------------------------------ 3. repair: the source sentence, or dropped

def test_repair_replaces_or_drops_and_the_counts_say_so(composed):
    brief, _verdicts = composed
    articles = {a.url: a for a in day_articles()}
    by_id: dict[str, Article | None] = {r.id: articles.get(r.url) for r in brief.references}
    evidence = evidence_for(brief, day_articles())
    section = next(s for s in brief.sections if any("112亿千瓦时" in x.text for p in s.paragraphs for x in p))
    spanned = next(x for p in section.paragraphs for x in p if "112亿千瓦时" in x.text)
    assert spanned.evidence, "an extractive sentence keeps its source span"
    lead = next(x for x in sentences_of(brief) if x.text.startswith("6月8日，") and not x.evidence)
    bad_spanned = spanned.text.replace("112亿千瓦时", "121亿千瓦时")
    bad_lead = lead.text.replace("6月8日", "6月18日")
    broken = _replace_text(_replace_text(brief, spanned, bad_spanned), lead, bad_lead)
    fixed, verdicts = verify_brief(broken, evidence, _source_sentence(by_id))
    statuses = {v.text: (v.status, v.missing) for v in verdicts if v.status in {"replaced", "dropped"}}
    assert statuses[bad_spanned][0] == "replaced"
    assert _kinds(list(statuses[bad_spanned][1])) == ["quantity 121亿千瓦时"]
    assert statuses[bad_lead][0] == "dropped"
    texts = [s.text for s in sentences_of(fixed)]
    assert bad_spanned not in texts and bad_lead not in texts
    assert any("第一产业用电量112亿千瓦时" in t for t in texts)
    assert sum(t == lead.text for t in texts) == sum(s is not lead and s.text == lead.text
                                                      for s in sentences_of(brief))
    v = fixed.verification
    assert (v.replaced, v.dropped, v.unsupported) == (1, 1, 0)
    assert brief_to_json(fixed)["verification"] == {"sentences": v.sentences, "checked": v.checked, "unsupported": 0,
                                                    "replaced": 1, "dropped": 1}
    assert brief_from_json(brief_to_json(fixed)).verification == v
    _again, recheck = verify_brief(fixed, evidence, repair=False)
    assert unsupported(recheck) == []
    assert bad_spanned not in render_markdown(fixed) and bad_lead not in render_html(fixed)


def test_a_section_whose_every_sentence_fails_is_dropped_and_the_rest_renumbered(composed):
    brief, _verdicts = composed
    evidence = evidence_for(brief, day_articles())
    first = brief.sections[0]
    broken = brief
    for paragraph in first.paragraphs:
        for sentence in paragraph:
            broken = _replace_text(broken, sentence, sentence.text + "涉及资金9999亿元。")
    fixed, _verdicts = verify_brief(broken, evidence, fallback=None)
    assert [s.heading for s in fixed.sections] == [s.heading for s in brief.sections[1:]]
    assert [s.number for s in fixed.sections] == list(range(1, len(brief.sections)))
    assert fixed.verification.dropped == sum(len(p) for p in first.paragraphs)
    assert not any("9999" in s.text for s in sentences_of(fixed))


# ------------------------------------------------------------------ 4. `dailybrief run` end to end: the five files

def test_run_writes_all_five_files_and_reports(day_run):
    out, proc = day_run["out"], day_run["proc"]
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    assert all((out / name).stat().st_size > 0 for name in FILES)
    assert "3 sections" in proc.stdout
    assert "PDF: no font has" not in proc.stderr


def test_brief_json_follows_the_contract(day_run):
    data = day_run["json"]
    assert {"title", "date", "publishers", "thread", "summary", "sections", "references",
            "verification"} <= set(data)
    assert data["title"] == "能源转型每日动态" and data["date"] == "2026-06-10"
    assert data["publishers"] == ["能源转型研究室"]
    assert isinstance(data["thread"], list) and data["thread"] and all(isinstance(t, str) for t in data["thread"])
    refs = {r["id"]: r for r in data["references"]}
    assert len(refs) == len(data["references"])
    articles = {a.url: a for a in day_articles()}
    for ref in data["references"]:
        assert {"id", "publisher", "title", "date", "url", "role", "verifies", "reprint_of"} <= set(ref)
        for key in ("publisher", "title", "date", "url", "verifies"):
            assert isinstance(ref[key], str) and ref[key], (key, ref)
        assert ref["role"] in {"event", "background"}
        assert ref["reprint_of"] is None or ref["reprint_of"] in refs
        article = articles[ref["url"]]
        assert (ref["publisher"], ref["title"], ref["date"]) == (article.publisher, article.title,
                                                                 article.published.isoformat())
    summary = data["summary"]["sentences"]
    assert summary and all(isinstance(s["text"], str) and s["text"] for s in summary)
    assert [s["number"] for s in data["sections"]] == list(range(1, len(data["sections"]) + 1))
    assert len(data["sections"]) == 3
    cited: set[str] = set()
    every = list(summary)
    for section in data["sections"]:
        assert isinstance(section["heading"], str) and section["heading"]
        assert isinstance(section["story"], str) and section["story"]
        assert section["paragraphs"]
        for paragraph in section["paragraphs"]:
            assert paragraph["sentences"]
            every += paragraph["sentences"]
    for sentence in every:
        assert isinstance(sentence["cites"], list)
        assert set(sentence["cites"]) <= set(refs), sentence
        cited |= set(sentence["cites"])
        assert sentence.get("kind", "fact") in {"fact", "analysis"}
    assert all(r["id"] in cited for r in data["references"] if r["role"] == "event")
    for section in data["sections"]:
        facts = [s for p in section["paragraphs"] for s in p["sentences"] if s["kind"] == "fact"]
        assert facts and all(s["cites"] for s in facts)
    v = data["verification"]
    assert all(isinstance(v[k], int) for k in ("sentences", "checked", "unsupported"))
    assert v["unsupported"] == 0 and 0 < v["checked"] <= v["sentences"]
    # The off-theme items and the reprint are never cited as events; the notice is cited with its own date.
    urls = {r["url"] for r in data["references"] if r["role"] == "event"}
    assert not urls & {a.url for a in off_theme()}
    assert national().url in urls and refs[next(i for i, r in refs.items() if r["url"] == national().url)][
        "date"] == "2026-06-08"
    assert national_reprint().url not in urls or any(r["reprint_of"] for r in data["references"])


def test_stories_json_lists_every_story_with_the_reprint(day_run):
    stories = json.loads((day_run["out"] / "stories.json").read_text(encoding="utf-8"))
    assert isinstance(stories, list) and stories
    for story in stories:
        assert {"id", "score", "selected", "rank", "primary", "articles", "reprints", "why"} <= set(story)
    selected = [s for s in stories if s["selected"]]
    assert len(selected) == len(day_run["json"]["sections"])
    assert {s["story"] for s in day_run["json"]["sections"]} == {s["id"] for s in selected}
    notice = next(s for s in stories if national().url in s["articles"])
    assert notice["primary"] == national().url
    assert notice["reprints"] == {national_reprint().url: national().url}


def _plain_md(text: str) -> str:
    """Undo Markdown backslash escapes and HTML entities."""
    return html.unescape(re.sub(r"\\(.)", r"\1", text))


def test_markdown_and_html_hold_every_heading(day_run):
    md = (day_run["out"] / "brief.md").read_text(encoding="utf-8")
    page = (day_run["out"] / "brief.html").read_text(encoding="utf-8")
    plain_md, plain_html = _plain_md(md), html.unescape(page)
    for section in day_run["brief"].sections:
        title = section_title(section.number, section.heading)
        assert f"## {title}" in plain_md.splitlines()
        assert f"<h2>{title}</h2>" in plain_html
        assert plain_html.count(title) == 2  # heading and contents
    for text in ("摘要", "参考文献", "能源转型每日动态", "2026年6月10日", "本报告仅供研究参考"):
        assert text in plain_md and text in plain_html


class _Tags(html.parser.HTMLParser):
    """Collect the tags and attributes of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self.ids |= {v for k, v in attrs if k == "id" and v}


def test_html_is_standalone_with_linked_citations(day_run):
    page = (day_run["out"] / "brief.html").read_text(encoding="utf-8")
    parser = _Tags()
    parser.feed(page)
    names = [t for t, _a in parser.tags]
    assert "script" not in names and "link" not in names and "img" not in names and "iframe" not in names
    assert not any("src" in attrs for _t, attrs in parser.tags)
    assert not re.search(r"url\(|@import", page)
    assert names.count("style") == 1
    sups = re.findall(r'<sup><a href="#(r\d+)">\[(\d+)\]</a></sup>', page)
    assert sups
    ids = [r.id.lower() for r in day_run["brief"].references]
    for anchor, number in sups:
        assert anchor in parser.ids and anchor in ids
        assert ids.index(anchor) + 1 == int(number)
    for ref in day_run["brief"].references:
        assert f'<li id="{ref.id.lower()}">' in page and f'href="{ref.url}"' in page


# ------------------------------------------------------------------ 5. the PDF, for real

def page_image(pdf: Path, tmp: Path) -> tuple[int, int, bytes]:
    """Render page 1 at 50 dpi as a greyscale PGM; return width, height and pixels."""
    prefix = tmp / "page"
    subprocess.run(["pdftoppm", "-r", "50", "-gray", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(prefix)],
                   check=True, timeout=60)
    raw = (tmp / "page.pgm").read_bytes()
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", raw)
    assert header, raw[:20]
    width, height = int(header[1]), int(header[2])
    pixels = raw[header.end():]
    assert len(pixels) == width * height
    return width, height, pixels


def test_pdf_text_has_title_headings_and_contents_with_pages(day_run, tmp_path):
    pdf = day_run["out"] / "brief.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    text = pdftotext(pdf)
    flat = norm(text)
    assert "能源转型每日动态" in flat and "2026年6月10日" in flat and "能源转型研究室" in flat
    assert "目录" in flat and "摘要" in flat
    pages = int(re.findall(r"第(\d+)页/共(\d+)页", flat)[0][1])
    assert pages >= 1
    for section in day_run["brief"].sections:
        title = norm(section_title(section.number, section.heading))
        assert flat.count(title) >= 2, title  # in the contents and as the heading
        entry = re.search(re.escape(title) + r"\.{3,}(\d+)", flat)
        assert entry, f"no contents entry with a page number for {title}"
        assert 1 <= int(entry[1]) <= pages
    assert re.search(r"参考文献\.{3,}\d+", flat)
    for ref in day_run["brief"].references:
        assert norm(ref.publisher) in flat
    assert "\ufffd" not in text and MISSING_MARK not in text


def test_pdf_page_one_is_not_blank(day_run, tmp_path):
    width, height, pixels = page_image(day_run["out"] / "brief.pdf", tmp_path)
    assert width > 300 and height > 400  # A4 at 50 dpi is about 413 × 585
    inked = sum(1 for p in pixels if p < 160)
    assert inked / len(pixels) > 0.01, inked


def test_characters_no_font_has_become_a_mark_and_the_rest_survives(day_run, tmp_path):
    brief = dataclasses.replace(day_run["brief"], title="能源转型🚀每日动态\ue000专刊")
    pdf, missing = render_pdf(brief)
    assert missing == {"🚀", "\ue000"}
    path = tmp_path / "glyphs.pdf"
    path.write_bytes(pdf)
    flat = norm(pdftotext(path))
    assert f"能源转型{MISSING_MARK}每日动态{MISSING_MARK}专刊" in flat
    assert "🚀" not in flat and "\ue000" not in flat
    assert norm(section_title(1, brief.sections[0].heading)) in flat
    _pdf, none_missing = render_pdf(day_run["brief"])
    assert none_missing == set()


# ------------------------------------------------------------------ 6. bad inputs

def test_fewer_stories_than_max_sections_gives_a_shorter_brief():
    config = make_config(max_sections=5)
    result = build_stories([national(), media(), *off_theme()], config, ISSUE)
    usable = [s for s in result.stories if s.selected]
    brief, _verdicts = compose_brief(result.stories, config, ISSUE)
    assert len(usable) == 2
    assert len(brief.sections) == 2 and [s.number for s in brief.sections] == [1, 2]
    assert len(brief.thread) == 3 and len(set(brief.thread)) == 3  # three links at least, the sections' first
    assert all(p for s in brief.sections for p in s.paragraphs)
    clauses = [s for s in brief.summary if s.cites and not s.text.startswith("总体看")]
    assert len(clauses) == 2  # one clause per section, nothing invented for 3..5
    assert {r.url for r in brief.references} == {national().url, media().url}


def test_a_day_with_no_usable_article_fails_cleanly_and_writes_nothing(tmp_path):
    db = fill_archive(tmp_path / "a.db", off_theme())
    config = tmp_path / "brief.toml"
    config.write_text(toml_text(config_data()), encoding="utf-8")
    out = tmp_path / "out"
    proc = run_cli("run", "--config", str(config), "--date", ISSUE.isoformat(), "--out", str(out), "--db", str(db),
                   "--no-collect")
    assert proc.returncode != 0
    errors = error_lines(proc.stderr)
    assert len(errors) == 1 and "no usable article" in errors[0] and "2026-06-10" in errors[0], proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert not out.exists() or not any(out.iterdir())
    with Archive(db) as archive, pytest.raises(NoNewsError):
        run_brief(make_config(), archive, ISSUE, out, lambda _line: None, collect=False)
    assert not out.exists() or not any(out.iterdir())


def test_a_story_without_any_fact_is_handled_without_unsupported_sentences(tmp_path):
    commentary = no_fact_commentary()
    assert claims(commentary.title + commentary.text).count == 0
    result = run_day(tmp_path, [national(), commentary, *off_theme()], tmp_path / "out")
    assert result.brief.verification.unsupported == 0
    assert not [v for v in result.verdicts if v.status == "unsupported"]
    _again, verdicts = verify_brief(result.brief, evidence_for(result.brief, [national(), commentary]), repair=False)
    assert unsupported(verdicts) == []
    story = next(s for s in result.stories.stories if s.primary.url == commentary.url)
    section = next((s for s in result.brief.sections if s.story_id == story.id), None)
    if section is not None:
        body = [x for p in section.paragraphs for x in p]
        assert body and all(set(x.cites) <= {r.id for r in result.brief.references} for x in body)
        assert any(x.text.rstrip("。") in commentary.text or x.text.startswith("据") for x in body)
    assert json.loads((tmp_path / "out" / "brief.json").read_text(encoding="utf-8"))["verification"][
        "unsupported"] == 0


LONG_DOC = ("关于加快推进能源领域人工智能大模型在电网调度、新能源功率预测、油气勘探开发、煤矿智能化、核电运维、储能电站"
            "安全管理、虚拟电厂聚合调控、综合能源服务、用能侧需求响应、能源数据要素市场化配置、绿色算力与电力协同、"
            "新型电力系统建设、智能巡检机器人推广应用、能源行业高质量数据集建设、能源大模型安全评估以及能源装备智能运维等"
            "重点场景规模化应用的若干政策措施（2026—2028年）")
LONG_POLICY_TITLE = f"国家能源局关于印发《{LONG_DOC}》的通知"
LONG_MEDIA_TITLE = ("全国风电光伏发电量合计达到历史同期最高水平19600亿千瓦时" +
                    "，新能源装机规模持续扩大，电力供应保障能力稳步提升，各地电网企业加强迎峰度夏准备工作" * 5)[:200]


def test_very_long_titles_give_short_headings_and_the_pdf_renders(tmp_path):
    assert len(LONG_POLICY_TITLE) == len(LONG_MEDIA_TITLE) == 200
    notice = art("https://www.nea.gov.cn/20260608/long.html", LONG_POLICY_TITLE, d(8), "国家能源局",
                 (f"为推动人工智能与能源产业深度融合，国家能源局研究制定了《{LONG_DOC}》。现印发给你们，请认真贯彻执行。",
                  *NATIONAL_PARAS[2:]))
    report = art("https://www.cpnn.com.cn/news/2026/06/09/long.html", LONG_MEDIA_TITLE, d(9), "中国电力新闻网",
                 ("6月9日，中国电力企业联合会发布数据，今年以来全国风电光伏发电量合计达到19600亿千瓦时，创历史同期最高水平。",
                  *media().paragraphs[1:]), source="中国电力新闻网")
    out = tmp_path / "out"
    result = run_day(tmp_path, [notice, report], out)
    assert len(result.brief.sections) == 2
    for section in result.brief.sections:
        assert len(section.heading) <= 45, section.heading
    assert result.brief.verification.unsupported == 0, [v for v in result.verdicts if v.status == "unsupported"]
    flat = norm(pdftotext(out / "brief.pdf"))
    for section in result.brief.sections:
        assert norm(section_title(section.number, section.heading)) in flat
    assert norm(LONG_DOC[:40]) in flat  # the full title is still in the text and the references


INJECTED_TITLE = "用电数据<img src=x onerror=alert(1)>发布"


def injected_report() -> Article:
    """Return an on-theme report whose title and text carry HTML, a script and a javascript: link."""
    return art("https://www.cpnn.com.cn/news/2026/06/09/inject.html", INJECTED_TITLE, d(9), "中国电力新闻网", (
        "6月9日，中国电力企业联合会发布数据<script>alert(1)</script>，5月份全国全社会用电量8,096亿千瓦时，同比增长1.9%。",
        "其中，全国风电和光伏发电量合计1,960亿千瓦时，同比增长18.6%，"
        "详见<a href=\"javascript:alert(1)\">数据解读</a>。",
        "业内人士认为，数据中心用电快速增长表明，算力需求正在成为电力消费的新增长点。",
    ), source="中国电力新闻网")


def test_markup_in_articles_is_escaped_in_html_and_markdown(tmp_path):
    out = tmp_path / "out"
    result = run_day(tmp_path, [national(), injected_report()], out)
    texts = " ".join(s.text for s in sentences_of(result.brief)) + " ".join(r.title for r in result.brief.references)
    assert "<script>alert(1)</script>" in texts and "onerror=alert(1)" in texts  # the test means something
    page = (out / "brief.html").read_text(encoding="utf-8")
    parser = _Tags()
    parser.feed(page)
    assert not [t for t, _a in parser.tags if t in {"script", "img"}]
    assert not [a for _t, attrs in parser.tags for a in attrs if a.startswith("on")]
    assert not [v for _t, attrs in parser.tags for v in attrs.values() if v and "javascript:" in v.lower()]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    md = (out / "brief.md").read_text(encoding="utf-8")
    assert "<script" not in md.lower() and "<img" not in md.lower() and "<a href" not in md.lower()
    assert "&lt;script&gt;alert\\(1\\)&lt;/script&gt;" in md
    assert "<script>alert(1)</script>" in _plain_md(md)
    pdf_text = norm(pdftotext(out / "brief.pdf"))
    assert "<script>alert(1)</script>" in pdf_text  # shown as text in the PDF too, never read as markup


def test_a_javascript_url_is_never_a_link():
    brief, _v = compose_brief(build_stories([media()], make_config(), ISSUE).stories, make_config(), ISSUE)
    ref = dataclasses.replace(brief.references[0], url="javascript:alert(1)")
    brief = dataclasses.replace(brief, references=(ref,))
    page = render_html(brief)
    parser = _Tags()
    parser.feed(page)
    assert not [v for _t, attrs in parser.tags for v in attrs.values() if v and v.startswith("javascript:")]
    assert "javascript:alert(1)" in page  # shown as text
    md = render_markdown(brief)
    assert "<javascript:" not in md and "](javascript:" not in md
    assert "javascript:alert\\(1\\)" in md


def test_an_output_folder_under_a_file_is_one_clear_error(tmp_path):
    db = fill_archive(tmp_path / "a.db", day_articles())
    config = tmp_path / "brief.toml"
    config.write_text(toml_text(config_data()), encoding="utf-8")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a regular file\n", encoding="utf-8")
    before = sorted(p.name for p in tmp_path.iterdir())
    proc = run_cli("run", "--config", str(config), "--date", ISSUE.isoformat(), "--out", str(blocker / "out"),
                   "--db", str(db), "--no-collect")
    assert proc.returncode != 0
    errors = error_lines(proc.stderr)
    assert len(errors) == 1 and str(blocker) in errors[0], proc.stderr
    assert "Traceback" not in proc.stderr
    assert blocker.read_text(encoding="utf-8") == "a regular file\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    with Archive(db) as archive, pytest.raises(OutputError):
        run_brief(make_config(), archive, ISSUE, blocker, lambda _line: None, collect=False)


def test_a_folder_in_the_way_of_one_output_leaves_the_old_set_untouched(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    old = {name: f"yesterday's {name}\n" for name in FILES if name != "brief.pdf"}
    for name, text in old.items():
        (out / name).write_text(text, encoding="utf-8")
    (out / "brief.pdf").mkdir()
    with pytest.raises(OutputError, match=r"brief\.pdf"):
        run_day(tmp_path, day_articles(), out)
    assert {name: (out / name).read_text(encoding="utf-8") for name in old} == old
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)  # no temporary files left


def test_rerunning_into_yesterdays_folder_replaces_every_file(tmp_path):
    out = tmp_path / "out"
    yesterday = run_day(tmp_path, [national(), *off_theme()], out, issue=YESTERDAY, db="yesterday.db")
    assert yesterday.brief.date == YESTERDAY
    old = {name: (out / name).read_bytes() for name in FILES}
    today = run_day(tmp_path, day_articles(), out, issue=ISSUE, db="today.db")
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
    for name in FILES:
        assert (out / name).read_bytes() != old[name], name
    data = json.loads((out / "brief.json").read_text(encoding="utf-8"))
    assert data["date"] == "2026-06-10" and len(data["sections"]) == len(today.brief.sections) == 3
    stories = json.loads((out / "stories.json").read_text(encoding="utf-8"))
    assert {s["id"] for s in stories if s["selected"]} == {s.story_id for s in today.brief.sections}
    assert "2026年6月10日" in (out / "brief.md").read_text(encoding="utf-8")
    assert "2026年6月10日" in (out / "brief.html").read_text(encoding="utf-8")
    assert "2026年6月10日" in norm(pdftotext(out / "brief.pdf"))


# ------------------------------------------------------------------ 7. the quality gate on the shared corpora

@pytest.mark.corpus
@pytest.mark.skipif(not GOLD or not BRIEFEVAL.exists(), reason="no shared corpus with gold.json")
@pytest.mark.parametrize("gold", GOLD, ids=[g.parent.name for g in GOLD])
def test_briefeval_passes_on_the_shared_corpus(gold: Path):
    proc = subprocess.run(
        [sys.executable, str(BRIEFEVAL), str(gold.parent), "--", str(DAILYBRIEF), "run", "--config", "{config}",
         "--date", "{date}", "--out", "{out}"], capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, f"{gold.parent.name}: {proc.stdout[-2000:]}\n{proc.stderr[-1500:]}"
    assert re.search(r"^PASS ", proc.stdout, re.MULTILINE), proc.stdout[-500:]

