"""The `[[publish]]` channels and the `[schedule]` table of a config file (validated like every table).

Each channel type is a strict model (an unknown key is an error naming it); a `type` no
built-in knows is kept for an installed plugin to check. Secrets are never in the file:
`*_env` keys name the environment variables that hold them.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, field_validator, model_validator

ENV_NAME = r"[A-Z_][A-Z0-9_]{0,63}"
CHANNEL_NAME = r"^[^\s/\\.][^\s/\\]{0,63}$"  # also a folder name in the outbox: no slash, no leading dot


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def check_env_name(value: str | None) -> str | None:
    """Require a variable name; the message never repeats the value (it may be a pasted secret)."""
    if value is not None and not re.fullmatch(ENV_NAME, value):
        raise ValueError("expected the NAME of an environment variable holding the secret, such as "
                         "SMTP_PASSWORD (capitals, digits, _), never the secret itself")
    return value


def require_http_url(value: str | None, example: str) -> str | None:
    """Require an absolute http(s) URL (the message shows what one looks like)."""
    if value is not None and not re.match(r"^https?://[^\s/]+", value):
        raise ValueError(f"expected an http(s):// URL such as {example}, got {value!r}")
    return value


def check_base_url(value: str | None) -> str | None:
    """Require an http(s) URL: the folder that holds the brief folders, as readers reach it."""
    return require_http_url(value, "https://brief.example.org/briefs/")


class ChannelSettings(_Strict):
    """What every `[[publish]]` channel has: a unique name, links, and how hard to try."""

    name: str = Field(pattern=CHANNEL_NAME)
    enabled: bool = True
    base_url: str | None = None
    retries: Annotated[int, Field(ge=0, le=10)] = 3
    backoff_s: Annotated[float, Field(ge=0, le=600)] = 2.0
    timeout_s: Annotated[float, Field(gt=0, le=600)] = 20.0

    _base = field_validator("base_url")(check_base_url)


class EmailChannel(ChannelSettings):
    """`type = "email"`: the brief as an HTML mail with a text alternative and the PDF attached."""

    type: Literal["email"]
    smtp_host: str = Field(min_length=1)
    smtp_port: Annotated[int, Field(ge=1, le=65535)] | None = None
    security: Literal["none", "starttls", "ssl"] = "starttls"
    username: str | None = None
    password_env: str | None = None
    sender: str = Field(min_length=3)
    to: list[str] = Field(min_length=1)
    cc: list[str] = Field(default_factory=list)
    bcc: list[str] = Field(default_factory=list)
    subject: str = "{title} {date}"
    attach_pdf: bool = True

    _env = field_validator("password_env")(check_env_name)

    @field_validator("sender", "to", "cc", "bcc")
    @classmethod
    def _check_addresses(cls, value: str | list[str]) -> str | list[str]:
        """Require mail addresses (a display name is allowed: 简报 <brief@example.org>)."""
        from email.utils import parseaddr  # noqa: PLC0415 - only needed here

        for address in [value] if isinstance(value, str) else value:
            if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", parseaddr(address)[1]):
                raise ValueError(f"expected a mail address such as brief@example.org, got {address!r}")
        return value

    @model_validator(mode="after")
    def _check_login(self) -> EmailChannel:
        """Require the user name and the password variable together."""
        if (self.username is None) != (self.password_env is None):
            raise ValueError("'username' and 'password_env' go together (or leave both out for no login)")
        return self


class RobotChannel(ChannelSettings):
    """A group-chat robot: its webhook URL is a secret, and the platform limits how fast it may post."""

    url_env: str
    rate_limit: Annotated[int, Field(ge=1, le=1000)] = 20
    rate_period_s: Annotated[float, Field(gt=0, le=3600)] = 60.0
    max_messages: Annotated[int, Field(ge=1, le=20)] = 5

    _env = field_validator("url_env")(check_env_name)


class WecomChannel(RobotChannel):
    """`type = "wecom"`: a 企业微信 group robot (markdown messages)."""

    type: Literal["wecom"]


class DingtalkChannel(RobotChannel):
    """`type = "dingtalk"`: a 钉钉 custom robot, signed (加签) when `secret_env` is given."""

    type: Literal["dingtalk"]
    secret_env: str | None = None

    _secret = field_validator("secret_env")(check_env_name)


class FeishuChannel(RobotChannel):
    """`type = "feishu"`: a 飞书 custom bot (rich-text post), signed when `secret_env` is given."""

    type: Literal["feishu"]
    secret_env: str | None = None
    rate_limit: Annotated[int, Field(ge=1, le=1000)] = 5
    rate_period_s: Annotated[float, Field(gt=0, le=3600)] = 1.0

    _secret = field_validator("secret_env")(check_env_name)


class WebhookChannel(ChannelSettings):
    """`type = "webhook"`: brief.json plus links to the files, POSTed as JSON (HMAC-signed with `secret_env`)."""

    type: Literal["webhook"]
    url: str | None = None
    url_env: str | None = None
    secret_env: str | None = None

    _env = field_validator("url_env", "secret_env")(check_env_name)

    @field_validator("url")
    @classmethod
    def _check_target(cls, value: str | None) -> str | None:
        """Require an http(s) URL."""
        return require_http_url(value, "https://hooks.example.org/brief")

    @model_validator(mode="after")
    def _one_target(self) -> WebhookChannel:
        """Exactly one of url and url_env."""
        if (self.url is None) == (self.url_env is None):
            raise ValueError("give exactly one of 'url' and 'url_env'")
        return self


class WechatDraftChannel(ChannelSettings):
    """`type = "wechat_draft"`: an article in the 公众号 draft box (published only with `publish = true`)."""

    type: Literal["wechat_draft"]
    appid: str = Field(pattern=r"^wx[0-9a-zA-Z]{14,30}$")
    secret_env: str
    api_base: str = "https://api.weixin.qq.com"
    title: str = "{title}"
    author: str = Field(default="", max_length=16)  # the draft API's documented limit: 16 characters
    cover: str | None = None
    publish: bool = False
    open_comment: bool = False
    fans_only_comment: bool = False

    _env = field_validator("secret_env")(check_env_name)

    @field_validator("api_base")
    @classmethod
    def _check_api_base(cls, value: str) -> str:
        """Require an http(s) URL."""
        return str(require_http_url(value, "https://api.weixin.qq.com")).rstrip("/")


class DocxChannel(ChannelSettings):
    """`type = "docx"`: brief.docx (laid out like the PDF) written into the folder `path`."""

    type: Literal["docx"]
    path: str = Field(min_length=1)


class AtomChannel(ChannelSettings):
    """`type = "atom"`: an Atom feed of the last published briefs written to the file `path`."""

    type: Literal["atom"]
    path: str = Field(min_length=1)
    entries: Annotated[int, Field(ge=1, le=500)] = 30
    feed_title: str | None = None


class PluginChannel(BaseModel):
    """A `[[publish]]` table of a type an installed plugin provides; the plugin checks its other keys."""

    model_config = ConfigDict(extra="allow", strict=True, frozen=True)

    name: str = Field(pattern=CHANNEL_NAME)
    type: str = Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")
    enabled: bool = True


BUILTIN_CHANNELS: dict[str, type[ChannelSettings]] = {
    "email": EmailChannel, "wecom": WecomChannel, "dingtalk": DingtalkChannel, "feishu": FeishuChannel,
    "webhook": WebhookChannel, "wechat_draft": WechatDraftChannel, "docx": DocxChannel, "atom": AtomChannel,
}
PLUGIN_TAG = "plugin"


def _channel_tag(value: Any) -> str | None:
    """Pick the settings model of a `[[publish]]` table by its `type`; unknown types belong to plugins."""
    kind = value.get("type") if isinstance(value, dict) else getattr(value, "type", None)
    if not isinstance(kind, str):
        return None
    return kind if kind in BUILTIN_CHANNELS else PLUGIN_TAG


PublishSettings = Annotated[
    Annotated[EmailChannel, Tag("email")] | Annotated[WecomChannel, Tag("wecom")]
    | Annotated[DingtalkChannel, Tag("dingtalk")] | Annotated[FeishuChannel, Tag("feishu")]
    | Annotated[WebhookChannel, Tag("webhook")] | Annotated[WechatDraftChannel, Tag("wechat_draft")]
    | Annotated[DocxChannel, Tag("docx")] | Annotated[AtomChannel, Tag("atom")]
    | Annotated[PluginChannel, Tag(PLUGIN_TAG)],
    Discriminator(_channel_tag, custom_error_type="missing"),
]


class ScheduleSettings(_Strict):
    """The optional `[schedule]` table: what `dailybrief daily` does every morning."""

    publish: Literal["auto", "after_approval"] = "auto"
    out: str = Field(default="briefs", min_length=1)
    base_url: str | None = None

    _base = field_validator("base_url")(check_base_url)
