"""Word: brief.docx (laid out like the PDF, see `render.word`) written to `<path>/<brief folder>/brief.docx`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from dailybrief.config.delivery import DocxChannel
from dailybrief.publish.channel import Channel, Outgoing, Receipt, SendContext
from dailybrief.publish.files import write_atomic
from dailybrief.render.word import render_docx

if TYPE_CHECKING:
    from dailybrief.publish.package import BriefPackage
    from dailybrief.store.deliveries import Delivery

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class Docx(Channel):
    """Write the brief as a Word document."""

    settings_model = DocxChannel
    rewrites: ClassVar[bool] = True
    _folder = ""

    def render(self, package: BriefPackage, history: Sequence[Delivery], now: dt.datetime) -> list[Outgoing]:
        """Return brief.docx."""
        self._folder = package.folder.name
        return [Outgoing("brief.docx", render_docx(package.brief), DOCX_TYPE, "file")]

    def send(self, items: list[Outgoing], ctx: SendContext) -> Receipt:
        """Write the document into its folder."""
        target = self.config.resolve(self.settings.path) / self._folder / "brief.docx"
        write_atomic(target, items[0].body)
        ctx.mark(items[0].key, len(items[0].body))
        return Receipt(str(target))
