"""`dailybrief publish` and `dailybrief daily` through the real CLI, against loopback servers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from faulty_server import error
from platforms import Robot, wecom
from publishkit import BASE_URL, brief_folder, make_brief

from dailybrief.demo import demo_root, prepare
from dailybrief.demo.siteserver import SiteServer
from dailybrief.store.archive import Archive

CLI = str(Path(sys.executable).with_name("dailybrief"))
FAST = 'retries = 1\nbackoff_s = 0.01\ntimeout_s = 3\n'


def cli(*args: str, env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=timeout, check=False,
                          env={**os.environ, **(env or {})})


def write_config(path: Path, channels: str, schedule: str = "") -> Path:
    path.write_text(f"""
[brief]
title = "新质生产力每日动态"
[theme]
name = "新质生产力"
[[source]]
name = "本地"
url = "pages"
type = "dir"
level = "media"
[schedule]
base_url = "{BASE_URL}"
{schedule}
{channels}
""", encoding="utf-8")
    return path


def test_publish_delivers_records_skips_on_rerun_and_exits_1_when_a_channel_is_down(tmp_path, faulty_server):
    robot = Robot()
    faulty_server["/send"] = wecom(robot, "K")
    faulty_server["/down"] = error(503)
    config = write_config(tmp_path / "brief.toml", f"""
[[publish]]
name = "wx"
type = "wecom"
url_env = "WECOM_URL"
{FAST}
[[publish]]
name = "hook"
type = "webhook"
url = "{faulty_server.url('/down')}"
{FAST}
[[publish]]
name = "word"
type = "docx"
path = "word"
""")
    folder = brief_folder(tmp_path / "briefs", make_brief(3))
    env = {"WECOM_URL": faulty_server.url("/send?key=K")}
    first = cli("publish", "--config", str(config), "--brief", str(folder), env=env)
    assert first.returncode == 1, first.stderr
    rows = {line.split()[0]: line.split()[2] for line in first.stdout.splitlines()[1:]}
    assert rows == {"wx": "sent", "hook": "failed", "word": "sent"}
    assert "HTTP 503" in first.stdout and faulty_server.hits("/down") == 2
    again = cli("publish", "--config", str(config), "--brief", str(folder), "--channel", "wx", "--channel", "word",
                env=env)
    assert again.returncode == 0, again.stdout + again.stderr
    assert [line.split()[2] for line in again.stdout.splitlines()[1:]] == ["skipped", "skipped"]
    assert len(robot.accepted) == 1
    with Archive(tmp_path / "dailybrief.db") as archive:
        rows = archive.deliveries("2026-06-17", "新质生产力每日动态")
    assert sorted((r.channel, r.status) for r in rows) == [("hook", "failed"), ("word", "sent"), ("wx", "sent")]
    hook = next(r for r in rows if r.channel == "hook")
    assert hook.error.startswith(f"127.0.0.1:{faulty_server.port} answered HTTP 503") and hook.attempts == 2


def test_publish_errors_are_one_line(tmp_path):
    config = write_config(tmp_path / "brief.toml", """
[[publish]]
name = "wx"
type = "wecom"
url_env = "WECOM_URL"
""")
    (tmp_path / "nothing").mkdir()
    missing = cli("publish", "--config", str(config), "--brief", str(tmp_path / "nothing"))
    assert missing.returncode == 2 and missing.stderr.strip().count("\n") == 0
    assert "no brief.json" in missing.stderr
    folder = brief_folder(tmp_path / "briefs", make_brief(1))
    unknown = cli("publish", "--config", str(config), "--brief", str(folder), "--channel", "mail")
    assert unknown.returncode == 2 and "no channel named 'mail' (the channels are: wx)" in unknown.stderr
    typo = write_config(tmp_path / "typo.toml", '[[publish]]\nname = "x"\ntype = "emial"\n')
    wrong = cli("publish", "--config", str(typo), "--brief", str(folder))
    assert wrong.returncode == 2 and "publish[1] (x).type: unknown channel type 'emial'" in wrong.stderr


def test_dry_run_from_the_cli_writes_the_outbox(tmp_path):
    config = write_config(tmp_path / "brief.toml", '[[publish]]\nname = "wx"\ntype = "wecom"\nurl_env = "WECOM_URL"\n')
    folder = brief_folder(tmp_path / "briefs", make_brief(2))
    result = cli("publish", "--config", str(config), "--brief", str(folder), "--dry-run")
    assert result.returncode == 0 and "dry-run" in result.stdout
    assert (folder / "outbox" / "wx" / "message-1.json").is_file()


# --- daily --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The bundled demo site served on loopback, and its config."""
    root = tmp_path_factory.mktemp("daily")
    with SiteServer(demo_root() / "site") as server:
        yield root, prepare(root, server)


def daily_config(root: Path, base: Path, channels: str, schedule: str = "") -> Path:
    text = base.read_text(encoding="utf-8")
    target = root / "daily.toml"
    target.write_text(text + f"\n[schedule]\nout = \"out\"\nbase_url = \"{BASE_URL}\"\n{schedule}\n{channels}\n",
                      encoding="utf-8")
    return target


def test_daily_runs_and_publishes_and_a_second_day_run_sends_nothing(demo, faulty_server):
    root, base = demo
    robot = Robot()
    faulty_server["/send"] = wecom(robot, "K")
    config = daily_config(root, base, f'[[publish]]\nname = "wx"\ntype = "wecom"\nurl_env = "WECOM_URL"\n{FAST}')
    env = {"WECOM_URL": faulty_server.url("/send?key=K")}
    first = cli("daily", "--config", str(config), "--db", str(root / "daily.db"), env=env)
    assert first.returncode == 0, first.stdout + first.stderr
    (day,) = [p for p in (root / "out").iterdir() if p.is_dir()]
    assert (day / "brief.pdf").is_file() and len(robot.accepted) == 1
    assert f"({BASE_URL}{day.name}/brief.html#s1)" in robot.accepted[0]["markdown"]["content"]
    second = cli("daily", "--config", str(config), "--db", str(root / "daily.db"), env=env)
    assert second.returncode == 0 and "skipped" in second.stdout and len(robot.accepted) == 1


def test_daily_after_approval_only_writes_the_draft(demo, faulty_server):
    root, base = demo
    robot = Robot()
    faulty_server["/send"] = wecom(robot, "K")
    config = daily_config(root, base, '[[publish]]\nname = "wx"\ntype = "wecom"\nurl_env = "WECOM_URL"\n',
                          'publish = "after_approval"')
    result = cli("daily", "--config", str(config), "--db", str(root / "approval.db"),
                 env={"WECOM_URL": faulty_server.url("/send?key=K")})
    assert result.returncode == 0 and "waiting for an editor" in result.stdout
    assert faulty_server.log == []


def test_two_daily_runs_at_once_the_second_exits_saying_the_first_is_running(demo, tmp_path):
    root, base = demo
    config = daily_config(root, base, "")
    db = tmp_path / "lock.db"
    holder = subprocess.Popen([sys.executable, "-c", f"""
import sys, time
from pathlib import Path
from dailybrief.publish.lock import RunLock
with RunLock(Path({str(db)!r} + ".lock")):
    print("locked", flush=True)
    time.sleep(60)
"""], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        second = cli("daily", "--config", str(config), "--db", str(db))
        assert second.returncode == 75
        assert f"another `dailybrief daily` is running (pid {holder.pid} since" in second.stderr
        assert not db.exists()  # it did nothing
    finally:
        holder.send_signal(signal.SIGKILL)  # a crash: the system releases the lock
        holder.wait()
    time.sleep(0.1)
    after = cli("daily", "--config", str(config), "--db", str(db))
    assert after.returncode == 0, after.stderr
