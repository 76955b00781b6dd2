"""Signing in and out: users from `dailybrief user add`, Argon2id password hashes, server-side sessions.

Signing in records a session in the archive and puts its random token in the signed cookie;
signing out, a password reset and `dailybrief user remove` delete the row, so a copied or
replayed cookie is worth nothing from then on. Repeated wrong passwords lock the name (and,
across names, the address) for a while: see `throttle`.
"""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from dailybrief.web.deps import (
    SESSION_LIFETIME,
    check_csrf,
    current_user,
    flash,
    open_store,
    redirect,
    render,
    rotate_csrf,
)
from dailybrief.web.throttle import LoginThrottle

router = APIRouter()
HASHER = PasswordHasher()
# Checked against when the user does not exist, so a wrong name takes as long as a wrong password.
_DUMMY = HASHER.hash("dailybrief-no-such-user")


def hash_password(password: str) -> str:
    """Return an Argon2id hash of a password."""
    return HASHER.hash(password)


def password_ok(stored: str | None, password: str) -> bool:
    """Say whether a password matches a stored hash (None: no such user)."""
    try:
        return HASHER.verify(stored or _DUMMY, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def safe_next(target: str) -> str:
    """Return a local path to go to after signing in (never another site)."""
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else "/"


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    """Show the sign-in form."""
    return render(request, "login.html", next=safe_next(next), error=None)


@router.post("/login")
def login(request: Request, *, name: str = Form(...), password: str = Form(...), csrf: str = Form(""),
          next: str = Form("/")) -> Response:
    """Sign a user in; a new session token is issued."""
    check_csrf(request, csrf)
    throttle: LoginThrottle = request.app.state.login_throttle
    address = request.client.host if request.client else "unknown"
    wait = throttle.locked_for(name.strip(), address)
    if wait:
        minutes = max(1, round(wait / 60))
        reply = render(request, "login.html", 429, next=safe_next(next),
                       error=f"密码错误次数过多，请约 {minutes} 分钟后再试")
        reply.headers["Retry-After"] = str(wait)
        return reply
    with open_store(request) as store:
        stored = store.password_hash(name.strip())
    if not password_ok(stored, password):
        throttle.failed(name.strip(), address)
        return render(request, "login.html", 401, next=safe_next(next), error="用户名或密码不正确")
    throttle.succeeded(name.strip())
    token = secrets.token_urlsafe(32)
    earlier = request.session.get("sid")
    with open_store(request) as store:
        if isinstance(earlier, str):
            store.end_session(earlier)  # a new sign-in on this browser replaces its session
        store.start_session(name.strip(), token, SESSION_LIFETIME)
    request.session.clear()
    request.session["sid"] = token
    request.state.user = name.strip()
    rotate_csrf(request)
    flash(request, f"欢迎，{name.strip()}", "ok")
    return redirect(safe_next(next))


@router.post("/logout")
def logout(request: Request, csrf: str = Form("")) -> Response:
    """Sign out: the session ends on the server, so its cookie is worthless even if someone kept a copy."""
    check_csrf(request, csrf)
    had = current_user(request)
    token = request.session.get("sid")
    if isinstance(token, str):
        with open_store(request) as store:
            store.end_session(token)
    request.session.clear()
    request.state.user = None
    rotate_csrf(request)
    if had:
        flash(request, "已退出登录")
    return redirect("/")
