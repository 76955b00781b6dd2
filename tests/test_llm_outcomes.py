"""A plan is not a result: outcome claims (提高了, 已建成, 取得) need a source that states them as done.

The verifier's rule on completed vs planned aspect (dailybrief/verify/aspect.py), tested on
sentences written here: what small models write in interpretations ("提高了生产效率") against
sources that only plan it ("将提高", "到2028年…提高", "方案提出，…"), and the sentences a source
states as done, plainly or marked, that must keep passing.
"""

from __future__ import annotations

import pytest

from dailybrief.verify.claims import analyse, claims
from dailybrief.verify.evidence import Evidence
from dailybrief.verify.verifier import missing_claims

PLAN = Evidence.of("方案提出，到2028年，将提高制造业企业的生产效率和产品质量。"
                   "各地要将数据集建设纳入数字经济发展重点任务。"
                   "力争到2027年实现重点行业全覆盖。"
                   "计划今年完成全部改造。")
DONE = Evidence.of("今年以来，试点企业的生产效率提高了12%。"
                   "6月8日，国家数据局印发了《关于推进行业高质量数据集建设行动的实施方案》。"
                   "该项目已于去年建成投产。"
                   "广东分赛在深圳启动，吸引了上百家企业参赛。"
                   "试点地区数据交易取得明显成效。")


def outcomes(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """Return the outcome claims of a sentence: (verb, what changed)."""
    return [(c.key, c.parts) for c in analyse(text).claims if c.kind == "outcome"]


@pytest.mark.parametrize(("sentence", "verb"), [
    ("这意味着，提高了生产效率和产品质量。", "提高"),
    ("这表明生产效率已经提高。", "提高"),
    ("该项目已于去年建成投产。", "建成投产"),
    ("试点地区数据交易取得明显成效。", "取得"),
    ("国家数据局印发了实施方案。", "印发"),
])
def test_a_verb_stated_as_done_is_an_outcome_claim(sentence, verb):
    assert verb in [v for v, _changed in outcomes(sentence)]


@pytest.mark.parametrize("sentence", [
    "方案将提高生产效率。", "到2028年底，建成一批行业高质量数据集。", "力争取得突破。", "这说明了什么。",
    "这意味着，数据正成为人工智能落地的关键资源。",
])
def test_plans_framing_and_plain_statements_are_not_outcome_claims(sentence):
    assert outcomes(sentence) == []


@pytest.mark.parametrize("sentence", [
    "这意味着，提高了制造业企业的生产效率和产品质量。",  # 将提高 in the source
    "这表明数据集建设已纳入数字经济发展重点任务。",  # 要将…纳入
    "这意味着重点行业已实现全覆盖。",  # 力争到2027年实现
    "这表明改造已经完成了。",  # 计划今年完成
])
def test_a_result_the_source_only_plans_is_not_supported(sentence):
    missing = missing_claims(sentence, [PLAN])
    assert missing and all(m.startswith("outcome ") for m in missing)
    assert any("计划或目标" in m for m in missing)


def test_a_result_the_source_does_not_state_at_all_is_not_supported():
    missing = missing_claims("这意味着，为实现制造强国提供了有力支持。", [PLAN, DONE])
    assert missing == ["outcome 提供（原文未说明此结果）"]


@pytest.mark.parametrize("sentence", [
    "这表明，试点企业的生产效率提高了。",  # stated as done (提高了12%)
    "这表明，试点企业的生产效率已经提升。",  # 提升 says what 提高 says
    "国家数据局发布了《关于推进行业高质量数据集建设行动的实施方案》。",  # 发布 for 印发
    "该项目已建成投产。",
    "这意味着试点地区数据交易已取得明显成效。",
    "广东分赛吸引了上百家企业参赛。",
])
def test_a_result_the_source_states_as_done_is_supported(sentence):
    assert missing_claims(sentence, [DONE]) == []


def test_the_source_sentence_itself_always_supports_its_own_outcomes():
    for source in (PLAN, DONE):
        for sentence in source.sentences:
            assert missing_claims(sentence, [source]) == [], sentence


def test_what_changed_must_be_named_by_the_source_sentence():
    assert missing_claims("这表明，试点企业的生产效率提高了。", [DONE]) == []
    assert missing_claims("这表明，试点企业的研发投入提高了。", [DONE])  # 提高了, but not 研发投入


def test_the_writers_fact_counts_leave_outcomes_out():
    assert claims("国家数据局印发了《关于推进行业高质量数据集建设行动的实施方案》。").count == 1  # the title only


def test_a_number_written_another_way_is_not_what_changed():
    source = Evidence.of("码头作业效率提升了18%，船舶在港停留时间也随之缩短。")
    assert missing_claims("码头作业效率提升了百分之十八。", [source]) == []
