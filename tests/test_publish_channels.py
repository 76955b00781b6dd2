"""E-mail (a real SMTP server on loopback, aiosmtpd), the 公众号 draft API, Word and Atom, and the runner's rules."""

from __future__ import annotations

import email
import json
import shutil
import socket
import subprocess
from email.policy import default
from pathlib import Path

import feedparser
import pytest
from aiosmtpd.controller import Controller
from docx import Document
from docx.oxml.ns import qn
from faulty_server import FaultyServer
from platforms import Robot, Wechat, wechat_routes, wecom
from publishkit import BASE_URL, DAY, brief_folder, config_with, make_brief

from dailybrief.publish.package import NoBriefError, load_package
from dailybrief.publish.runner import build_channels, deliver
from dailybrief.store.archive import Archive

FAST = {"retries": 2, "backoff_s": 0.01, "timeout_s": 5}
APPID = "wx0123456789abcdef"


class Mailbox:
    """An aiosmtpd handler that keeps messages and refuses the recipients it is told to."""

    def __init__(self, refuse: set[str] | None = None) -> None:
        self.refuse = refuse or set()
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's name
        if address in self.refuse:
            return "550 5.1.1 no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp():
    """A real SMTP server (aiosmtpd) on a free loopback port."""
    box = Mailbox()
    box.port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    yield box
    controller.stop()


def mail_channel(box, **extra):
    return {"name": "mail", "type": "email", "smtp_host": "127.0.0.1", "smtp_port": box.port, "security": "none",
            "sender": "简报 <brief@example.org>", "to": ["a@example.org", "b@example.org"], **FAST, **extra}


def publish(tmp_path, channels, *, env=None, brief=None, force=False, schedule=None):
    config = config_with(tmp_path, channels, schedule or {"base_url": BASE_URL})
    folder = brief_folder(tmp_path / "briefs", brief or make_brief(3))
    with Archive(tmp_path / "a.db") as archive:
        report = deliver(config, archive, load_package(folder), build_channels(config), env=env or {}, force=force)
    return report, folder


def test_email_has_html_text_and_the_pdf_and_a_subject_with_the_date(tmp_path, smtp):
    report, folder = publish(tmp_path, [mail_channel(smtp)])
    assert report.ok, report.results
    (rcpts, raw), = smtp.messages
    assert rcpts == ["a@example.org", "b@example.org"]
    message = email.message_from_bytes(raw, policy=default)
    assert message["Subject"] == "新质生产力每日动态 2026年6月17日"
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    assert "<script" not in html and "<style" not in html and 'style="' in html
    assert "一、第1项工作推进，意味着第1条主线" in html and "参考文献" in html
    assert "第1节第1句" in text and "[1] 发布单位1:《关于第1项工作的通知》" in text
    (pdf,) = [p for p in message.iter_attachments() if p.get_content_type() == "application/pdf"]
    assert pdf.get_content() == (folder / "brief.pdf").read_bytes()
    assert report.results[0].message_id == message["Message-ID"]


def test_a_refused_recipient_fails_the_channel_and_a_retry_mails_only_that_one(tmp_path, smtp):
    smtp.refuse = {"b@example.org"}
    report, _folder = publish(tmp_path, [mail_channel(smtp)])
    (result,) = report.results
    assert result.status == "failed" and "b@example.org: 550" in result.detail and result.attempts == 1
    assert [r for r, _m in smtp.messages] == [["a@example.org"]]
    smtp.refuse = set()
    report, _folder = publish(tmp_path, [mail_channel(smtp)])
    assert report.results[0].status == "sent"
    assert [r for r, _m in smtp.messages] == [["a@example.org"], ["b@example.org"]]


def test_a_missing_password_variable_names_it_and_sends_nothing_while_others_go(tmp_path, smtp, faulty_server):
    robot = Robot()
    faulty_server["/send"] = wecom(robot, "K")
    channels = [mail_channel(smtp, username="brief", password_env="SMTP_PASSWORD"),  # noqa: S106 - a variable's name
                {"name": "wx", "type": "wecom", "url_env": "WECOM_URL", **FAST}]
    report, _folder = publish(tmp_path, channels, env={"WECOM_URL": faulty_server.url("/send?key=K")})
    mail, wx = report.results
    assert mail.status == "failed" and mail.attempts == 0 and smtp.messages == []
    assert "SMTP_PASSWORD" in mail.detail and "is not set" in mail.detail
    assert wx.status == "sent" and len(robot.accepted) == 1


def test_a_rerun_sends_nothing_and_force_sends_again(tmp_path, smtp):
    publish(tmp_path, [mail_channel(smtp)])
    again, _folder = publish(tmp_path, [mail_channel(smtp)])
    assert again.results[0].status == "skipped" and len(smtp.messages) == 1
    forced, _folder = publish(tmp_path, [mail_channel(smtp)], force=True)
    assert forced.results[0].status == "sent" and len(smtp.messages) == 2
    with Archive(tmp_path / "a.db") as archive:
        rows = archive.deliveries(DAY.isoformat(), "新质生产力每日动态")
    assert [r.status for r in rows] == ["sent", "sent"] and all(r.attempts == 1 and r.bytes > 0 for r in rows)


# --- 公众号 ---------------------------------------------------------------------------------------

def wechat_channel(server, **extra):
    return {"name": "mp", "type": "wechat_draft", "appid": APPID, "secret_env": "MP_SECRET",
            "api_base": server.base, **FAST, **extra}


def mount(server: FaultyServer, state: Wechat) -> None:
    for path, route in wechat_routes(state, server.base).items():
        server[path] = route


def test_wechat_draft_uploads_the_cover_and_adds_a_draft_within_the_limits(tmp_path, faulty_server):
    state = Wechat(APPID, "app-secret")
    mount(faulty_server, state)
    report, folder = publish(tmp_path, [wechat_channel(faulty_server)], env={"MP_SECRET": "app-secret"})
    (result,) = report.results
    assert result.status == "sent", result.detail
    (media_id, article), = state.drafts.items()
    assert result.message_id == media_id and state.published == []
    assert article["title"] == "新质生产力每日动态" and article["thumb_media_id"] in state.materials
    assert article["content_source_url"] == f"{BASE_URL}{folder.name}/brief.html"
    content = article["content"]
    assert "<a " not in content and "<script" not in content and "<style" not in content
    assert "[1] 发布单位1:《关于第1项工作的通知》" in content and "https://www.example.gov.cn/art/1.html" in content
    assert list(state.images) == [src for src in state.images if src in content]
    assert len(article["digest"]) <= 128


def test_wechat_token_expiring_mid_upload_is_renewed_once(tmp_path, faulty_server):
    state = Wechat(APPID, "app-secret", token_uses=1)  # the token dies after the first upload
    mount(faulty_server, state)
    report, _folder = publish(tmp_path, [wechat_channel(faulty_server, publish=True)], env={"MP_SECRET": "app-secret"})
    (result,) = report.results
    assert result.status == "sent", result.detail
    assert state.tokens_issued == 4 and state.expired == ["TOKEN1", "TOKEN2", "TOKEN3"]
    assert state.published == list(state.drafts) and "publish_id PUB1" in result.detail


def test_wechat_token_refused_twice_fails_with_the_platform_code(tmp_path, faulty_server):
    state = Wechat(APPID, "app-secret", token_uses=0)  # every token is dead on arrival
    mount(faulty_server, state)
    report, _folder = publish(tmp_path, [wechat_channel(faulty_server, retries=0)], env={"MP_SECRET": "app-secret"})
    (result,) = report.results
    assert result.status == "failed" and "42001" in result.detail and state.drafts == {}


def test_wechat_wrong_secret_is_named_by_the_platform_error(tmp_path, faulty_server):
    mount(faulty_server, Wechat(APPID, "app-secret"))
    report, _folder = publish(tmp_path, [wechat_channel(faulty_server)], env={"MP_SECRET": "nope"})
    assert report.results[0].status == "failed" and "40125" in report.results[0].detail


def test_wechat_title_too_long_is_refused_before_anything_is_sent(tmp_path, faulty_server):
    mount(faulty_server, Wechat(APPID, "app-secret"))
    report, _folder = publish(tmp_path, [wechat_channel(faulty_server, title="{title}——" + "很长" * 15)],
                              env={"MP_SECRET": "app-secret"})
    (result,) = report.results
    assert result.status == "failed" and "title" in result.detail and "32" in result.detail
    assert faulty_server.log == []


def test_wechat_article_too_long_is_trimmed_with_a_pointer_to_the_full_brief(tmp_path, faulty_server):
    state = Wechat(APPID, "app-secret")
    mount(faulty_server, state)
    report, _folder = publish(tmp_path, [wechat_channel(faulty_server)], env={"MP_SECRET": "app-secret"},
                              brief=make_brief(40, sentences=3, padding=60))
    assert report.results[0].status == "sent", report.results[0].detail
    (article,) = state.drafts.values()
    assert len(article["content"]) < 20000
    assert "篇幅所限，其余" in article["content"] and "阅读原文" in article["content"]
    assert "一、第1项工作推进" in article["content"] and "四十、第40项工作推进" not in article["content"]


# --- Word and Atom -----------------------------------------------------------------------------------

def test_docx_has_every_heading_reference_toc_field_and_cjk_fonts(tmp_path):
    report, folder = publish(tmp_path, [{"name": "word", "type": "docx", "path": "word"}])
    assert report.ok
    path = tmp_path / "word" / folder.name / "brief.docx"
    document = Document(str(path))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["摘要", "一、第1项工作推进，意味着第1条主线", "二、第2项工作推进，意味着第2条主线",
                        "三、第3项工作推进，意味着第3条主线", "参考文献"]
    text = "\n".join(p.text for p in document.paragraphs)
    for n in (1, 2, 3):
        assert f"[{n}] 发布单位{n}:《关于第{n}项工作的通知》" in text
    assert any(r.font.superscript and r.text == "[1]" for p in document.paragraphs for r in p.runs)
    body = document.element.body.xml
    assert 'TOC \\o "1-1"' in body
    for name in ("Normal", "Heading 1"):
        fonts = document.styles[name].element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) in {"宋体", "黑体"} and fonts.get(qn("w:asciiTheme")) is None
    if shutil.which("soffice") is None:
        return  # only the rendering check needs LibreOffice; everything above ran
    out = Path("test-artifacts/publish")
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(path)], check=True, capture_output=True, timeout=180)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(tmp_path / "brief.pdf"),
                    str(out / "brief-docx-page1")], check=True, timeout=60)
    assert (out / "brief-docx-page1.png").stat().st_size > 10_000
    shown = subprocess.run(["pdftotext", str(tmp_path / "brief.pdf"), "-"], capture_output=True, text=True,
                           check=True).stdout
    shown = shown.replace(" ", "")  # pdftotext puts spaces between Chinese and digits
    assert "新质生产力每日动态" in shown and "参考文献" in shown and "第1节第1句" in shown


def test_atom_feed_lists_published_briefs_newest_first(tmp_path):
    channels = [{"name": "feed", "type": "atom", "path": "site/feed.xml"}]
    for day in (15, 16, 17):
        brief = make_brief(2)
        brief = type(brief)(**{**brief.__dict__, "date": DAY.replace(day=day)})
        config = config_with(tmp_path, channels, {"base_url": BASE_URL})
        folder = brief_folder(tmp_path / "briefs", brief)
        with Archive(tmp_path / "a.db") as archive:
            assert deliver(config, archive, load_package(folder), build_channels(config), env={}).ok
    feed = feedparser.parse((tmp_path / "site" / "feed.xml").read_bytes())
    assert feed.bozo == 0 and feed.version == "atom10"
    assert [e.title for e in feed.entries] == [f"新质生产力每日动态 2026-06-{d}" for d in (17, 16, 15)]
    first = feed.entries[0]
    assert first.content[0].value.startswith("今日动态的主线")
    assert {(link.type, link.href) for link in first.links} == {
        ("text/html", f"{BASE_URL}2026-06-17/brief.html"), ("application/pdf", f"{BASE_URL}2026-06-17/brief.pdf")}


# --- the runner -----------------------------------------------------------------------------------

def test_dry_run_writes_the_outbox_and_sends_nothing(tmp_path, smtp, faulty_server):
    mount(faulty_server, Wechat(APPID, "app-secret"))
    config = config_with(tmp_path, [mail_channel(smtp), wechat_channel(faulty_server),
                                    {"name": "wx", "type": "wecom", "url_env": "WECOM_URL"}],
                         {"base_url": BASE_URL})
    folder = brief_folder(tmp_path / "briefs", make_brief(3))
    with Archive(tmp_path / "a.db") as archive:
        report = deliver(config, archive, load_package(folder), build_channels(config), env={}, dry_run=True)
        assert archive.deliveries(DAY.isoformat(), "新质生产力每日动态") == []
    assert report.ok and {r.status for r in report.results} == {"dry-run"}
    assert smtp.messages == [] and faulty_server.log == []
    outbox = folder / "outbox"
    assert (outbox / "mail" / "message.eml").read_bytes().startswith(b"Subject:")
    assert json.loads((outbox / "wx" / "message-1.json").read_text())["msgtype"] == "markdown"
    assert {p.name for p in (outbox / "mp").iterdir()} == {"cover.png", "article.html", "draft.json"}
    assert "WECOM_URL" in report.results[2].detail


def test_a_folder_without_brief_json_is_one_clear_error(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(NoBriefError, match=r"empty: no brief.json here"):
        load_package(tmp_path / "empty")
