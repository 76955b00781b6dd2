"""The LLM writer against a real chat-completions server on loopback: every path of parse, repair, verify, fall back.

The day is tests/storyfixtures.py's (five selected stories in Chinese). The scripted model
answers well unless a test makes it misbehave; with concurrency 1 the first section request
is section 1's. Each test asserts what reached the server and what reached the brief, and
every brief is re-checked independently: no unsupported number, date or title, ever.
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import pytest
from fake_llm_server import Call, FakeLLMServer, FirstSection, Reply, ScriptedModel
from llmfixtures import (
    by_model,
    closed_port,
    llm_config,
    prompt_ids,
    section_status,
    sentences,
    stories,
    unsupported,
    write,
)
from storyfixtures import ISSUE

from dailybrief.render.briefjson import brief_to_json
from dailybrief.store.archive import Archive
from dailybrief.write.compose import compose_brief
from dailybrief.write.extractive import restates
from dailybrief.write.llm.client import ChatClient
from dailybrief.write.llm.writer import write_brief
from dailybrief.write.llm.written import _facts, without_clauses
from dailybrief.write.style import DUPLICATE, lint

STATUSES = {"generated", "repaired", "extractive"}


def own_answer(model: ScriptedModel, call: Call) -> str:
    """Return the scripted model's own answer to a call, as text."""
    return json.dumps(model.answer(call), ensure_ascii=False)


def new_number(text: str, prompt: str) -> tuple[str, str]:
    """Return a number of the text and a different one the prompt never mentions (a hallucination)."""
    old = next(n for n in re.findall(r"\d+", text) if len(n) >= 2)
    fresh = next(str(int(old) + k) for k in range(7, 500) if str(int(old) + k) not in prompt)
    return old, fresh


def hallucinate(data: dict[str, Any], call: Call) -> dict[str, Any]:
    """Change one number of a fact sentence (after the lead, when one has a number) to one no evidence states."""
    for fact in [*data["facts"][1:], *data["facts"][:1]]:
        if re.search(r"\d{2,}", fact["text"]):
            old, fresh = new_number(fact["text"], call.prompt)
            fact["text"] = fact["text"].replace(old, fresh, 1)
            data["hallucinated"] = fresh
            return data
    raise AssertionError("no fact with a number to change")


def calls_of(server: FakeLLMServer, task: str) -> list[Call]:
    """Return the requests of one task."""
    return [c for c in server.calls if c.task == task]


# ------------------------------------------------------------------ a model that cooperates

def test_a_cooperative_model_writes_every_part_and_everything_verifies():
    with FakeLLMServer() as server:
        config = llm_config(server.url)
        brief, report = write(config)
    n = len(brief.sections)
    assert n == 5 and report.sections_generated == 5 and report.sections_extractive == 0
    assert sorted(server.tasks()) == sorted(["section"] * n + ["summary", "references"])
    assert unsupported(brief) == []
    assert brief.verification.unsupported == 0 and brief.verification.dropped == 0
    assert {s.status for _w, s in sentences(brief)} == {"generated", "extractive"}
    section_prompts = " ".join(c.prompt for c in calls_of(server, "section"))
    floor = [s for _w, s in sentences(brief) if s.status == "extractive"]
    assert all(s.kind == "fact" and s.text in section_prompts for s in floor)  # the fact floor: source sentences
    assert all(by_model(brief, n) for n in range(1, 6))
    assert all("，" in s.heading for s in brief.sections)
    assert len(brief.thread) == n and "主线" in brief.summary[0].text
    assert all(r.verifies.startswith(("用于核验", "用于补充")) for r in brief.references)
    first = calls_of(server, "section")[0]
    assert first.messages[0]["role"] == "system" and "只输出一个 JSON 对象" in first.messages[0]["content"]
    assert prompt_ids(first.prompt)[:3] == ["E1", "E2", "E3"]
    record = brief_to_json(brief, report.record())["llm"]
    assert {"model", "calls", "cached", "prompt_tokens", "completion_tokens", "seconds"} <= set(record)
    assert record["calls"] == len(server.calls) and record["cached"] == 0 and record["model"] == "fake-chat"
    assert record["prompt_tokens"] > record["completion_tokens"] > 0


def test_every_generated_sentence_cites_the_articles_of_its_evidence_ids():
    answers: list[dict[str, Any]] = []

    def spread(data: dict[str, Any], call: Call) -> dict[str, Any]:
        """Let one sentence rest on evidence from two articles, and remember the answer."""
        ids = prompt_ids(call.prompt)
        groups = dict(re.findall(r"^(E\d+)（(A\d+)[，）]", call.prompt, re.M))
        other = next((i for i in ids if groups[i] != groups[ids[0]]), None)
        if other:  # on the fact after the lead (the last one may say the lead again, and be left out)
            data["facts"][1]["evidence"].append(other)
        answers.append({"data": data, "prompt": call.prompt})
        return data

    with FakeLLMServer(ScriptedModel().edit("section", spread, when=FirstSection())) as server:
        config = llm_config(server.url, concurrency=1)
        brief, _report = write(config)
    answer, prompt = answers[0]["data"], answers[0]["prompt"]
    groups = dict(re.findall(r"^(E\d+)（(A\d+)[，）]", prompt, re.M))
    # A1 is the story's primary (its line is the lead); the others say who published them in their title line
    primary = next(s.primary for s in stories(config) if s.id == brief.sections[0].story_id)
    publishers = {a: (who, f"{int(y)}-{int(m):02d}-{int(d):02d}") for a, who, y, m, d in
                  re.findall(r"^E\d+（(A\d+)）标题：.*（([^（）]*?)(\d{4})年(\d+)月(\d+)日发布）$", prompt, re.M)}
    publishers["A1"] = (primary.publisher, primary.published.isoformat() if primary.published else "")
    ref_of = {(r.publisher, r.date.isoformat() if r.date else ""): r.id for r in reversed(brief.references)
              if r.role == "event"}
    by_text = {s.text: s for p in brief.sections[0].paragraphs for s in p}
    checked = 0
    for fact in answer["facts"]:
        expected = {ref_of[publishers[groups[e]]] for e in fact["evidence"]}
        if fact["text"] not in by_text:  # left out only as saying again what the section says
            assert any(restates(fact["text"], t, DUPLICATE) or restates(t, fact["text"], DUPLICATE) for t in by_text)
            continue
        sentence = by_text[fact["text"]]
        assert set(sentence.cites) == expected and sentence.status == "generated"
        checked += 1
    assert checked >= len(answer["facts"]) - 1
    assert any(len(f["evidence"]) == 2 and f["text"] in by_text for f in answer["facts"])
    assert unsupported(brief) == []


def test_facts_the_model_leaves_out_are_added_from_the_extractive_writer():
    def terse(data: dict[str, Any], _call: Call) -> dict[str, Any]:
        """Keep only the lead sentence."""
        data["facts"] = data["facts"][:1]
        return data

    with FakeLLMServer(ScriptedModel().edit("section", terse, when=FirstSection())) as server:
        config = llm_config(server.url, concurrency=1)
        brief, _report = write(config)
    extractive, _v = compose_brief(stories(config), config, ISSUE)
    lead = extractive.sections[0].paragraphs[0][0]  # the extractive writer's composed lead, not a pick
    picks = [s.text for p in extractive.sections[0].paragraphs for s in p if s.kind == "fact" and s is not lead]
    facts = [s for p in brief.sections[0].paragraphs for s in p if s.kind == "fact"]
    ours = {s.text: s.status for s in facts}
    added = [text for text in picks if ours.get(text) == "extractive"]
    assert added and set(picks) >= set(added)
    # Picks are added within the section's budget of fact characters; one left out would not fit.
    budget = config.brief.section_chars
    length = sum(len(s.text) for s in facts)
    assert length <= budget
    left_out = [t for t in picks if t not in ours and _facts(t) - set().union(*(_facts(s.text) for s in facts))]
    assert all(length + len(t) > budget for t in left_out)
    assert brief.sections[0].paragraphs[0][0].status == "generated"  # the model's lead stays first
    assert unsupported(brief) == []


# ------------------------------------------------------------------ defensive parsing

def test_think_blocks_code_fences_and_chatter_need_no_repair():
    model = ScriptedModel()
    think = "<think>先找出发布主体和日期，E1 是标题……</think>\n好的，结果如下：\n"
    model.script("section", lambda call: Reply(f"{think}```json\n{own_answer(model, call)}\n```\n以上。"),
                 when=FirstSection())
    with FakeLLMServer(model) as server:
        brief, _report = write(llm_config(server.url, concurrency=1))
    assert "repair" not in server.tasks()
    assert by_model(brief, 1)


def test_broken_json_gets_one_repair_carrying_the_parse_error():
    model = ScriptedModel()
    model.script("section", lambda call: Reply(own_answer(model, call).replace('", "evidence"', '" "evidence"', 1)),
                 when=FirstSection())
    with FakeLLMServer(model) as server:
        brief, _report = write(llm_config(server.url, concurrency=1))
    repairs = calls_of(server, "repair")
    assert len(repairs) == 1
    assert "the JSON is broken" in repairs[0].prompt
    assert repairs[0].messages[-2]["role"] == "assistant"  # the broken answer went back with the error
    assert by_model(brief, 1)


def cut_after_facts(model: ScriptedModel, call: Call, keep: int) -> Reply:
    """Return the model's answer cut off at the output limit in the middle of fact sentence `keep + 1`."""
    answer = own_answer(model, call)
    texts = [f["text"] for f in json.loads(answer)["facts"]]
    at = answer.index(json.dumps(texts[keep], ensure_ascii=False)) + 12
    return Reply(answer[:at], finish_reason="length")


def test_an_answer_cut_off_mid_json_keeps_its_complete_sentences_without_another_call():
    model = ScriptedModel()
    whole: list[str] = []

    def cut(call: Call) -> Reply:
        """Cut the answer in its third fact sentence."""
        whole.extend(f["text"] for f in model.answer(call)["facts"])
        return cut_after_facts(model, call, 2)

    model.script("section", cut, when=FirstSection())
    with FakeLLMServer(model) as server:
        brief, report = write(llm_config(server.url, concurrency=1))
    assert len(calls_of(server, "section")) == 5 and "repair" not in server.tasks()  # no second request
    texts = [s.text for p in brief.sections[0].paragraphs for s in p if s.status == "generated"]
    assert whole[0] in texts and whole[1] in texts and whole[2] not in texts
    assert report.tidied["an answer cut off at the output limit read up to its last complete element"] == 1
    assert by_model(brief, 1) and unsupported(brief) == []


def cut_in_heading(model: ScriptedModel, call: Call) -> Reply:
    """Return the answer cut off inside its heading: nothing usable before the cut."""
    return Reply(own_answer(model, call)[:20], finish_reason="length")


def test_an_answer_cut_off_before_anything_usable_is_asked_again_with_a_larger_limit():
    model = ScriptedModel()
    model.script("section", lambda call: cut_in_heading(model, call), when=FirstSection())
    with FakeLLMServer(model) as server:
        config = llm_config(server.url, concurrency=1, max_output_tokens=800)
        brief, _report = write(config)
    first, retry = calls_of(server, "section")[:2]  # one request at a time: section 1's, then its retry
    assert first.max_tokens == 800 and retry.max_tokens == 1600
    # A larger answer leaves less room for evidence: the retry's prompt is no longer than the first.
    assert len(prompt_ids(retry.prompt)) <= len(prompt_ids(first.prompt))
    assert by_model(brief, 1)


def test_truncated_twice_becomes_a_smaller_request():
    model = ScriptedModel()
    model.script("section", lambda call: cut_in_heading(model, call), lambda call: cut_in_heading(model, call),
                 when=FirstSection())
    with FakeLLMServer(model) as server:
        brief, _report = write(llm_config(server.url, concurrency=1))
    section_calls = calls_of(server, "section")
    first = section_calls[0]
    smaller = next(c for c in section_calls if "本节的主题词" in c.prompt and c.prompt != first.prompt
                   and c.max_tokens == 2 * first.max_tokens and "两到3句" in c.prompt)
    assert len(prompt_ids(smaller.prompt)) < len(prompt_ids(first.prompt))
    assert by_model(brief, 1)


def test_an_answer_cut_off_every_time_leaves_the_section_to_the_extractive_writer():
    model = ScriptedModel()
    cut = lambda call: cut_in_heading(model, call)  # noqa: E731
    model.script("section", cut, cut, cut, when=FirstSection())
    with FakeLLMServer(model) as server:
        brief, report = write(llm_config(server.url, concurrency=1))
    assert section_status(brief, 1) == {"extractive"}
    assert any("section 1" in n and "cut off" in n for n in report.notes)
    assert report.sections_generated == 4 and unsupported(brief) == []


@pytest.mark.parametrize(("bad", "expected"), [
    ("", "the answer was empty"),
    ("本节内容：国家有关部门印发行动方案，提出到2028年的目标。", "holds no JSON object"),
])
def test_an_empty_or_prose_answer_is_repaired(bad, expected):
    model = ScriptedModel().script("section", Reply(bad), when=FirstSection())
    with FakeLLMServer(model) as server:
        brief, _report = write(llm_config(server.url, concurrency=1))
    assert expected in calls_of(server, "repair")[0].prompt
    assert by_model(brief, 1)


def test_a_model_that_ignores_the_json_instruction_twice_falls_back_and_the_brief_is_complete():
    prose = Reply("好的。本节介绍大模型赋能制造业行动方案的主要内容和意义。")
    only = FirstSection()
    model = ScriptedModel().script("section", prose, when=only).script("repair", prose, when=only)
    with FakeLLMServer(model) as server:
        config = llm_config(server.url, concurrency=1)
        brief, report = write(config)
    extractive, _v = compose_brief(stories(config), config, ISSUE)
    assert section_status(brief, 1) == {"extractive"}
    assert brief.sections[0].heading == extractive.sections[0].heading
    assert [s.text for p in brief.sections[0].paragraphs for s in p] == \
        [s.text for p in extractive.sections[0].paragraphs for s in p]
    assert len(brief.sections) == 5 and any("after one repair" in n for n in report.notes)


def test_an_english_answer_is_sent_back_and_then_left_to_the_extractive_writer():
    english = json.dumps({"heading": "Six ministries issue plan, manufacturing AI accelerates",
                          "facts": [{"text": "The plan targets 100 scenarios by 2028.", "evidence": ["E1"]}],
                          "interpretation": [{"text": "This means AI adoption will accelerate.", "evidence": ["E2"]}]})
    only = FirstSection()
    model = ScriptedModel().script("section", Reply(english), when=only).script("repair", Reply(english), when=only)
    with FakeLLMServer(model) as server:
        brief, report = write(llm_config(server.url, concurrency=1))
    assert "Chinese" in calls_of(server, "repair")[0].prompt
    assert section_status(brief, 1) == {"extractive"}
    assert not re.search(r"[A-Za-z]{4,}", " ".join(s.text for _w, s in sentences(brief)))
    assert any("section 1" in n and "Chinese" in n for n in report.notes)


def test_an_invented_evidence_id_is_dropped_and_the_sentence_cites_the_evidence_its_wording_comes_from():
    answers: list[dict[str, Any]] = []

    def invent(data: dict[str, Any], call: Call) -> dict[str, Any]:
        """Cite evidence ids the prompt never gave for a sentence copied from the evidence."""
        data["facts"][1]["evidence"] = ["E999", "E0"]
        answers.append({"data": data, "prompt": call.prompt})
        return data

    model = ScriptedModel().edit("section", invent, when=FirstSection())
    with FakeLLMServer(model) as server:
        brief, report = write(llm_config(server.url, concurrency=1))
    assert "repair" not in server.tasks()
    fact = answers[0]["data"]["facts"][1]["text"]
    sentence = next(s for p in brief.sections[0].paragraphs for s in p if s.text == fact)
    primary = next(r for r in brief.references if r.id == brief.sections[0].paragraphs[0][0].cites[0])
    assert sentence.status == "generated" and sentence.cites == (primary.id,)
    assert report.tidied["invented evidence id dropped (E999, E0)"] == 1
    assert report.tidied["a fact without evidence ids matched to its evidence"] == 1
    assert unsupported(brief) == []


def test_a_sentence_with_invented_ids_whose_wording_matches_no_evidence_is_dropped_alone():
    def invent(data: dict[str, Any], _call: Call) -> dict[str, Any]:
        """Add a sentence of the model's own, citing an id that does not exist."""
        data["facts"].insert(1, {"text": "这项工作受到社会各界广泛好评和高度关注。", "evidence": ["E77"]})
        return data

    model = ScriptedModel().edit("section", invent, when=FirstSection())
    with FakeLLMServer(model) as server:
        brief, _report = write(llm_config(server.url, concurrency=1))
    assert "repair" not in server.tasks() and by_model(brief, 1)
    assert "广泛好评" not in " ".join(s.text for _w, s in sentences(brief))


# ------------------------------------------------------------------ the verification loop

@pytest.mark.parametrize(("text", "expected"), [
    # What is left ends in the phrase the left-out clause completed: no repair without a call.
    ("这意味着，国家发展改革委通过新闻发布会，介绍了98765项重点工作。", None),
    ("这意味着，数据中心能耗问题日益严重，需要投入98765亿元进行优化。", "这意味着，数据中心能耗问题日益严重。"),
    ("这意味着，大赛的启动为推动大湾区数字经济发展注入了新动能，带动98765家企业。",
     "这意味着，大赛的启动为推动大湾区数字经济发展注入了新动能。"),
])
def test_leaving_out_a_failing_clause_never_leaves_a_fragment(text, expected):
    start = text.index("98765")
    assert without_clauses(text, [(start, start + 5)]) == expected


def test_a_hallucinated_number_in_one_clause_is_left_out_with_its_clause_without_a_call():
    def added(data: dict[str, Any], _call: Call) -> dict[str, Any]:
        """Append a clause with a figure no evidence states to a fact sentence."""
        data["facts"][1]["text"] = data["facts"][1]["text"].rstrip("。") + "，总投资98765亿元。"
        return data

    model = ScriptedModel().edit("section", added, when=FirstSection())
    with FakeLLMServer(model) as server:
        brief, report = write(llm_config(server.url, concurrency=1))
    assert "rewrite" not in server.tasks()
    texts = " ".join(s.text for _w, s in sentences(brief))
    assert "98765" not in texts and "repaired" in section_status(brief, 1)
    assert report.tidied["a clause its evidence does not support left out"] >= 1
    assert unsupported(brief) == []


def test_a_hallucinated_number_gets_one_rewrite_request_and_the_sentence_is_repaired():
    seen: dict[str, str] = {}

    def remember(data: dict[str, Any], call: Call) -> dict[str, Any]:
        """Give a one-clause fact sentence a number no evidence states, and remember it."""
        data["facts"][1]["text"] = "方案提出培育98765家专精特新企业。"
        seen["number"] = "98765"
        return data

    model = ScriptedModel().edit("section", remember, when=FirstSection())
    with FakeLLMServer(model) as server:
        brief, _report = write(llm_config(server.url, concurrency=1))
    rewrites = calls_of(server, "rewrite")
    assert len(rewrites) == 1
    # the unsupported item is named, with why, in a request continuing the section's conversation
    assert re.search(rf"证据中找不到：[^\n]*{seen['number']}[^\n]*（原文", rewrites[0].prompt)
    assert [m["role"] for m in rewrites[0].messages] == ["system", "user", "assistant", "user"]
    assert rewrites[0].messages[1]["content"] == calls_of(server, "section")[0].prompt
    assert "repaired" in section_status(brief, 1)
    assert seen["number"] not in " ".join(s.text for _w, s in sentences(brief))
    assert unsupported(brief) == []


def test_a_hallucination_the_rewrite_keeps_is_replaced_by_its_source_sentence():
    failing: dict[str, str] = {}

    def hallucinate(data: dict[str, Any], _call: Call) -> dict[str, Any]:
        """Give a one-clause fact sentence copied from its evidence a number no evidence states."""
        data["facts"][1]["text"] = "方案提出培育98765家专精特新企业。"
        return data

    def keep(data: dict[str, Any], call: Call) -> dict[str, Any]:
        """Answer the rewrite with the same unsupported sentences."""
        failing.update(dict(re.findall(r"^(S\d+)：(.*)$", call.prompt, re.M)))
        return {"sentences": [{"id": k, "text": v, "evidence": ["E2"]} for k, v in failing.items()]}

    model = ScriptedModel().edit("section", hallucinate, when=FirstSection()).edit("rewrite", keep)
    with FakeLLMServer(model) as server:
        brief, _report = write(llm_config(server.url, concurrency=1))
    section_prompt = calls_of(server, "section")[0].prompt
    texts = [s.text for p in brief.sections[0].paragraphs for s in p]
    assert failing and not set(failing.values()) & set(texts)
    replaced = [s for p in brief.sections[0].paragraphs for s in p if s.status == "extractive"]
    assert replaced and all(s.text in section_prompt for s in replaced)  # verbatim evidence sentences
    assert unsupported(brief) == []


def test_an_unsupported_interpretation_that_cannot_be_rewritten_is_dropped():
    def invent(data: dict[str, Any], _call: Call) -> dict[str, Any]:
        """Put a figure no evidence states into the interpretation."""
        data["interpretation"] = [{"text": "这意味着，相关产业规模将在三年内突破98765亿元。", "evidence": ["E2"]}]
        return data

    model = ScriptedModel().edit("section", invent, when=FirstSection())
    model.edit("rewrite", lambda _d, _c: {"sentences": []})
    with FakeLLMServer(model) as server:
        brief, _report = write(llm_config(server.url, concurrency=1))
    assert "98765" not in json.dumps(brief_to_json(brief), ensure_ascii=False)
    # No template judgement takes its place: the story's own analytic sentences, or no interpretation at all.
    analysis = [s for p in brief.sections[0].paragraphs for s in p if s.kind == "analysis"]
    assert all(s.status == "extractive" for s in analysis)
    assert "98765" in calls_of(server, "rewrite")[0].prompt and unsupported(brief) == []


def test_an_interpretation_repeating_a_fact_and_a_fact_said_twice_are_left_out():
    def repeat(data: dict[str, Any], _call: Call) -> dict[str, Any]:
        """Interpret with the second fact again (这意味着 in front), and state the first fact twice."""
        second = data["facts"][1]
        data["interpretation"] = [{"text": "这意味着，" + second["text"], "evidence": second["evidence"]}]
        data["facts"] = [*data["facts"], dict(data["facts"][0])]
        return data

    model = ScriptedModel().edit("section", repeat, when=FirstSection())
    with FakeLLMServer(model) as server:
        config = llm_config(server.url, concurrency=1)
        brief, report = write(config)
    texts = [s.text for p in brief.sections[0].paragraphs for s in p]
    assert len(texts) == len(set(texts))
    assert not any(t.startswith("这意味着，") and t[len("这意味着，"):] in texts for t in texts)
    assert report.sections_generated == len(brief.sections)
    assert [d for d in lint(brief, budget=config.brief.section_chars) if "near-duplicate" in d.kind] == []
    assert unsupported(brief) == []


def test_a_summary_copying_the_example_and_summing_up_one_section_gives_way_to_the_extractive_one():
    def lazy(data: dict[str, Any], _call: Call) -> dict[str, Any]:
        """Answer as a small model did: a label cut short, the example's blank copied, one section summed up."""
        data["thread"] = ["国家数据局，以", *data["thread"][1:]]
        data["sentences"] = [data["sentences"][0], {"text": "（第一节的一句概括）", "evidence": ["E1"]},
                             data["sentences"][1], data["sentences"][-1]]
        return data

    with FakeLLMServer(ScriptedModel().edit("summary", lazy)) as server:
        config = llm_config(server.url, concurrency=1)
        brief, report = write(config)
    extractive, _v = compose_brief(stories(config), config, ISSUE)
    assert all(s.status == "extractive" for s in brief.summary) and len(brief.summary) >= len(brief.sections)
    assert brief.thread == extractive.thread and all("，" not in label for label in brief.thread)
    assert not any("（" in s.text and "概括" in s.text for s in brief.summary)
    assert report.tidied.get("summary sentence copying the example dropped") == 1


def test_a_summary_whose_clauses_all_fail_verification_gives_way_to_the_extractive_one_not_to_fragments():
    def invent(data: dict[str, Any], _call: Call) -> dict[str, Any]:
        """Attach a figure no source states to every section's clause (the model's typical error)."""
        data["sentences"] = [data["sentences"][0],
                             *({**s, "text": "有关部门投入98765亿元建设算力中心。"} for s in data["sentences"][1:-1]),
                             data["sentences"][-1]]
        return data

    model = ScriptedModel().edit("summary", invent).edit("rewrite", lambda _d, _c: {"sentences": []}, times=5)
    with FakeLLMServer(model) as server:
        config = llm_config(server.url, concurrency=1)
        brief, report = write(config)
    assert any("summed up 0 of" in note for note in report.notes)
    assert all(s.status == "extractive" and "98765" not in s.text for s in brief.summary)
    assert len(brief.summary) >= len(brief.sections) + 1  # the thread and one clause per section
    assert unsupported(brief) == []


def test_thread_labels_cut_short_are_replaced_by_the_sections_own_and_the_thread_sentence_names_them():
    def cut(data: dict[str, Any], _call: Call) -> dict[str, Any]:
        """Give one label with punctuation inside (what clipping a long label to 8 characters left)."""
        data["thread"] = ["数据中心，能源", *data["thread"][1:]]
        return data

    with FakeLLMServer(ScriptedModel().edit("summary", cut)) as server:
        config = llm_config(server.url, concurrency=1)
        brief, _report = write(config)
    extractive, _v = compose_brief(stories(config), config, ISSUE)
    assert brief.thread == extractive.thread
    assert all(label in brief.summary[0].text for label in brief.thread) and "主线" in brief.summary[0].text
    assert any(s.status == "generated" for s in brief.summary[1:])  # the model's clauses stay
    assert unsupported(brief) == []


def test_a_heading_with_an_unsupported_figure_is_rewritten():
    def invent(data: dict[str, Any], _call: Call) -> dict[str, Any]:
        """Give the heading a figure."""
        data["heading"] = "六部门印发行动方案，带动投资54321亿元"
        return data

    model = ScriptedModel().edit("section", invent, when=FirstSection())
    with FakeLLMServer(model) as server:
        brief, _report = write(llm_config(server.url, concurrency=1))
    assert "H（标题）：六部门印发行动方案，带动投资54321亿元" in calls_of(server, "rewrite")[0].prompt
    assert "54321" not in brief.sections[0].heading and "，" in brief.sections[0].heading
    assert unsupported(brief) == []


# ------------------------------------------------------------------ reliability and cost

def test_a_section_whose_requests_fail_is_extractive_and_the_rest_are_generated():
    model = ScriptedModel().script("section", *[Reply(status=500)] * 3, when=FirstSection())
    with FakeLLMServer(model) as server:
        brief, report = write(llm_config(server.url, concurrency=1, retries=2))
    assert section_status(brief, 1) == {"extractive"}
    assert report.sections_generated == 4
    assert any("section 1" in n and "HTTP 500" in n for n in report.notes)


def test_a_slow_answer_past_timeout_s_falls_back_for_that_section_only():
    model = ScriptedModel().script("section", Reply(delay=3.0), when=FirstSection())
    with FakeLLMServer(model) as server:
        brief, report = write(llm_config(server.url, concurrency=1, retries=0, timeout_s=0.4))
    assert section_status(brief, 1) == {"extractive"}
    assert any("timeout_s = 0.4 s" in n for n in report.notes)
    assert report.sections_generated == 4


def test_the_model_server_stopping_mid_brief_leaves_the_rest_extractive_and_says_so():
    model = ScriptedModel().script("section", Reply(), Reply(stop_server=True))  # stops after section 2's answer
    with FakeLLMServer(model) as server:
        brief, report = write(llm_config(server.url, concurrency=1, retries=1))
    assert by_model(brief, 1) and by_model(brief, 2)
    assert all(section_status(brief, n) == {"extractive"} for n in (3, 4, 5))
    assert {s.status for s in brief.summary} == {"extractive"}  # asked nothing more once the server was gone
    assert report.notes[0].startswith("the LLM endpoint became unusable: cannot connect")
    assert "the extractive writer wrote 3 of 5 sections" in report.notes[0]
    assert "the model became unusable" in report.line() and "2 of 5 sections written by the model" in report.line()
    assert brief_to_json(brief, report.record())["llm"]["notes"] == report.notes
    assert unsupported(brief) == []


def test_endpoint_down_gives_the_extractive_brief_and_one_note():
    config = llm_config(f"http://127.0.0.1:{closed_port()}/v1", retries=1)
    brief, report = write(config)
    extractive, _v = compose_brief(stories(config), config, ISSUE)
    assert [s.heading for s in brief.sections] == [s.heading for s in extractive.sections]
    assert [s.text for _w, s in sentences(brief)] == [s.text for _w, s in sentences(extractive)]
    assert {s.status for _w, s in sentences(brief)} == {"extractive"}
    assert len(report.notes) == 1 and "cannot connect" in report.notes[0] and "connection refused" in report.notes[0]
    assert report.usage.calls <= config.llm.concurrency * (config.llm.retries + 1)  # type: ignore[union-attr,operator]


def test_a_budget_spent_mid_brief_leaves_the_remaining_sections_extractive():
    with FakeLLMServer() as server:
        _brief, full = write(llm_config(server.url, concurrency=1))
        budget = int(full.usage.used_tokens * 0.4)
        before = len(server.calls)
        brief, report = write(llm_config(server.url, concurrency=1, budget_tokens=budget))
        spent = len(server.calls) - before
    statuses = [section_status(brief, n) for n in range(1, 6)]
    generated = [s == {"generated"} for s in statuses]
    assert report.usage.budget_exhausted and 0 < report.sections_generated < 5
    assert generated == sorted(generated, reverse=True)  # the most important sections got the budget
    assert {s.status for s in brief.summary} == {"extractive"}
    assert "token budget" in report.notes[0] and str(budget) in report.notes[0]
    assert report.usage.used_tokens <= budget + full.usage.used_tokens / spent  # at most one call beyond
    assert brief_to_json(brief, report.record())["llm"]["budget_exhausted"] is True


def test_rerunning_a_day_makes_zero_calls_and_gives_the_same_brief(tmp_path):
    with FakeLLMServer(ScriptedModel().edit("section", hallucinate)) as server, Archive(tmp_path / "a.db") as archive:
        config = llm_config(server.url)
        first, first_report = write(config, archive)
        calls = len(server.calls)
        again, report = write(config, archive)
    assert len(server.calls) == calls and report.usage.calls == 0
    assert report.usage.cached == first_report.usage.calls  # every request the first run made, now from the cache
    assert brief_to_json(again) == brief_to_json(first)


def test_the_same_prompts_asked_again_in_one_process_are_answered_from_memory():
    with FakeLLMServer() as server:
        config = llm_config(server.url)
        client = ChatClient(config.llm, None)  # type: ignore[arg-type]
        write_brief(stories(config), config, ISSUE, None, client=client)
        calls = len(server.calls)
        write_brief(stories(config), config, ISSUE, None, client=client)
    assert len(server.calls) == calls and client.usage.cached == calls


def test_the_writer_runs_inside_an_event_loop_with_the_archive_cache(tmp_path):
    with FakeLLMServer() as server, Archive(tmp_path / "a.db") as archive:
        config = llm_config(server.url)

        async def inside_a_web_handler() -> int:
            """Write the brief while an event loop is running (a web app's request)."""
            brief, _report = write(config, archive)
            return len(brief.sections)

        assert asyncio.run(inside_a_web_handler()) == 5
        assert archive.llm_cache_size() == len(server.calls) + 1  # and what the server said about itself


def test_statuses_are_only_generated_repaired_or_extractive():
    model = ScriptedModel().edit("section", hallucinate, when=FirstSection())
    model.script("section", Reply(status=500), Reply(status=500), when=lambda c: "本节的主题词：算力" in c.prompt)
    with FakeLLMServer(model) as server:
        brief, _report = write(llm_config(server.url, concurrency=1, retries=1))
    data = brief_to_json(brief)
    found = {s["status"] for p in (data["summary"], *(p for sec in data["sections"] for p in sec["paragraphs"]))
             for s in p["sentences"]}
    assert found <= STATUSES and {"generated", "extractive"} <= found


def test_an_unexpected_error_handling_one_answer_falls_back_and_the_brief_is_still_written(monkeypatch):
    import dailybrief.write.llm.writer as llmwriter

    real = llmwriter.fact_floor
    seen: list[str] = []

    def broken_once(written: list[Any], draft: Any, budget: int) -> list[Any]:
        """Fail for the first section handled, as a bug in handling an odd answer would."""
        seen.append(draft.story.id)
        if len(seen) == 1:
            raise KeyError("E7")
        return real(written, draft, budget)

    monkeypatch.setattr(llmwriter, "fact_floor", broken_once)
    with FakeLLMServer() as server:
        brief, report = write(llm_config(server.url, concurrency=1))
    assert len(brief.sections) == 5 and report.sections_extractive == 1
    assert any("unexpected KeyError" in n for n in report.notes)
    assert unsupported(brief) == []
