"""E-mail: the brief as an HTML mail (styles inlined) with a plain-text alternative and brief.pdf attached.

Sent over SMTP (`security = "none" | "starttls" | "ssl"`, with a login when `username` and
`password_env` are set). Each recipient is marked delivered as the server accepts it, so a
retry after a refused or temporarily failing recipient never mails the others twice.
"""

from __future__ import annotations

import datetime as dt
import smtplib
import ssl
from collections.abc import Sequence
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, getaddresses, parseaddr
from typing import TYPE_CHECKING

from dailybrief.config.delivery import EmailChannel
from dailybrief.publish.channel import Channel, DeliveryError, Outgoing, Receipt, SendContext, secret
from dailybrief.render.documents import chinese_date
from dailybrief.render.styled import plain_text, styled_html

if TYPE_CHECKING:
    from dailybrief.publish.package import BriefPackage
    from dailybrief.store.deliveries import Delivery

DEFAULT_PORTS = {"none": 25, "starttls": 587, "ssl": 465}


def addresses(values: Sequence[str]) -> list[str]:
    """Return the bare addresses of header-style values (简报 <a@b.org> → a@b.org)."""
    return [address for _name, address in getaddresses(list(values)) if address]


class Email(Channel):
    """Mail the brief over SMTP."""

    settings_model = EmailChannel

    def secret_names(self) -> dict[str, str]:
        """Return the password's variable when the server needs a login."""
        return {"password_env": self.settings.password_env} if self.settings.password_env else {}

    def render(self, package: BriefPackage, history: Sequence[Delivery], now: dt.datetime) -> list[Outgoing]:
        """Return the whole message (MIME, CRLF line ends) as one .eml item."""
        s = self.settings
        brief = package.brief
        message = EmailMessage()
        message["Subject"] = s.subject.format(title=brief.title, date=chinese_date(brief.date))
        message["From"] = s.sender
        message["To"] = ", ".join(s.to)
        if s.cc:
            message["Cc"] = ", ".join(s.cc)
        message["Date"] = format_datetime(now)
        domain = parseaddr(s.sender)[1].rpartition("@")[2] or "dailybrief.invalid"
        # The same brief revision always has the same Message-ID, so a mail resent by mistake threads as one.
        message["Message-ID"] = f"<{brief.date.isoformat()}.{package.revision}.{s.name}@{domain}>"
        message["X-Dailybrief-Revision"] = package.revision
        message.set_content(plain_text(brief))
        message.add_alternative(styled_html(brief, links=True, document=True), subtype="html")
        if s.attach_pdf:
            pdf = package.file_bytes("brief.pdf")
            if pdf is None:
                raise DeliveryError(f"{package.folder}: no brief.pdf to attach (or set attach_pdf = false)")
            message.add_attachment(pdf, maintype="application", subtype="pdf",
                                   filename=f"{brief.title}-{brief.date.isoformat()}.pdf")
        return [Outgoing("message.eml", message.as_bytes(policy=SMTP), "message/rfc822", "message")]

    def send(self, items: list[Outgoing], ctx: SendContext) -> Receipt:
        """Hand the message to the SMTP server for every recipient not yet served."""
        s = self.settings
        body = items[0].body
        recipients = [r for r in addresses([*s.to, *s.cc, *s.bcc]) if r not in ctx.done]
        if not recipients:
            return Receipt(self._message_id(body), "every recipient already served")
        password = secret(ctx.env, s.password_env) if s.password_env else None
        port = s.smtp_port or DEFAULT_PORTS[s.security]
        where = f"{s.smtp_host}:{port}"
        try:
            with self._connect(port) as smtp:
                if s.username and password is not None:
                    smtp.login(s.username, password)
                refused = smtp.sendmail(parseaddr(s.sender)[1], recipients, body)
        except smtplib.SMTPRecipientsRefused as exc:
            refused = exc.recipients
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(f"{where} refused the login of {s.username}: {exc.smtp_code}") from None
        except smtplib.SMTPResponseException as exc:
            text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
            raise DeliveryError(f"{where} answered {exc.smtp_code} {text}"[:300],
                                retryable=400 <= exc.smtp_code < 500) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"{where}: {type(exc).__name__}: {exc}"[:300], retryable=True) from None
        accepted = [r for r in recipients if r not in refused]
        for n, recipient in enumerate(accepted):
            ctx.mark(recipient, 0 if n else len(body))  # one copy goes over the wire for all recipients
        if refused:
            reasons = "; ".join(f"{r}: {code} {text.decode('utf-8', 'replace') if isinstance(text, bytes) else text}"
                                for r, (code, text) in refused.items())
            raise DeliveryError(f"{where} refused {reasons}"[:400],
                                retryable=all(400 <= code < 500 for code, _t in refused.values()))
        return Receipt(self._message_id(body), f"{len(recipients)} recipient{'s' if len(recipients) > 1 else ''}")

    def _connect(self, port: int) -> smtplib.SMTP:
        """Open the SMTP connection with the configured security."""
        s = self.settings
        context = ssl.create_default_context()
        if s.security == "ssl":
            return smtplib.SMTP_SSL(s.smtp_host, port, timeout=s.timeout_s, context=context)
        smtp = smtplib.SMTP(s.smtp_host, port, timeout=s.timeout_s)
        if s.security == "starttls":
            try:
                smtp.starttls(context=context)
            except BaseException:
                smtp.close()
                raise
        return smtp

    @staticmethod
    def _message_id(body: bytes) -> str | None:
        """Return the Message-ID header of a rendered message."""
        for line in body.split(b"\r\n"):
            if line.lower().startswith(b"message-id:"):
                return line.split(b":", 1)[1].strip().decode("ascii", "replace")
            if not line:
                break
        return None
