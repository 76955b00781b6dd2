"""Publishing a 10-section brief to every channel type against loopback servers: time and bytes per channel.

Servers (from tests/: the same stand-ins the tests use): 企业微信, 钉钉 (加签) and 飞书 (签名校验)
robots, a signed webhook receiver and the 公众号 API on one loopback HTTP server, and a real
SMTP server (aiosmtpd). Each run is the real `dailybrief publish` command in a child process,
so the wall time includes starting Python and importing dailybrief.

1. first delivery of a 10-section brief to all 8 channels (email, wecom, dingtalk, feishu,
   webhook, wechat_draft, docx, atom): per-channel time and bytes from the command's table;
2. the same command again: every channel skipped, nothing reaches any server;
3. the next day's brief with the webhook answering 503: the others deliver, exit code 1.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

from aiosmtpd.controller import Controller  # noqa: E402
from common import machine, table  # noqa: E402
from faulty_server import FaultyServer, error  # noqa: E402
from platforms import Receiver, Robot, Wechat, dingtalk, feishu, webhook, wechat_routes, wecom  # noqa: E402
from publishkit import BASE_URL, DAY, brief_folder, make_brief  # noqa: E402

CLI = str(Path(sys.executable).with_name("dailybrief"))
APPID = "wx0123456789abcdef"


class Sink:
    """An SMTP handler that keeps the messages it is given."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(envelope.content)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def config_text(http: FaultyServer, smtp_port: int) -> str:
    return f"""
[brief]
title = "新质生产力每日动态"
publishers = ["某某研究院"]
[theme]
name = "新质生产力"
[[source]]
name = "本地"
url = "pages"
type = "dir"
level = "media"
[schedule]
base_url = "{BASE_URL}"

[[publish]]
name = "mail"
type = "email"
smtp_host = "127.0.0.1"
smtp_port = {smtp_port}
security = "none"
sender = "简报 <brief@example.org>"
to = ["a@example.org", "b@example.org", "c@example.org"]
[[publish]]
name = "wecom"
type = "wecom"
url_env = "BENCH_WECOM_URL"
[[publish]]
name = "dingtalk"
type = "dingtalk"
url_env = "BENCH_DING_URL"
secret_env = "BENCH_DING_SECRET"
[[publish]]
name = "feishu"
type = "feishu"
url_env = "BENCH_FEISHU_URL"
secret_env = "BENCH_FEISHU_SECRET"
[[publish]]
name = "webhook"
type = "webhook"
url = "{http.url('/hook')}"
secret_env = "BENCH_HOOK_SECRET"
retries = 2
backoff_s = 0.5
[[publish]]
name = "wechat"
type = "wechat_draft"
appid = "{APPID}"
secret_env = "BENCH_MP_SECRET"
api_base = "{http.base}"
[[publish]]
name = "word"
type = "docx"
path = "word"
[[publish]]
name = "feed"
type = "atom"
path = "site/feed.xml"
"""


def publish(config: Path, folder: Path, env: dict[str, str]) -> tuple[int, float, list[list[str]]]:
    """Run `dailybrief publish`; return (exit code, wall seconds, table rows)."""
    started = time.perf_counter()
    result = subprocess.run([CLI, "-q", "publish", "--config", str(config), "--brief", str(folder)],
                            capture_output=True, text=True, env={**os.environ, **env}, check=False)
    seconds = time.perf_counter() - started
    rows = [line.split(None, 6) for line in result.stdout.splitlines()[1:]]
    return result.returncode, seconds, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", type=int, default=10)
    args = parser.parse_args()
    robots = {"wecom": Robot(), "dingtalk": Robot(), "feishu": Robot(rate=5, period=1.0)}
    receiver = Receiver("hook-secret")
    mp = Wechat(APPID, "app-secret")
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    with FaultyServer() as http, tempfile.TemporaryDirectory(prefix="bench-publish-") as tmp:
        root = Path(tmp)
        http["/cgi-bin/webhook/send"] = wecom(robots["wecom"], "KEY")
        http["/robot/send"] = dingtalk(robots["dingtalk"], "TOKEN", "SECding")
        http["/open-apis/bot/v2/hook/x"] = feishu(robots["feishu"], "fs-secret")
        http["/hook"] = webhook(receiver)
        for path, route in wechat_routes(mp, http.base).items():
            http[path] = route
        env = {"BENCH_WECOM_URL": http.url("/cgi-bin/webhook/send?key=KEY"),
               "BENCH_DING_URL": http.url("/robot/send?access_token=TOKEN"), "BENCH_DING_SECRET": "SECding",
               "BENCH_FEISHU_URL": http.url("/open-apis/bot/v2/hook/x"), "BENCH_FEISHU_SECRET": "fs-secret",
               "BENCH_HOOK_SECRET": "hook-secret", "BENCH_MP_SECRET": "app-secret"}
        config = root / "brief.toml"
        config.write_text(config_text(http, port), encoding="utf-8")
        folder = brief_folder(root / "briefs", make_brief(args.sections, sentences=4))

        code, seconds, rows = publish(config, folder, env)
        print(f"## Publishing a {args.sections}-section brief to 8 channels\n\n{machine()}\n")
        print(table(["channel", "type", "status", "tries", "bytes sent", "time"],
                    [[r[0], r[1], r[2], r[3], r[4], r[5]] for r in rows]))
        total = sum(int(r[4]) for r in rows)
        print(f"\nfirst run: exit {code}, {seconds:.2f} s wall for the whole command, {total} bytes sent\n")

        before = (len(http.log), len(sink.messages))
        code, seconds, rows = publish(config, folder, env)
        after = (len(http.log), len(sink.messages))
        print(f"re-run: exit {code}, {seconds:.2f} s, statuses {sorted({r[2] for r in rows})}, "
              f"HTTP requests {after[0] - before[0]}, mails {after[1] - before[1]}\n")

        http["/hook"] = error(503)
        next_day = make_brief(args.sections, sentences=4)
        next_day = type(next_day)(**{**next_day.__dict__, "date": DAY.replace(day=DAY.day + 1)})
        code, seconds, rows = publish(config, brief_folder(root / "briefs", next_day), env)
        print(f"webhook down (503): exit {code}, {seconds:.2f} s, "
              + ", ".join(f"{r[0]} {r[2]}" for r in rows) + "\n")
    controller.stop()


if __name__ == "__main__":
    main()
