"""The chat-completions client and the answer parser, against a real HTTP server on loopback.

Retries (429, 5xx, timeouts), an unusable endpoint (closed port, wrong key), the cache (in one
run and in the archive across runs), the token budget, and defensive parsing of what models
really send back (`<think>` blocks, fences, chatter, broken JSON, English, nothing).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import pytest
from fake_llm_server import FakeLLMServer, Reply, ScriptedModel
from llmfixtures import closed_port
from storyfixtures import config_data

from dailybrief.config import ConfigError, LLMSettings, parse_config
from dailybrief.store.archive import Archive
from dailybrief.write.llm.cache import ArchiveCache
from dailybrief.write.llm.client import ChatClient, cache_key, read_api_key, with_llm
from dailybrief.write.llm.parse import Invalid, SectionOut, extract_json, is_chinese, strip_reasoning, validate
from dailybrief.write.llm.records import BudgetExhausted, Completion, LLMFailed, LLMUnavailable

T = TypeVar("T")
CHAT = [{"role": "system", "content": "你是编辑。"},
        {"role": "user", "content": "请用一句话概括：国家数据局印发实施方案。"}]


def settings(url: str, **values: object) -> LLMSettings:
    """Return [llm] settings for a test."""
    return LLMSettings.model_validate({"base_url": url, "model": "fake-chat", **values})


def run(client: ChatClient, make: Callable[[ChatClient], Awaitable[T]]) -> T:
    """Run a coroutine against the client inside one HTTP session."""
    async def main() -> T:
        async with client.session():
            return await make(client)
    return asyncio.run(main())


def ask(client: ChatClient, messages: list[dict[str, str]] = CHAT) -> Completion:
    """Ask one chat."""
    return run(client, lambda c: c.complete(messages))


# ------------------------------------------------------------------ retries and errors

def test_429_and_500_are_retried_with_backoff_until_an_answer():
    model = ScriptedModel().script("any", Reply(status=429, headers={"Retry-After": "0"}), Reply(status=503),
                                   Reply(content="好的"))
    with FakeLLMServer(model) as server:
        client = ChatClient(settings(server.url, retries=2), None, backoff=0.01)
        answer = ask(client)
    assert answer.content == "好的"
    assert len(server.calls) == 3
    assert client.usage.calls == 3
    assert client.usage.prompt_tokens > 0 and client.usage.completion_tokens == 2


def test_a_server_error_every_time_fails_after_the_configured_attempts():
    model = ScriptedModel().script("any", *[Reply(status=500)] * 3)
    with FakeLLMServer(model) as server:
        client = ChatClient(settings(server.url, retries=2), None, backoff=0.01)
        with pytest.raises(LLMFailed) as caught:
            ask(client)
    assert len(server.calls) == 3
    assert "HTTP 500" in str(caught.value) and "after 3 attempts" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_slow_answer_past_timeout_is_abandoned_and_retried():
    model = ScriptedModel().script("any", Reply(content="迟到的回答", delay=3.0), Reply(content="及时的回答"))
    with FakeLLMServer(model) as server:
        client = ChatClient(settings(server.url, timeout_s=0.4, retries=1), None, backoff=0.01)
        started = time.monotonic()
        answer = ask(client)
        elapsed = time.monotonic() - started
    assert answer.content == "及时的回答"
    assert len(server.calls) == 2
    assert elapsed < 2.5


def test_a_slow_answer_every_time_is_a_timeout_failure():
    model = ScriptedModel().script("any", Reply(delay=3.0), Reply(delay=3.0))
    with FakeLLMServer(model) as server:
        client = ChatClient(settings(server.url, timeout_s=0.3, retries=1), None, backoff=0.01)
        with pytest.raises(LLMFailed, match=r"within timeout_s = 0\.3 s"):
            ask(client)


def test_a_wrong_key_stops_at_once_and_the_message_never_holds_the_key(monkeypatch):
    secret = "sk-live-0123456789abcdefSECRET"  # noqa: S105 - a test key
    monkeypatch.setenv("DAILYBRIEF_TEST_KEY", secret)
    with FakeLLMServer(api_key="sk-the-right-one") as server:
        config = settings(server.url, api_key_env="DAILYBRIEF_TEST_KEY")
        client = ChatClient(config, read_api_key(config), backoff=0.01)
        with pytest.raises(LLMUnavailable) as caught:
            ask(client)
        assert server.calls[0].headers["authorization"] == f"Bearer {secret}"  # it was sent, and echoed back
        with pytest.raises(LLMUnavailable):
            ask(client)  # the endpoint is given up: no second request
    message = str(caught.value)
    assert len(server.calls) == 1
    assert "HTTP 401" in message and "DAILYBRIEF_TEST_KEY" in message
    assert secret not in message and "SECRET" not in message


def test_an_error_body_echoing_the_key_is_redacted():
    secret = "sk-echoed-in-a-400-body"  # noqa: S105 - a test key
    echo = json.dumps({"error": {"message": f"bad key {secret}"}})
    model = ScriptedModel().script("any", Reply(status=400, body=echo))
    with FakeLLMServer(model) as server:
        client = ChatClient(settings(server.url), secret, backoff=0.01)
        with pytest.raises(LLMFailed) as caught:
            ask(client)
    assert "HTTP 400" in str(caught.value) and secret not in str(caught.value) and "***" in str(caught.value)


def test_a_named_key_variable_that_is_unset_is_one_clear_error():
    config = settings("http://127.0.0.1:9/v1", api_key_env="NO_SUCH_KEY_VAR")
    with pytest.raises(LLMUnavailable, match=r"environment variable NO_SUCH_KEY_VAR .* is not set"):
        read_api_key(config, environ={})
    assert read_api_key(settings("http://127.0.0.1:9/v1"), environ={}) is None  # a local server needs none


def test_a_closed_port_is_unavailable_and_later_requests_send_nothing():
    client = ChatClient(settings(f"http://127.0.0.1:{closed_port()}/v1", retries=1), None, backoff=0.01)
    with pytest.raises(LLMUnavailable, match=r"cannot connect to .*connection refused"):
        ask(client)
    calls = client.usage.calls
    with pytest.raises(LLMUnavailable):
        ask(client, [{"role": "user", "content": "另一个问题"}])
    assert calls == 2 and client.usage.calls == calls


def test_an_answer_that_is_not_a_chat_completion_is_a_failure():
    model = ScriptedModel().script("any", Reply(body="<html>gateway</html>"))
    with FakeLLMServer(model) as server:
        client = ChatClient(settings(server.url), None, backoff=0.01)
        with pytest.raises(LLMFailed, match="not a chat completion"):
            ask(client)


# ------------------------------------------------------------------ cache and budget

def test_the_same_prompt_asked_twice_at_once_is_sent_once():
    with FakeLLMServer() as server:
        client = ChatClient(settings(server.url, concurrency=4), None, backoff=0.01)
        first, second = run(client, lambda c: asyncio.gather(c.complete(CHAT), c.complete(CHAT)))
    assert len(server.calls) == 1
    assert first.content == second.content
    assert client.usage.calls == 1 and client.usage.cached == 1


def test_the_archive_cache_answers_a_later_run_without_a_call(tmp_path: Path):
    with FakeLLMServer(ScriptedModel().script("any", Reply(content="第一次的回答"))) as server, \
            Archive(tmp_path / "a.db") as archive:
        first = ChatClient(settings(server.url), None, ArchiveCache(archive))
        assert ask(first).content == "第一次的回答"
        later = ChatClient(settings(server.url), None, ArchiveCache(archive))
        again = ask(later)
        assert archive.llm_cache_size() == 2  # the answer, and what the server said about itself
    assert again.content == "第一次的回答" and again.cached
    assert len(server.calls) == 1
    assert server.probes.count("/props") == 1  # the later client read the server's facts from the cache
    assert later.usage.calls == 0 and later.usage.cached == 1


def test_the_cache_key_covers_model_prompt_evidence_and_sampling():
    base = cache_key("m", CHAT, 100, 0.2)
    assert base == cache_key("m", [dict(m) for m in CHAT], 100, 0.2)
    other_evidence = [CHAT[0], {"role": "user", "content": CHAT[1]["content"] + "E9 新增的证据句。"}]
    assert len({base, cache_key("n", CHAT, 100, 0.2), cache_key("m", other_evidence, 100, 0.2),
                cache_key("m", CHAT, 200, 0.2), cache_key("m", CHAT, 100, 0.7),
                cache_key("m", CHAT, 100, 0.2, json_mode=True)}) == 6


def test_the_budget_refuses_a_call_that_would_start_beyond_it():
    with FakeLLMServer() as server:
        probe = ChatClient(settings(server.url), None)
        ask(probe)
        one_call = probe.usage.prompt_tokens + probe.usage.completion_tokens
        client = ChatClient(settings(server.url, budget_tokens=one_call + 5), None)
        ask(client)
        with pytest.raises(BudgetExhausted, match=f"token budget of {one_call + 5} spent"):
            ask(client, [{"role": "user", "content": "第二个问题，换一个提示词。"}])
    assert client.usage.budget_exhausted
    assert len(server.calls) == 2


# ------------------------------------------------------------------ configuration

def test_the_llm_table_is_optional_strict_and_named_in_errors():
    assert parse_config(config_data()).llm is None
    data = config_data()
    data["llm"] = {"base_url": "http://127.0.0.1:8080/v1/", "model": "qwen2.5-1.5b-instruct", "budget_tokens": 20000}
    llm = parse_config(data).llm
    assert llm is not None and llm.base_url == "http://127.0.0.1:8080/v1" and llm.budget_tokens == 20000
    for bad, expected in (({"api_key": "sk-x"}, "llm.api_key: unknown key"), ({"base_url": "127.0.0.1:8080"},
                          r"llm.base_url: expected an http\(s\)://"), ({"concurrency": 0}, "llm.concurrency")):
        data["llm"] = {"base_url": "http://127.0.0.1:8080/v1", "model": "m", **bad}
        with pytest.raises(ConfigError, match=expected):
            parse_config(data)


def test_a_key_pasted_into_api_key_env_is_refused_without_being_repeated():
    data = config_data()
    data["llm"] = {"base_url": "http://127.0.0.1:8080/v1", "model": "m", "api_key_env": "sk-proj-abcdef123456"}
    with pytest.raises(ConfigError) as caught:
        parse_config(data)
    assert "NAME of an environment variable" in str(caught.value) and "abcdef123456" not in str(caught.value)


def test_command_line_llm_options_fill_or_override_the_table():
    config = parse_config(config_data())
    set_both = with_llm(config, "http://127.0.0.1:11434/v1", "qwen2.5:1.5b")
    assert set_both.llm is not None and set_both.llm.model == "qwen2.5:1.5b"
    with pytest.raises(ConfigError, match="give --llm-model too"):
        with_llm(config, "http://127.0.0.1:11434/v1", None)
    assert with_llm(config) is config


# ------------------------------------------------------------------ parsing what models send

GOOD = {"heading": "国家数据局印发实施方案，数据集建设提速",
        "facts": [{"text": "6月8日，国家数据局印发实施方案。", "evidence": ["E1"]}],
        "interpretation": [{"text": "这意味着，行业数据集建设进入快车道。", "evidence": ["E2"]}]}
GOOD_TEXT = json.dumps(GOOD, ensure_ascii=False)
CONTEXT = {"ids": {"E1", "E2"}, "chinese": True, "require_evidence": True}


@pytest.mark.parametrize("answer", [
    GOOD_TEXT,
    f"<think>先看证据E1……再写标题。{{不是JSON}}</think>\n{GOOD_TEXT}",
    f"```json\n{GOOD_TEXT}\n```",
    f"好的，以下是结果：\n```\n{GOOD_TEXT}\n```\n希望对你有帮助。",
    f"<think>推理</think>以下是JSON：{GOOD_TEXT} 完毕。",
    f"推理过程……</think>{GOOD_TEXT}",
    GOOD_TEXT.replace("]}]}", "],}],}"),  # trailing commas
])
def test_reasoning_fences_chatter_and_trailing_commas_are_tolerated(answer):
    assert validate(answer, SectionOut, CONTEXT).heading == GOOD["heading"]


@pytest.mark.parametrize(("answer", "message"), [
    ("", "the answer was empty"),
    ("<think>还在想，还没想完", "only reasoning"),
    ("国家数据局印发了实施方案。", "holds no JSON object"),
    (GOOD_TEXT[:-30], "the JSON is broken"),
    ('{"heading": "标题没有逗号", "facts": [{"text": "6月8日，国家数据局印发实施方案。", "evidence": ["E1"]}]}',
     "heading: .*event，implication"),
    (GOOD_TEXT.replace('"E1"', '"E9"'), "evidence id E9 does not exist .*E1–E2"),
    (GOOD_TEXT.replace('"evidence": ["E1"]', '"evidence": []'), "must list the evidence ids"),
    (json.dumps({**GOOD, "facts": [{"text": "On June 8 the National Data Administration issued a plan.",
                                    "evidence": ["E1"]}]}), "must be written in Chinese"),
    ('{"title": "x"}', "heading: missing"),
])
def test_unusable_answers_are_invalid_with_a_message_for_the_repair_request(answer, message):
    with pytest.raises(Invalid, match=message) as caught:
        validate(answer, SectionOut, CONTEXT)
    assert "\n" not in str(caught.value)


def test_evidence_ids_are_normalised():
    data = {**GOOD, "facts": [{"text": "6月8日，国家数据局印发实施方案。", "evidence": ["e1", 2, "[E2]"]}]}
    assert validate(json.dumps(data, ensure_ascii=False), SectionOut, CONTEXT).facts[0].evidence == ["E1", "E2"]


def test_reasoning_is_removed_and_chinese_is_recognised():
    assert strip_reasoning("<think>a</think>答<think>b</think>案") == "答案"
    assert strip_reasoning("<think>没有结束") == ""
    assert extract_json('前言 {"a": {"b": 1}} 后记') == {"a": {"b": 1}}
    assert is_chinese("数据成为 AI 关键生产资料")
    assert not is_chinese("The plan sets 30 datasets by 2028.")
