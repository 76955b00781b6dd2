"""企业微信 group robot: markdown messages of at most 4096 bytes, 20 a minute.

Documented rules (企业微信 群机器人配置说明): the message is `{"msgtype": "markdown",
"markdown": {"content": ...}}`; `content` is UTF-8 and at most 4096 bytes (errcode 40058
beyond); each robot may send 20 messages a minute (errcode 45009 beyond). The webhook URL
holds the robot's key, so it lives in the variable `url_env` names.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from dailybrief.config.delivery import WecomChannel
from dailybrief.publish.message import Line, MarkdownStyle, markdown
from dailybrief.publish.robot import Robot

CONTENT_LIMIT = 4096  # bytes of markdown.content


STYLE = MarkdownStyle(title="**{text}**")  # the title in bold, the summary quoted, one linked line a section


class Wecom(Robot):
    """Post the brief to a 企业微信 group."""

    settings_model = WecomChannel
    platform = "企业微信"
    limit = CONTENT_LIMIT
    too_fast: ClassVar[frozenset[int]] = frozenset({45009})  # api freq out of limit

    def body(self, title: str, lines: Sequence[Line]) -> dict[str, Any]:
        """Return a markdown message request."""
        return {"msgtype": "markdown", "markdown": {"content": markdown(STYLE, title, lines)}}

    def measure(self, title: str, lines: Sequence[Line]) -> int:
        """Return the UTF-8 bytes of the markdown content (what the 4096 limit counts)."""
        return len(markdown(STYLE, title, lines).encode("utf-8"))
