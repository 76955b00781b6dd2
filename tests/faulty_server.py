"""A threaded HTTP server on 127.0.0.1 whose routes misbehave on purpose.

Routes map a path (without query) to a handler: a callable taking an `Exchange`. The
factories below build the usual faults (status codes, Retry-After, slow or hanging
responses, redirect loops, huge bodies, gzip bombs, wrong charsets, conditional GET). Every
request is logged with its headers, and the number of requests in flight is tracked,
so tests can assert how often a URL was hit and how many requests ran at once.

Every sleep is bounded and ends early when the server stops, so no test can hang on it.
"""

from __future__ import annotations

import struct
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

Route = Callable[["Exchange"], None]
CLIENT_GONE = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError)


@dataclass(frozen=True)
class Hit:
    """One request as the server saw it."""

    method: str
    path: str
    headers: dict[str, str]
    at: float
    body: bytes = b""


@dataclass
class Exchange:
    """What a route handler gets: the request, and ways to answer it."""

    server: FaultyServer
    handler: BaseHTTPRequestHandler
    hit: Hit
    number: int  # 1 for the first request to this path, 2 for the second...
    sent: int = field(default=0)

    @property
    def path(self) -> str:
        return urlsplit(self.hit.path).path

    def header(self, name: str) -> str | None:
        return self.hit.headers.get(name.lower())

    def start(self, status: int, headers: dict[str, str] | None = None) -> None:
        """Send the status line and headers (nothing of the body yet)."""
        self.handler.send_response(status)
        for key, value in (headers or {}).items():
            self.handler.send_header(key, value)
        self.handler.end_headers()

    def write(self, data: bytes) -> None:
        """Send part of the body, counting what was sent."""
        self.handler.wfile.write(data)
        self.sent += len(data)
        self.server.add_sent(self.path, len(data))

    def respond(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None,
                content_length: bool = True) -> None:
        """Send a whole response."""
        all_headers = dict(headers or {})
        if content_length:
            all_headers.setdefault("Content-Length", str(len(body)))
        self.start(status, all_headers)
        if body:
            self.write(body)

    def sleep(self, seconds: float) -> bool:
        """Sleep at most `seconds`; return False when the server is stopping."""
        return not self.server.stopping.wait(seconds)


# --- route factories -------------------------------------------------------------------

def page(body: bytes | str, content_type: str = "text/html; charset=utf-8", status: int = 200,
         headers: dict[str, str] | None = None) -> Route:
    """Serve fixed bytes with the given type and headers."""
    data = body.encode("utf-8") if isinstance(body, str) else body

    def route(ex: Exchange) -> None:
        ex.respond(status, data, {"Content-Type": content_type, **(headers or {})})

    return route


def error(status: int, headers: dict[str, str] | None = None) -> Route:
    """Answer with an HTTP error status and a small HTML body."""
    body = f"<html><body><h1>{status}</h1></body></html>".encode()
    return page(body, status=status, headers=headers)


def fail_then(times: int, failing: Route, then: Route) -> Route:
    """Use `failing` for the first `times` requests to the path, then `then`."""
    def route(ex: Exchange) -> None:
        (failing if ex.number <= times else then)(ex)

    return route


def slow(seconds: float, then: Route) -> Route:
    """Wait before sending anything (headers included), then answer with `then`."""
    def route(ex: Exchange) -> None:
        if ex.sleep(seconds):
            then(ex)

    return route


def hang_mid_body(prefix: bytes, declared: int, hang: float = 3.0) -> Route:
    """Send headers (Content-Length `declared`) and `prefix`, then go quiet for `hang` seconds."""
    def route(ex: Exchange) -> None:
        ex.start(200, {"Content-Type": "text/html; charset=utf-8", "Content-Length": str(declared)})
        ex.write(prefix)
        ex.handler.wfile.flush()
        ex.sleep(hang)

    return route


def cut_mid_body(prefix: bytes, declared: int) -> Route:
    """Send headers and `prefix`, then close the connection although more was promised."""
    def route(ex: Exchange) -> None:
        ex.start(200, {"Content-Type": "text/html; charset=utf-8", "Content-Length": str(declared)})
        ex.write(prefix)
        ex.handler.close_connection = True

    return route


def redirect(location: str, status: int = 302) -> Route:
    """Redirect to `location` (relative or absolute)."""
    def route(ex: Exchange) -> None:
        ex.respond(status, b"", {"Location": location})

    return route


def huge(size: int, chunk: int = 64 * 1024, content_length: bool = False) -> Route:
    """Stream `size` bytes in chunks, with or without a Content-Length header."""
    block = (b"<p>" + b"x" * (chunk - 7) + b"</p>\n")[:chunk]

    def route(ex: Exchange) -> None:
        headers = {"Content-Type": "text/html; charset=utf-8"}
        if content_length:
            headers["Content-Length"] = str(size)
        ex.start(200, headers)
        left = size
        while left > 0 and not ex.server.stopping.is_set():
            part = block[:min(chunk, left)]
            ex.write(part)
            left -= len(part)

    return route


def conditional(body: bytes, etag: str, last_modified: str,
                content_type: str = "text/html; charset=utf-8") -> Route:
    """Serve with ETag/Last-Modified; answer 304 when the client sends a matching validator."""
    def route(ex: Exchange) -> None:
        if ex.header("If-None-Match") == etag or (
                ex.header("If-None-Match") is None and ex.header("If-Modified-Since") == last_modified):
            ex.respond(304, b"", {"ETag": etag, "Last-Modified": last_modified}, content_length=False)
            return
        ex.respond(200, body, {"Content-Type": content_type, "ETag": etag, "Last-Modified": last_modified})

    return route


def gzipped_zeros(mib: int) -> bytes:
    """Return a valid gzip stream of `mib` MiB of zero bytes (a gzip bomb: about 1 KB per MiB).

    Each MiB is deflated once and repeated: after a full flush the compressor starts afresh,
    so every MiB of zeros compresses to the same bytes; the trailer's CRC-32 and length are
    computed over the whole inflated stream, so any gzip reader accepts it.
    """
    block = bytes(1 << 20)
    deflater = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    piece = deflater.compress(block) + deflater.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(mib):
        crc = zlib.crc32(block, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return header + piece * mib + deflater.flush() + struct.pack("<II", crc, (mib << 20) & 0xFFFFFFFF)


def encoded(body: bytes, encoding: str, content_type: str = "text/html; charset=utf-8") -> Route:
    """Serve bytes that are already compressed, with the Content-Encoding header that says how."""
    return page(body, content_type=content_type, headers={"Content-Encoding": encoding})


def robots(text: str) -> Route:
    """Serve a robots.txt."""
    return page(text, content_type="text/plain; charset=utf-8")


# --- the server ------------------------------------------------------------------------

class _Handler(BaseHTTPRequestHandler):
    server_version = "faulty/1"
    protocol_version = "HTTP/1.0"
    server: _HTTPServer

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet; the server keeps its own log."""

    def do_GET(self) -> None:
        self.server.owner.dispatch(self, "GET")

    def do_HEAD(self) -> None:
        self.server.owner.dispatch(self, "HEAD")

    def do_POST(self) -> None:
        self.server.owner.dispatch(self, "POST")


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    owner: FaultyServer

    def handle_error(self, request: object, client_address: object) -> None:
        """Stay quiet when a client hangs up before its request was read."""


class FaultyServer:
    """An HTTP server on 127.0.0.1 (port 0) with per-test routes; use as a context manager."""

    def __init__(self, routes: dict[str, Route] | None = None) -> None:
        self.routes: dict[str, Route] = dict(routes or {})
        self.log: list[Hit] = []
        self.errors: list[str] = []
        self.inflight = 0
        self.max_inflight = 0
        self.sent: dict[str, int] = {}
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}
        self.httpd = _HTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.owner = self
        self.port = int(self.httpd.server_address[1])
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._running = False

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        """Return the absolute URL of a path on this server."""
        return self.base + path

    def __setitem__(self, path: str, route: Route) -> None:
        self.routes[path] = route

    def hits(self, path: str) -> int:
        """Return how many requests reached a path (query ignored)."""
        return len(self.requests(path))

    def requests(self, path: str) -> list[Hit]:
        """Return the logged requests to a path (query ignored), oldest first."""
        with self._lock:
            return [h for h in self.log if urlsplit(h.path).path == path]

    def add_sent(self, path: str, size: int) -> None:
        with self._lock:
            self.sent[path] = self.sent.get(path, 0) + size

    def dispatch(self, handler: _Handler, method: str) -> None:
        path = urlsplit(handler.path).path
        size = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(size) if method == "POST" and size else b""
        hit = Hit(method, handler.path, {k.lower(): v for k, v in handler.headers.items()}, time.monotonic(), body)
        with self._lock:
            self.log.append(hit)
            self._counts[path] = self._counts.get(path, 0) + 1
            number = self._counts[path]
            self.inflight += 1
            self.max_inflight = max(self.max_inflight, self.inflight)
        try:
            route = self.routes.get(path) or error(404)
            route(Exchange(self, handler, hit, number))
        except CLIENT_GONE:
            pass  # the client gave up (timeout, size cap): that is what many tests provoke
        except Exception as exc:  # noqa: BLE001 - a broken route is reported to the test, not raised in a thread
            self.errors.append(f"{path}: {type(exc).__name__}: {exc}")
        finally:
            with self._lock:
                self.inflight -= 1

    def start(self) -> FaultyServer:
        self._thread.start()
        self._running = True
        return self

    def stop(self) -> None:
        """Stop serving (later connections are refused) and wake every sleeping handler."""
        if not self._running:
            return
        self._running = False
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> FaultyServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
