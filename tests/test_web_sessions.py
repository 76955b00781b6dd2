"""Web sessions that can be trusted: server-side sessions, the signing key outside the archive, Host, bounds.

The app is served by uvicorn on loopback over an archive built from the demo site
(tests/webfixtures.py) and driven with httpx; `serve` and `user` are run as the real CLI.
"Can write" is probed with the sentence check (POST /briefs/N/check): 200 for a signed-in
editor with the session's CSRF token, 401 for anyone else; it saves nothing.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import itsdangerous
import pytest
from webfixtures import Built, LiveApp, csrf_of, live_app, login, numbered_sentence, serve_env, serving

from dailybrief.store.archive import Archive
from dailybrief.web.deps import LOOPBACK_HOSTS, SESSION_LIFETIME
from dailybrief.web.secretkey import SECRET_ENV, SecretError, default_secret_file, load_signing_key
from dailybrief.web.serve import ServeError, web_settings
from dailybrief.web.store import WEB_MIGRATIONS, WebStore

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
DAILYBRIEF = Path(sys.executable).parent / "dailybrief"
COOKIE = "dailybrief_session"
KEY = "k" * 20 + "-test-signing-key-not-secret-0123456789"


@pytest.fixture(scope="module")
def keyed(built: Built) -> Iterator[LiveApp]:
    """The app with a signing key the tests know, so they can read and forge cookies."""
    with live_app(built, secret=KEY) as served:
        yield served


def client(app: LiveApp, cookie: str | None = None) -> httpx.Client:
    return httpx.Client(base_url=app.url, follow_redirects=False, timeout=60,
                        cookies={COOKIE: cookie} if cookie else None)


def signed_in(c: httpx.Client) -> bool:
    return '<span class="user">' in c.get("/").text


def write_status(c: httpx.Client, built: Built) -> int:
    """Try a write (the sentence check) with the CSRF token the client's session offers; return the status."""
    brief_id, _rev, addr, text, _number = numbered_sentence(built)
    token = csrf_of(c.get("/login").text)
    return c.post(f"/briefs/{brief_id}/check", data={"addr": addr, "text": text, "csrf": token}).status_code


def sign(data: dict[str, Any], key: str) -> str:
    """Make a session cookie the way Starlette does: base64 JSON, signed with a timestamp."""
    return itsdangerous.TimestampSigner(key).sign(base64.b64encode(json.dumps(data).encode())).decode()


def unsign(cookie: str, key: str) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads(base64.b64decode(itsdangerous.TimestampSigner(key).unsign(cookie.encode())))
    return payload


def rows(db: Path, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(sql, args).fetchall()


def dailybrief(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(DAILYBRIEF), *args], capture_output=True, text=True, timeout=60, check=False,
                          env=env)


# ----------------------------------------------------------------------------------- sessions on the server


def test_a_session_is_a_row_keyed_by_a_hash_of_a_random_token(keyed: LiveApp, built: Built) -> None:
    with client(keyed) as c:
        login(c, "alice")
        token = unsign(c.cookies[COOKIE], KEY)["sid"]
        assert set(unsign(c.cookies[COOKIE], KEY)) <= {"sid", "csrf", "flash"}, "no user name in the cookie"
    (row,) = rows(built.db, "SELECT user, created_at, last_seen, expires_at FROM web_sessions WHERE id = ?",
                  hashlib.sha256(token.encode()).hexdigest())
    user, created, seen, expires = row
    assert user == "alice" and seen == created
    assert _age(expires, created) == SESSION_LIFETIME
    stored = b"".join(p.read_bytes() for p in built.db.parent.glob(built.db.name + "*"))
    assert token.encode() not in stored, "the archive holds the token itself"
    assert rows(built.db, "SELECT COUNT(*) FROM web_secrets") == [(0,)], "a signing key was put in the archive"


def _age(later: str, earlier: str) -> Any:
    import datetime as dt

    return dt.datetime.fromisoformat(later) - dt.datetime.fromisoformat(earlier)


def test_a_cookie_replayed_after_sign_out_signs_nobody_in(keyed: LiveApp, built: Built) -> None:
    with client(keyed) as c:
        token = login(c, "alice")
        kept = c.cookies[COOKIE]
        assert write_status(c, built) == 200
        assert c.post("/logout", data={"csrf": token}).status_code == 303
        assert not signed_in(c)
    with client(keyed, kept) as thief:
        assert not signed_in(thief)
        assert write_status(thief, built) == 401
    sid = unsign(kept, KEY)["sid"]
    assert rows(built.db, "SELECT * FROM web_sessions WHERE id = ?", hashlib.sha256(sid.encode()).hexdigest()) == []


@pytest.mark.parametrize("forge", ["garbage", "old-archive-key", "made-up-session", "session-id-from-archive"])
def test_a_forged_cookie_signs_nobody_in(keyed: LiveApp, built: Built, forge: str) -> None:
    with client(keyed) as c:
        csrf = login(c, "bob")  # bob has a live session, whose row a copy of the archive would show
    (stored_id,) = rows(built.db, "SELECT id FROM web_sessions WHERE user = 'bob'")[-1]
    # Before this change the key was the archive's web_secrets row: whoever had a copy could sign anything.
    with closing(sqlite3.connect(built.db)) as conn, conn:
        conn.execute("INSERT OR REPLACE INTO web_secrets VALUES ('session', ?)", ("old-key-" + "x" * 40,))
    cookie = {
        "garbage": "eyJ1c2VyIjogImJvYiJ9.forged.signature",
        "old-archive-key": sign({"user": "bob", "csrf": csrf}, "old-key-" + "x" * 40),
        "made-up-session": sign({"sid": "A" * 43, "csrf": csrf}, KEY),
        "session-id-from-archive": sign({"sid": stored_id, "csrf": csrf}, KEY),
    }[forge]
    with client(keyed, cookie) as forger:
        assert not signed_in(forger)
        assert write_status(forger, built) == 401


def test_a_password_reset_and_user_remove_end_that_users_sessions_at_once(keyed: LiveApp, built: Built) -> None:
    db = str(built.db)
    assert dailybrief("user", "add", "carol", "--db", db, "--password", "carol-first-1").returncode == 0
    with client(keyed) as c, client(keyed) as other:
        login(c, "carol", "carol-first-1")
        login(other, "alice")
        assert write_status(c, built) == 200
        reset = dailybrief("user", "add", "carol", "--db", db, "--password", "carol-second-2")
        assert reset.returncode == 0
        assert reset.stdout.strip() == f"new password for carol in {db}; 1 signed-in session ended"
        assert write_status(c, built) == 401 and not signed_in(c)
        assert signed_in(other), "another user's session goes on"
        login(c, "carol", "carol-second-2")
        assert write_status(c, built) == 200
        removed = dailybrief("user", "remove", "carol", "--db", db)
        assert removed.returncode == 0
        assert removed.stdout.strip() == f"removed user carol from {db}; 1 signed-in session ended"
        assert write_status(c, built) == 401
        token = csrf_of(c.get("/login").text)
        again = c.post("/login", data={"name": "carol", "password": "carol-second-2", "csrf": token})
        assert again.status_code == 401
    missing = dailybrief("user", "remove", "carol", "--db", db)
    assert missing.returncode != 0 and f"no user 'carol' in {db}" in missing.stderr


def test_an_expired_session_signs_nobody_in_and_is_cleared_at_the_next_sign_in(keyed: LiveApp, built: Built) -> None:
    with client(keyed) as c:
        login(c, "bob")
        sid = unsign(c.cookies[COOKIE], KEY)["sid"]
        key = hashlib.sha256(sid.encode()).hexdigest()
        with closing(sqlite3.connect(built.db)) as conn, conn:
            conn.execute("UPDATE web_sessions SET expires_at = '2000-01-01T00:00:00+00:00' WHERE id = ?", (key,))
        assert write_status(c, built) == 401
        login(c, "bob")
    assert rows(built.db, "SELECT * FROM web_sessions WHERE id = ?", key) == []


def test_upgrading_an_archive_drops_the_signing_key_older_versions_kept_in_it(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    with Archive(db) as archive:
        archive.migrate([m for m in WEB_MIGRATIONS if m[0] < "0010"])  # an archive as the previous release left it
        archive.db.execute("INSERT INTO web_secrets VALUES ('session', ?)", ("old-key-" + "x" * 40,))
    with Archive(db) as archive:
        WebStore(archive)
        assert archive.db.execute("SELECT COUNT(*) FROM web_secrets").fetchone() == (0,)
        assert archive.db.execute("SELECT COUNT(*) FROM web_sessions").fetchone() == (0,)


# ----------------------------------------------------------------------------------- Host header and bounds


@pytest.mark.parametrize(("host", "status"), [
    ("evil.example", 400), ("evil.example:80", 400), ("127.0.0.1.evil.example", 400), ("", 400),
    ("127.0.0.1", 200), ("localhost", 200), ("LOCALHOST", 200), ("[::1]", 200),
])
def test_only_allowed_host_names_are_answered(app: LiveApp, host: str, status: int) -> None:
    port = app.url.rsplit(":", 1)[1]
    with client(app) as c:
        reply = c.get("/healthz", headers={"Host": f"{host}:{port}" if host and ":" not in host else host})
    assert reply.status_code == status


def test_a_name_given_with_allowed_host_is_answered(built: Built) -> None:
    with live_app(built, allowed_hosts=(*LOOPBACK_HOSTS, "brief.example.org")) as served, client(served) as c:
        assert c.get("/healthz", headers={"Host": "brief.example.org"}).status_code == 200
        assert c.get("/healthz", headers={"Host": "evil.example"}).status_code == 400


@pytest.mark.parametrize(("route", "message"), [
    ("/trends?days=99999999", "days 不能大于 90"),
    ("/trends?days=-5", "days 不能小于 30"),
    ("/trends?end=0001-01-01", "end 应在 2000-01-01 到 2099-12-31 之间"),
    ("/briefs/99999999999999999999", "brief_id 不能大于 9223372036854775807"),
    ("/briefs/0", "brief_id 不能小于 1"),
    ("/briefs/1/revisions/99999999999999999999", "number 不能大于 9223372036854775807"),
    ("/briefs/1/s/sum.0?fragment=maybe", "fragment 应为 true 或 false"),
])
def test_every_numeric_parameter_is_bounded_with_a_clear_422(app: LiveApp, route: str, message: str) -> None:
    with client(app) as c:
        reply = c.get(route)
    assert reply.status_code == 422
    assert message in reply.text


def test_numbers_in_forms_are_bounded_too(app: LiveApp, built: Built) -> None:
    brief_id, _rev, addr, text, _number = numbered_sentence(built)
    with client(app) as c:
        token = login(c, "alice")
        reply = c.post(f"/briefs/{brief_id}/edit", data={"addr": addr, "text": text, "csrf": token,
                                                          "base": str(10**30)})
    assert reply.status_code == 422 and "base 不能大于 9223372036854775807" in reply.text


# ----------------------------------------------------------------------------------- settings from where it listens


def test_loopback_only_is_open_to_read_and_anything_beyond_needs_login_secure_cookies_and_hsts() -> None:
    def settings(host: str, *allowed: str, login_to_read: bool = False) -> Any:
        return web_settings(Path("a.db"), host, out=None, login_to_read=login_to_read, allowed_hosts=allowed,
                            secret=KEY)

    local = settings("127.0.0.1")
    assert (local.read_open, local.secure, local.allowed_hosts) == (True, False, LOOPBACK_HOSTS)
    assert settings("127.0.0.1", login_to_read=True).read_open is False
    assert settings("::1").allowed_hosts == LOOPBACK_HOSTS
    lan = settings("192.168.1.10")
    assert (lan.read_open, lan.secure, lan.allowed_hosts) == (False, True, (*LOOPBACK_HOSTS, "192.168.1.10"))
    proxied = settings("127.0.0.1", "Brief.Example.org")
    assert (proxied.read_open, proxied.secure) == (False, True)
    assert proxied.allowed_hosts == (*LOOPBACK_HOSTS, "brief.example.org")
    assert settings("0.0.0.0").allowed_hosts == LOOPBACK_HOSTS  # nobody sends Host: 0.0.0.0
    for bad in ("*", "*.example.org", "brief.example.org:8443", "https://brief.example.org", "a/b"):
        with pytest.raises(ServeError, match="--allowed-host"):
            settings("127.0.0.1", bad)


# ----------------------------------------------------------------------------------- the signing key


def test_the_key_comes_from_the_environment_first_and_is_never_repeated_in_an_error(tmp_path: Path) -> None:
    key = load_signing_key(tmp_path / "unused", {SECRET_ENV: KEY})
    assert (key.value, key.origin) == (KEY, "$DAILYBRIEF_SECRET_KEY")
    assert not (tmp_path / "unused").exists()
    with pytest.raises(SecretError) as short:
        load_signing_key(None, {SECRET_ENV: "hunter2-too-short"})
    assert "at least 32 characters" in str(short.value) and "hunter2" not in str(short.value)


def test_the_key_file_is_created_owner_only_and_read_back_the_same(tmp_path: Path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    path = default_secret_file(env)
    assert path == tmp_path / "cfg" / "dailybrief" / "secret_key"
    first = load_signing_key(None, env)
    assert first.origin == f"{path} (new)"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert len(first.value) >= 32
    again = load_signing_key(None, env)
    assert (again.value, again.origin) == (first.value, str(path))


def test_a_key_file_others_can_read_or_too_short_is_refused(tmp_path: Path) -> None:
    loose = tmp_path / "loose"
    loose.write_text("s" * 64)
    loose.chmod(0o644)
    with pytest.raises(SecretError, match=r"other users may read or change it \(mode 0644\); run: chmod 600"):
        load_signing_key(loose, {})
    short = tmp_path / "short"
    short.write_text("tiny")
    short.chmod(0o600)
    with pytest.raises(SecretError, match="at least 32 characters"):
        load_signing_key(short, {})
    with pytest.raises(SecretError, match="cannot use the key file: Is a directory"):
        load_signing_key(tmp_path, {})
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo, 0o600)
    with pytest.raises(SecretError, match="not a regular file"):
        load_signing_key(fifo, {})


# ----------------------------------------------------------------------------------- the real `serve`


def test_serve_keeps_its_key_in_a_private_file_so_sessions_outlive_a_restart(built: Built, tmp_path: Path) -> None:
    env = serve_env(tmp_path)
    key_file = tmp_path / "config" / "dailybrief" / "secret_key"
    with serving("--db", str(built.db), env=env) as (url, process, log):
        with httpx.Client(base_url=url, follow_redirects=False, timeout=60) as c:
            login(c, "alice")
            cookie = c.cookies[COOKIE]
        process.terminate()
        process.wait(timeout=15)
        printed = log()
    assert f"session cookies signed with the key in {key_file} (new)" in printed
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text().strip()
    stored = b"".join(p.read_bytes() for p in built.db.parent.glob(built.db.name + "*"))
    assert key.encode() not in stored
    with serving("--db", str(built.db), env=env) as (url, _process, _log), \
            httpx.Client(base_url=url, follow_redirects=False, timeout=60, cookies={COOKIE: cookie}) as c:
        assert '<span class="user">alice</span>' in c.get("/").text


def test_serve_answering_a_name_beyond_loopback_needs_login_and_sends_secure_cookies_and_hsts(
        built: Built, tmp_path: Path) -> None:
    key_file = tmp_path / "keys" / "key"
    with serving("--db", str(built.db), "--allowed-host", "brief.example.org", "--secret-file", str(key_file),
                 env=serve_env(tmp_path)) as (url, _process, _log), \
            httpx.Client(base_url=url, follow_redirects=False, timeout=60) as c:
        home = c.get("/", headers={"Host": "brief.example.org"})
        assert home.status_code == 303 and home.headers["location"] == "/login?next=/"
        assert home.headers["strict-transport-security"] == "max-age=31536000"
        form = c.get("/login", headers={"Host": "brief.example.org"})
        cookie = form.headers["set-cookie"].lower()
        assert "; secure" in cookie and "httponly" in cookie and "samesite=lax" in cookie
        assert c.get("/", headers={"Host": "evil.example"}).status_code == 400
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert not (tmp_path / "config").exists(), "--secret-file replaces the default path"


def test_serve_refuses_a_bad_allowed_host_and_a_loose_key_file_with_one_line(built: Built, tmp_path: Path) -> None:
    env = serve_env(tmp_path)
    wild = dailybrief("serve", "--db", str(built.db), "--allowed-host", "*", env=env)
    assert wild.returncode != 0
    assert wild.stderr.strip() == ("dailybrief: error: --allowed-host '*': give a host name or address, "
                                   "without port, scheme or *")
    loose = tmp_path / "loose-key"
    loose.write_text("s" * 64)
    loose.chmod(0o640)
    refused = dailybrief("serve", "--db", str(built.db), "--secret-file", str(loose), env=env)
    assert refused.returncode != 0
    assert refused.stderr.strip() == (f"dailybrief: error: {loose}: other users may read or change it (mode 0640);"
                                      f" run: chmod 600 {loose}")
