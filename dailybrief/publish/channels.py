"""The built-in channels, registered through the same hook a third-party channel plugin implements."""

from __future__ import annotations

from dailybrief.plugins.hookspecs import hookimpl
from dailybrief.publish.atom import Atom
from dailybrief.publish.channel import Channel
from dailybrief.publish.dingtalk import Dingtalk
from dailybrief.publish.docx import Docx
from dailybrief.publish.feishu import Feishu
from dailybrief.publish.mail import Email
from dailybrief.publish.webhook import Webhook
from dailybrief.publish.wechat_draft import WechatDraft
from dailybrief.publish.wecom import Wecom


@hookimpl
def dailybrief_publish_channels() -> dict[str, type[Channel]]:
    """Return the built-in channel types."""
    return {"email": Email, "wecom": Wecom, "dingtalk": Dingtalk, "feishu": Feishu, "webhook": Webhook,
            "wechat_draft": WechatDraft, "docx": Docx, "atom": Atom}
