r"""钉钉 custom robot: markdown messages, 20 a minute, signed with 加签 when a secret is configured.

Documented rules (钉钉 自定义机器人 安全设置 / 消息类型): the message is `{"msgtype":
"markdown", "markdown": {"title", "text"}}`; with 加签 the request carries the query
parameters `timestamp` (milliseconds) and `sign` = URL-encoded base64(HMAC-SHA256(key =
secret, message = "{timestamp}\n{secret}")), and a timestamp more than an hour away from the
server's clock is refused; a wrong signature is errcode 310000; more than 20 messages a
minute is errcode 130101 and a 10-minute block. The markdown text has no documented
size limit: we keep each under 20,000 bytes, the limit 钉钉 puts on message content
elsewhere in its open platform.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar
from urllib.parse import quote_plus

from dailybrief.config.delivery import DingtalkChannel
from dailybrief.publish.channel import secret
from dailybrief.publish.message import Line, MarkdownStyle, markdown, markdown_text
from dailybrief.publish.robot import Robot

TEXT_LIMIT = 20_000  # bytes of markdown.text (our assumption; see the module docstring)


def sign(secret_text: str, timestamp_ms: int) -> str:
    """Return 钉钉's URL-encoded signature for a millisecond timestamp."""
    digest = hmac.new(secret_text.encode("utf-8"), f"{timestamp_ms}\n{secret_text}".encode(), hashlib.sha256)
    return quote_plus(base64.b64encode(digest.digest()).decode("ascii"))


# A heading, the summary quoted, a linked list of sections; 钉钉 needs blank lines between blocks.
STYLE = MarkdownStyle(title="#### {text}", linked="- [{text}]({link})", plain="- {text}", joiner="\n\n")


class Dingtalk(Robot):
    """Post the brief to a 钉钉 group."""

    settings_model = DingtalkChannel
    platform = "钉钉"
    limit = TEXT_LIMIT
    too_fast: ClassVar[frozenset[int]] = frozenset({130101})  # send too fast, exceed 20 times per minute

    def body(self, title: str, lines: Sequence[Line]) -> dict[str, Any]:
        """Return a markdown message request (the title is what the chat list shows)."""
        return {"msgtype": "markdown", "markdown": {"title": markdown_text(title)[:60],
                                                    "text": markdown(STYLE, title, lines)}}

    def measure(self, title: str, lines: Sequence[Line]) -> int:
        """Return the UTF-8 bytes of the markdown text."""
        return len(markdown(STYLE, title, lines).encode("utf-8"))

    def signed(self, body: dict[str, Any], url: str, env: Mapping[str, str]) -> tuple[str, dict[str, Any]]:
        """Append timestamp and sign to the webhook URL when a secret is configured."""
        if not self.settings.secret_env:
            return url, body
        stamp = int(time.time() * 1000)
        joiner = "&" if "?" in url else "?"
        return f"{url}{joiner}timestamp={stamp}&sign={sign(secret(env, self.settings.secret_env), stamp)}", body
