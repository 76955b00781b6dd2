"""The `dailybrief extract` contract (DESIGN.md): what outside tests and the evaluation rely on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_extract_fixtures import FIXTURES, load_fixture

CONTRACT_KEYS = {"title", "published", "publisher", "origin", "text", "lang"}
ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
BRIEFEVAL = SHARED / "tools" / "briefeval.py"


def dailybrief() -> list[str]:
    script = Path(sys.executable).with_name("dailybrief")
    return [str(script)] if script.exists() else [sys.executable, "-m", "dailybrief"]


def run(args: list[str], stdin: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([*dailybrief(), *args], input=stdin, capture_output=True, text=True,
                          encoding="utf-8", timeout=timeout, env=env, check=False)


def page_file(tmp_path: Path, name: str) -> tuple[Path, dict[str, object]]:
    """Write a fixture page without its expectation block; return its path and the expectation."""
    expect, body = load_fixture(FIXTURES / name)
    target = tmp_path / name
    target.write_bytes(body)
    return target, expect


def test_extract_prints_one_object_with_exactly_the_contract_keys(tmp_path: Path) -> None:
    path, expect = page_file(tmp_path, "gov_fabu_shijian.html")
    result = run(["extract", str(path), "--url", str(expect["url"])])
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1, "one JSON object on one line"
    obj = json.loads(lines[0])
    assert set(obj) == CONTRACT_KEYS
    assert obj["title"] == expect["title"]
    assert obj["published"] == expect["published"]
    assert obj["origin"] == expect["origin"]
    assert obj["lang"] == "zh"
    assert all(isinstance(obj[key], str) for key in CONTRACT_KEYS)
    assert "共认定省级智能工厂86家" in obj["text"]


def test_url_option_supplies_the_date_written_in_the_url(tmp_path: Path) -> None:
    path, expect = page_file(tmp_path, "url_t_date_city_gov.html")
    obj = json.loads(run(["extract", str(path), "--url", str(expect["url"])]).stdout)
    assert obj["published"] == "2026-11-18"


def test_extract_gbk_file_and_text_file(tmp_path: Path) -> None:
    for name in ("gbk_meta_charset.html", "plain_notice.txt"):
        path, expect = page_file(tmp_path, name)
        result = run(["extract", str(path), "--url", str(expect["url"])])
        assert result.returncode == 0, result.stderr
        obj = json.loads(result.stdout)
        assert set(obj) == CONTRACT_KEYS
        assert obj["title"] == expect["title"]
        assert obj["published"] == expect["published"]


def test_page_without_a_date_gives_null_published(tmp_path: Path) -> None:
    page = tmp_path / "nodate.html"
    page.write_text("<html><head><title>无日期的页面</title></head><body><h1>无日期的页面</h1>"
                    "<p>这是一段没有任何日期的正文内容，用于检查没有日期时输出空值而不是猜测一个日期。</p>"
                    "<p>第二段正文同样没有日期，只有普通的文字内容和一些标点符号。</p></body></html>",
                    encoding="utf-8")
    result = run(["extract", str(page), "--url", "http://www.example.cn/about/page.html"])
    assert result.returncode == 0, result.stderr
    obj = json.loads(result.stdout)
    assert obj["published"] is None
    assert obj["title"] == "无日期的页面"


def test_batch_prints_one_line_per_input_in_order_with_errors_in_place(tmp_path: Path) -> None:
    good1, expect1 = page_file(tmp_path, "portal_slash_datetime.html")
    good2, expect2 = page_file(tmp_path, "gbk_http_header_only.html")
    good3, expect3 = page_file(tmp_path, "plain_reprint.txt")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n")
    missing = tmp_path / "no-such-page.html"
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    jobs = [
        {"path": str(good1), "url": expect1["url"]},
        {"path": str(missing), "url": "http://www.example.cn/missing.html"},
        {"path": str(pdf), "url": "http://www.example.cn/files/report.pdf"},
        {"path": str(good2), "url": expect2["url"]},
        {"path": str(empty), "url": "http://www.example.cn/empty.html"},
        {"path": str(good3), "url": expect3["url"]},
    ]
    stdin = "".join(json.dumps(job, ensure_ascii=False) + "\n" for job in jobs)
    result = run(["extract", "--batch", "-"], stdin=stdin)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(jobs), result.stdout
    objs = [json.loads(line) for line in lines]
    for index in (1, 2, 4):
        assert "error" in objs[index], objs[index]
        assert objs[index]["error"]
    assert "no-such-page.html" in objs[1]["error"]
    for index, expect in ((0, expect1), (3, expect2), (5, expect3)):
        assert "error" not in objs[index]
        assert set(objs[index]) == CONTRACT_KEYS
        assert objs[index]["title"] == expect["title"]
        assert objs[index]["published"] == expect["published"]


def test_batch_reports_a_line_that_is_not_json_and_goes_on(tmp_path: Path) -> None:
    good, expect = page_file(tmp_path, "url_people_mmdd.html")
    stdin = "this is not json\n" + json.dumps({"path": str(good), "url": expect["url"]}) + "\n"
    result = run(["extract", "--batch", "-"], stdin=stdin)
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert "error" in json.loads(lines[0])
    assert json.loads(lines[1])["title"] == expect["title"]


def test_batch_with_no_input_prints_nothing() -> None:
    result = run(["extract", "--batch", "-"], stdin="")
    assert result.returncode == 0
    assert result.stdout == ""


def test_missing_file_exits_non_zero_with_an_error(tmp_path: Path) -> None:
    missing = tmp_path / "gone.html"
    result = run(["extract", str(missing), "--url", "http://www.example.cn/gone.html"])
    assert result.returncode != 0
    said = result.stdout + result.stderr
    assert "gone.html" in said
    assert "error" in said.lower()
    if result.stdout.strip():
        assert "error" in json.loads(result.stdout)


def test_pdf_exits_non_zero_with_an_error(tmp_path: Path) -> None:
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    result = run(["extract", str(pdf)])
    assert result.returncode != 0
    assert "error" in (result.stdout + result.stderr).lower()


def test_extract_without_a_target_is_a_usage_error() -> None:
    result = run(["extract"])
    assert result.returncode != 0
    assert result.stderr.strip()


def corpora() -> list[Path]:
    if not (SHARED / "corpora").is_dir():
        return []
    return sorted(p.parent for p in (SHARED / "corpora").glob("*/gold.json"))


@pytest.mark.corpus
@pytest.mark.parametrize("corpus", corpora() or [None], ids=lambda p: p.name if p else "absent")
def test_briefeval_extract_gate_passes(corpus: Path | None) -> None:
    if corpus is None or not BRIEFEVAL.exists():
        pytest.skip("no ../shared/corpora/*/gold.json or briefeval.py beside the project")
    command = [sys.executable, str(BRIEFEVAL), str(corpus), "--extract", "--",
               *dailybrief(), "extract", "{file}", "--url", "{url}"]
    result = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", timeout=600, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "PASS" in result.stdout
