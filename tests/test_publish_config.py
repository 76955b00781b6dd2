"""`[[publish]]` and `[schedule]` are checked like every table; a third-party channel is a plugin."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace
from typing import ClassVar

import pytest
from publishkit import brief_folder, config_with, make_brief
from pydantic import BaseModel, ConfigDict

from dailybrief.config import ConfigError, load_config
from dailybrief.plugins.hookspecs import hookimpl
from dailybrief.plugins.manager import plugin_manager
from dailybrief.publish.channel import Channel, DeliveryError, Outgoing, Receipt
from dailybrief.publish.package import load_package
from dailybrief.publish.runner import PublishConfigError, build_channels, deliver
from dailybrief.store.archive import Archive

HEAD = """
[brief]
title = "简报"
[theme]
name = "主题"
[[source]]
name = "本地"
url = "pages"
type = "dir"
level = "media"
"""


def error_of(tmp_path: Path, text: str) -> str:
    path = tmp_path / "brief.toml"
    path.write_text(HEAD + text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    return str(caught.value)


MAIL = '[[publish]]\nname = "mail"\ntype = "email"\nsmtp_host = "h"\nsender = "a@b.org"\n'


@pytest.mark.parametrize(("text", "expected"), [
    (MAIL + 'to = ["c@d.org"]\nsmtp_prot = 25\n',
     "publish[1] (mail).smtp_prot: unknown key (expected one of: name, enabled, base_url"),
    ('[[publish]]\nname = "mail"\nsmtp_host = "h"\n', "publish[1] (mail): missing required key 'type'"),
    ('[[publish]]\nname = "wx"\ntype = "wecom"\nurl_env = "https://qyapi.weixin.qq.com/x?key=abc"\n',
     "publish[1] (wx).url_env: expected the NAME of an environment variable"),
    ('[[publish]]\nname = "wx"\ntype = "wecom"\nurl_env = "A"\n'
     '[[publish]]\nname = "wx"\ntype = "feishu"\nurl_env = "B"\n',
     "publish[2].name: 'wx' is already the name of publish[1]"),
    ('[[publish]]\nname = "feed"\ntype = "atom"\npath = "feed.xml"\n',
     "publish[1] (feed).base_url: an Atom feed needs"),
    (MAIL + 'to = ["not an address"]\n', "publish[1] (mail).to: expected a mail address"),
    (MAIL + 'to = ["c@d.org"]\nusername = "u"\n', "publish[1] (mail): 'username' and 'password_env' go together"),
    ('[[publish]]\nname = "hook"\ntype = "webhook"\n', "publish[1] (hook): give exactly one of 'url' and 'url_env'"),
    ('[[publish]]\nname = "mp"\ntype = "wechat_draft"\nappid = "wx0123456789abcdef"\nsecret_env = "S"\n'
     'author = "一二三四五六七八九十一二三四五六七"\n', "publish[1] (mp).author"),
    ('[[publish]]\nname = "../x"\ntype = "wecom"\nurl_env = "A"\n', "publish[1] (../x).name"),
    ('[schedule]\npublish = "later"\n', "schedule.publish: input should be 'auto' or 'after_approval' (got 'later')"),
    ('[schedule]\nbase_url = "brief.example.org"\n', "schedule.base_url: expected an http(s):// URL"),
])
def test_a_mistake_is_one_line_naming_file_and_key(tmp_path, text, expected):
    message = error_of(tmp_path, text)
    assert message.startswith(f"{tmp_path / 'brief.toml'}: ") and "\n" not in message
    assert expected in message, message


def test_a_secret_pasted_into_an_env_key_is_not_repeated(tmp_path):
    text = '[[publish]]\nname = "d"\ntype = "dingtalk"\nurl_env = "U"\nsecret_env = "SECa1b2c3"\n'
    message = error_of(tmp_path, text)
    assert "SECa1b2c3" not in message and "secret_env" in message


class TeamsSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    name: str
    type: str
    enabled: bool = True
    room: str


class Teams(Channel):
    """A third-party channel: it validates its own keys and records what it was sent."""

    settings_model = TeamsSettings
    sent: ClassVar[list[str]] = []

    def render(self, package, history, now):
        return [Outgoing("card.txt", f"{self.settings.room}: {package.brief.title}".encode(), "text/plain", "card")]

    def send(self, items, ctx):
        if not Teams.sent:
            Teams.sent.append("")  # the first try fails as a network error would; the runner retries it
            raise DeliveryError("teams: connection reset", retryable=True, wait=0.01)
        Teams.sent.append(items[0].body.decode())
        ctx.mark("card", len(items[0].body))
        return Receipt("card-1")


@pytest.fixture
def teams_plugin():
    plugin = SimpleNamespace(dailybrief_publish_channels=hookimpl(lambda: {"teams": Teams}))
    plugin_manager().register(plugin, name="test-teams")
    yield
    plugin_manager().unregister(name="test-teams")


def test_a_plugin_channel_is_configured_and_delivered_like_a_built_in(tmp_path, teams_plugin):
    config = config_with(tmp_path, [{"name": "t", "type": "teams", "room": "综合组"}])
    folder = brief_folder(tmp_path, make_brief(1))
    with Archive(tmp_path / "a.db") as archive:
        report = deliver(config, archive, load_package(folder), build_channels(config), env={})
        (row,) = archive.deliveries(dt.date(2026, 6, 17).isoformat(), "新质生产力每日动态")
    assert report.ok and Teams.sent[-1] == "综合组: 新质生产力每日动态"
    assert (row.channel_type, row.status, row.message_id, row.attempts) == ("teams", "sent", "card-1", 2)


def test_a_plugin_channel_checks_its_own_keys(tmp_path, teams_plugin):
    config = config_with(tmp_path, [{"name": "t", "type": "teams", "rooom": "x"}])
    with pytest.raises(PublishConfigError, match=r"publish\[1\] \(t\)\.room: Field required"):
        build_channels(config)


def test_a_type_nobody_provides_is_named_before_anything_is_sent(tmp_path):
    config = config_with(tmp_path, [{"name": "t", "type": "teams", "room": "x"}])
    with pytest.raises(PublishConfigError, match=r"publish\[1\] \(t\)\.type: unknown channel type 'teams'"):
        build_channels(config)
