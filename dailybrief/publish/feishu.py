r"""飞书 custom bot: rich-text (post) messages within a 20 KB request, 5 a second, signed when a secret is set.

Documented rules (飞书 自定义机器人使用指南): the message is `{"msg_type": "post", "content":
{"post": {"zh_cn": {"title", "content": [[elements]]}}}}` with `text` and `a` (link)
elements; a request body may not exceed 20 KB; a bot may send 100 messages a minute and 5 a
second (code 11232 when throttled); with 签名校验 the body carries `timestamp` (seconds) and
`sign` = base64(HMAC-SHA256(key = "{timestamp}\n{secret}", message = empty)), the timestamp
within an hour of the server's clock, else code 19021. Answers use `code`/`msg`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from dailybrief.config.delivery import FeishuChannel
from dailybrief.publish.channel import secret
from dailybrief.publish.message import Line
from dailybrief.publish.robot import Robot

BODY_LIMIT = 20 * 1024  # bytes of the whole request body
SIGNATURE_ROOM = 120  # bytes the timestamp and sign fields add to a body at sending time


def sign(secret_text: str, timestamp_s: int) -> str:
    """Return 飞书's signature for a timestamp in seconds."""
    key = f"{timestamp_s}\n{secret_text}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode("ascii")


def post_content(title: str, lines: Sequence[Line]) -> dict[str, Any]:
    """Return the post (rich text) of a message: one paragraph per line, links as `a` elements."""
    paragraphs = [[{"tag": "a", "text": line.text, "href": line.link} if line.link else
                   {"tag": "text", "text": line.text}] for line in lines]
    return {"post": {"zh_cn": {"title": title, "content": paragraphs}}}


class Feishu(Robot):
    """Post the brief to a 飞书 group."""

    settings_model = FeishuChannel
    platform = "飞书"
    limit = BODY_LIMIT - SIGNATURE_ROOM
    code_key = "code"
    message_key = "msg"
    too_fast: ClassVar[frozenset[int]] = frozenset({11232})

    def body(self, title: str, lines: Sequence[Line]) -> dict[str, Any]:
        """Return a post message request."""
        return {"msg_type": "post", "content": post_content(title, lines)}

    def measure(self, title: str, lines: Sequence[Line]) -> int:
        """Return the bytes of the whole request body (what the 20 KB limit counts)."""
        return len(json.dumps(self.body(title, lines), ensure_ascii=False, separators=(",", ":")).encode("utf-8"))

    def signed(self, body: dict[str, Any], url: str, env: Mapping[str, str]) -> tuple[str, dict[str, Any]]:
        """Add timestamp and sign to the body when a secret is configured."""
        if not self.settings.secret_env:
            return url, body
        stamp = int(time.time())
        return url, {"timestamp": str(stamp), "sign": sign(secret(env, self.settings.secret_env), stamp), **body}
