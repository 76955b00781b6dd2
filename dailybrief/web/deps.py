"""What every route needs: settings, the archive, the signed-in user, CSRF checks, flashes, bounds and templates."""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import Form, HTTPException, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

from dailybrief.render.documents import chinese_date, chinese_number, reference_line, section_title
from dailybrief.store.archive import Archive
from dailybrief.verify.verifier import missing_label
from dailybrief.web.editing import describe, section_key
from dailybrief.web.evidence import failing_segments
from dailybrief.web.store import WebStore

HERE = Path(__file__).parent
STATUS_NAMES = {"draft": "草稿", "approved": "已批准", "published": "已发布"}
VERDICT_NAMES = {"verified": "已核验", "unchecked": "无需核验", "unsupported": "无支撑", "replaced": "已修复",
                 "dropped": "已删除"}
LINKABLE = ("http://", "https://")
# Host headers the app answers by default (`serve --allowed-host` adds more; the bound address is added).
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
SESSION_LIFETIME = dt.timedelta(days=7)
MAX_ROW_ID = 2**63 - 1  # SQLite's largest integer: anything above it cannot name a row
# Numbers in paths and forms: bounded, so a huge value is a 422 naming the field, never a server error.
RowId = Annotated[int, PathParam(ge=1, le=MAX_ROW_ID)]
FormRevision = Annotated[int, Form(ge=1, le=MAX_ROW_ID)]
_NOT_LOOKED_UP = object()


@dataclass(frozen=True)
class WebSettings:
    """How the app runs: which archive, where approved outputs go, who may read, how sessions are kept."""

    db: Path
    out: Path
    read_open: bool = True
    secret: str | None = None  # signs the session cookie; None: a random key that lives as long as the process
    secure: bool = False  # Secure cookies and HSTS: the app is served beyond loopback
    allowed_hosts: tuple[str, ...] = LOOPBACK_HOSTS


class LoginRequired(Exception):
    """Reading needs a login here and nobody is signed in."""


def environment() -> Environment:
    """Return the Jinja2 environment: package templates, autoescaping on for every template."""
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(section_key=section_key, section_title=section_title, reference_line=reference_line,
                       chinese_number=chinese_number, chinese_date=chinese_date, describe=describe,
                       status_names=STATUS_NAMES, verdict_names=VERDICT_NAMES, missing_label=missing_label,
                       failing_segments=failing_segments,
                       linkable=lambda url: isinstance(url, str) and url.startswith(LINKABLE))
    env.filters.update(missing_label=missing_label, cdate=iso_chinese_date)
    return env


def iso_chinese_date(text: object) -> str:
    """Return 2026年11月20日 for an ISO date string (the text itself if it is not one)."""
    try:
        return chinese_date(dt.date.fromisoformat(str(text)))
    except ValueError:
        return str(text)


TEMPLATES = Jinja2Templates(env=environment())


def settings(request: Request) -> WebSettings:
    """Return the app's settings."""
    value: WebSettings = request.app.state.settings
    return value


@contextmanager
def open_store(request: Request) -> Iterator[WebStore]:
    """Open the archive for one request (SQLite connections stay in the thread that made them)."""
    archive = Archive(settings(request).db)
    try:
        yield WebStore(archive)
    finally:
        archive.close()


def current_user(request: Request) -> str | None:
    """Return the signed-in user: the user of the live server-side session the cookie names, if any."""
    known = getattr(request.state, "user", _NOT_LOOKED_UP)  # looked up once per request
    if known is not _NOT_LOOKED_UP:
        return known if isinstance(known, str) else None
    token = request.session.get("sid")
    user = None
    if isinstance(token, str) and token:
        with open_store(request) as store:
            user = store.session_user(token)
        if user is None:  # ended (sign-out, password reset, user removed) or expired: forget it
            request.session.pop("sid", None)
    request.state.user = user
    return user


def csrf_token(request: Request) -> str:
    """Return this session's CSRF token, creating one."""
    token = request.session.get("csrf")
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def rotate_csrf(request: Request) -> None:
    """Issue a new CSRF token (at sign-in and sign-out), so tokens from before are stale."""
    request.session["csrf"] = secrets.token_urlsafe(32)


def check_csrf(request: Request, token: str) -> None:
    """Refuse a form whose CSRF token is not this session's."""
    expected = request.session.get("csrf")
    if not isinstance(expected, str) or not token or not hmac.compare_digest(expected, token):
        raise HTTPException(403, "表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试")


def require_reader(request: Request) -> str | None:
    """Let a reader in: anyone when reading is open, otherwise only signed-in users."""
    user = current_user(request)
    if user is None and not settings(request).read_open:
        raise LoginRequired
    return user


def require_writer(request: Request, token: str) -> str:
    """Return the signed-in user after checking the form's CSRF token; refuse anyone else."""
    user = current_user(request)
    if user is None:
        raise HTTPException(401, "请先登录再修改")
    check_csrf(request, token)
    return user


def flash(request: Request, text: str, kind: str = "info") -> None:
    """Queue a message for the next page."""
    queued = list(request.session.get("flash", []))[-4:]
    queued.append({"text": text[:600], "kind": kind})
    request.session["flash"] = queued


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render a page with the user, CSRF token and queued messages."""
    flashes = request.session.pop("flash", [])
    base = {"user": current_user(request), "csrf": csrf_token(request), "flashes": flashes}
    return TEMPLATES.TemplateResponse(request, template, {**base, **context}, status_code=status)


def redirect(url: str) -> RedirectResponse:
    """Return a 303 redirect (after a POST, the browser GETs the page)."""
    return RedirectResponse(url, status_code=303)
