"""URL canonicalisation: one spelling per article, whatever tracking parameters a feed adds."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

_TRACKING = frozenset({
    "spm", "from", "share", "share_token", "shareid", "source", "src", "ref", "referer", "fbclid", "gclid",
    "mc_cid", "mc_eid", "isappinstalled", "scene", "clicktime", "enterid", "sharer_sharetime",
    "sharer_shareid", "wfr", "_hsenc", "_hsmi", "yclid", "igshid", "tt_from", "utm",
})


def canonical_url(url: str) -> str:
    """Return the URL with a lower-case host, no fragment, no default port and no tracking parameters."""
    parts = urlsplit(url.strip())
    if parts.scheme not in {"http", "https"}:
        return url.strip()
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = host if port is None or (parts.scheme, port) in {("http", 80), ("https", 443)} else f"{host}:{port}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not k.lower().startswith("utm_") and k.lower() not in _TRACKING]
    return urlunsplit((parts.scheme, netloc, parts.path or "/", urlencode(query), ""))


def resolve_link(base: str, href: str) -> str | None:
    """Resolve a link found on a page; None for javascript:, mailto: and in-page anchors."""
    href = href.strip()
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
        return None
    absolute = urljoin(base, href)
    return absolute if urlsplit(absolute).scheme in {"http", "https", "file"} else None


def host_of(url: str) -> str:
    """Return host[:port] of a URL, lower-cased ('' for file URLs)."""
    return urlsplit(url).netloc.lower()
