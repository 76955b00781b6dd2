"""公众号 (WeChat official-account) articles as users meet them: saved pages, and RSS-bridge links to them.

mp.weixin.qq.com fills the visible date (`#publish_time`) by script, so the only
machine-readable date is the `var ct = "<Unix seconds>"` line of an inline script, in China
time. The account's name (`#js_name`, `var nickname`) is the publisher, the headline is
`#activity-name`, and the body is `#js_content` (served with `visibility: hidden` until a
script shows it, which text extractors take as invisible).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

CHINA = dt.timezone(dt.timedelta(hours=8))
_MARKERS = re.compile(r'id=["\']js_content["\']|id=["\']activity-name["\']|mp\.weixin\.qq\.com')
_CREATED = re.compile(r"""\b(?:var\s+)?(?:ct|create_time)\s*=\s*["']?(\d{10})["']?""")
_NICKNAME = re.compile(r"""var\s+nickname\s*=\s*(?:htmlDecode\()?["']([^"'\n]{1,40})["']""")
_MSG_TITLE = re.compile(r"""var\s+msg_title\s*=\s*(?:htmlDecode\()?['"]([^'"\n]{2,120})['"]""")
# The first plausible post time: WeChat launched accounts in 2012; later than this is a bad value.
_EARLIEST = dt.date(2012, 1, 1)


def is_wechat_article(html: str, url: str) -> bool:
    """Say whether a page is a 公众号 article (by its URL or its mp.weixin.qq.com layout)."""
    return "mp.weixin.qq.com" in url or bool(_MARKERS.search(html[:200_000]))


def wechat_date(html: str, today: dt.date | None = None) -> dt.date | None:
    """Return the post date from the page's `ct`/`create_time` Unix time (China time), or None."""
    latest = (today or dt.date.today()) + dt.timedelta(days=1)
    for match in _CREATED.finditer(html):
        day = dt.datetime.fromtimestamp(int(match.group(1)), CHINA).date()
        if _EARLIEST <= day <= latest:
            return day
    return None


def wechat_account(tree: Any, html: str) -> str:
    """Return the account's name: the `#js_name` link, else `var nickname`."""
    for node in tree.xpath('//*[@id="js_name"]'):
        name = " ".join(node.text_content().split())
        if name:
            return name
    match = _NICKNAME.search(html)
    return match.group(1).strip() if match else ""


def wechat_title(tree: Any, html: str) -> str:
    """Return the headline: `#activity-name`, else `var msg_title`."""
    for node in tree.xpath('//*[@id="activity-name"]'):
        title = " ".join(node.text_content().split())
        if title:
            return title
    match = _MSG_TITLE.search(html)
    return match.group(1).strip() if match else ""


def show_hidden_body(tree: Any) -> None:
    """Make `#js_content` visible, as the page's script would, and drop the reader toolbar around it."""
    for node in tree.xpath('//*[@id="js_content"]'):
        style = node.get("style", "")
        node.set("style", re.sub(r"visibility\s*:\s*hidden;?", "", style))
    for node in tree.xpath('//*[@id="js_toobar3" or @id="js_pc_qr_code" or @id="js_tags_preview_toast"]'):
        node.drop_tree()
