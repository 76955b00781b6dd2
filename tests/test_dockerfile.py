"""The Dockerfile (parsed: no Docker engine here) and its entrypoint (run with a stand-in `dailybrief`)."""

from __future__ import annotations

import datetime as dt
import fnmatch
import os
import shlex
import signal
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def instructions() -> list[tuple[str, str]]:
    """Return (INSTRUCTION, arguments) of the Dockerfile, continuation lines joined, comments dropped."""
    out: list[tuple[str, str]] = []
    pending = ""
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        pending += " " + stripped.removesuffix("\\").strip()
        if not stripped.endswith("\\"):
            word, _, rest = pending.strip().partition(" ")
            out.append((word.upper(), rest.strip()))
            pending = ""
    return out


def test_dockerfile_builds_from_python_311_with_cjk_fonts_and_runs_the_entrypoint_as_a_user():
    steps = instructions()
    kinds = [k for k, _ in steps]
    assert kinds[0] == "FROM" and steps[0][1].startswith("python:3.11")
    run = " ".join(a for k, a in steps if k == "RUN")
    assert "fonts-noto-cjk" in run and "pip install --no-cache-dir ." in run
    user = next(a for k, a in steps if k == "USER")
    assert user not in {"root", "0"}
    assert next(a for k, a in steps if k == "EXPOSE") == "8000"
    assert "/healthz" in next(a for k, a in steps if k == "HEALTHCHECK")
    entry = shlex.split(next(a for k, a in steps if k == "ENTRYPOINT").strip("[]").replace(",", " "))
    copies = [shlex.split(a) for k, a in steps if k == "COPY"]
    assert [c for c in copies if c[-1] == entry[0]] == [["docker/entrypoint.sh", entry[0]]]
    ignored = [p.strip() for p in (ROOT / ".dockerignore").read_text().splitlines() if p.strip()]
    for *sources, _target in copies:
        for source in sources:
            assert (ROOT / source).exists(), source
            assert not any(fnmatch.fnmatch(source, pattern) for pattern in ignored), source
    env = next(a for k, a in steps if k == "ENV")
    assert "DAILYBRIEF_DAILY_AT=" in env and "DAILYBRIEF_CONFIG=/data/" in env


def test_entrypoint_runs_daily_at_the_set_time_and_serves_the_app(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "calls"
    fake = bin_dir / "dailybrief"
    fake.write_text(f"""#!/bin/sh
echo "$*" >> {calls}
case "$1" in serve) sleep 4 ;; init) : > "$2" ;; esac
""")
    fake.chmod(0o755)
    at = (dt.datetime.now() + dt.timedelta(seconds=2)).strftime("%H:%M:%S")
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "DAILYBRIEF_DAILY_AT": at,
           "DAILYBRIEF_CONFIG": str(tmp_path / "data" / "dailybrief.toml"),
           "DAILYBRIEF_DB": str(tmp_path / "data" / "db")}
    (tmp_path / "data").mkdir()
    started = time.monotonic()
    with (tmp_path / "out").open("w") as out:
        # its own process group: the background daily loop outlives the app here (in a container, the app's
        # exit stops the container), so the test ends the group itself
        process = subprocess.Popen(["sh", str(ROOT / "docker" / "entrypoint.sh")], env=env, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        try:
            assert process.wait(timeout=30) == 0, (tmp_path / "out").read_text()
        finally:
            os.killpg(process.pid, signal.SIGTERM)
    assert time.monotonic() - started >= 4
    lines = calls.read_text().splitlines()
    assert lines[0] == f"init {tmp_path}/data/dailybrief.toml"
    assert f"serve --db {tmp_path}/data/db --host 0.0.0.0 --port 8000 --out {tmp_path}/data/published" in lines
    assert f"daily --config {tmp_path}/data/dailybrief.toml --db {tmp_path}/data/db" in lines
    assert (tmp_path / "data" / "db").is_file()  # the archive exists before the app starts


def test_entrypoint_refuses_a_bad_time():
    env = {**os.environ, "DAILYBRIEF_DAILY_AT": "half past six"}
    result = subprocess.run(["sh", str(ROOT / "docker" / "entrypoint.sh")], env=env, capture_output=True, text=True,
                            timeout=30, check=False)
    assert result.returncode == 2 and "DAILYBRIEF_DAILY_AT must be HH:MM" in result.stderr
