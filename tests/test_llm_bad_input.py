"""The LLM writer on stories that are hard to write: one sentence of text, a bare list page, 80 characters of actors.

Each story is added to the standard day (tests/storyfixtures.py) and written with the scripted
model on the fake server (a real HTTP server on loopback); every brief is re-checked against
its sources independently.
"""

from __future__ import annotations

import json
from typing import Any

from fake_llm_server import Call, FakeLLMServer, ScriptedModel
from llmfixtures import articles
from storyfixtures import ISSUE, art, config_data, day

from dailybrief.config import Config, parse_config
from dailybrief.models import Article, Brief
from dailybrief.stories.build import build_stories
from dailybrief.verify.evidence import article_evidence
from dailybrief.verify.verifier import missing_claims
from dailybrief.write.llm.client import ChatClient
from dailybrief.write.llm.report import LLMReport
from dailybrief.write.llm.tidy import HEADING_MAX
from dailybrief.write.llm.writer import write_brief

ONE_SENTENCE = art("https://www.miit.gov.cn/zwgk/one.html", "工业和信息化部公布人工智能赋能制造业典型案例名单",
                   day(15), "工业和信息化部",
                   ["6月15日，工业和信息化部公布2026年人工智能赋能制造业典型案例名单，共遴选出120个大模型应用案例。"],
                   source="工业和信息化部")
LIST_PAGE = art("https://www.zj.gov.cn/zcwj/list.html", "数字经济政策文件", day(16), "浙江省人民政府",
                ["关于推进数据要素市场化配置改革的实施意见", "浙江省算力基础设施高质量发展行动计划（2026—2028年）",
                 "关于加快人工智能与制造业深度融合的若干措施", "浙江省数据中心绿色低碳发展指引", "更多"],
                source="浙江省人民政府")
ACTORS = ("工业和信息化部、国家发展改革委、教育部、科技部、财政部、人力资源社会保障部、自然资源部、生态环境部、"
          "商务部、中国人民银行、国务院国资委、市场监管总局、国家数据局")
MANY_ACTORS = art("https://www.miit.gov.cn/zwgk/many.html", f"{ACTORS}关于印发《制造业数字化转型行动方案》的通知",
                  day(16), "工业和信息化部",
                  [f"{ACTORS}联合印发《制造业数字化转型行动方案》，部署大模型、工业互联网和智能制造三类重点任务。",
                   "方案提出，到2027年规模以上制造业企业数字化改造覆盖率达到80%，建设200个智能工厂。",
                   "各地要结合实际，把数字化转型纳入数字经济发展重点任务。"],
                  source="工业和信息化部")


def write_day(extra: list[Article], model: ScriptedModel) -> tuple[Brief, LLMReport, Config, list[Call]]:
    """Write the standard day plus extra articles with the scripted model; return brief, report, config, calls."""
    with FakeLLMServer(model) as server:
        data = config_data(max_sections=12)  # room for every story of the day, the extra one too
        data["llm"] = {"base_url": server.url, "model": "fake-chat", "concurrency": 1}
        config = parse_config(data)
        assert config.llm is not None
        stories = build_stories([*articles(), *extra], config, ISSUE).stories
        brief, _verdicts, report = write_brief(stories, config, ISSUE, None,
                                               client=ChatClient(config.llm, None, backoff=0.01))
        return brief, report, config, list(server.calls)


def unsupported(brief: Brief, sources: list[Article]) -> list[str]:
    """Re-check every sentence and heading against the articles its references point to."""
    by_url = {a.url: a for a in sources}
    evidence = {r.id: article_evidence(by_url[r.url]) for r in brief.references if r.url in by_url}
    bad = []
    for section in brief.sections:
        cited = {c for p in section.paragraphs for s in p for c in s.cites}
        bad += missing_claims(section.heading, [evidence[c] for c in cited if c in evidence])
        for paragraph in section.paragraphs:
            for s in paragraph:
                bad += missing_claims(s.text, [evidence[c] for c in s.cites if c in evidence])
    return bad


def section_of(brief: Brief, article: Article) -> list[str]:
    """Return the texts of the section whose sentences cite an article, [] when none does."""
    ref = next((r.id for r in brief.references if r.url == article.url), None)
    for section in brief.sections:
        texts = [s.text for p in section.paragraphs for s in p]
        if ref and any(ref in s.cites for p in section.paragraphs for s in p):
            return texts
    return []


def test_a_story_with_one_sentence_of_text_is_not_given_to_the_model_to_pad():
    brief, report, _config, calls = write_day([ONE_SENTENCE], ScriptedModel())
    texts = section_of(brief, ONE_SENTENCE)
    assert texts and any("120个大模型应用案例" in t for t in texts)  # written, from its one sentence
    assert not any(c.task == "section" and "典型案例名单" in c.prompt for c in calls)
    assert any("too little to write from (1 source sentence)" in n for n in report.notes)
    assert report.sections_generated == len(brief.sections) - 1
    assert unsupported(brief, [*articles(), ONE_SENTENCE]) == []


def test_a_story_whose_only_article_is_a_bare_list_page_is_not_given_to_the_model():
    brief, report, _config, calls = write_day([LIST_PAGE], ScriptedModel())
    assert not any(c.task == "section" and "数字经济政策文件" in c.prompt for c in calls)
    texts = section_of(brief, LIST_PAGE)
    # whatever the extractive writer makes of the page states only what the page says
    assert all(t.rstrip("。") in LIST_PAGE.title + LIST_PAGE.text for t in texts)
    assert unsupported(brief, [*articles(), LIST_PAGE]) == []
    assert report.sections_generated + report.sections_extractive == len(brief.sections)


def test_a_heading_source_with_80_characters_of_actors_gives_a_short_heading():
    def long_heading(data: dict[str, Any], call: Call) -> dict[str, Any]:
        """Head the section with the whole list of actors, as the source does."""
        if "制造业数字化转型行动方案" in call.prompt:
            data["heading"] = f"{ACTORS}联合印发制造业数字化转型行动方案，数字化转型全面提速"
        return data

    model = ScriptedModel().edit("section", long_heading, times=5)
    brief, report, _config, _calls = write_day([MANY_ACTORS], model)
    section = next(s for s in brief.sections if any("制造业数字化转型行动方案" in t for p in s.paragraphs
                                                    for t in (x.text for x in p)))
    assert len(section.heading) <= HEADING_MAX and "，" in section.heading
    assert report.tidied.get("heading shortened", 0) >= 1
    assert unsupported(brief, [*articles(), MANY_ACTORS]) == []
    assert json.dumps(report.record(), ensure_ascii=False)  # the record stays serialisable
