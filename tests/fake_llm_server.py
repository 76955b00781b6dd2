"""A real HTTP server on loopback that speaks the OpenAI chat-completions protocol, for the LLM writer's tests.

`POST /v1/chat/completions` is answered by a `ScriptedModel`, streamed as server-sent events
when the request asks for `"stream": true` (as the client does), in one JSON body otherwise.
Left alone the model behaves like a competent, obedient model: it reads the numbered evidence
in the prompt and answers the JSON the task asks for, using only that evidence. A test scripts
deviations per task — an HTTP error status, a `<think>` block, a code fence, broken or truncated
JSON, English, an empty answer, a slow first token, a pause mid-answer, a stream that ends
without a finish_reason or whose connection drops, a server that stops — or an edit of the
well-formed answer (a hallucinated number, an evidence id that does not exist), and reads back
every request the server received.

The server itself can act like real ones: `slots`/`context` answer llama.cpp's `GET /props`
(otherwise it reports nothing, like llama-cpp-python's server); `serial` serves one request at
a time (the others wait in silence, like a one-slot server); `interrupting` ends the answer
being streamed when another request arrives (what llama-cpp-python's server does by default).
"""

from __future__ import annotations

import json
import re
import threading
import time
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
    delay: float = 0.0  # silence before the answer starts (before the headers)
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None  # a raw body instead of a chat completion (error pages, junk)
    usage: bool = True
    token_delay: float = 0.0  # between streamed pieces: a slow answer that keeps arriving
    pause: tuple[int, float] | None = None  # (after N pieces, seconds of silence) mid-answer
    end_after: int | None = None  # [DONE] after N pieces, without a finish_reason (an interrupted stream)
    cut_after: int | None = None  # close the connection after N pieces (a server that died mid-answer)
    error_after: int | None = None  # an error object instead of piece N (a server that failed mid-answer)
    stop_server: bool = False  # after this reply the server stops: every later request is refused
    pings: float = 0.0  # a keep-alive comment every this many seconds while silent


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
        key = (_field(first_user, "本节的主题词"), next(iter(evidence_items(first_user)), ("", "", ""))[2])
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
        if task == "rewrite":  # a rewrite continues the conversation: its evidence is in the first request
            prompt = "\n".join(m["content"] for m in call.messages if m["role"] == "user")
        data = {"section": section_answer, "summary": summary_answer, "references": references_answer,
                "rewrite": rewrite_answer}.get(task, lambda _p: {})(prompt)
        for task, when, change, left in self.edits:
            if task == call.task and left[0] > 0 and when(call):
                left[0] -= 1
                data = change(data, call)
        return data


# ---------------------------------------------------------------- the careful model's answers

_ITEM = re.compile(r"^(E\d+)（([^）]+)）(.*)$", re.M)
_LEAD_ACTOR = re.compile(r"^(?:\d{1,2}月\d{1,2}日，)?(?:据)?([^，《]{2,20}?)(?:印发|发布|出台|公布|报道|举办|启动)")
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
    given = next(((i, t) for i, g, t in items if g.endswith("导语")), None)
    who = "有关方面"
    if given is not None:
        found = _LEAD_ACTOR.match(given[1])
        who = found.group(1).split("等")[0] if found else who
    elif header is not None and header[1] is not None:
        who = header[1]["who"]
    if given is not None:  # the lead the prompt offers, copied as asked
        facts.append({"text": given[1], "evidence": [given[0]]})
    elif header is not None and header[1] is not None:
        facts.append({"text": lead(header[1].group(0)), "evidence": [header[0]]})
    sentences = [(i, g, t) for i, g, t in items if not t.startswith("标题：") and not g.endswith("导语")]
    first_group = sentences[0][1] if sentences else ""
    most = int(_field(prompt, "- facts").partition("两到")[2][:1] or 4)  # the prompt says how many: obeyed
    picked = [s for s in sentences if s[1] == first_group][:most - 2] + \
        [s for s in sentences if s[1] != first_group][:1]
    facts += [{"text": t, "evidence": [i]} for i, _g, t in picked]
    # Distinct per section: the same sentence in every section is a near-duplicate the writer leaves out.
    interpretation = [{"text": f"这表明，{who[:12]}围绕{label}的部署进入落实阶段。",
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

PIECE_CHARS = 6  # characters per streamed piece (real servers stream about one token at a time)


class FakeLLMServer:
    """A chat-completions endpoint on 127.0.0.1 (a random port), answering with a ScriptedModel."""

    def __init__(self, model: ScriptedModel | None = None, api_key: str | None = None, *,
                 slots: int | None = None, context: int | None = None, serial: bool = False,
                 interrupting: bool = False) -> None:
        self.model = model or ScriptedModel()
        self.api_key = api_key
        self.slots = slots
        self.context = context
        self.calls: list[Call] = []
        self.probes: list[str] = []
        self.errors: list[str] = []
        self.interrupted = 0
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._serial = threading.Lock() if serial or interrupting else None
        self._interrupting = interrupting
        self._current: threading.Event | None = None  # set to end the answer being streamed
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._stopped = False

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
        self.stop()

    def stop(self) -> None:
        """Stop serving and close the port: later connections are refused (a model server that went away)."""
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
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

    def _probe(self, path: str) -> tuple[int, str]:
        """Answer a GET: /props when the server reports slots or context, /v1/models always."""
        self.probes.append(path)
        if path == "/props" and (self.slots or self.context):
            props: dict[str, Any] = {"default_generation_settings": {"n_ctx": self.context}}
            if self.slots:
                props["total_slots"] = self.slots
            return 200, json.dumps(props)
        if path == "/v1/models":
            return 200, json.dumps({"object": "list", "data": [{"id": "fake-chat", "object": "model"}]})
        return 404, json.dumps({"error": {"message": f"no route {path}"}})

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        """Return the request handler class bound to this server."""
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                """Stay quiet."""

            def do_GET(self) -> None:
                """Answer a probe."""
                status, text = outer._probe(self.path.rstrip("/"))
                self._send(status, text, {})

            def do_POST(self) -> None:
                """Answer a chat-completions request (one at a time when the server is serial)."""
                try:
                    length = int(self.headers.get("content-length", "0"))
                    body = json.loads(self.rfile.read(length) or b"{}")
                    if self.path.rstrip("/") != "/v1/chat/completions":
                        self._send(404, json.dumps({"error": {"message": f"no route {self.path}"}}), {})
                        return
                    call = Call(body, {k.lower(): v for k, v in self.headers.items()})
                    with outer._lock:
                        outer.calls.append(call)
                        if outer._interrupting and outer._current is not None:
                            outer._current.set()  # llama-cpp-python ends the answer being streamed
                    if outer._serial is None:
                        self._answer(call)
                        return
                    with outer._serial:
                        self._answer(call)
                except Exception as exc:
                    outer.errors.append(f"{type(exc).__name__}: {exc}")
                    raise

            def _answer(self, call: Call) -> None:
                """Send the scripted reply: streamed when asked, else in one piece."""
                reply = outer._respond(call)
                if reply.delay and outer._stop.wait(reply.delay):
                    return
                if reply.status == 200 and reply.body is None and call.body.get("stream"):
                    self._stream(reply, call)
                else:
                    self._send(reply.status, _body(reply, call), reply.headers)
                if reply.stop_server:
                    threading.Thread(target=outer.stop, daemon=True).start()

            def _stream(self, reply: Reply, call: Call) -> None:
                """Stream the reply's content as chat-completion chunks, misbehaving as scripted."""
                ended = threading.Event()
                with outer._lock:
                    outer._current = ended
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "text/event-stream; charset=utf-8")
                    self.send_header("Connection", "close")
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self._pieces(reply, call, ended)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a silence test)
                finally:
                    with outer._lock:
                        if outer._current is ended:
                            outer._current = None
                self.close_connection = True

            def _pieces(self, reply: Reply, call: Call, ended: threading.Event) -> None:
                """Write the pieces, then the finish chunk and [DONE] (unless scripted otherwise)."""
                content = reply.content or ""
                pieces = [content[i:i + PIECE_CHARS] for i in range(0, len(content), PIECE_CHARS)]
                self._event({"choices": [{"index": 0, "delta": {"role": "assistant"}, "finish_reason": None}]})
                for n, piece in enumerate(pieces):
                    if ended.is_set():
                        outer.interrupted += 1
                        self._line("data: [DONE]")
                        return
                    if reply.cut_after is not None and n >= reply.cut_after:
                        self.connection.shutdown(2)  # a dropped connection: no [DONE], no finish
                        return
                    if reply.error_after is not None and n >= reply.error_after:
                        self._line('data: {"error": {"message": "out of memory while decoding", "code": 500}}')
                        return
                    if reply.end_after is not None and n >= reply.end_after:
                        self._line("data: [DONE]")
                        return
                    if reply.pause is not None and n == reply.pause[0]:
                        self._silence(reply.pause[1], reply.pings)
                    if reply.token_delay and outer._stop.wait(reply.token_delay):
                        return
                    self._event({"choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]})
                final: dict[str, Any] = {"choices": [{"index": 0, "delta": {}, "finish_reason": reply.finish_reason}]}
                if reply.usage:
                    final["usage"] = _usage(call, content)
                self._event(final)
                self._line("data: [DONE]")

            def _silence(self, seconds: float, pings: float) -> None:
                """Send nothing but keep-alive comments (if any) for a while."""
                until = time.monotonic() + seconds
                while (left := until - time.monotonic()) > 0:
                    if outer._stop.wait(min(left, pings or left)):
                        return
                    if pings and until - time.monotonic() > 0:
                        self._line(": ping")

            def _event(self, data: dict[str, Any]) -> None:
                """Write one data line."""
                data = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", **data}
                self._line("data: " + json.dumps(data, ensure_ascii=False))

            def _line(self, text: str) -> None:
                """Write one line of the event stream and a blank line, and flush."""
                self.wfile.write((text + "\n\n").encode("utf-8"))
                self.wfile.flush()

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


def _usage(call: Call, content: str) -> dict[str, int]:
    """Return the usage object: the prompt's and the answer's characters stand in for tokens."""
    prompt = sum(len(m.get("content", "")) for m in call.messages)
    return {"prompt_tokens": prompt, "completion_tokens": len(content), "total_tokens": prompt + len(content)}


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
        completion["usage"] = _usage(call, content)
    return json.dumps(completion, ensure_ascii=False)
