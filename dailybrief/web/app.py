"""The editor app: FastAPI with server-rendered Jinja2 pages and a little plain JavaScript.

`create_app(settings)` builds the app; `dailybrief serve` runs it with uvicorn on 127.0.0.1.
Sessions live in a signed cookie (itsdangerous, via Starlette's SessionMiddleware) whose key
is kept in the archive; every POST carries the session's CSRF token; every page is sent with
a Content-Security-Policy that allows only this app's own script and style files.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dailybrief.store.archive import Archive
from dailybrief.web import routes_archive, routes_auth, routes_briefs, routes_edit, routes_stories
from dailybrief.web.deps import HERE, LoginRequired, WebSettings, render
from dailybrief.web.store import WebStore
from dailybrief.web.throttle import LoginThrottle

SESSION_DAYS = 7
SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
                                 b" object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
]
ERROR_TITLES = {400: "请求无效", 401: "需要登录", 403: "禁止访问", 404: "找不到页面", 409: "冲突",
                422: "输入无效", 500: "服务器出错"}


class SecurityHeaders:
    """Add the security headers and a Server-Timing header (time spent in the app) to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

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
                headers += SECURITY_HEADERS
                headers.append((b"server-timing", f"app;dur={elapsed:.1f}".encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, wrapped)


def create_app(settings: WebSettings) -> FastAPI:
    """Build the editor app over one archive (created and migrated if needed)."""
    with Archive(settings.db) as archive:
        secret = settings.secret or WebStore(archive).secret("session")
    app = FastAPI(title="dailybrief 编辑台", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.login_throttle = LoginThrottle()
    app.add_middleware(SessionMiddleware, secret_key=secret, session_cookie="dailybrief_session",
                       max_age=SESSION_DAYS * 86400, same_site="lax", https_only=False)
    app.add_middleware(SecurityHeaders)
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
        """Show malformed forms and query strings as a 422 page naming the fields."""
        fields = sorted({str(e["loc"][-1]) for e in exc.errors() if e.get("loc")})
        return render(request, "error.html", 422, title="输入无效",
                      message="表单或参数有误：" + "、".join(fields) if fields else "表单或参数有误")

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
