"""Loopback servers that behave like the platforms dailybrief delivers to (routes on a FaultyServer).

Each follows the platform's documented rules, and refuses what the platform refuses with
the platform's own error codes:
- 企业微信 group robot: markdown.content at most 4096 UTF-8 bytes (40058), `rate` messages per
  `period` (45009), an unknown key (93000);
- 钉钉 robot with 加签: `timestamp` (ms, within an hour) and `sign` = URL-encoded
  base64(HMAC-SHA256(secret, "{timestamp}\\n{secret}")) checked exactly (310000), rate (130101);
- 飞书 custom bot with 签名校验: body `timestamp` (s) and `sign` = base64(HMAC-SHA256(key =
  "{timestamp}\\n{secret}", empty message)) (19021), body at most 20 KB (9499), rate (11232);
- 公众号 API: stable_token, tokens that expire after a number of calls (42001), add_material
  and uploadimg (jpg/png, uploadimg under 1 MB: 40005/40009), draft/add with the title (45003),
  author (45110), digest (45004) and content (45002) limits, images only from uploaded URLs,
  thumb_media_id from add_material (40007), freepublish/submit;
- a webhook receiver that checks the X-Dailybrief-Signature HMAC.
Each server keeps what it accepted, so tests can assert on it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import threading
import time
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from faulty_server import Exchange, Route


def answer(ex: Exchange, data: dict[str, Any], status: int = 200) -> None:
    """Send a JSON answer."""
    ex.respond(status, json.dumps(data, ensure_ascii=False).encode(), {"Content-Type": "application/json"})


def query(ex: Exchange) -> dict[str, str]:
    """Return the request's query parameters (first values)."""
    return {k: v[0] for k, v in parse_qs(urlsplit(ex.hit.path).query).items()}


@dataclass
class Robot:
    """What a robot server accepted, and its limits."""

    rate: int = 20
    period: float = 60.0
    accepted: list[dict[str, Any]] = field(default_factory=list)
    refused: list[int] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    forced: list[int] = field(default_factory=list)  # error codes to answer first, one per request
    lock: threading.Lock = field(default_factory=threading.Lock)

    def too_fast(self) -> bool:
        """Say whether one more message now would exceed `rate` per `period`."""
        now = time.monotonic()
        with self.lock:
            recent = [t for t in self.times if now - t < self.period]
            if len(recent) >= self.rate:
                return True
            self.times.append(now)
        return False

    def take_forced(self) -> int | None:
        """Return the next scripted error code, if any."""
        with self.lock:
            return self.forced.pop(0) if self.forced else None


def wecom(robot: Robot, key: str) -> Route:
    """A 企业微信 group robot at /cgi-bin/webhook/send?key=KEY."""
    def route(ex: Exchange) -> None:
        code = robot.take_forced()
        if code is not None:
            robot.refused.append(code)
            answer(ex, {"errcode": code, "errmsg": "api freq out of limit" if code == 45009 else "scripted"})
            return
        if query(ex).get("key") != key:
            answer(ex, {"errcode": 93000, "errmsg": "invalid webhook url"})
            return
        body = json.loads(ex.hit.body)
        content = body.get("markdown", {}).get("content", "")
        if body.get("msgtype") != "markdown" or not content:
            answer(ex, {"errcode": 40008, "errmsg": "invalid message type"})
        elif len(content.encode("utf-8")) > 4096:
            robot.refused.append(40058)
            answer(ex, {"errcode": 40058, "errmsg": "markdown.content exceed max length 4096"})
        elif robot.too_fast():
            robot.refused.append(45009)
            answer(ex, {"errcode": 45009, "errmsg": "api freq out of limit"})
        else:
            robot.accepted.append(body)
            answer(ex, {"errcode": 0, "errmsg": "ok"})
    return route


def dingtalk_sign(secret: str, timestamp: str) -> str:
    """Return the signature 钉钉 expects (before URL encoding)."""
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def dingtalk(robot: Robot, token: str, secret: str) -> Route:
    """A 钉钉 custom robot with 加签 at /robot/send?access_token=TOKEN&timestamp=..&sign=.."""
    def route(ex: Exchange) -> None:
        raw = urlsplit(ex.hit.path).query
        params = dict(part.split("=", 1) for part in raw.split("&") if "=" in part)
        if params.get("access_token") != token:
            answer(ex, {"errcode": 300001, "errmsg": "token is not exist"})
            return
        stamp = params.get("timestamp", "")
        fresh = stamp.isdigit() and abs(time.time() * 1000 - int(stamp)) < 3600 * 1000
        if not fresh or unquote(params.get("sign", "")) != dingtalk_sign(secret, stamp):
            robot.refused.append(310000)
            answer(ex, {"errcode": 310000, "errmsg": "sign not match"})
            return
        body = json.loads(ex.hit.body)
        if body.get("msgtype") != "markdown" or not body["markdown"].get("title") or not body["markdown"].get("text"):
            answer(ex, {"errcode": 40035, "errmsg": "缺少参数 markdown"})
        elif robot.too_fast():
            robot.refused.append(130101)
            answer(ex, {"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"})
        else:
            robot.accepted.append(body)
            answer(ex, {"errcode": 0, "errmsg": "ok"})
    return route


def feishu_sign(secret: str, timestamp: str) -> str:
    """Return the signature 飞书 expects."""
    return base64.b64encode(hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256).digest()).decode()


def feishu(robot: Robot, secret: str) -> Route:
    """A 飞书 custom bot with 签名校验 at /open-apis/bot/v2/hook/ID."""
    def route(ex: Exchange) -> None:
        if len(ex.hit.body) > 20 * 1024:
            robot.refused.append(9499)
            answer(ex, {"code": 9499, "msg": "Bad Request", "data": {}})
            return
        body = json.loads(ex.hit.body)
        stamp = str(body.get("timestamp", ""))
        fresh = stamp.isdigit() and abs(time.time() - int(stamp)) < 3600
        if not fresh or body.get("sign") != feishu_sign(secret, stamp):
            robot.refused.append(19021)
            answer(ex, {"code": 19021, "msg": "sign match fail or timestamp is not within one hour from current time"})
        elif body.get("msg_type") != "post":
            answer(ex, {"code": 9499, "msg": "Bad Request", "data": {}})
        elif robot.too_fast():
            robot.refused.append(11232)
            answer(ex, {"code": 11232, "msg": "frequency limited"})
        else:
            robot.accepted.append(body)
            answer(ex, {"code": 0, "msg": "success", "data": {}})
    return route


@dataclass
class Receiver:
    """What a webhook receiver accepted."""

    secret: str
    accepted: list[bytes] = field(default_factory=list)
    bad_signatures: int = 0


def webhook(receiver: Receiver) -> Route:
    """A webhook receiver that checks X-Dailybrief-Signature and answers {"id": ...}."""
    def route(ex: Exchange) -> None:
        expected = "sha256=" + hmac.new(receiver.secret.encode(), ex.hit.body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(ex.header("X-Dailybrief-Signature") or "", expected):
            receiver.bad_signatures += 1
            answer(ex, {"error": "bad signature"}, status=401)
            return
        receiver.accepted.append(ex.hit.body)
        answer(ex, {"id": f"evt-{len(receiver.accepted)}"}, status=202)
    return route


# --- 公众号 -----------------------------------------------------------------------------------

@dataclass
class Wechat:
    """The 公众号 API's state: tokens, uploads and drafts; `token_uses` calls before a token expires."""

    appid: str
    secret: str
    token_uses: int = 1000
    tokens_issued: int = 0
    token: str = ""
    uses: int = 0
    expired: list[str] = field(default_factory=list)
    materials: dict[str, bytes] = field(default_factory=dict)
    images: dict[str, bytes] = field(default_factory=dict)
    drafts: dict[str, dict[str, Any]] = field(default_factory=dict)
    published: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def check_token(self, ex: Exchange) -> bool:
        """Answer 42001/40001 and return False when the call's token is not the live one."""
        given = query(ex).get("access_token", "")
        with self.lock:
            if given and given == self.token and self.uses < self.token_uses:
                self.uses += 1
                return True
            if given == self.token:
                self.expired.append(given)
        answer(ex, {"errcode": 42001, "errmsg": "access_token expired"} if given in self.expired
               else {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid or not latest"})
        return False


def _media(ex: Exchange) -> tuple[bytes, str] | None:
    """Return (bytes, filename) of the form-data field `media`."""
    head = f"Content-Type: {ex.header('Content-Type')}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + ex.hit.body)
    for part in message.iter_parts():
        if part.get_param("name", header="content-disposition") == "media":
            return part.get_payload(decode=True), part.get_filename() or ""
    return None


def _image_ok(data: bytes) -> bool:
    return data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"))


def wechat_routes(state: Wechat, base: str) -> dict[str, Route]:
    """Return the 公众号 API routes (mount on a FaultyServer; `base` is its URL, for image URLs)."""
    def stable_token(ex: Exchange) -> None:
        body = json.loads(ex.hit.body)
        if body.get("appid") != state.appid:
            answer(ex, {"errcode": 40013, "errmsg": "invalid appid"})
        elif body.get("secret") != state.secret:
            answer(ex, {"errcode": 40125, "errmsg": "invalid appsecret"})
        else:
            with state.lock:
                if not state.token or state.uses >= state.token_uses or state.token in state.expired:
                    state.tokens_issued += 1
                    state.token, state.uses = f"TOKEN{state.tokens_issued}", 0
            answer(ex, {"access_token": state.token, "expires_in": 7200})

    def add_material(ex: Exchange) -> None:
        if not state.check_token(ex):
            return
        media = _media(ex)
        if query(ex).get("type") != "image" or media is None or not _image_ok(media[0]):
            answer(ex, {"errcode": 40005, "errmsg": "invalid file type"})
            return
        media_id = f"THUMB{len(state.materials) + 1}"
        state.materials[media_id] = media[0]
        answer(ex, {"media_id": media_id, "url": f"{base}/mmbiz/{media_id}"})

    def uploadimg(ex: Exchange) -> None:
        if not state.check_token(ex):
            return
        media = _media(ex)
        if media is None or not _image_ok(media[0]):
            answer(ex, {"errcode": 40005, "errmsg": "invalid file type"})
        elif len(media[0]) >= 1024 * 1024:
            answer(ex, {"errcode": 40009, "errmsg": "invalid image size"})
        else:
            url = f"http://mmbiz.qpic.cn/mmbiz_png/IMG{len(state.images) + 1}/0?wx_fmt=png"
            state.images[url] = media[0]
            answer(ex, {"url": url, "errcode": 0, "errmsg": "ok"})

    def draft_add(ex: Exchange) -> None:
        if not state.check_token(ex):
            return
        article = json.loads(ex.hit.body)["articles"][0]
        content = article.get("content", "")
        limits = [("title", 32, 45003, "title size out of limit"), ("author", 16, 45110, "author size out of limit"),
                  ("digest", 128, 45004, "description size out of limit")]
        for key, most, code, message in limits:
            if len(article.get(key, "")) > most:
                answer(ex, {"errcode": code, "errmsg": message})
                return
        if len(content) >= 20000 or len(content.encode()) >= 1_000_000:
            answer(ex, {"errcode": 45002, "errmsg": "content size out of limit"})
        elif article.get("thumb_media_id") not in state.materials:
            answer(ex, {"errcode": 40007, "errmsg": "invalid media_id"})
        elif any(src not in state.images for src in re.findall(r'<img[^>]*src="([^"]*)"', content)):
            answer(ex, {"errcode": 40007, "errmsg": "image not uploaded through uploadimg"})
        else:
            media_id = f"DRAFT{len(state.drafts) + 1}"
            state.drafts[media_id] = article
            answer(ex, {"media_id": media_id})

    def submit(ex: Exchange) -> None:
        if not state.check_token(ex):
            return
        media_id = json.loads(ex.hit.body).get("media_id")
        if media_id not in state.drafts:
            answer(ex, {"errcode": 40007, "errmsg": "invalid media_id"})
            return
        state.published.append(media_id)
        answer(ex, {"errcode": 0, "errmsg": "ok", "publish_id": f"PUB{len(state.published)}"})

    return {"/cgi-bin/stable_token": stable_token, "/cgi-bin/material/add_material": add_material,
            "/cgi-bin/media/uploadimg": uploadimg, "/cgi-bin/draft/add": draft_add,
            "/cgi-bin/freepublish/submit": submit}
