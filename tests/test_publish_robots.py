"""The chat robots against loopback servers that behave like 企业微信, 钉钉 and 飞书 (tests/platforms.py)."""

from __future__ import annotations

import json
import re

import pytest
from faulty_server import FaultyServer
from platforms import Receiver, Robot, dingtalk, feishu, webhook, wecom
from publishkit import BASE_URL, brief_folder, config_with, make_brief

from dailybrief.publish.package import load_package
from dailybrief.publish.runner import build_channels, deliver
from dailybrief.store.archive import Archive

FAST = {"retries": 2, "backoff_s": 0.01, "timeout_s": 5}


def run(tmp_path, server, channels, env, *, sections=3, padding=0, heading_padding=0, force=False):
    config = config_with(tmp_path, channels, {"base_url": BASE_URL})
    folder = brief_folder(tmp_path / "briefs", make_brief(sections, padding=padding, heading_padding=heading_padding))
    with Archive(tmp_path / "a.db") as archive:
        report = deliver(config, archive, load_package(folder), build_channels(config), env=env, force=force)
    return report, folder


def test_wecom_gets_the_summary_and_one_linked_line_per_section(tmp_path, faulty_server: FaultyServer):
    robot = Robot()
    faulty_server["/cgi-bin/webhook/send"] = wecom(robot, "KEY1")
    env = {"WECOM_URL": faulty_server.url("/cgi-bin/webhook/send?key=KEY1")}
    report, folder = run(tmp_path, faulty_server, [{"name": "wx", "type": "wecom", "url_env": "WECOM_URL", **FAST}],
                         env)
    assert report.ok, report.results
    assert len(robot.accepted) == 1
    content = robot.accepted[0]["markdown"]["content"]
    assert "今日动态的主线" in content
    for n, numeral in enumerate("一二三", 1):
        assert f"[{numeral}、第{n}项工作推进，意味着第{n}条主线]({BASE_URL}{folder.name}/brief.html#s{n})" in content
    assert f"({BASE_URL}{folder.name}/brief.html)" in content


def test_wecom_splits_a_long_brief_under_4096_bytes_and_paces_to_the_rate_limit(tmp_path, faulty_server):
    robot = Robot(rate=2, period=1.0)
    faulty_server["/cgi-bin/webhook/send"] = wecom(robot, "KEY1")
    env = {"WECOM_URL": faulty_server.url("/cgi-bin/webhook/send?key=KEY1")}
    channel = {"name": "wx", "type": "wecom", "url_env": "WECOM_URL", "rate_limit": 2, "rate_period_s": 1.0,
               "max_messages": 10, **FAST}
    report, _folder = run(tmp_path, faulty_server, [channel], env, sections=80)
    assert report.ok, report.results
    assert robot.refused == []  # paced: the server never had to say 45009
    assert len(robot.accepted) >= 2
    contents = [m["markdown"]["content"] for m in robot.accepted]
    assert all(len(c.encode()) <= 4096 for c in contents)
    assert "八十、第80项工作推进" in "".join(contents)
    assert re.search(r"（1/\d+）", contents[0]) and re.search(rf"（{len(contents)}/{len(contents)}）", contents[-1])
    hits = [h.at for h in faulty_server.requests("/cgi-bin/webhook/send")]
    assert all(later - earlier >= 0.99 for earlier, later in zip(hits, hits[2:], strict=False))


def test_a_brief_too_long_for_max_messages_is_trimmed_with_a_link_to_the_full_brief(tmp_path, faulty_server):
    robot = Robot()
    faulty_server["/cgi-bin/webhook/send"] = wecom(robot, "KEY1")
    env = {"WECOM_URL": faulty_server.url("/cgi-bin/webhook/send?key=KEY1")}
    channel = {"name": "wx", "type": "wecom", "url_env": "WECOM_URL", "max_messages": 1, **FAST}
    report, folder = run(tmp_path, faulty_server, [channel], env, sections=40)
    assert report.ok
    (message,) = robot.accepted
    content = message["markdown"]["content"]
    assert len(content.encode()) <= 4096
    left = re.search(r"篇幅所限，其余 (\d+) 节未列出，见全文\]\((\S+)\)", content)
    assert left and left.group(2) == f"{BASE_URL}{folder.name}/brief.html"
    shown = len(re.findall(r"、第\d+项工作推进", content))
    assert shown + int(left.group(1)) == 40


def test_wecom_rate_limit_answer_45009_is_waited_out_and_retried(tmp_path, faulty_server):
    robot = Robot(forced=[45009])
    faulty_server["/cgi-bin/webhook/send"] = wecom(robot, "KEY1")
    env = {"WECOM_URL": faulty_server.url("/cgi-bin/webhook/send?key=KEY1")}
    channel = {"name": "wx", "type": "wecom", "url_env": "WECOM_URL", "rate_period_s": 0.2, **FAST}
    report, _folder = run(tmp_path, faulty_server, [channel], env)
    (result,) = report.results
    assert result.status == "sent" and result.attempts == 2
    assert robot.refused == [45009] and len(robot.accepted) == 1


def test_wecom_rate_limit_that_never_ends_fails_with_the_platform_message(tmp_path, faulty_server):
    robot = Robot(forced=[45009] * 5)
    faulty_server["/cgi-bin/webhook/send"] = wecom(robot, "KEY1")
    env = {"WECOM_URL": faulty_server.url("/cgi-bin/webhook/send?key=KEY1")}
    channel = {"name": "wx", "type": "wecom", "url_env": "WECOM_URL", "rate_period_s": 0.05, **FAST}
    report, _folder = run(tmp_path, faulty_server, [channel], env)
    (result,) = report.results
    assert result.status == "failed" and result.attempts == 3
    assert "45009" in result.detail and "api freq out of limit" in result.detail
    assert "KEY1" not in result.detail  # the webhook's key is a secret


def test_dingtalk_signature_is_what_the_platform_checks(tmp_path, faulty_server):
    robot = Robot()
    faulty_server["/robot/send"] = dingtalk(robot, "TOKEN", "SECabc")
    env = {"DING_URL": faulty_server.url("/robot/send?access_token=TOKEN"), "DING_SECRET": "SECabc"}
    channel = {"name": "dd", "type": "dingtalk", "url_env": "DING_URL", "secret_env": "DING_SECRET", **FAST}
    report, folder = run(tmp_path, faulty_server, [channel], env)
    assert report.ok, report.results
    (message,) = robot.accepted
    assert message["markdown"]["title"].startswith("新质生产力每日动态")
    line = f"- [一、第1项工作推进，意味着第1条主线]({BASE_URL}{folder.name}/brief.html#s1)"
    assert line in message["markdown"]["text"]


def test_dingtalk_bad_signature_310000_fails_that_channel_without_retrying(tmp_path, faulty_server):
    robot = Robot()
    faulty_server["/robot/send"] = dingtalk(robot, "TOKEN", "SECabc")
    env = {"DING_URL": faulty_server.url("/robot/send?access_token=TOKEN"), "DING_SECRET": "SECwrong"}
    channel = {"name": "dd", "type": "dingtalk", "url_env": "DING_URL", "secret_env": "DING_SECRET", **FAST}
    report, _folder = run(tmp_path, faulty_server, [channel], env)
    (result,) = report.results
    assert result.status == "failed" and result.attempts == 1
    assert "310000" in result.detail and "sign not match" in result.detail
    assert robot.accepted == [] and faulty_server.hits("/robot/send") == 1


def test_feishu_signed_post_message_within_20_kb(tmp_path, faulty_server):
    robot = Robot(rate=5, period=1.0)
    faulty_server["/open-apis/bot/v2/hook/abc"] = feishu(robot, "fs-secret")
    env = {"FS_URL": faulty_server.url("/open-apis/bot/v2/hook/abc"), "FS_SECRET": "fs-secret"}
    channel = {"name": "fs", "type": "feishu", "url_env": "FS_URL", "secret_env": "FS_SECRET", "max_messages": 10,
               **FAST}
    report, folder = run(tmp_path, faulty_server, [channel], env, sections=90, heading_padding=60)
    assert report.ok, report.results
    assert robot.refused == [] and len(robot.accepted) >= 2
    assert all(len(h.body) <= 20 * 1024 for h in faulty_server.requests("/open-apis/bot/v2/hook/abc"))
    links = [e for m in robot.accepted for p in m["content"]["post"]["zh_cn"]["content"] for e in p if e["tag"] == "a"]
    first = {"tag": "a", "text": "一、第1项工作推进，意味着第1条主线" + "长" * 60,
             "href": f"{BASE_URL}{folder.name}/brief.html#s1"}
    assert first in links
    assert sum(1 for e in links if "#s" in e["href"]) == 90


def test_feishu_bad_signature_19021_is_a_failed_delivery(tmp_path, faulty_server):
    robot = Robot()
    faulty_server["/hook"] = feishu(robot, "fs-secret")
    env = {"FS_URL": faulty_server.url("/hook"), "FS_SECRET": "other"}
    channel = {"name": "fs", "type": "feishu", "url_env": "FS_URL", "secret_env": "FS_SECRET", **FAST}
    report, _folder = run(tmp_path, faulty_server, [channel], env)
    (result,) = report.results
    assert result.status == "failed" and "19021" in result.detail


def test_scraped_markup_in_a_heading_stays_text_in_the_markdown(tmp_path, faulty_server):
    robot = Robot()
    faulty_server["/send"] = wecom(robot, "K")
    env = {"WECOM_URL": faulty_server.url("/send?key=K")}
    config = config_with(tmp_path, [{"name": "wx", "type": "wecom", "url_env": "WECOM_URL", **FAST}])
    brief = make_brief(1)
    section = brief.sections[0]
    evil = type(section)(1, "点击[领奖](javascript:alert(1))<b>x</b>", section.story_id, section.paragraphs)
    folder = brief_folder(tmp_path, type(brief)(**{**brief.__dict__, "sections": (evil,)}))
    with Archive(tmp_path / "a.db") as archive:
        assert deliver(config, archive, load_package(folder), build_channels(config), env=env).ok
    content = robot.accepted[0]["markdown"]["content"]
    assert "](javascript:" not in content and "<b>" not in content
    assert "点击［领奖］（javascript:alert（1））" in content


def test_webhook_body_is_brief_json_with_links_and_a_verifiable_signature(tmp_path, faulty_server):
    receiver = Receiver("hook-secret")
    faulty_server["/hook"] = webhook(receiver)
    env = {"HOOK_SECRET": "hook-secret"}
    channel = {"name": "hook", "type": "webhook", "url": faulty_server.url("/hook"), "secret_env": "HOOK_SECRET",
               **FAST}
    report, folder = run(tmp_path, faulty_server, [channel], env)
    (result,) = report.results
    assert result.status == "sent" and result.message_id == "evt-1"
    body = json.loads(receiver.accepted[0])
    assert body["brief"] == json.loads((folder / "brief.json").read_text())
    assert body["links"]["pdf"] == f"{BASE_URL}{folder.name}/brief.pdf"
    assert body["revision"] == load_package(folder).revision


@pytest.mark.parametrize("fault", ["500", "hang"])
def test_a_webhook_that_answers_500_or_hangs_fails_and_the_others_still_go(tmp_path, faulty_server, fault):
    from faulty_server import error, slow
    robot = Robot()
    faulty_server["/send"] = wecom(robot, "K")
    faulty_server["/hook"] = error(500) if fault == "500" else slow(3.0, error(200))
    env = {"WECOM_URL": faulty_server.url("/send?key=K")}
    channels = [{"name": "hook", "type": "webhook", "url": faulty_server.url("/hook"), **FAST, "timeout_s": 0.3},
                {"name": "wx", "type": "wecom", "url_env": "WECOM_URL", **FAST}]
    report, _folder = run(tmp_path, faulty_server, channels, env)
    hook, wx = report.results
    assert hook.status == "failed" and hook.attempts == 3 and faulty_server.hits("/hook") == 3
    assert ("HTTP 500" if fault == "500" else "no answer within 0.3s") in hook.detail
    assert wx.status == "sent" and len(robot.accepted) == 1
    assert not report.ok
