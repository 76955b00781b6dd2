"""What the three group-chat robots share: one message per part, paced to the platform's rate limit.

A subclass says how its platform formats and measures a message (`body`, `measure`,
`limit`), how a request is signed (`signed`) and which error codes mean "too fast" (retry
after a rate window) rather than a permanent refusal.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from dailybrief.publish.channel import Channel, DeliveryError, Outgoing, Receipt, SendContext, secret
from dailybrief.publish.http import Pacer, client, json_answer, json_bytes, post
from dailybrief.publish.message import Line, brief_message, split_lines

if TYPE_CHECKING:
    from dailybrief.publish.package import BriefPackage
    from dailybrief.store.deliveries import Delivery


class Robot(Channel):
    """A group-chat robot reached through a secret webhook URL."""

    platform: ClassVar[str]
    limit: ClassVar[int]
    code_key: ClassVar[str] = "errcode"
    message_key: ClassVar[str] = "errmsg"
    too_fast: ClassVar[frozenset[int]] = frozenset()
    busy: ClassVar[frozenset[int]] = frozenset({-1})  # -1: 系统繁忙, try again

    _pacer: Pacer | None = None

    def secret_names(self) -> dict[str, str]:
        """Return the webhook URL's variable, and the signing secret's when one is configured."""
        names = {"url_env": self.settings.url_env}
        if getattr(self.settings, "secret_env", None):
            names["secret_env"] = self.settings.secret_env
        return names

    def body(self, title: str, lines: Sequence[Line]) -> dict[str, Any]:
        """Return the request body of one message."""
        raise NotImplementedError

    def measure(self, title: str, lines: Sequence[Line]) -> int:
        """Return the size of one message in the unit `limit` counts."""
        raise NotImplementedError

    def signed(self, body: dict[str, Any], url: str, env: Mapping[str, str]) -> tuple[str, dict[str, Any]]:
        """Return the URL and body to send, signed when the platform and the settings ask for it."""
        return url, body

    def render(self, package: BriefPackage, history: Sequence[Delivery], now: dt.datetime) -> list[Outgoing]:
        """Return one JSON request per message part (unsigned: the signature depends on the sending time)."""
        message = brief_message(package, self.base_url())
        parts = split_lines(message, self.measure, self.limit, self.settings.max_messages)
        return [Outgoing(f"message-{n}.json", json_bytes(self.body(title, lines)), "application/json", f"part-{n}")
                for n, (title, lines) in enumerate(parts, 1)]

    def send(self, items: list[Outgoing], ctx: SendContext) -> Receipt:
        """Post each part not yet sent, pacing to the rate limit; an error answer stops with the platform's message."""
        url = secret(ctx.env, self.settings.url_env)
        if self._pacer is None:
            self._pacer = Pacer(self.settings.rate_limit, self.settings.rate_period_s, ctx.sleep)
        with client(self.settings.timeout_s) as http:
            for item in items:
                if item.key in ctx.done:
                    continue
                self._pacer.wait()
                target, body = self.signed(json.loads(item.body), url, ctx.env)
                content = json_bytes(body)
                answer = json_answer(post(http, target, content=content,
                                          headers={"Content-Type": "application/json; charset=utf-8"}), url)
                self.check(answer)
                ctx.mark(item.key, len(content))
        return Receipt(None, f"{len(items)} message{'s' if len(items) > 1 else ''}")

    def check(self, answer: dict[str, Any]) -> None:
        """Raise a DeliveryError with the platform's own code and message when the answer is not a success."""
        code = answer.get(self.code_key, answer.get("StatusCode"))
        if code in (0, None) and (self.code_key in answer or "StatusCode" in answer):
            return
        text = str(answer.get(self.message_key) or answer.get("StatusMessage") or "")[:300]
        if isinstance(code, int) and code in self.too_fast:
            raise DeliveryError(f"{self.platform} {self.code_key} {code}: {text} (rate limit: waiting one window)",
                                retryable=True, wait=self.settings.rate_period_s)
        raise DeliveryError(f"{self.platform} {self.code_key} {code}: {text}",
                            retryable=isinstance(code, int) and code in self.busy)
