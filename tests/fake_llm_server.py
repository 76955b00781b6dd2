"""A real HTTP server on loopback that speaks the OpenAI chat-completions protocol, for the LLM writer's tests.

`POST /v1/chat/completions` is answered by a `ScriptedModel`. Left alone it behaves like a
competent, obedient model: it reads the numbered evidence in the prompt and answers the JSON
the task asks for, using only that evidence. A test scripts deviations per task — an HTTP
error status, a `<think>` block, a code fence, broken or truncated JSON, English, an empty
answer, a slow answer, or an edit of the well-formed answer (a hallucinated number, an
evidence id that does not exist) — and reads back every request the server received.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TASKS = {"【任务：撰写章节】": "section", "【任务：撰写摘要】": "summary", "【任务：参考文献用途】": "references",
         "【任务：改写未通过核验的句子】": "rewrite", "【任务：修正回答】": "repair"}


@dataclass
class Reply:
    """One scripted answer. `content=None` means: the model's own answer (after any edit)."""

    content: str | None = None
    status: int = 200
    finish_reason: str = "stop"
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None  # a raw body instead of a chat completion (error pages, junk)
    usage: bool = True


@dataclass
class Call:
    """One request the server received."""

    body: dict[str, Any]
    headers: dict[str, str]

    @property
    def messages(self) -> list[dict[str, str]]:
        """Return the chat messages."""
        return list(self.body.get("messages", []))

    @property
    def prompt(self) -> str:
        """Return the last user message."""
        return next((m["content"] for m in reversed(self.messages) if m["role"] == "user"), "")

    @property
    def task(self) -> str:
        """Return the task the last user message asks for (section, summary, references, rewrite, repair)."""
        return task_of(self.prompt)

    @property
    def original_task(self) -> str:
        """Return the task of the first user message (what a repair request repairs)."""
        first = next((m["content"] for m in self.messages if m["role"] == "user"), "")
        return task_of(first)

    @property
    def max_tokens(self) -> int:
        """Return the output limit asked for."""
        return int(self.body.get("max_tokens", 0))


def task_of(text: str) -> str:
    """Return the task a prompt names by its first-line marker."""
    return next((task for marker, task in TASKS.items() if text.startswith(marker)), "unknown")


Script = Reply | Callable[[Call], Reply]
Edit = Callable[[dict[str, Any], Call], dict[str, Any]]
When = Callable[[Call], bool]


def always(_call: Call) -> bool:
    """Match every request."""
    return True


class FirstSection:
    """Matches the requests about one section: the first one whose section request it sees (repairs included).

    Sections are written concurrently, so "the next section request" may be any section's; a
    test that scripts a misbehaviour for one section uses this to follow that section's retries.
    """

    def __init__(self) -> None:
        self.key: tuple[str, str] | None = None

    def __call__(self, call: Call) -> bool:
        """Say whether a request is about the section this matcher follows."""
        first_user = next((m["content"] for m in call.messages if m["role"] == "user"), "")
        if task_of(first_user) != "section":
            return False
        key = (_field(first_user, "本节的主题词"), _field(first_user, "A1"))
        if self.key is None:
            self.key = key
        return key == self.key


class ScriptedModel:
    """Answers from the prompt's evidence like a careful model, except where a test scripts otherwise."""

    def __init__(self) -> None:
        self.scripts: list[tuple[str, When, Script]] = []
        self.edits: list[tuple[str, When, Edit, list[int]]] = []

    def script(self, task: str, *replies: Script, when: When = always) -> ScriptedModel:
        """Queue replies for a task (`any`: every task) among requests `when` matches; each is used once, in order."""
        self.scripts += [(task, when, r) for r in replies]
        return self

    def edit(self, task: str, change: Edit, times: int = 1, when: When = always) -> ScriptedModel:
        """Change the model's own JSON answer for a task, the next `times` matching times."""
        self.edits.append((task, when, change, [times]))
        return self

    def reply(self, call: Call) -> Reply:
        """Return the reply to a request: a scripted one, or the model's own answer."""
        for n, (task, when, scripted) in enumerate(self.scripts):
            if task in (call.task, "any") and when(call):
                del self.scripts[n]
                reply = scripted(call) if callable(scripted) else scripted
                if reply.content is None and reply.body is None and reply.status == 200:
                    reply.content = json.dumps(self.answer(call), ensure_ascii=False)
                return reply
        return Reply(json.dumps(self.answer(call), ensure_ascii=False))

    def answer(self, call: Call) -> dict[str, Any]:
        """Return the model's own answer as JSON data (with any pending edit applied)."""
        task = call.original_task if call.task == "repair" else call.task
        prompt = call.prompt if call.task != "repair" else next(m["content"] for m in call.messages
                                                                 if m["role"] == "user")
        data = {"section": section_answer, "summary": summary_answer, "references": references_answer,
                "rewrite": rewrite_answer}.get(task, lambda _p: {})(prompt)
        for task, when, change, left in self.edits:
            if task == call.task and left[0] > 0 and when(call):
                left[0] -= 1
                data = change(data, call)
        return data


# ---------------------------------------------------------------- the careful model's answers

_ITEM = re.compile(r"^(E\d+)（([^）]+)）(.*)$", re.M)
_HEADER = re.compile(r"^标题：(?P<title>.*)（(?P<who>[^（）]*?)(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日发布）$")


def _field(prompt: str, label: str) -> str:
    """Return the value of a `label：value` line of the prompt."""
    match = re.search(rf"^{label}：(.*)$", prompt, re.M)
    return match.group(1).strip() if match else ""


def evidence_items(prompt: str) -> list[tuple[str, str, str]]:
    """Return the prompt's evidence as (id, group, text)."""
    return [(m.group(1), m.group(2), m.group(3).strip()) for m in _ITEM.finditer(prompt)]


def lead(header: str) -> str:
    """Return a lead sentence (who published what, when) from an article's title line."""
    found = _HEADER.match(header)
    if found is None:
        return ""
    doc = re.search(r"《[^》]+》", found["title"])
    what = doc.group(0) if doc else f"《{found['title']}》"
    return f"{int(found['m'])}月{int(found['d'])}日，{found['who']}发布{what}。"


def section_answer(prompt: str) -> dict[str, Any]:
    """Write a section from the evidence: a lead naming who published what and when, facts, an interpretation."""
    items = evidence_items(prompt)
    label = _field(prompt, "本节的主题词") or "相关工作"
    facts: list[dict[str, Any]] = []
    header = next(((i, _HEADER.match(t)) for i, _g, t in items if _HEADER.match(t)), None)
    who = "有关方面"
    if header is not None and header[1] is not None:
        who = header[1]["who"]
        facts.append({"text": lead(header[1].group(0)), "evidence": [header[0]]})
    sentences = [(i, g, t) for i, g, t in items if not t.startswith("标题：")]
    first_group = sentences[0][1] if sentences else ""
    picked = [s for s in sentences if s[1] == first_group][:3] + [s for s in sentences if s[1] != first_group][:1]
    facts += [{"text": t, "evidence": [i]} for i, _g, t in picked]
    interpretation = [{"text": f"这表明，{label}相关工作正在加快推进，后续落地情况值得持续跟踪。",
                       "evidence": [picked[0][0]] if picked else []}]
    return {"heading": f"{who[:12]}部署新举措，{label}相关工作提速", "facts": facts, "interpretation": interpretation}


def summary_answer(prompt: str) -> dict[str, Any]:
    """Write the summary: the thread from the section headings, one clause per section, a judgement."""
    theme = _field(prompt, "简报主题") or "今日"
    headings = re.findall(r"^第(\d+)节标题：(.*)$", prompt, re.M)
    labels = []
    for _n, heading in headings:
        tail = heading.split("，", 1)[-1]
        label = re.sub(r"相关工作提速|顶层设计加码|地方落地提速|态势值得关注|工作持续推进", "", tail)[:6]
        labels.append(label if len(label) >= 2 else f"进展{len(labels) + 1}")
    sentences: list[dict[str, Any]] = [{"text": f"今日{theme}动态的主线，是{'—'.join(labels)}的协同推进。",
                                        "evidence": []}]
    seen = set()
    for ident, group, text in evidence_items(prompt):
        if group not in seen:
            seen.add(group)
            sentences.append({"text": text, "evidence": [ident]})
    sentences.append({"text": f"总体看，{theme}相关工作正从政策部署走向落地实施。", "evidence": []})
    return {"thread": labels, "sentences": sentences}


def references_answer(prompt: str) -> dict[str, Any]:
    """Say what each reference verifies, from the sentences that cite it."""
    out = []
    for ident, publisher in re.findall(r"^(R\d+)：([^，\n]+)，标题：", prompt, re.M):
        out.append({"id": ident, "verifies": f"用于核验{publisher}发布的相关事实"})
    return {"references": out}


def rewrite_answer(prompt: str) -> dict[str, Any]:
    """Rewrite each failing sentence as the first evidence sentence it cites (verbatim: always supported)."""
    evidence = {i: t for i, _g, t in evidence_items(prompt)}
    out: list[dict[str, Any]] = []
    for sid, rest in re.findall(r"^(S\d+)：.*\n\s*所引证据：([^；\n]*)", prompt, re.M):
        ids = [i for i in re.findall(r"E\d+", rest) if i in evidence]
        if ids:
            text = lead(evidence[ids[0]]) if evidence[ids[0]].startswith("标题：") else evidence[ids[0]]
            out.append({"id": sid, "text": text, "evidence": [ids[0]]})
    if re.search(r"^H（标题）：", prompt, re.M):
        out.append({"id": "H", "text": "相关部署持续推进，后续进展值得关注", "evidence": []})
    return {"sentences": out}


# ---------------------------------------------------------------- the server

class FakeLLMServer:
    """A chat-completions endpoint on 127.0.0.1 (a random port), answering with a ScriptedModel."""

    def __init__(self, model: ScriptedModel | None = None, api_key: str | None = None) -> None:
        self.model = model or ScriptedModel()
        self.api_key = api_key
        self.calls: list[Call] = []
        self.errors: list[str] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """Return the base_url to configure (…/v1)."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def tasks(self) -> list[str]:
        """Return the task of every request received, in order."""
        return [c.task for c in self.calls]

    def __enter__(self) -> FakeLLMServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()

    def _respond(self, call: Call) -> Reply:
        """Return the reply for a request (authentication first)."""
        if self.api_key is not None and call.headers.get("authorization") != f"Bearer {self.api_key}":
            presented = call.headers.get("authorization", "").removeprefix("Bearer ")
            # Like some real servers, echo what was presented: the client must not print it.
            return Reply(status=401, body=json.dumps({"error": {"message": f"Incorrect API key provided: {presented}",
                                                                "type": "invalid_request_error"}}))
        with self._lock:
            return self.model.reply(call)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        """Return the request handler class bound to this server."""
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                """Stay quiet."""

            def do_POST(self) -> None:
                """Answer a chat-completions request."""
                try:
                    length = int(self.headers.get("content-length", "0"))
                    body = json.loads(self.rfile.read(length) or b"{}")
                    if self.path.rstrip("/") != "/v1/chat/completions":
                        self._send(404, json.dumps({"error": {"message": f"no route {self.path}"}}), {})
                        return
                    call = Call(body, {k.lower(): v for k, v in self.headers.items()})
                    with outer._lock:
                        outer.calls.append(call)
                    reply = outer._respond(call)
                    if reply.delay and outer._stop.wait(reply.delay):
                        return
                    self._send(reply.status, _body(reply, call), reply.headers)
                except Exception as exc:
                    outer.errors.append(f"{type(exc).__name__}: {exc}")
                    raise

            def _send(self, status: int, text: str, headers: dict[str, str]) -> None:
                """Write a JSON response."""
                data = text.encode("utf-8")
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

        return Handler


def _body(reply: Reply, call: Call) -> str:
    """Return the response body: a raw one, or a chat completion carrying the reply's content."""
    if reply.body is not None:
        return reply.body
    if reply.status != 200:
        return json.dumps({"error": {"message": f"scripted status {reply.status}"}})
    content = reply.content or ""
    completion: dict[str, Any] = {
        "id": "chatcmpl-fake", "object": "chat.completion", "model": call.body.get("model", ""),
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                     "finish_reason": reply.finish_reason}],
    }
    if reply.usage:
        prompt = sum(len(m.get("content", "")) for m in call.messages)
        completion["usage"] = {"prompt_tokens": prompt, "completion_tokens": len(content),
                               "total_tokens": prompt + len(content)}
    return json.dumps(completion, ensure_ascii=False)
