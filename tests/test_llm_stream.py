"""Streamed answers, silence, the server's parallelism and context, against a real HTTP server on loopback.

The fake server streams server-sent events like llama.cpp's and llama-cpp-python's servers:
pieces of the answer, keep-alive comments while silent, a finish chunk and [DONE]. It can act
like a one-slot server that queues (`serial`) or one that ends the answer being streamed when
another request arrives (`interrupting`, llama-cpp-python's default), and report its slots and
context as llama.cpp's `/props` does.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import pytest
from fake_llm_server import FakeLLMServer, Reply, ScriptedModel

from dailybrief.config import LLMSettings
from dailybrief.write.llm.client import ChatClient
from dailybrief.write.llm.records import Completion, LLMFailed

T = TypeVar("T")
LONG = "国家数据局印发行业高质量数据集建设行动实施方案，部署六个专项行动。" * 6  # about 30 streamed pieces


def settings(url: str, **values: object) -> LLMSettings:
    """Return [llm] settings for a test."""
    return LLMSettings.model_validate({"base_url": url, "model": "fake-chat", **values})


def chat(text: str) -> list[dict[str, str]]:
    """Return a one-message chat."""
    return [{"role": "user", "content": text}]


def run(client: ChatClient, make: Callable[[ChatClient], Awaitable[T]]) -> T:
    """Run a coroutine against the client inside one HTTP session."""
    async def main() -> T:
        async with client.session():
            return await make(client)
    return asyncio.run(main())


def ask(client: ChatClient, text: str = "请概括。") -> Completion:
    """Ask one chat."""
    return run(client, lambda c: c.complete(chat(text)))


# ------------------------------------------------------------------ streaming and silence

def test_an_answer_is_streamed_and_read_whole_with_its_finish_reason_and_usage():
    with FakeLLMServer(ScriptedModel().script("any", Reply(LONG))) as server:
        client = ChatClient(settings(server.url), None)
        answer = ask(client)
    assert server.calls[0].body["stream"] is True
    assert answer.content == LONG and answer.finish_reason == "stop"
    assert answer.completion_tokens == len(LONG)  # the server's usage (its characters stand in for tokens)
    assert client.usage.prompt_sizes == [answer.prompt_tokens]


def test_a_long_answer_that_keeps_arriving_is_not_cut_off_by_the_silence_timeout():
    reply = Reply(LONG, token_delay=0.04)  # ~30 pieces: longer in all than the silence allowed
    with FakeLLMServer(ScriptedModel().script("any", reply)) as server:
        client = ChatClient(settings(server.url, silence_timeout_s=0.5, retries=0), None)
        started = time.monotonic()
        answer = ask(client)
        elapsed = time.monotonic() - started
    assert answer.content == LONG and elapsed > 0.5  # took longer than the silence timeout, and was kept
    assert len(server.calls) == 1


def test_silence_mid_answer_ends_the_request_and_it_is_asked_again():
    model = ScriptedModel().script("any", Reply(LONG, pause=(5, 3.0)), Reply("第二次的完整回答。"))
    with FakeLLMServer(model) as server:
        client = ChatClient(settings(server.url, silence_timeout_s=0.4, retries=1), None, backoff=0.01)
        started = time.monotonic()
        answer = ask(client)
        elapsed = time.monotonic() - started
    assert answer.content == "第二次的完整回答。" and len(server.calls) == 2
    assert elapsed < 2.5  # given up after the silence, not after the whole pause


def test_keep_alive_comments_are_not_tokens():
    model = ScriptedModel().script("any", Reply(LONG, pause=(3, 3.0), pings=0.1), Reply("好的。"))
    with FakeLLMServer(model) as server:
        client = ChatClient(settings(server.url, silence_timeout_s=0.5, retries=1), None, backoff=0.01)
        answer = ask(client)
    assert answer.content == "好的。" and len(server.calls) == 2


def test_silence_every_time_is_a_failure_naming_the_silence_timeout():
    model = ScriptedModel().script("any", Reply(LONG, pause=(2, 3.0)), Reply(LONG, pause=(2, 3.0)))
    with FakeLLMServer(model) as server:
        client = ChatClient(settings(server.url, silence_timeout_s=0.3, retries=1), None, backoff=0.01)
        with pytest.raises(LLMFailed, match=r"no token from .* for silence_timeout_s = 0\.3 s \(after 2 attempts\)"):
            ask(client)


def test_the_first_token_may_take_longer_while_the_server_reads_a_long_prompt():
    prompt = "证据句。" * 400  # ~1600 estimated tokens: 160 s more at the slowest rate waited for
    with FakeLLMServer(ScriptedModel().script("any", Reply("好的。", delay=0.8))) as server:
        client = ChatClient(settings(server.url, silence_timeout_s=0.5, retries=0), None)
        answer = ask(client, prompt)
    assert answer.content == "好的。" and len(server.calls) == 1


def test_timeout_s_bounds_a_whole_answer_even_while_tokens_arrive():
    model = ScriptedModel().script("any", Reply(LONG, token_delay=0.1), Reply("好的。"))
    with FakeLLMServer(model) as server:
        client = ChatClient(settings(server.url, timeout_s=0.8, silence_timeout_s=0.5, retries=1), None,
                            backoff=0.01)
        answer = ask(client)
    assert answer.content == "好的。" and len(server.calls) == 2


def test_a_stream_that_ends_without_a_finish_reason_is_not_an_answer():
    model = ScriptedModel().script("any", Reply(LONG, end_after=4), Reply("完整的回答。"))
    with FakeLLMServer(model) as server:
        client = ChatClient(settings(server.url, retries=1), None, backoff=0.01)
        answer = ask(client)
    assert answer.content == "完整的回答。" and len(server.calls) == 2 and client.usage.calls == 2
    assert client.usage.completion_tokens > len("完整的回答。")  # the cut-short answer's tokens were spent too


def test_a_connection_dropped_mid_answer_is_retried():
    model = ScriptedModel().script("any", Reply(LONG, cut_after=3), Reply("完整的回答。"))
    with FakeLLMServer(model) as server:
        client = ChatClient(settings(server.url, retries=1), None, backoff=0.01)
        answer = ask(client)
    assert answer.content == "完整的回答。" and client.usage.calls == 2


def test_an_error_object_in_the_stream_is_a_failure_with_the_servers_words():
    model = ScriptedModel().script("any", Reply(LONG, error_after=3), Reply(LONG, error_after=3))
    with FakeLLMServer(model) as server:
        client = ChatClient(settings(server.url, retries=1), None, backoff=0.01)
        with pytest.raises(LLMFailed, match="the server reported an error mid-answer: out of memory while decoding"):
            ask(client)
    assert len(server.calls) == 2


def test_a_server_that_ignores_stream_and_answers_in_one_piece_is_read_too():
    with FakeLLMServer(ScriptedModel().script("any", Reply(body='{"choices": [{"message": {"content": "整段回答。"}, '
                                                              '"finish_reason": "stop"}]}'))) as server:
        client = ChatClient(settings(server.url), None)
        answer = ask(client)
    assert answer.content == "整段回答。" and answer.completion_tokens > 0


def test_a_server_that_refuses_json_mode_is_asked_again_without_it_and_never_again():
    refusal = Reply(status=400, body='{"error": {"message": "response_format is not supported"}}')
    with FakeLLMServer(ScriptedModel().script("any", refusal)) as server:
        client = ChatClient(settings(server.url, json_mode=True), None, backoff=0.01)
        first = ask(client, "第一个问题")
        second = ask(client, "第二个问题")
    assert [("response_format" in c.body) for c in server.calls] == [True, False, False]
    assert first.content and second.content and not client.usage.failures
    assert any("response_format" in line for line in client.usage.learned)


# ------------------------------------------------------------------ parallelism

def ask_many(client: ChatClient, count: int, priorities: list[int] | None = None) -> list[Completion]:
    """Ask `count` different chats at once."""
    order = priorities or [0] * count
    return run(client, lambda c: asyncio.gather(*(c.complete(chat(f"第{n}个问题"), priority=order[n])
                                                  for n in range(count))))


def test_slots_the_server_reports_cap_the_requests_sent_at_once():
    with FakeLLMServer(ScriptedModel().script("any", *[Reply(LONG, token_delay=0.01)] * 3), slots=1,
                       context=8192, serial=True) as server:
        client = ChatClient(settings(server.url, concurrency=4, silence_timeout_s=0.5), None)
        answers = ask_many(client, 3)
    assert all(a.content == LONG for a in answers) and len(server.calls) == 3  # no request timed out waiting
    assert client.usage.slots == 1 and client.usage.context == 8192 and client.usage.server_said == "/props"
    assert not client.usage.failures


def test_a_server_that_ends_an_answer_when_another_request_arrives_is_learned_to_serve_one_at_a_time():
    model = ScriptedModel().script("any", *[Reply(LONG, token_delay=0.02)] * 4)
    with FakeLLMServer(model, interrupting=True) as server:
        client = ChatClient(settings(server.url, concurrency=2, retries=2), None, backoff=0.01)
        answers = ask_many(client, 3)
    assert all(a.content == LONG for a in answers)
    assert server.interrupted >= 1 and client.usage.slots == 1
    assert any("one request at a time" in line for line in client.usage.learned)
    assert len(server.calls) <= 3 + server.interrupted  # each interruption cost one request, no more


def test_a_queueing_server_whose_waiting_request_falls_silent_is_learned_to_serve_one_at_a_time():
    model = ScriptedModel().script("any", *[Reply(LONG, token_delay=0.06)] * 4)
    with FakeLLMServer(model, serial=True) as server:
        client = ChatClient(settings(server.url, concurrency=2, silence_timeout_s=0.3, retries=2), None,
                            backoff=0.01)
        answers = ask_many(client, 2)
    assert all(a.content == LONG for a in answers)
    assert client.usage.slots == 1 and any("waited in silence" in line for line in client.usage.learned)


def test_a_local_server_that_says_nothing_gets_one_request_at_a_time_a_remote_one_two():
    with FakeLLMServer() as server:
        local = ChatClient(settings(server.url), None)
        ask(local)
    assert local.usage.slots == 1 and local.usage.context == 4096 and local.usage.server_said == ""
    remote = ChatClient(settings("https://api.example.com/v1"), None)
    assert remote.slots == 2
    assert ChatClient(settings("https://api.example.com/v1", concurrency=6), None).slots == 6


def test_with_one_slot_the_most_important_waiting_request_goes_first():
    order: list[str] = []

    def record(reply: Reply) -> Callable[..., Reply]:
        """Remember which question was answered, in order."""
        def answer(call: object) -> Reply:
            """Record the question."""
            order.append(call.prompt)
            return reply
        return answer

    model = ScriptedModel().script("any", *[record(Reply("好的。", delay=0.05)) for _ in range(4)])
    with FakeLLMServer(model, slots=1) as server:
        client = ChatClient(settings(server.url), None)
        ask_many(client, 4, priorities=[9, 3, 1, 2])
    # the first request takes the free slot; then the waiting ones go by priority
    assert order == ["第0个问题", "第2个问题", "第3个问题", "第1个问题"]


# ------------------------------------------------------------------ context

def test_a_prompt_that_does_not_fit_the_reported_context_is_not_sent():
    with FakeLLMServer(slots=1, context=1024) as server:
        client = ChatClient(settings(server.url, max_output_tokens=800), None)
        with pytest.raises(LLMFailed, match=r"do not fit the context of 1024 tokens"):
            ask(client, "证据句。" * 100)
        assert ask(client, "短问题。").content == "{}"  # a short one fits (the scripted model's empty object)
    assert len(server.calls) == 1


def test_context_tokens_caps_what_the_server_reports():
    with FakeLLMServer(slots=2, context=32768) as server:
        client = ChatClient(settings(server.url, context_tokens=2048, concurrency=1), None)
        ask(client)
    assert client.usage.context == 2048 and client.usage.slots == 1


def test_json_mode_is_asked_of_a_remote_server_and_not_of_one_on_this_machine_unless_configured():
    assert ChatClient(settings("https://api.deepseek.com/v1"), None).json_mode
    assert not ChatClient(settings("http://127.0.0.1:8080/v1"), None).json_mode
    assert not ChatClient(settings("https://api.deepseek.com/v1", json_mode=False), None).json_mode
    with FakeLLMServer(ScriptedModel()) as server:
        ask(ChatClient(settings(server.url), None), "第一个问题")
        ask(ChatClient(settings(server.url, json_mode=True), None), "第二个问题")
    assert [("response_format" in c.body) for c in server.calls] == [False, True]
