"""Config mistakes give one clear line naming the file, the key and what was expected."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from dailybrief.config import ConfigError, load_config, parse_config

GOOD = """\
[brief]
title = "新质生产力每日动态"
publishers = ["某某研究院"]
date = "2026-11-20"
window_days = 7
language = "zh"
max_sections = 5

[theme]
name = "新质生产力"
description = "跟踪数据要素、人工智能和算力的政策与产业动态"
keywords = ["数据要素", "人工智能", "算力"]

[[source]]
name = "国家数据局"
url = "https://www.example.gov.cn/feed.xml"
type = "feed"
level = "national"

[[source]]
name = "某省人民政府"
url = "https://www.example-prov.gov.cn/zwgk/tzgg/index.html"
type = "page"
level = "provincial"
selector = "ul.list li a"
next_selector = "a.next"
max_pages = 2

[[source]]
name = "内部材料"
url = "materials"
type = "dir"
level = "media"
"""
BRIEF = """\
[brief]
title = "新质生产力每日动态"
publishers = ["某某研究院"]
date = "2026-11-20"
window_days = 7
language = "zh"
max_sections = 5
"""


def write(tmp_path: Path, text: str, name: str = "brief.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def config_error(path: Path) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert "\n" not in message, f"more than one line: {message!r}"
    assert str(path.name) in message, f"the file is not named: {message!r}"
    return message


def replaced(old: str, new: str) -> str:
    assert old in GOOD, old
    return GOOD.replace(old, new, 1)


def test_good_config_loads(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, GOOD))
    assert config.brief.title == "新质生产力每日动态"
    assert [s.name for s in config.sources()] == ["国家数据局", "某省人民政府", "内部材料"]
    directory = config.sources()[2]
    assert directory.url.startswith("file://")
    assert directory.url.endswith("/materials")


# (case id, config text, words the message must contain: key, expectation)
MISTAKES = [
    ("missing-brief", GOOD.replace(BRIEF, ""), ["brief", "missing"]),
    ("missing-title", replaced('title = "新质生产力每日动态"\n', ""), ["brief.title", "missing"]),
    ("wrong-type", replaced("max_sections = 5", 'max_sections = "five"'),
     ["brief.max_sections", "integer", "five"]),
    ("wrong-type-list", replaced('keywords = ["数据要素", "人工智能", "算力"]', 'keywords = "数据要素"'),
     ["theme.keywords", "list"]),
    ("out-of-range", replaced("window_days = 7", "window_days = 0"), ["brief.window_days", "1"]),
    ("unknown-top-level-table", GOOD + "\n[output]\nformat = \"pdf\"\n", ["output", "unknown key", "brief"]),
    ("unknown-top-level-key", 'colour = "red"\n' + GOOD, ["colour", "unknown key"]),
    ("unknown-brief-key", replaced("max_sections = 5", "max_sections = 5\nmax_section = 4"),
     ["brief.max_section", "unknown key", "max_sections"]),
    ("unknown-source-key", replaced('level = "national"', 'level = "national"\nselectr = "a"'),
     ["source[1]", "国家数据局", "selectr", "unknown key", "selector"]),
    ("bad-date", replaced('date = "2026-11-20"', 'date = "2026-13-01"'), ["brief.date", "YYYY-MM-DD", "2026-13-01"]),
    ("bad-url", replaced('url = "https://www.example.gov.cn/feed.xml"', 'url = "not a url"'),
     ["source[1]", "url", "http", "not a url"]),
    ("bad-type", replaced('type = "feed"', 'type = "rss"'), ["source[1]", "type", "feed", "page", "dir", "rss"]),
    ("bad-level", replaced('level = "national"', 'level = "country"'),
     ["source[1]", "level", "national", "provincial", "city", "media", "country"]),
    ("page-without-selector", replaced('selector = "ul.list li a"\n', ""),
     ["source[2]", "某省人民政府", "selector", "link_pattern"]),
    ("bad-regex", replaced('selector = "ul.list li a"', 'link_pattern = "t2026(\\\\d+"'),
     ["source[2]", "link_pattern", "regular expression"]),
    ("bad-css", replaced('selector = "ul.list li a"', 'selector = "ul.list li >> a["'),
     ["source[2]", "selector", "CSS"]),
    ("selector-on-a-feed", replaced('level = "national"', 'level = "national"\nselector = "a"'),
     ["source[1]", "selector", "page"]),
    ("duplicate-source-names", replaced('name = "某省人民政府"', 'name = "国家数据局"'),
     ["source[2].name", "'国家数据局' is already the name of source[1]", "unique"]),
    ("no-sources", GOOD.split("[[source]]", maxsplit=1)[0], ["source", "missing"]),
]


@pytest.mark.parametrize(("text", "words"), [(t, w) for _, t, w in MISTAKES], ids=[i for i, _, _ in MISTAKES])
def test_config_mistake_is_one_clear_line(tmp_path: Path, text: str, words: list[str]) -> None:
    message = config_error(write(tmp_path, text))
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"


def test_toml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    message = config_error(write(tmp_path, replaced("window_days = 7", "window_days = 7 7")))
    assert "TOML" in message
    assert re.search(r"line \d+", message)


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "gbk.toml"
    path.write_bytes(GOOD.encode("gbk"))
    message = config_error(path)
    assert "UTF-8" in message


def test_missing_file(tmp_path: Path) -> None:
    message = config_error(tmp_path / "nowhere.toml")
    assert "no such" in message.lower() or "not found" in message.lower()


def test_a_directory_is_not_a_config(tmp_path: Path) -> None:
    folder = tmp_path / "adir.toml"
    folder.mkdir()
    config_error(folder)


def test_parse_config_without_a_file_still_names_the_key() -> None:
    with pytest.raises(ConfigError) as info:
        parse_config({"brief": {"title": "x"}, "theme": {"name": "y"}, "source": []})
    assert "source" in str(info.value)
    assert "\n" not in str(info.value)


# --- the same through the command line ------------------------------------------------------


def dailybrief() -> list[str]:
    script = Path(sys.executable).with_name("dailybrief")
    return [str(script)] if script.exists() else [sys.executable, "-m", "dailybrief"]


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "80"}
    return subprocess.run([*dailybrief(), *args], capture_output=True, text=True, encoding="utf-8",
                          cwd=cwd, env=env, timeout=120, check=False)


@pytest.mark.parametrize(("text", "words"), [(t, w) for i, t, w in MISTAKES if i in {
    "bad-type", "unknown-brief-key", "bad-date", "missing-title"}])
def test_cli_bad_config_is_one_stderr_line(tmp_path: Path, text: str, words: list[str]) -> None:
    path = write(tmp_path, text, "bad.toml")
    result = run(["ingest", "--config", str(path), "--date", "2026-11-20"], tmp_path)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "bad.toml" in lines[0]
    assert words[0] in lines[0]
    assert not list(tmp_path.glob("*.db")), "no archive is created for a bad config"


def test_cli_syntax_error_and_missing_file(tmp_path: Path) -> None:
    broken = write(tmp_path, "[brief\ntitle = 1\n", "broken.toml")
    for path in (broken, tmp_path / "missing.toml"):
        result = run(["ingest", "--config", str(path), "--date", "2026-11-20"], tmp_path)
        assert result.returncode != 0
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert path.name in lines[0]


def test_cli_sources_with_bad_config(tmp_path: Path) -> None:
    path = write(tmp_path, replaced('level = "national"', 'level = "country"'), "bad.toml")
    result = run(["sources", "--config", str(path)], tmp_path)
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1
    assert "bad.toml" in result.stderr


def test_init_writes_a_config_that_loads_and_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "mine.toml"
    first = run(["init", str(target)], tmp_path)
    assert first.returncode == 0, first.stderr
    config = load_config(target)
    assert config.brief.title
    assert config.source
    target.write_text("# edited by hand\n", encoding="utf-8")
    again = run(["init", str(target)], tmp_path)
    assert again.returncode != 0
    assert "--force" in again.stderr
    assert target.read_text(encoding="utf-8") == "# edited by hand\n", "an existing file is never overwritten"
    forced = run(["init", "--force", str(target)], tmp_path)
    assert forced.returncode == 0, forced.stderr
    load_config(target)


def test_help_lists_every_command_with_a_full_one_line_description(tmp_path: Path) -> None:
    result = run(["--help"], tmp_path)
    assert result.returncode == 0
    commands_section = result.stdout.split("Commands:", 1)[1]
    described = {}
    for line in commands_section.splitlines():
        match = re.match(r"^\s{2}(\S+)\s{2,}(\S.*)$", line)
        if match:
            described[match.group(1)] = match.group(2)
    for name in ("init", "ingest", "sources", "extract", "demo"):
        assert name in described, f"{name} missing from --help: {result.stdout}"
    for name, text in described.items():
        assert not text.rstrip().endswith("..."), f"{name}: description truncated: {text!r}"
        assert len(text) > 10, f"{name}: no real description"
