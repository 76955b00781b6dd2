"""`dailybrief run` with the LLM writer: the installed command against the chat-completions server on loopback.

What a user sees: the writer chosen by the config (or --writer), the usage line at the end,
one clear line when the endpoint is down or refuses the key (which is never printed or
written anywhere), a re-run of the day that costs nothing, and the shared corpus scored with
the scripted model through the evaluation harness.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fake_llm_server import FakeLLMServer, Reply, ScriptedModel
from llmfixtures import articles, closed_port, fill_archive, llm_toml
from storyfixtures import ISSUE, toml_text

DAILYBRIEF = Path(sys.executable).parent / "dailybrief"
SHARED = Path(__file__).resolve().parents[2] / "shared"
BRIEFEVAL = SHARED / "tools" / "briefeval.py"
CORPUS = SHARED / "corpora" / "2026-06-17"
STATUSES = {"generated", "repaired", "extractive"}
KEY_VAR = "DAILYBRIEF_TEST_CLI_KEY"


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive holding the standard day's articles (copied per test so caches do not leak between tests)."""
    return fill_archive(tmp_path_factory.mktemp("llmcli") / "day.db", articles())


def setup(tmp_path: Path, archive: Path, llm: dict[str, Any] | None) -> tuple[Path, Path]:
    """Write a config (with an [llm] table when given) and a private copy of the archive; return both paths."""
    config = tmp_path / "brief.toml"
    config.write_text(llm_toml(toml_text(), llm) if llm else toml_text(), encoding="utf-8")
    db = tmp_path / "dailybrief.db"
    db.write_bytes(archive.read_bytes())
    return config, db


def run(config: Path, db: Path, out: Path, *extra: str, env: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess[str]:
    """Run `dailybrief run --no-collect` on the standard day."""
    return subprocess.run([str(DAILYBRIEF), "run", "--config", str(config), "--date", ISSUE.isoformat(), "--out",
                           str(out), "--db", str(db), "--no-collect", *extra], capture_output=True, text=True,
                          timeout=300, check=False, env={**os.environ, **(env or {})})


def brief_json(out: Path) -> dict[str, Any]:
    """Return the brief.json a run wrote."""
    data: dict[str, Any] = json.loads((out / "brief.json").read_text(encoding="utf-8"))
    return data


def statuses(data: dict[str, Any]) -> set[str]:
    """Return every sentence status in a brief.json."""
    paragraphs = [data["summary"], *(p for sec in data["sections"] for p in sec["paragraphs"])]
    return {s["status"] for p in paragraphs for s in p["sentences"]}


def llm_lines(stderr: str) -> list[str]:
    """Return the LLM writer's lines on stderr."""
    return [line for line in stderr.splitlines() if line.startswith("dailybrief: llm:")]


def test_a_configured_llm_writes_the_brief_and_the_run_ends_with_its_usage(tmp_path, archive):
    with FakeLLMServer() as server:
        config, db = setup(tmp_path, archive, {"base_url": server.url, "model": "fake-chat"})
        proc = run(config, db, tmp_path / "out")
    assert proc.returncode == 0, proc.stderr
    data = brief_json(tmp_path / "out")
    record = data["llm"]
    assert record["model"] == "fake-chat" and record["calls"] == len(server.calls) > 0 and record["cached"] == 0
    assert record["prompt_tokens"] > 0 and record["completion_tokens"] > 0 and record["seconds"] >= 0
    assert statuses(data) <= STATUSES and "generated" in statuses(data)
    assert data["verification"]["unsupported"] == 0
    last = proc.stdout.strip().splitlines()[-1]
    assert last.startswith(f"llm: fake-chat: {record['calls']} calls, 0 cached;") and "5 of 5 sections" in last
    assert llm_lines(proc.stderr) == []
    check = subprocess.run([str(DAILYBRIEF), "verify", str(tmp_path / "out" / "brief.json"), "--db", str(db)],
                           capture_output=True, text=True, timeout=120, check=False)
    assert check.returncode == 0, check.stdout


def test_rerunning_the_day_makes_zero_calls(tmp_path, archive):
    with FakeLLMServer() as server:
        config, db = setup(tmp_path, archive, {"base_url": server.url, "model": "fake-chat"})
        first = run(config, db, tmp_path / "one")
        calls = len(server.calls)
        again = run(config, db, tmp_path / "two")
    assert first.returncode == 0 and again.returncode == 0, again.stderr
    assert len(server.calls) == calls
    assert f"llm: fake-chat: 0 calls, {calls} cached;" in again.stdout
    one, two = brief_json(tmp_path / "one"), brief_json(tmp_path / "two")
    assert two["llm"]["calls"] == 0 and two["llm"]["cached"] == calls
    assert {k: v for k, v in one.items() if k != "llm"} == {k: v for k, v in two.items() if k != "llm"}


def test_writer_extractive_ignores_the_llm_and_matches_a_config_without_one(tmp_path, archive):
    with FakeLLMServer() as server:
        config, db = setup(tmp_path, archive, {"base_url": server.url, "model": "fake-chat"})
        proc = run(config, db, tmp_path / "flag", "--writer", "extractive")
    (tmp_path / "plain").mkdir()
    plain, plain_db = setup(tmp_path / "plain", archive, None)
    baseline = run(plain, plain_db, tmp_path / "plain-out")
    assert proc.returncode == 0 and baseline.returncode == 0
    assert server.calls == []
    assert "llm" not in brief_json(tmp_path / "flag")
    assert brief_json(tmp_path / "flag") == brief_json(tmp_path / "plain-out")
    assert not re.search(r"^llm:", proc.stdout, re.M)


def test_writer_llm_without_an_llm_table_is_one_clear_error(tmp_path, archive):
    config, db = setup(tmp_path, archive, None)
    proc = run(config, db, tmp_path / "out", "--writer", "llm")
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"dailybrief: error: {config}: --writer llm needs an [llm] table (base_url, model …) or --llm-url and "
        "--llm-model"]
    assert not (tmp_path / "out").exists()


def test_llm_url_and_model_options_run_the_llm_writer_on_any_config(tmp_path, archive):
    config, db = setup(tmp_path, archive, None)
    with FakeLLMServer() as server:
        proc = run(config, db, tmp_path / "out", "--writer", "llm", "--llm-url", server.url, "--llm-model", "m2")
    assert proc.returncode == 0, proc.stderr
    assert brief_json(tmp_path / "out")["llm"]["model"] == "m2" and server.calls


def test_llm_key_env_option_names_the_variable_and_the_model_gets_the_key(tmp_path, archive):
    config, db = setup(tmp_path, archive, None)
    with FakeLLMServer(api_key="sk-from-the-env") as server:
        proc = run(config, db, tmp_path / "out", "--llm-url", server.url, "--llm-model", "m",
                   "--llm-key-env", KEY_VAR, env={KEY_VAR: "sk-from-the-env"})
    assert proc.returncode == 0, proc.stderr
    assert server.calls and "generated" in statuses(brief_json(tmp_path / "out"))
    assert "sk-from-the-env" not in proc.stdout + proc.stderr


def test_a_key_pasted_into_llm_key_env_is_refused_without_repeating_it(tmp_path, archive):
    config, db = setup(tmp_path, archive, None)
    pasted = "sk-live-0123456789abcdef"
    proc = run(config, db, tmp_path / "out", "--llm-url", "http://127.0.0.1:9/v1", "--llm-model", "m",
               "--llm-key-env", pasted)
    assert proc.returncode == 2
    assert "--llm-key-env: expected the NAME of an environment variable" in proc.stderr
    assert pasted not in proc.stdout + proc.stderr
    assert not (tmp_path / "out").exists()


def test_endpoint_down_is_one_line_and_the_brief_is_extractive(tmp_path, archive):
    config, db = setup(tmp_path, archive, {"base_url": f"http://127.0.0.1:{closed_port()}/v1", "model": "m",
                                           "retries": 1})
    proc = run(config, db, tmp_path / "out")
    assert proc.returncode == 0, proc.stderr
    lines = llm_lines(proc.stderr)
    assert len(lines) == 1 and "cannot connect to http://127.0.0.1:" in lines[0] and "connection refused" in lines[0]
    data = brief_json(tmp_path / "out")
    assert statuses(data) == {"extractive"} and len(data["sections"]) == 5
    assert "0 of 5 sections written by the model" in proc.stdout


def test_the_model_server_stopping_mid_brief_is_said_in_brief_json_and_the_run_summary(tmp_path, archive):
    model = ScriptedModel().script("section", Reply(), Reply(stop_server=True))  # stops after section 2's answer
    with FakeLLMServer(model) as server:
        config, db = setup(tmp_path, archive, {"base_url": server.url, "model": "m", "retries": 1})
        proc = run(config, db, tmp_path / "out")
    assert proc.returncode == 0, proc.stderr
    data = brief_json(tmp_path / "out")
    assert data["llm"]["sections"] == {"generated": 2, "extractive": 3}
    assert "became unusable" in data["llm"]["notes"][0] and "connection refused" in data["llm"]["notes"][0]
    summary = next(line for line in proc.stdout.splitlines() if line.startswith("llm: "))
    assert "2 of 5 sections written by the model" in summary and "the model became unusable" in summary
    assert any("became unusable" in line for line in llm_lines(proc.stderr))


def test_a_wrong_key_is_one_line_and_the_key_is_nowhere(tmp_path, archive):
    secret = "sk-cli-9f8e7d6c5b4a-DO-NOT-PRINT"  # noqa: S105 - a test key
    with FakeLLMServer(api_key="sk-the-right-key") as server:
        config, db = setup(tmp_path, archive, {"base_url": server.url, "model": "m", "api_key_env": KEY_VAR})
        proc = run(config, db, tmp_path / "out", env={KEY_VAR: secret})
    assert proc.returncode == 0, proc.stderr
    assert len(server.calls) <= 2  # refused once per concurrent request (concurrency 2), never retried
    lines = llm_lines(proc.stderr)
    assert len(lines) == 1 and "HTTP 401" in lines[0] and KEY_VAR in lines[0]
    assert secret not in proc.stdout + proc.stderr
    for path in [*(tmp_path / "out").iterdir(), db]:
        assert secret.encode() not in path.read_bytes(), path
    assert statuses(brief_json(tmp_path / "out")) == {"extractive"}


def test_an_unset_key_variable_is_one_line_and_no_call(tmp_path, archive):
    with FakeLLMServer() as server:
        config, db = setup(tmp_path, archive, {"base_url": server.url, "model": "m", "api_key_env": "NO_SUCH_VAR_X"})
        proc = run(config, db, tmp_path / "out", env={"NO_SUCH_VAR_X": ""})
    assert proc.returncode == 0 and server.calls == []
    assert llm_lines(proc.stderr) == ["dailybrief: llm: environment variable NO_SUCH_VAR_X (the [llm] api_key_env) "
                                      "is not set; the extractive writer wrote the whole brief"]


def test_a_spent_budget_is_said_on_stderr_and_in_brief_json(tmp_path, archive):
    with FakeLLMServer() as server:
        config, db = setup(tmp_path, archive, {"base_url": server.url, "model": "m", "budget_tokens": 4000,
                                               "concurrency": 1})
        proc = run(config, db, tmp_path / "out")
    assert proc.returncode == 0, proc.stderr
    lines = llm_lines(proc.stderr)
    assert lines and lines[0].startswith("dailybrief: llm: token budget of 4000 spent")
    record = brief_json(tmp_path / "out")["llm"]
    assert record["budget_exhausted"] is True and record["sections"]["extractive"] >= 1
    assert "of a 4000 budget" in proc.stdout


FACTS_THRESHOLD = 0.7  # briefeval's default


def briefeval(*writer: str) -> subprocess.CompletedProcess[str]:
    """Score `dailybrief run` (with extra options) on the shared corpus."""
    return subprocess.run([sys.executable, str(BRIEFEVAL), str(CORPUS), "--", str(DAILYBRIEF), "run", "--config",
                           "{config}", "--date", "{date}", "--out", "{out}", *writer],
                          capture_output=True, text=True, timeout=600, check=False)


def score(proc: subprocess.CompletedProcess[str], name: str) -> float:
    """Return one metric from briefeval's PASS/FAIL line."""
    match = re.search(rf"^(?:PASS|FAIL).*\b{name}=([\d.]+)", proc.stdout, re.M)
    assert match, proc.stdout[-800:]
    return float(match.group(1))


@pytest.mark.corpus
@pytest.mark.skipif(not (CORPUS / "gold.json").exists() or not BRIEFEVAL.exists(), reason="no shared corpus")
def test_briefeval_with_the_scripted_model_passes_with_the_extractive_choice_of_events():
    """The LLM writer's sections keep to their length budget, so facts may differ; the threshold holds."""
    extractive = briefeval()
    with FakeLLMServer() as server:
        llm = briefeval("--writer", "llm", "--llm-url", server.url, "--llm-model", "scripted")
    assert server.calls, "the LLM writer never asked the server"
    assert llm.returncode == 0 and re.search(r"^PASS ", llm.stdout, re.M), f"{llm.stdout[-2000:]}\n{llm.stderr[-1500:]}"
    assert score(llm, "unsupported") == 0 and score(llm, "facts") >= FACTS_THRESHOLD
    assert (score(llm, "recall"), score(llm, "precision")) == (score(extractive, "recall"),
                                                                score(extractive, "precision"))
