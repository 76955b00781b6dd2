"""The delivery runner: every chosen channel gets the brief once, failures are retried with backoff and recorded.

For each channel: a brief it already delivered is skipped (unless forced; a file channel
rewrites its file when the brief changed since), a missing secret fails that channel alone
without sending anything, a failed delivery of the same revision resumes where it stopped,
and each try is recorded in the archive with its status, the platform's id or error, the
attempts and the bytes sent. A dry run writes what would be sent into DIR/outbox/ instead.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from dailybrief.config import Config
from dailybrief.config.delivery import BUILTIN_CHANNELS
from dailybrief.plugins.manager import publish_channels
from dailybrief.publish.channel import Channel, ChannelConfigError, DeliveryError, SendContext, missing_secrets
from dailybrief.publish.files import write_atomic
from dailybrief.publish.package import BriefPackage
from dailybrief.store.archive import Archive
from dailybrief.store.deliveries import Delivery
from dailybrief.store.schema import now as utc_now

logger = logging.getLogger(__name__)

OUTBOX = "outbox"
HISTORY = 500  # delivered briefs a channel may look back on (the Atom feed keeps its own count)


class PublishConfigError(Exception):
    """The channels asked for cannot be built (an unknown name or type, a plugin's bad settings)."""


@dataclass
class ChannelResult:
    """What happened to one channel: sent, failed, skipped (already delivered) or dry-run."""

    name: str
    type: str
    status: str
    detail: str
    attempts: int = 0
    bytes: int = 0
    seconds: float = 0.0
    message_id: str | None = None


@dataclass
class DeliveryReport:
    """Every channel's result; `ok` when none failed."""

    results: list[ChannelResult]

    @property
    def ok(self) -> bool:
        """Say whether every channel has the brief (or, in a dry run, would be sent it)."""
        return all(r.status != "failed" for r in self.results)


def build_channels(config: Config, names: Sequence[str] = ()) -> list[Channel]:
    """Return the channels to deliver to: the named ones, else every enabled one."""
    where = str(config.path) if config.path else "<config>"
    if not config.publish:
        raise PublishConfigError(f"{where}: no [[publish]] channel is configured")
    known = [c.name for c in config.publish]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise PublishConfigError(f"{where}: no channel named {unknown[0]!r} (the channels are: {', '.join(known)})")
    registry = publish_channels()
    channels = []
    for number, settings in enumerate(config.publish, 1):
        if (names and settings.name not in names) or (not names and not settings.enabled):
            continue
        kind = registry.get(settings.type)
        place = f"{where}: publish[{number}] ({settings.name})"
        if kind is None:
            raise PublishConfigError(f"{place}.type: unknown channel type {settings.type!r} (expected one of: "
                                     f"{', '.join(sorted({*BUILTIN_CHANNELS, *registry}))}, or install the plugin "
                                     "that provides it)")
        try:
            channels.append(kind(settings, config))
        except ChannelConfigError as exc:
            raise PublishConfigError(f"{place}.{exc}") from None
    return channels


def deliver(config: Config, archive: Archive, package: BriefPackage, channels: Sequence[Channel], *,
            force: bool = False, dry_run: bool = False, env: Mapping[str, str] | None = None,
            sleep: Callable[[float], None] = time.sleep, progress: Callable[[str], None] | None = None,
            ) -> DeliveryReport:
    """Deliver a brief to the channels one after another; one channel's failure never stops the others."""
    env = os.environ if env is None else env
    say = progress or (lambda _line: None)
    history = archive.published_briefs(HISTORY)
    results = []
    for channel in channels:
        say(f"{channel.name} ({channel.type}) …")
        started = time.monotonic()
        if dry_run:
            result = _dry_run(channel, package, history, env)
        else:
            result = _deliver_one(channel, archive, package, history, force=force, env=env, sleep=sleep, say=say)
        result.seconds = time.monotonic() - started
        logger.info("%s: %s %s", channel.name, result.status, result.detail)
        results.append(result)
    return DeliveryReport(results)


def _now() -> dt.datetime:
    """Return the local time with its zone."""
    return dt.datetime.now().astimezone()


def _dry_run(channel: Channel, package: BriefPackage, history: list[Delivery], env: Mapping[str, str]) -> ChannelResult:
    """Write what the channel would send into DIR/outbox/<channel>/ and send nothing."""
    try:
        items = channel.render(package, history, _now())
    except DeliveryError as exc:
        return ChannelResult(channel.name, channel.type, "failed", str(exc))
    except Exception as exc:  # noqa: BLE001 - a broken (plugin) channel fails alone
        return ChannelResult(channel.name, channel.type, "failed", f"{type(exc).__name__}: {exc}"[:300])
    folder = package.folder / OUTBOX / channel.name
    for item in items:
        write_atomic(folder / item.name, item.body)
    missing = missing_secrets(channel, env)
    note = f"; when sending, set {', '.join(missing)}" if missing else ""
    size = sum(len(i.body) for i in items)
    return ChannelResult(channel.name, channel.type, "dry-run", f"{len(items)} item(s) in {folder}{note}", 0, size)


def _deliver_one(channel: Channel, archive: Archive, package: BriefPackage, history: list[Delivery], *,
                 force: bool, env: Mapping[str, str], sleep: Callable[[float], None],
                 say: Callable[[str], None]) -> ChannelResult:
    """Deliver to one channel with retries, and record the outcome."""
    brief = package.brief
    date, title = brief.date.isoformat(), brief.title
    sent = archive.last_sent(channel.name, date, title)
    if sent and not force and (sent.revision == package.revision or not channel.rewrites):
        changed = "" if sent.revision == package.revision else (
            f"; the brief changed since (revision {package.revision}): --force sends it again")
        return ChannelResult(channel.name, channel.type, "skipped",
                             f"already delivered {sent.finished_at} (revision {sent.revision}){changed}",
                             message_id=sent.message_id)
    ctx = SendContext(env=env, sleep=sleep, log=say)
    last = archive.last_delivery(channel.name, date, title)
    if last and last.status == "failed" and last.revision == package.revision and not force:
        ctx.done = set(last.done)  # resume: what reached the platform before the failure is not sent again
    started = utc_now()
    attempts, message_id, error = 0, None, None
    missing = missing_secrets(channel, env)
    try:
        if missing:
            raise DeliveryError(f"not sent: environment variable {', '.join(missing)} is not set")
        items = channel.render(package, history, _now())
        retries, backoff = channel.retry_policy()
        while True:
            attempts += 1
            try:
                receipt = channel.send(items, ctx)
                message_id, detail = receipt.message_id, receipt.note
                break
            except DeliveryError as exc:
                if not exc.retryable or attempts > retries:
                    raise
                wait = exc.wait if exc.wait is not None else backoff * 2 ** (attempts - 1)
                say(f"{channel.name}: {exc}; trying again in {wait:g}s")
                sleep(wait)
    except DeliveryError as exc:
        error = str(exc)
    except Exception as exc:
        logger.exception("channel %s crashed", channel.name)
        error = f"{type(exc).__name__}: {exc}"[:300]
    status = "failed" if error else "sent"
    archive.record_delivery(Delivery(
        0, channel.name, channel.type, date, title, package.revision, status, message_id, error, attempts,
        ctx.sent_bytes, tuple(sorted(ctx.done)), str(package.folder), "".join(s.text for s in brief.summary),
        package.links(channel.base_url()), started, utc_now()))
    tries = f" after {attempts} attempt{'s' if attempts != 1 else ''}" if attempts else ""
    return ChannelResult(channel.name, channel.type, status, (error or detail) + (tries if error else ""),
                         attempts, ctx.sent_bytes, message_id=message_id)
