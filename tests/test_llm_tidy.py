"""What a small model gets nearly right, put right before validation (no server needed: pure functions).

Each case is a habit of Qwen2.5-Coder-1.5B-Instruct and models like it: Markdown fences,
comments, single quotes, an interpretation as a string, ids written every which way or
invented, a sentence in English among Chinese ones, a heading too long by a few words, an
answer cut off mid-JSON, thread labels too long or repeated.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from dailybrief.write.llm.parse import (
    VERIFIES_MAX,
    Invalid,
    ReferencesOut,
    SectionOut,
    SummaryOut,
    extract_json,
    salvage,
    validate,
)
from dailybrief.write.llm.tidy import HEADING_MAX, best_match, read_ids, shorten_heading

TEXTS = {"E2": "方案提出，到2028年底建成一批覆盖重点领域的行业高质量数据集。",
         "E3": "方案部署强基扩容、标注攻坚等六个专项行动。"}


def context(**extra: Any) -> dict[str, Any]:
    """Return a validation context for evidence E1–E3 that records what was tidied."""
    return {"ids": {"E1", "E2", "E3"}, "texts": TEXTS, "chinese": True, "require_evidence": True, "tidied": [],
            **extra}


def section(**parts: Any) -> dict[str, Any]:
    """Return a section answer with the given parts replaced."""
    base: dict[str, Any] = {
        "heading": "国家数据局部署数据集建设，数据成为关键资源",
        "facts": [{"text": "6月8日，国家数据局印发实施方案。", "evidence": ["E1"]},
                  {"text": TEXTS["E2"], "evidence": ["E2"]}],
        "interpretation": [{"text": "这意味着，行业数据正成为人工智能落地的关键资源。", "evidence": ["E2"]}]}
    return {**base, **parts}


def check(data: dict[str, Any] | str, **extra: Any) -> tuple[SectionOut, list[str]]:
    """Validate an answer; return it and the list of what was put right."""
    ctx = context(**extra)
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    return validate(text, SectionOut, ctx), ctx["tidied"]


def test_an_interpretation_given_as_a_string_is_a_sentence_citing_the_facts_evidence():
    out, tidied = check(section(interpretation="这意味着，行业数据正成为人工智能落地的关键资源。"))
    assert out.interpretation[0].text.startswith("这意味着") and out.interpretation[0].evidence == ["E1", "E2"]
    assert "the interpretation given as one string, not a list" in tidied


def test_facts_as_bare_strings_get_the_evidence_their_wording_comes_from():
    out, tidied = check(section(facts=[TEXTS["E2"], TEXTS["E3"]]))
    assert [f.evidence for f in out.facts] == [["E2"], ["E3"]]
    assert tidied.count("a fact without evidence ids matched to its evidence") == 2


@pytest.mark.parametrize(("written", "ids"), [
    ("E2", ["E2"]), (["e2", 3], ["E2", "E3"]), ("E2、E3", ["E2", "E3"]), ("E1-E3", ["E1", "E2", "E3"]),
    (["[E3]"], ["E3"]), ("3", ["E3"]), ([True, None, "E2"], ["E2"]),
])
def test_evidence_ids_are_read_however_they_are_written(written, ids):
    assert read_ids(written) == ids


def test_ids_written_inside_the_text_are_taken_out_and_used():
    out, _tidied = check(section(facts=[{"text": "6月8日，国家数据局印发实施方案（E1）。", "evidence": []},
                                        {"text": TEXTS["E2"], "evidence": ["E2"]}]))
    assert out.facts[0].text == "6月8日，国家数据局印发实施方案。" and out.facts[0].evidence == ["E1"]


def test_invented_ids_are_dropped_and_the_sentence_keeps_the_real_ones():
    out, tidied = check(section(facts=[{"text": TEXTS["E2"], "evidence": ["E2", "E17", "E0"]},
                                       {"text": TEXTS["E3"], "evidence": ["E3"]}]))
    assert out.facts[0].evidence == ["E2"]
    assert "invented evidence id dropped (E17, E0)" in tidied


def test_a_sentence_of_the_models_own_with_invented_ids_is_dropped_the_rest_kept():
    out, tidied = check(section(facts=[{"text": "这项工作得到了各方的广泛好评和高度评价。", "evidence": ["E44"]},
                                       {"text": TEXTS["E3"], "evidence": ["E3"]}]))
    assert [f.text for f in out.facts] == [TEXTS["E3"]]
    assert "a fact without evidence ids dropped" in tidied


def test_an_english_sentence_among_chinese_ones_is_dropped():
    out, tidied = check(section(facts=[{"text": "The plan builds datasets by 2028.", "evidence": ["E2"]},
                                       {"text": TEXTS["E3"], "evidence": ["E3"]}]))
    assert [f.text for f in out.facts] == [TEXTS["E3"]] and "a fact not in Chinese dropped" in tidied


def test_an_answer_all_in_english_is_invalid_saying_so():
    english = section(facts=[{"text": "The plan builds datasets by 2028.", "evidence": ["E2"]}])
    with pytest.raises(Invalid, match="must be written in Chinese"):
        check(english)


@pytest.mark.parametrize("heading", [
    "国家数据局印发关于推进行业高质量数据集建设行动的实施方案，推动人工智能赋能千行百业实现产业落地",  # 48 characters
    "广东省“数据要素×”大赛分赛在深圳南山区正式启动（2026年），地方场景成为数据价值释放的重要抓手",
])
def test_a_heading_too_long_is_shortened_at_word_boundaries_not_thrown_away(heading):
    out, tidied = check(section(heading=heading))
    event, _sep, implication = out.heading.partition("，")
    assert len(out.heading) <= HEADING_MAX and event and implication
    assert heading.startswith(event[:4]) and "（" not in out.heading and not out.heading.endswith(("的", "和"))
    assert "heading shortened" in tidied


@pytest.mark.parametrize(("heading", "expected"), [
    ("国家数据局部署数据集建设：数据成为关键资源", "国家数据局部署数据集建设，数据成为关键资源"),
    ("国家数据局部署数据集建设——数据成为关键资源", "国家数据局部署数据集建设，数据成为关键资源"),
    ("国家数据局部署数据集建设，数据成为关键资源。", "国家数据局部署数据集建设，数据成为关键资源"),
])
def test_a_heading_with_another_separator_is_event_comma_implication(heading, expected):
    assert shorten_heading(heading) == expected


def test_a_heading_without_an_implication_takes_the_extractive_one_for_the_same_story():
    extractive = "国家数据局印发实施方案，行业数据集建设有了路线图"
    out, tidied = check(section(heading="国家数据局部署行业高质量数据集建设行动"), extractive_heading=extractive)
    assert out.heading == "国家数据局部署行业高质量数据集建设，行业数据集建设有了路线图"
    assert "a heading without an implication: the extractive implication added" in tidied
    with pytest.raises(Invalid, match="Chinese comma"):  # nothing to complete it with: sent back
        check(section(heading="国家数据局部署行业高质量数据集建设行动"))


def test_more_than_one_interpretation_sentence_keeps_the_first():
    two = [{"text": "这意味着，数据成为关键资源。", "evidence": ["E2"]},
           {"text": "这表明，落地在加快。", "evidence": ["E3"]}]
    out, tidied = check(section(interpretation=two))
    assert [s.text for s in out.interpretation] == ["这意味着，数据成为关键资源。"]
    assert "a second interpretation sentence left out" in tidied


def test_comments_single_quotes_and_fences_are_read():
    python_style = ("```json\n{'heading': '国家数据局部署数据集建设，数据成为关键资源', // 标题\n"
                    "'facts': [{'text': '6月8日，国家数据局印发实施方案。', 'evidence': ['E1']}], /* 解读 */ "
                    "'interpretation': []}\n```")
    out, _tidied = check(python_style)
    assert out.facts[0].evidence == ["E1"] and out.interpretation == []


def test_an_answer_cut_off_mid_json_is_read_up_to_its_last_complete_element():
    whole = json.dumps(section(), ensure_ascii=False)
    cut = whole[: whole.index(TEXTS["E2"]) + 6]
    with pytest.raises(Invalid, match="broken"):
        validate(cut, SectionOut, context())
    out = validate(cut, SectionOut, context(), salvage_cut=True)
    assert [f.text for f in out.facts] == ["6月8日，国家数据局印发实施方案。"]
    assert salvage('{"heading": "只有标题') is None  # nothing complete before the cut
    assert salvage(whole) is None  # nothing was cut off


def test_best_match_needs_half_the_wording():
    assert best_match("方案部署强基扩容、标注攻坚等六个专项行动", TEXTS) == "E3"
    assert best_match("各地积极响应并取得明显成效", TEXTS) is None


def summary_of(thread: list[str]) -> tuple[SummaryOut, list[str]]:
    """Validate a summary answer with these thread labels; return it and the list of what was put right."""
    ctx: dict[str, Any] = {"ids": {"E1"}, "chinese": True, "require_evidence": False, "tidied": [], "links": (2, 5)}
    answer = {"thread": thread,
              "sentences": [{"text": "今日动态的主线，是数据要素进一步贯通。", "evidence": []},
                            {"text": "国家数据局印发实施方案。", "evidence": ["E1"]}]}
    return validate(json.dumps(answer, ensure_ascii=False), SummaryOut, ctx), ctx["tidied"]


def test_thread_labels_too_long_are_shortened_and_repeats_dropped():
    out, tidied = summary_of(["高质量数据集建设行动实施方案", "数据要素", "数据要素", "算电协同"])
    assert len(out.thread) == 3 and all(2 <= len(x) <= 8 for x in out.thread)
    assert out.thread[1:] == ["数据要素", "算电协同"]
    assert "thread label shortened" in tidied and "repeated thread label dropped" in tidied


def test_a_thread_label_not_in_chinese_is_dropped_not_sent_back():
    out, tidied = summary_of(["2026年", "数据要素", "AI", "算电协同"])
    assert out.thread == ["数据要素", "算电协同"]
    assert tidied.count("a thread label not in Chinese dropped") == 2
    # Cut to 8 characters it is a year: dropped; one label left is no error (the writer uses the sections' own).
    assert summary_of(["2026年‘数据要素×’大赛广东分赛", "数据要素"])[0].thread == ["数据要素"]


@pytest.mark.parametrize(("phrase", "expected"), [
    ("用于核验国家数据局印发实施方案的时间、文件名称和到2028年底建成一批覆盖重点领域的行业高质量数据集的目标，"
     "以及方案部署强基扩容、标注攻坚等六个专项行动的具体内容和各地数据管理部门的工作要求。",
     "用于核验国家数据局印发实施方案的时间、文件名称和到2028年底建成一批覆盖重点领域的行业高质量数据集的目标"),
    ("用于核验国家数据局印发实施方案的时间文件名称目标任务专项行动以及各地数据管理部门的工作要求和保障措施"
     "还有数据标注产业和行业高质量数据集建设的各项安排和具体进度要求。", None),
])
def test_a_verifies_phrase_too_long_is_cut_at_a_clause_break(phrase, expected):
    ctx = {"refs": {"R1"}, "chinese": True, "require_evidence": False, "tidied": []}
    answer = {"references": [{"id": "R1", "verifies": phrase}]}
    out = validate(json.dumps(answer, ensure_ascii=False), ReferencesOut, ctx).references[0].verifies
    assert len(phrase) > VERIFIES_MAX >= len(out) and phrase.startswith(out) and "a phrase shortened" in ctx["tidied"]
    if expected:
        assert out == expected


def test_extract_json_still_finds_an_object_after_chatter():
    assert extract_json('好的：\n{"a": [1, 2,], "b": {"c": true}}\n以上。') == {"a": [1, 2], "b": {"c": True}}


def test_a_line_break_written_raw_inside_a_string_is_white_space():
    raw = '{"references": [{"id": "R1", "verifies": "用于核验国家数据局\n印发实施方案的时间"}]}'
    with pytest.raises(json.JSONDecodeError):
        json.loads(raw)  # what a strict decoder refuses (a small model's habit without JSON mode)
    ctx = {"refs": {"R1"}, "chinese": True, "require_evidence": False, "tidied": []}
    assert validate(raw, ReferencesOut, ctx).references[0].verifies == "用于核验国家数据局 印发实施方案的时间"


def test_a_sentence_copying_the_examples_blank_is_dropped_and_a_copied_heading_is_sent_back():
    blanks = frozenset({"（导语：谁在何时发布或开展了什么）", "（事件）", "（含义）"})
    out, tidied = check(section(facts=[{"text": "（导语：谁在何时发布或开展了什么）", "evidence": ["E1"]},
                                       {"text": TEXTS["E3"], "evidence": ["E3"]}]), blanks=blanks)
    assert [f.text for f in out.facts] == [TEXTS["E3"]] and "a fact copying the example dropped" in tidied
    with pytest.raises(Invalid, match="heading copies the example"):
        check(section(heading="（事件），（含义）"), blanks=blanks)


def test_a_shortened_heading_never_holds_a_title_cut_short():
    heading = "国家数据局与新华网联合发布《关于推进行业高质量数据集建设行动的实施方案》，推动行业高质量数据集建设"
    short = shorten_heading(heading)
    assert short.startswith("国家数据局与新华网联合发布实施方案，") and "《" not in short and len(short) <= HEADING_MAX
