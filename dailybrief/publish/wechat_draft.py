"""公众号 draft box: the brief as an article in the official account's drafts (published only with `publish = true`).

Documented rules this follows (微信公众平台 接口文档):
- token: POST /cgi-bin/stable_token {grant_type, appid, secret} (the stable token, which does not
  invalidate tokens other systems of the same account hold); a call answered 40001, 40014 or
  42001 (token invalid or expired) gets one new token and is tried once more;
- images: the cover through POST /cgi-bin/material/add_material?type=image (a permanent image,
  whose media_id is the draft's required thumb_media_id), pictures inside the article through
  POST /cgi-bin/media/uploadimg (jpg/png under 1 MB; the editor drops images from anywhere else);
- draft: POST /cgi-bin/draft/add {"articles": [...]}: title at most 32 characters (45003), author
  16 (45110), digest 128 (45004), content under 20,000 characters and 1 MB with scripts removed
  (45002), content_source_url ("阅读原文") at most 1 KB; publishing is POST /cgi-bin/freepublish/submit.
The article is inline-styled HTML without links (external links are not clickable in an article),
references numbered; a brief too long for the limits loses sections from the end, with a note
pointing to 阅读原文 (the full brief's URL). Titles and images that do not fit are an error
naming what is too long, checked before anything is sent.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import httpx

from dailybrief.config.delivery import WechatDraftChannel
from dailybrief.publish.channel import Channel, DeliveryError, Outgoing, Receipt, SendContext, secret
from dailybrief.publish.http import client, json_answer, json_bytes, post
from dailybrief.render.cover import render_cover
from dailybrief.render.documents import chinese_date
from dailybrief.render.styled import styled_html

if TYPE_CHECKING:
    from dailybrief.publish.package import BriefPackage
    from dailybrief.store.deliveries import Delivery

TITLE_CHARS = 32
DIGEST_CHARS = 128
CONTENT_CHARS = 20_000  # "必须少于2万字符": the content must stay below this
CONTENT_BYTES = 1_000_000  # "小于1M": the stricter reading of 1 MB
SOURCE_URL_BYTES = 1024
IMAGE_BYTES = 1024 * 1024  # uploadimg: jpg/png "大小必须在1MB以下"
IMAGE_SIGNATURES = {b"\x89PNG\r\n\x1a\n": ("png", "image/png"), b"\xff\xd8\xff": ("jpg", "image/jpeg")}
BANNER = "dailybrief-banner-image"  # replaced by the uploaded picture's URL when sending
URL_ROOM = 400  # characters the uploaded picture's URL may add in place of BANNER
TOKEN_REFUSED = {40001, 40014, 42001}
BUSY = {-1}
ERRORS = {
    40001: "access_token 无效", 40014: "access_token 不合法", 42001: "access_token 已过期",
    40013: "AppID 不合法", 40125: "AppSecret 错误", 40164: "本机 IP 不在公众号的 IP 白名单中",
    40005: "图片格式不合法", 40009: "图片太大", 40007: "media_id 不合法", 45002: "正文超过长度限制",
    45003: "标题超过长度限制", 45004: "摘要超过长度限制", 45110: "作者超过长度限制", 45009: "接口调用超过每日限额",
    48001: "公众号没有该接口的权限", 53503: "该草稿未通过发布检查",
}


def image_kind(data: bytes) -> tuple[str, str] | None:
    """Return (extension, media type) of a PNG or JPEG picture, None for anything else."""
    return next((kind for magic, kind in IMAGE_SIGNATURES.items() if data.startswith(magic)), None)


def digest_of(package: BriefPackage) -> str:
    """Return the article's digest: the summary, cut to the documented 128 characters."""
    text = "".join(s.text for s in package.brief.summary)
    return text if len(text) <= DIGEST_CHARS else text[:DIGEST_CHARS - 1] + "…"


def fit_article(package: BriefPackage, more: str | None) -> str:
    """Return the article HTML within the content limits, leaving out sections from the end if needed."""
    brief = package.brief
    count = len(brief.sections)
    for kept in range(count, 0, -1):
        left = count - kept
        note = ""
        if left:
            note = f"篇幅所限，其余 {left} 节" + ("见文末“阅读原文”。" if more else "从略。")
        html = styled_html(brief, links=False, document=False, images=[BANNER], sections=kept, note=note)
        if len(html) + URL_ROOM < CONTENT_CHARS and len(html.encode("utf-8")) + URL_ROOM < CONTENT_BYTES:
            return html
    raise DeliveryError(f"the article is too long for the 公众号 even with one section: {len(html)} characters "
                        f"(the draft API takes fewer than {CONTENT_CHARS})")


class WechatDraft(Channel):
    """Put the brief into the 公众号 draft box."""

    settings_model = WechatDraftChannel

    def secret_names(self) -> dict[str, str]:
        """Return the AppSecret's variable."""
        return {"secret_env": self.settings.secret_env}

    def render(self, package: BriefPackage, history: Sequence[Delivery], now: dt.datetime) -> list[Outgoing]:
        """Return the cover, the article and the draft request, each checked against the documented limits."""
        s = self.settings
        brief = package.brief
        title = s.title.format(title=brief.title, date=chinese_date(brief.date))
        if len(title) > TITLE_CHARS:
            raise DeliveryError(f"the article title {title!r} is {len(title)} characters; the 公众号 allows "
                                f"{TITLE_CHARS} (set a shorter `title` for channel {s.name})")
        try:
            cover = self.config.resolve(s.cover).read_bytes() if s.cover else render_cover(brief)
        except OSError as exc:
            raise DeliveryError(f"the cover {s.cover}: cannot read: {exc.strerror}") from None
        kind = image_kind(cover)
        if kind is None:
            raise DeliveryError(f"the cover {s.cover} is not a PNG or JPEG picture")
        if len(cover) >= IMAGE_BYTES:
            raise DeliveryError(f"the cover {s.cover} is {len(cover)} bytes; the 公众号 takes pictures under 1 MB")
        more = package.links(self.base_url()).get("html") or package.links(self.base_url()).get("pdf")
        if more and len(more.encode("utf-8")) > SOURCE_URL_BYTES:
            raise DeliveryError(f"the 阅读原文 URL is longer than {SOURCE_URL_BYTES} bytes: {more[:80]}…")
        article = {"article_type": "news", "title": title, "author": s.author, "digest": digest_of(package),
                   "content": "", "content_source_url": more or "", "thumb_media_id": "",
                   "need_open_comment": int(s.open_comment), "only_fans_can_comment": int(s.fans_only_comment)}
        return [Outgoing(f"cover.{kind[0]}", cover, kind[1], "cover"),
                Outgoing("article.html", fit_article(package, more).encode("utf-8"), "text/html", "article"),
                Outgoing("draft.json", json_bytes({"articles": [article]}), "application/json", "draft")]

    def send(self, items: list[Outgoing], ctx: SendContext) -> Receipt:
        """Get a token, upload the cover (as thumb and as banner), add the draft, and publish it when asked."""
        cover, article, draft = items
        made = next((key.split("=", 1)[1] for key in ctx.done if key.startswith("draft=")), None)
        with client(self.settings.timeout_s) as http:
            app_secret = secret(ctx.env, self.settings.secret_env)
            api = WechatApi(http, self.settings.api_base, self.settings.appid, app_secret)
            if made is None:
                media = (cover.name, cover.body, cover.media_type)
                thumb = api.call("/cgi-bin/material/add_material?type=image", files={"media": media})
                picture = api.call("/cgi-bin/media/uploadimg", files={"media": media})
                request = json.loads(draft.body)
                entry = request["articles"][0]
                entry["thumb_media_id"] = str(thumb.get("media_id", ""))
                entry["content"] = article.body.decode("utf-8").replace(BANNER, str(picture.get("url", "")))
                body = json_bytes(request)
                made = str(api.call("/cgi-bin/draft/add", content=body).get("media_id", ""))
                ctx.mark(f"draft={made}", 2 * len(cover.body) + len(body))
            note = f"draft media_id {made}"
            if self.settings.publish:
                body = json_bytes({"media_id": made})
                answer = api.call("/cgi-bin/freepublish/submit", content=body)
                ctx.mark("published", len(body))
                note += f", publish_id {answer.get('publish_id')}"
        return Receipt(made, note)


class WechatApi:
    """Calls to the 公众号 API with one access token, renewed once when the platform says it expired."""

    def __init__(self, http: httpx.Client, base: str, appid: str, app_secret: str) -> None:
        self.http = http
        self.base = base
        self.appid = appid
        self.app_secret = app_secret
        self.token = ""

    def fetch_token(self) -> None:
        """Get the stable access token."""
        url = f"{self.base}/cgi-bin/stable_token"
        body = json_bytes({"grant_type": "client_credential", "appid": self.appid, "secret": self.app_secret})
        response = post(self.http, url, content=body, headers={"Content-Type": "application/json"})
        answer = self._check(json_answer(response, url), "stable_token")
        self.token = str(answer.get("access_token") or "")
        if not self.token:
            raise DeliveryError("公众号 stable_token answered without an access_token")

    def call(self, path: str, *, content: bytes | None = None,
             files: dict[str, tuple[str, bytes, str]] | None = None) -> dict[str, Any]:
        """POST to an API path with the token; on an expired token, renew it once and try again."""
        if not self.token:
            self.fetch_token()
        for renewed in (False, True):
            joiner = "&" if "?" in path else "?"
            url = f"{self.base}{path}{joiner}access_token={self.token}"
            headers = {"Content-Type": "application/json; charset=utf-8"} if content is not None else None
            answer = json_answer(post(self.http, url, content=content, files=files, headers=headers), url)
            code = answer.get("errcode", 0)
            if code in TOKEN_REFUSED and not renewed:
                self.fetch_token()
                continue
            return self._check(answer, path.split("?", maxsplit=1)[0])
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def _check(answer: dict[str, Any], what: str) -> dict[str, Any]:
        """Raise a DeliveryError with the platform's code, its meaning and message on an error answer."""
        code = answer.get("errcode", 0)
        if code in (0, None):
            return answer
        meaning = ERRORS.get(code, "") if isinstance(code, int) else ""
        raise DeliveryError(f"公众号 {what}: errcode {code} {meaning}: {str(answer.get('errmsg', ''))[:200]}",
                            retryable=code in BUSY)
