"""The extractive writer's prose (issue 14): seed-shaped sections, headings, the summary, `dailybrief lint`.

Each fixture states what an editor would expect of it: a section within its budget with no
sentence saying the lead again, a heading "event，implication" built from the story itself, a
main thread of the sections' concepts, and a style check that finds every defect it names.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from storyfixtures import ISSUE, art, day, day_articles, make_config

from dailybrief.models import Article, Brief, Reference, Section, Sentence
from dailybrief.render.briefjson import brief_to_json
from dailybrief.stories.build import build_stories
from dailybrief.text.spans import DOC_TITLE
from dailybrief.write.compose import compose_brief, lead_sentence
from dailybrief.write.extractive import candidates, restates, title_only
from dailybrief.write.headings import EVENT_MAX, HEADING_MAX, cut_object, event_phrases, implications
from dailybrief.write.style import lint
from dailybrief.write.summary import closing_judgement, main_thread

DAILYBRIEF = Path(sys.executable).parent / "dailybrief"
ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
FIXED_PHRASES = ("顶层设计加码", "地方落地提速", "工作持续推进", "态势值得关注")


def sentences(brief: Brief) -> Iterator[tuple[Section, Sentence]]:
    """Yield every section sentence with its section."""
    for section in brief.sections:
        for paragraph in section.paragraphs:
            for sentence in paragraph:
                yield section, sentence


@pytest.fixture(scope="module")
def standard() -> Brief:
    """The storyfixtures standard day, written by the extractive writer."""
    config = make_config()
    result = build_stories(list(day_articles().values()), config, ISSUE)
    brief, _verdicts = compose_brief(result.stories, config, ISSUE)
    return brief


# ------------------------------------------------------------------ 1. sections

def test_sections_stay_within_the_budget_and_never_say_the_lead_again(standard):
    assert len(standard.sections) == 5
    for section in standard.sections:
        facts = [s for p in section.paragraphs for s in p if s.kind == "fact"]
        assert sum(len(s.text) for s in facts) <= 600, section.heading
        lead, rest = facts[0].text, [s.text for s in facts[1:]]
        assert not [t for t in rest if restates(t, lead) or restates(lead, t)], section.heading
        assert len(set(rest)) == len(rest)


def test_a_smaller_budget_gives_shorter_sections():
    config = make_config(section_chars=250)
    result = build_stories(list(day_articles().values()), config, ISSUE)
    brief, _ = compose_brief(result.stories, config, ISSUE)
    for section in brief.sections:
        facts = [s for p in section.paragraphs for s in p if s.kind == "fact"]
        assert sum(len(s.text) for s in facts) <= 250 or len(facts) == 1, section.heading


def test_two_provinces_with_the_same_wording_and_different_figures_both_keep_their_facts(standard):
    texts = {s.text for _sec, s in sentences(standard)}
    # Sichuan's and Zhejiang's notices share their wording; each section keeps its own figures.
    assert any("1200万元" in t for t in texts) and any("2000万元" in t for t in texts)


def test_no_sentence_is_a_bare_document_title_or_the_cover_letter(standard):
    names = tuple({r.publisher for r in standard.references})
    for section, sentence in sentences(standard):
        first = sentence is section.paragraphs[0][0]
        assert first or not title_only(sentence.text, names), sentence.text
        assert "现印发给你们" not in sentence.text and "请认真贯彻" not in sentence.text


def test_a_news_headline_is_never_put_in_book_brackets():
    headline = "浙江出台智能制造设备更新细则 每年安排2亿元支持企业"
    news = art("https://www.zj.gov.cn/art/2026/6/15/art_1.html", headline, day(15), "浙江省人民政府",
               ("6月15日，浙江省经济和信息化厅发布智能制造设备更新细则，每年安排2亿元支持企业设备更新。",))
    lead, _ = lead_sentence(news, "provincial", None)
    assert lead == "6月15日，浙江出台智能制造设备更新细则，每年安排2亿元支持企业。"
    assert "《" not in lead


def test_a_document_keeps_its_brackets_and_joined_actors_keep_the_sources_mark():
    title = "工业和信息化部 国家标准化管理委员会关于印发《工业互联网标准体系建设指南（2026版）》的通知"
    notice = art("https://www.miit.gov.cn/zwgk/2026/art_9.html", title, day(14), "工业和信息化部",
                 ("为加快工业互联网标准体系建设，工业和信息化部、国家标准化管理委员会组织编制了《工业互联网标准体系建设"
                  "指南（2026版）》。", "指南提出，到2028年制修订工业互联网标准100项以上。", "2026年6月14日"))
    lead, _ = lead_sentence(notice, "national", None)
    assert lead == "6月14日，工业和信息化部、国家标准化管理委员会印发《工业互联网标准体系建设指南（2026版）》。"
    assert "，国家标准化" not in lead


# ------------------------------------------------------------------ 1. headings

def test_headings_are_event_and_an_implication_from_the_story(standard):
    points = []
    for section in standard.sections:
        assert len(section.heading) <= HEADING_MAX, section.heading
        event, _, point = section.heading.partition("，")
        assert 8 <= len(event) <= EVENT_MAX, section.heading
        assert not any(p in section.heading for p in FIXED_PHRASES)
        text = "".join(s.text for p in section.paragraphs for s in p)
        if point:
            figures = re.findall(r"\d+(?:\.\d+)?", point)
            assert all(f in text for f in figures), section.heading  # the story's own figure
            points.append(point)
    assert len(points) >= 3 and len(set(points)) == len(points)


def test_an_implication_states_a_figure_with_its_subject_and_keeps_a_plans_target_year():
    plan = art("https://www.gov.cn/zhengce/2026/content_1.htm", "国务院办公厅印发《算力基础设施提升行动方案》",
               day(15), "中国政府网", ("方案提出，到2028年，全国算力总规模突破300EFLOPS，智能算力占比达到35%。",))
    facts = candidates(plan)
    options = implications(facts, [], "某市举行算力大会", set(), 20)
    assert options[0].startswith("到2028年"), options  # a plan's figure is its target, never a result
    issued = implications(facts, [], "国务院办公厅印发算力方案", set(), 12)
    assert any(o.endswith("35%") for o in issued) and all(len(o) <= 12 for o in issued)


def test_an_implication_leaves_out_the_words_the_event_already_says():
    report = art("https://www.example.cn/b.html", "某大赛江南分赛正式启动", day(15), "某某商报",
                 ("据介绍，江南分赛设置17个赛道，覆盖工业制造、现代农业等行业。",))
    options = implications(candidates(report), [], "某大赛江南分赛正式启动", set(), 14)
    assert "设置17个赛道" in options  # 江南分赛 (two words) is the event's: not said twice, not dropped
    assert not any("江南分赛" in o for o in options)


def test_an_implication_is_a_whole_clause_never_repeating_another_heading_or_the_event():
    speech = art("https://www.example.cn/a.html", "某某会议召开", day(15), "新华网",
                 ("业内人士认为，这意味着算力与电力协同规划正在成为数据中心选址的重要考量。",))
    analysis = candidates(speech)
    point = "算力与电力协同规划正在成为数据中心选址的重要考量"
    assert implications([], analysis, "某某会议召开", set(), 40) == [point]
    assert implications([], analysis, "某某会议召开", set(), 20) == []  # too long: left out, never cut
    assert implications([], analysis, "某某会议召开", {"推进算力与电力协同"}, 40) == []
    assert implications([], analysis, "算力与电力协同规划推进会召开", set(), 40) == []


def test_a_heading_source_with_eighty_characters_of_actors_still_gives_a_short_event():
    actors = ["国家发展和改革委员会", "工业和信息化部", "财政部", "自然资源部", "生态环境部", "住房和城乡建设部",
              "交通运输部", "农业农村部", "商务部", "中国人民银行", "国家金融监督管理总局", "国家市场监督管理总局"]
    title = " ".join(actors) + "关于印发《关于加快推进设备更新和技术改造的指导意见》的通知"
    assert len(" ".join(actors)) >= 80
    notice = art("https://www.ndrc.gov.cn/xxgk/2026/t1.html", title, day(15), "国家发展改革委",
                 ("为加快推进设备更新，国家发展改革委等部门制定了指导意见。",
                  "意见提出，到2027年设备投资规模较2023年增长25%以上。"))
    events = event_phrases(notice, [])
    assert all(len(e) <= EVENT_MAX for e in events)
    assert events[0] == "发改委等印发加快推进设备更新和技术改造", events  # the first issuer, short; the document bare


def test_an_event_too_long_keeps_its_head_noun():
    long_event = "农业农村部等两部门公布首批国家现代种业提升示范县名单"
    assert cut_object(long_event, 20) == "农业农村部等两部门公布首批提升示范县名单"
    assert cut_object("财政部等两部门提前下达2027年农田建设补助资金预算", 20).endswith("资金预算")
    assert "2027年" in cut_object("财政部等两部门提前下达2027年农田建设补助资金预算", 20)  # a figure stays whole


# ------------------------------------------------------------------ 2. the summary

def test_the_main_thread_follows_the_sections_without_repeats(standard):
    labels = list(standard.thread)
    assert 3 <= len(labels) <= 5
    assert all(a not in b and b not in a for i, a in enumerate(labels) for b in labels[i + 1:])
    at = 1
    for label in labels:  # each link is a concept of a section at or after the previous link's
        found = [s.number for s in standard.sections if s.number >= at
                 and label in s.heading + "".join(x.text for p in s.paragraphs for x in p)]
        assert found, label
        at = found[0]


@pytest.mark.parametrize(("labels", "extra", "expected"), [
    (["无人机", "低空经济", "无人机", "无人机的协同推进"], ["空域"], ("无人机", "低空经济", "空域")),
    (["数据要素", "人工智能", "产业场景", "基础设施", "算力", "能耗"], [],
     ("数据要素", "人工智能", "产业场景", "基础设施", "算力")),
    (["算力"], [], ("算力",)),
])
def test_main_thread_links(labels, extra, expected):
    assert main_thread(labels, extra) == expected


def test_one_clause_per_section_and_a_closing_judgement_that_cites(standard):
    thread, *clauses = standard.summary
    assert thread.text.startswith("今日数字经济动态的主线，是") and not thread.cites
    judgement = [s for s in clauses if s.text.startswith("总体看")]
    facts = [s for s in clauses if s not in judgement]
    assert len(facts) == len(standard.sections)
    cited_by_section = [{c for p in sec.paragraphs for s in p for c in s.cites} for sec in standard.sections]
    assert all(set(f.cites) <= cited for f, cited in zip(facts, cited_by_section, strict=True))
    assert len(judgement) == 1 and judgement[0].cites  # the standard day has analytic sentences
    interpretations = {s.text.rstrip("。") for _sec, s in sentences(standard) if s.kind == "analysis"}
    assert any(judgement[0].text.removeprefix("总体看，").rstrip("。") in t for t in interpretations)


@pytest.mark.parametrize(("interpretation", "expected"), [
    # a bare connective does not follow 总体看 (总体看，这表明，… says "overall" twice)
    ("这表明，数据中心正在从用电大户转向绿色算力。", "总体看，数据中心正在从用电大户转向绿色算力。"),
    ("这意味着，算力布局将向可再生能源富集地区集中。", "总体看，算力布局将向可再生能源富集地区集中。"),
    # who judges stays: the judgement is theirs
    ("业内人士认为，赛道牵引有助于数据要素走向资产。", "总体看，业内人士认为，赛道牵引有助于数据要素走向资产。"),
])
def test_the_closing_judgement_drops_a_bare_connective_and_keeps_who_judges(interpretation, expected):
    section = Section(1, "事件，含义", "s1", ((Sentence("6月8日，某部门印发《某方案》。", ("R1",), "fact"),
                                              Sentence(interpretation, ("R1",), "analysis")),))
    judgement = closing_judgement([section])
    assert judgement is not None and judgement.text == expected and judgement.cites == ("R1",)


def test_interpretations_are_the_storys_own_cited_sentences_or_none(standard):
    for _section, sentence in sentences(standard):
        if sentence.kind == "analysis":
            assert sentence.cites and sentence.status != "composed", sentence.text


# ------------------------------------------------------------------ bad input

def one_sentence_story() -> Article:
    """A page whose whole text is one sentence."""
    return art("https://www.example.gov.cn/one.html", "某市发布数字经济发展报告", day(16), "某市人民政府",
               ("6月16日，某市发布数字经济发展报告，全市数字经济核心产业增加值增长12%。",))


def list_page_story() -> Article:
    """A bare list of document links (what a column index page yields)."""
    rows = [f"关于印发《数字经济重点任务清单（第{i}批）》的通知 2026-06-{10 + i:02d}" for i in range(1, 6)]
    return art("https://www.example.gov.cn/list.html", "政策文件", day(16), "某省人民政府", rows)


@pytest.mark.parametrize("article", [one_sentence_story(), list_page_story()], ids=["one-sentence", "list-page"])
def test_a_thin_story_gives_a_short_clean_section_or_none(article):
    config = make_config()
    brief, _verdicts = compose_brief(build_stories([article], config, ISSUE).stories, config, ISSUE)
    assert brief.verification.unsupported == 0
    assert lint(brief) == []
    for section in brief.sections:
        assert len(section.heading) <= HEADING_MAX
        assert all(not DOC_TITLE.fullmatch(s.text.rstrip("。")) for p in section.paragraphs for s in p)


# ------------------------------------------------------------------ 4. lint: every defect found

def _brief(sections: tuple[Section, ...], thread: tuple[str, ...] = ("数据要素", "人工智能", "算力"),
           summary: tuple[Sentence, ...] = ()) -> Brief:
    """A brief with the given sections and one reference R1."""
    ref = Reference("R1", "国家数据局", "国家数据局印发方案", dt.date(2026, 6, 8), "https://www.nda.gov.cn/a.html",
                    "用于核验")
    return Brief("数字经济每日动态", ISSUE, ("研究室",), thread, summary, sections, (ref,))


def _section(number: int, heading: str, *texts: str, kind: str = "fact") -> Section:
    """A one-paragraph section citing R1."""
    return Section(number, heading, f"s{number}", (tuple(Sentence(t, ("R1",), kind) for t in texts),))  # type: ignore[arg-type]


CLEAN = (_section(1, "国家数据局印发高质量数据集方案，部署六个专项行动",
                  "6月8日，国家数据局印发《关于推进行业高质量数据集建设行动的实施方案》。",
                  "方案部署强基扩容、标注攻坚等六个专项行动。"),
         _section(2, "江苏印发人工智能制造方案，渗透率达到70%以上",
                  "到2027年，全省制造业人工智能应用渗透率达到70%以上。"))

DEFECTS = [
    ("near-duplicate sentence", dataclasses.replace(CLEAN[0], paragraphs=(CLEAN[0].paragraphs[0] + (
        Sentence("方案部署了强基扩容、标注攻坚等六个专项行动。", ("R1",)),),))),
    ("title-only sentence", dataclasses.replace(CLEAN[0], paragraphs=(CLEAN[0].paragraphs[0] + (
        Sentence("国家数据局对外发布《数据要素白皮书》。", ("R1",)),),))),
    ("《》 around a non-document", _section(1, "国家数据局发布方案，部署六个专项行动",
                                           "6月8日，国家数据局发布《浙江出台细则 每年安排2亿元支持企业》。")),
    ("also in section", _section(3, "浙江印发智能制造细则，部署六个专项行动", "浙江印发细则。")),
    ("heading over 32 characters", _section(3, "国家数据局印发关于推进行业高质量数据集建设行动的实施方案，"
                                               "部署六个专项行动",
                                            "国家数据局印发方案。")),
    ("over budget", _section(3, "某市发布报告，核心产业增加值增长12%",
                             *[f"第{i}项任务是推进数字化转型，预计投资{i}00亿元，覆盖企业{i}千家，建设平台{i}个。"
                               for i in range(1, 25)])),
    ("uncited interpretation", dataclasses.replace(CLEAN[1], paragraphs=(CLEAN[1].paragraphs[0] + (
        Sentence("这意味着制造业智能化转型将全面提速。", (), "analysis"),),))),
]


def test_a_clean_brief_has_no_defects():
    assert lint(_brief(CLEAN)) == []


@pytest.mark.parametrize(("kind", "bad"), DEFECTS, ids=[k for k, _ in DEFECTS])
def test_each_defect_is_found_with_its_place(kind, bad):
    sections = tuple(bad if s.number == bad.number else s for s in CLEAN)
    sections += () if bad.number in {s.number for s in CLEAN} else (bad,)
    found = lint(_brief(sections))
    assert [d for d in found if kind in d.kind], found
    assert all(d.where.startswith(("section", "main thread", "summary")) for d in found)
    assert any(f"section {bad.number}" in d.where for d in found if kind in d.kind)


def test_a_repeated_link_in_the_main_thread():
    found = lint(_brief(CLEAN, thread=("数据要素", "无人机", "无人机的协同推进")))
    assert [d.kind for d in found] == ["repeated link"] and found[0].where == "main thread"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the dailybrief CLI."""
    return subprocess.run([str(DAILYBRIEF), *args], capture_output=True, text=True, timeout=120, check=False)


def test_cli_lint_prints_each_defect_and_exits_1(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(brief_to_json(_brief(tuple(s for _k, s in DEFECTS[:1]) + CLEAN[1:])),
                              ensure_ascii=False), encoding="utf-8")
    proc = _cli("lint", str(bad))
    assert proc.returncode == 1
    assert "section 1 paragraph 1 sentence 3: near-duplicate sentence: 方案部署了强基扩容" in proc.stdout
    good = tmp_path / "good.json"
    good.write_text(json.dumps(brief_to_json(_brief(CLEAN)), ensure_ascii=False), encoding="utf-8")
    proc = _cli("lint", str(good))
    assert proc.returncode == 0 and proc.stdout.strip().startswith("0 style defects")


@pytest.mark.parametrize("content", ["not json {", '{"title": 3}', None], ids=["broken", "wrong-shape", "missing"])
def test_cli_lint_on_a_bad_file_says_what_and_where(tmp_path, content):
    path = tmp_path / "brief.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    proc = _cli("lint", str(path))
    assert proc.returncode != 0 and str(path) in proc.stderr
    assert "Traceback" not in proc.stderr


# ------------------------------------------------------------------ real briefs are lint-clean

def _run_and_lint(corpus: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Serve a corpus day with briefeval, run the brief and lint it."""
    out = tmp_path / "out"
    command = (f"{DAILYBRIEF} -q run --config {{config}} --date {{date}} --out {{out}}"
               f" && cp {{out}}/brief.json {out}.json")
    proc = subprocess.run([sys.executable, str(SHARED / "tools" / "briefeval.py"), str(corpus), "--", "sh", "-c",
                           command], capture_output=True, text=True, timeout=900, check=False)
    assert Path(f"{out}.json").exists(), proc.stderr[-2000:]
    return _cli("lint", f"{out}.json")


def test_the_demo_brief_is_lint_clean(tmp_path):
    out = tmp_path / "demo"
    proc = _cli("demo", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "style: 0 defects" in proc.stdout  # `run` prints the count
    linted = _cli("lint", str(next(out.rglob("brief.json"))))
    assert linted.returncode == 0, linted.stdout


OWN_DAYS = sorted((ROOT / "tests" / "corpora").glob("*/gold.json"))
SHARED_DAYS = sorted((SHARED / "corpora").glob("*/gold.json")) if (SHARED / "tools" / "briefeval.py").exists() else []


@pytest.mark.parametrize("gold", OWN_DAYS + SHARED_DAYS, ids=[g.parent.name for g in OWN_DAYS + SHARED_DAYS])
def test_evaluation_day_briefs_are_lint_clean(gold, tmp_path):
    if not (SHARED / "tools" / "briefeval.py").exists():
        pytest.skip("briefeval (../shared/tools) is not here")
    linted = _run_and_lint(gold.parent, tmp_path)
    assert linted.returncode == 0, linted.stdout
