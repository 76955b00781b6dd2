"""What every channel is: settings in, rendered items out (pure), then sent (the only I/O), with typed failures.

A channel renders the brief into `Outgoing` items — a message, a mail, a file — without
touching the network, so `--dry-run` can write exactly what would be sent; `send` delivers
them, skipping the items the context says are already done (a resumed delivery) and
marking each one as it goes. A failure is a `DeliveryError` that says whether trying again
can help (a timeout, a 5xx, a rate limit) and how long to wait first.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ValidationError

if TYPE_CHECKING:
    from dailybrief.config import Config
    from dailybrief.publish.package import BriefPackage
    from dailybrief.store.deliveries import Delivery


class DeliveryError(Exception):
    """A delivery that failed; `retryable` when trying again may help, `wait` seconds first when known."""

    def __init__(self, message: str, *, retryable: bool = False, wait: float | None = None) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.wait = wait


class ChannelConfigError(Exception):
    """A channel that cannot be built from its settings (a plugin's own keys are wrong)."""


@dataclass(frozen=True)
class Outgoing:
    """One thing a channel sends: its name in the outbox, its bytes, its media type and its progress key."""

    name: str
    body: bytes
    media_type: str
    key: str = ""


@dataclass(frozen=True)
class Receipt:
    """What the platform answered: a message id (draft media_id, Message-ID, file path …) and a note."""

    message_id: str | None
    note: str = ""


@dataclass
class SendContext:
    """What `send` may use: the environment (secrets), what is already done, and how to mark and wait."""

    env: Mapping[str, str]
    done: set[str] = field(default_factory=set)
    sleep: Callable[[float], None] = lambda _s: None
    log: Callable[[str], None] = lambda _line: None
    sent_bytes: int = 0

    def mark(self, key: str, size: int) -> None:
        """Record that one item went out (so a retry or a later run does not send it again)."""
        self.done.add(key)
        self.sent_bytes += size


class Channel:
    """A delivery channel built from one `[[publish]]` table; subclasses set `settings_model` and implement it."""

    settings_model: ClassVar[type[BaseModel]]
    # File channels rewrite their output when the brief changed; message channels never repeat themselves.
    rewrites: ClassVar[bool] = False

    def __init__(self, settings: Any, config: Config) -> None:
        if not isinstance(settings, self.settings_model):
            try:
                settings = self.settings_model.model_validate(settings.model_dump())
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(p) for p in first["loc"])
                raise ChannelConfigError(f"{where}: {first['msg']}") from None
        self.settings = settings
        self.config = config

    @property
    def name(self) -> str:
        """Return the channel's name (unique in the config; `--channel NAME` picks it)."""
        return str(self.settings.name)

    @property
    def type(self) -> str:
        """Return the channel's type."""
        return str(self.settings.type)

    def retry_policy(self) -> tuple[int, float]:
        """Return (extra tries, first backoff in seconds): the settings', or 3 and 2 s for a plugin without them."""
        return int(getattr(self.settings, "retries", 3)), float(getattr(self.settings, "backoff_s", 2.0))

    def base_url(self) -> str | None:
        """Return where readers find brief folders: the channel's own base_url, else [schedule]'s."""
        own = getattr(self.settings, "base_url", None)
        return own or self.config.schedule.base_url

    def secret_names(self) -> dict[str, str]:
        """Return {settings key: environment variable} of every secret the channel needs to send."""
        return {}

    def render(self, package: BriefPackage, history: Sequence[Delivery], now: dt.datetime) -> list[Outgoing]:
        """Return what would be sent for a brief (no I/O; raise DeliveryError when the brief cannot fit)."""
        raise NotImplementedError

    def send(self, items: list[Outgoing], ctx: SendContext) -> Receipt:
        """Deliver the items not yet done; raise DeliveryError on failure."""
        raise NotImplementedError


def secret(env: Mapping[str, str], name: str) -> str:
    """Return a secret from the environment; a missing one is a DeliveryError naming the variable."""
    value = env.get(name, "")
    if not value.strip():
        raise DeliveryError(f"environment variable {name} is not set")
    return value.strip()


def missing_secrets(channel: Channel, env: Mapping[str, str] | None = None) -> list[str]:
    """Return the names of the channel's secret variables that are unset or empty."""
    env = os.environ if env is None else env
    return [f"{name} (the {key} of channel {channel.name})" for key, name in channel.secret_names().items()
            if not env.get(name, "").strip()]
