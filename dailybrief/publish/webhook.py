"""A signed JSON webhook: brief.json plus links to the files, POSTed to a URL of the user's own.

With `secret_env`, the header `X-Dailybrief-Signature: sha256=<hex>` carries the HMAC-SHA256
of the exact body bytes under the secret (the scheme GitHub's webhooks use), so the
receiver can check the body came from us and was not changed. Any 2xx answer is success;
the answer's `id` (JSON) or `X-Request-Id` header is recorded as the message id.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from dailybrief.config.delivery import WebhookChannel
from dailybrief.publish.channel import Channel, Outgoing, Receipt, SendContext, secret
from dailybrief.publish.http import client, json_bytes, post

if TYPE_CHECKING:
    from dailybrief.publish.package import BriefPackage
    from dailybrief.store.deliveries import Delivery

SIGNATURE_HEADER = "X-Dailybrief-Signature"


def signature(secret_text: str, body: bytes) -> str:
    """Return the signature header's value for a body."""
    return "sha256=" + hmac.new(secret_text.encode("utf-8"), body, hashlib.sha256).hexdigest()


class Webhook(Channel):
    """POST the brief as JSON to a webhook."""

    settings_model = WebhookChannel

    def secret_names(self) -> dict[str, str]:
        """Return the variables of the URL (when it is secret) and of the signing key."""
        return {key: getattr(self.settings, key) for key in ("url_env", "secret_env") if getattr(self.settings, key)}

    def render(self, package: BriefPackage, history: Sequence[Delivery], now: dt.datetime) -> list[Outgoing]:
        """Return the body: {"event", "revision", "brief": brief.json, "links": {html, pdf, json, markdown}}."""
        payload = {"event": "brief.published", "revision": package.revision, "sent_at": now.isoformat(),
                   "brief": package.data, "links": package.links(self.base_url())}
        return [Outgoing("body.json", json_bytes(payload), "application/json", "body")]

    def send(self, items: list[Outgoing], ctx: SendContext) -> Receipt:
        """POST the body once, signed when a secret is configured."""
        item = items[0]
        if item.key in ctx.done:
            return Receipt(None, "already delivered")
        url = self.settings.url or secret(ctx.env, self.settings.url_env)
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if self.settings.secret_env:
            headers[SIGNATURE_HEADER] = signature(secret(ctx.env, self.settings.secret_env), item.body)
        with client(self.settings.timeout_s) as http:
            response = post(http, url, content=item.body, headers=headers)
        ctx.mark(item.key, len(item.body))
        message_id = response.headers.get("x-request-id")
        try:
            answer = json.loads(response.content[:65536] or b"null")
            if isinstance(answer, dict) and isinstance(answer.get("id"), str | int):
                message_id = str(answer["id"])
        except (UnicodeDecodeError, json.JSONDecodeError):
            pass  # a 2xx without JSON is fine: the receiver said yes
        return Receipt(message_id, f"HTTP {response.status_code}")
