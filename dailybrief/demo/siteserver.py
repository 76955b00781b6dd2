"""Serve a folder of pages over HTTP on loopback, as the demo and the tests need.

Files are laid out as `<root>/<host>/<path>`; the literal `{{BASE}}` in .html, .xml and
.toml files is replaced (byte-level, so GBK pages stay GBK) with the server's base URL.
"""

from __future__ import annotations

import mimetypes
import threading
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import unquote, urlsplit

PLACEHOLDER = b"{{BASE}}"
SUBSTITUTED = frozenset({".html", ".htm", ".shtml", ".xml", ".toml", ".txt"})
TYPES = {".xml": "application/xml", ".shtml": "text/html", ".toml": "text/plain; charset=utf-8"}


class _Handler(BaseHTTPRequestHandler):
    """GET files under the root, substituting the base URL."""

    server_version = "dailybrief-site/1"

    def __init__(self, *args: object, root: Path, base: list[str], **kwargs: object) -> None:
        self.root = root
        self.base = base
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet: the pipeline reports what matters."""

    def do_GET(self) -> None:
        """Serve a file or a 404."""
        rel = unquote(urlsplit(self.path).path).lstrip("/")
        path = (self.root / rel).resolve()
        if path.is_dir():
            path = path / "index.html"
        if self.root not in path.parents or not path.is_file():
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        body = path.read_bytes()
        if path.suffix in SUBSTITUTED:
            body = body.replace(PLACEHOLDER, self.base[0].encode())
        kind = TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class SiteServer:
    """A static site on 127.0.0.1 in a background thread (use as a context manager)."""

    def __init__(self, root: Path, host: str = "127.0.0.1", port: int = 0) -> None:
        self.root = root.resolve()
        self._base: list[str] = [""]
        handler = partial(_Handler, root=self.root, base=self._base)
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.httpd.daemon_threads = True
        self._base[0] = f"http://{host}:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        """Return http://127.0.0.1:PORT (no trailing slash)."""
        return self._base[0]

    def substitute(self, text: str) -> str:
        """Replace the placeholder in a text (a config, say) with this server's base URL."""
        return text.replace(PLACEHOLDER.decode(), self.base_url)

    def __enter__(self) -> SiteServer:
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
