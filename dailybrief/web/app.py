"""The editor app: FastAPI with server-rendered Jinja2 pages and a little plain JavaScript.

`create_app(settings)` builds the app; `dailybrief serve` runs it with uvicorn on 127.0.0.1.
The cookie (signed by itsdangerous, via Starlette's SessionMiddleware, with a key from outside
the archive: see `secretkey`) carries the CSRF token and a server-side session's random token;
every POST carries the CSRF token; a request for any Host but the allowed ones is a 400;
served beyond loopback, cookies are Secure and HSTS is sent; every page has a
Content-Security-Policy that allows only this app's own script and style files.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dailybrief.store.archive import Archive
from dailybrief.web import routes_archive, routes_auth, routes_briefs, routes_edit, routes_stories
from dailybrief.web.deps import HERE, SESSION_LIFETIME, LoginRequired, WebSettings, render
from dailybrief.web.search import refresh_index
from dailybrief.web.store import WebStore
from dailybrief.web.throttle import LoginThrottle

HSTS = (b"strict-transport-security", b"max-age=31536000")
SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
                                 b" object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
]
ERROR_TITLES = {400: "请求无效", 401: "需要登录", 403: "禁止访问", 404: "找不到页面", 409: "冲突",
                422: "输入无效", 500: "服务器出错"}
# What a bad query or form value should have been, by pydantic error type ({…} from the error's context).
INPUT_PROBLEMS = {
    "less_than_equal": "不能大于 {le}", "greater_than_equal": "不能小于 {ge}", "int_parsing": "应为整数",
    "int_from_float": "应为整数", "missing": "缺少", "string_too_long": "最长 {max_length} 个字符",
    "literal_error": "只能是 {expected}", "date_parsing": "应为日期 YYYY-MM-DD",
    "date_from_datetime_parsing": "应为日期 YYYY-MM-DD", "bool_parsing": "应为 true 或 false",
}


def describe_input(errors: Sequence[Any]) -> str:
    """Say in one line which fields were wrong and what they should be ("days 不能大于 90")."""
    problems = []
    for error in errors:
        field = str(error["loc"][-1]) if error.get("loc") else ""
        template = INPUT_PROBLEMS.get(str(error.get("type")), "格式有误")
        try:
            problems.append(f"{field} {template.format(**error.get('ctx', {}))}".strip())
        except (KeyError, IndexError):
            problems.append(f"{field} 格式有误".strip())
    return "表单或参数有误：" + "；".join(dict.fromkeys(problems)) if problems else "表单或参数有误"


class SecurityHeaders:
    """Add the security headers (HSTS too when `hsts`) and a Server-Timing header to every response."""

    def __init__(self, app: ASGIApp, hsts: bool = False) -> None:
        self.app = app
        self.headers = [*SECURITY_HEADERS, HSTS] if hsts else SECURITY_HEADERS

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; decorate the response start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()

        async def wrapped(message: Message) -> None:
            """Add headers to the response start."""
            if message["type"] == "http.response.start":
                elapsed = (time.perf_counter() - started) * 1000
                headers = list(message.get("headers", []))
                headers += self.headers
                headers.append((b"server-timing", f"app;dur={elapsed:.1f}".encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, wrapped)


def create_app(settings: WebSettings) -> FastAPI:
    """Build the editor app over one archive (created and migrated if needed)."""
    with Archive(settings.db) as archive:
        # Creates the web tables (and migrates them) before the first request, and indexes for search what
        # was written without the ingest's hook (an older archive, another tool).
        refresh_index(WebStore(archive))
    app = FastAPI(title="dailybrief 编辑台", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.login_throttle = LoginThrottle()
    # Added innermost first: headers on every answer, then the Host check, then the cookie.
    app.add_middleware(SessionMiddleware, secret_key=settings.secret or secrets.token_urlsafe(48),
                       session_cookie="dailybrief_session", max_age=int(SESSION_LIFETIME.total_seconds()),
                       same_site="lax", https_only=settings.secure)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(settings.allowed_hosts), www_redirect=False)
    app.add_middleware(SecurityHeaders, hsts=settings.secure)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for module in (routes_briefs, routes_edit, routes_stories, routes_archive, routes_auth):
        app.include_router(module.router)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        """Show errors as a Chinese page with the right status."""
        title = ERROR_TITLES.get(exc.status_code, "出错了")
        message = exc.detail if isinstance(exc.detail, str) else ""
        if message in {"", "Not Found", "Method Not Allowed"}:
            message = "找不到这个页面。" if exc.status_code == 404 else title
        return render(request, "error.html", exc.status_code, title=title, message=message)

    @app.exception_handler(RequestValidationError)
    async def bad_input(request: Request, exc: RequestValidationError) -> Response:
        """Show malformed forms and query strings as a 422 page naming each field and what it should be."""
        return render(request, "error.html", 422, title="输入无效", message=describe_input(exc.errors()))

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        """Send readers to the login page when reading needs a login."""
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, Any]:
        """Say the app is up."""
        return {"ok": True}

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> HTMLResponse:
        """Answer the browser's icon request without an error."""
        return HTMLResponse("", status_code=204)

    return app
