"""Load and validate the brief configuration (the TOML format of shared/corpora/FORMAT.md)."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from dailybrief.config.delivery import (
    BUILTIN_CHANNELS,
    ENV_NAME,
    PLUGIN_TAG,
    AtomChannel,
    PublishSettings,
    ScheduleSettings,
)
from dailybrief.models import Source

USER_AGENT = "dailybrief/0.1 (+https://github.com/dailybrief/dailybrief; daily policy brief collector)"


class ConfigError(Exception):
    """A configuration that cannot be used; the message is one line naming file, key and expectation."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class BriefSettings(_Strict):
    """The `[brief]` table: what the brief is called and how much it covers."""

    title: str = Field(min_length=1)
    publishers: list[str] = Field(default_factory=list)
    date: dt.date | None = None
    window_days: Annotated[int, Field(ge=1, le=366)] = 7
    language: str = "zh"
    max_sections: Annotated[int, Field(ge=1, le=50)] = 5
    disclaimer: str = ""
    # The publisher's own judgement, closing the summary as 编者按：…; it cites nothing, so it is never a finding.
    editorial_line: str = ""
    # The extractive writer's budget per section: characters of fact sentences (the lead included).
    section_chars: Annotated[int, Field(ge=150, le=4000)] = 600

    @field_validator("date", mode="before")
    @classmethod
    def _parse_date(cls, value: Any) -> Any:
        """Accept TOML dates and ISO date strings."""
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError as exc:
                raise ValueError(f"expected a date YYYY-MM-DD, got {value!r}") from exc
        return value


class ThemeSettings(_Strict):
    """The `[theme]` table: what the brief watches."""

    name: str = Field(min_length=1)
    description: str = ""
    keywords: list[str] = Field(default_factory=list)


class CollectSettings(_Strict):
    """The optional `[collect]` table: how politely and how hard to fetch."""

    user_agent: str = USER_AGENT
    concurrency: Annotated[int, Field(ge=1, le=256)] = 16
    per_host: Annotated[int, Field(ge=1, le=64)] = 4
    connect_timeout: Annotated[float, Field(gt=0)] = 5.0
    read_timeout: Annotated[float, Field(gt=0)] = 20.0
    total_timeout: Annotated[float, Field(gt=0)] = 60.0
    retries: Annotated[int, Field(ge=0, le=10)] = 2
    backoff: Annotated[float, Field(ge=0)] = 0.5
    max_retry_after: Annotated[float, Field(ge=0)] = 30.0
    max_bytes: Annotated[int, Field(ge=1024)] = 10_000_000
    max_redirects: Annotated[int, Field(ge=0, le=30)] = 10
    max_items: Annotated[int, Field(ge=1)] = 200
    robots: bool = True
    # Off: links, redirects and items reach public addresses only (plus the network a source itself is on).
    allow_private_networks: bool = False


class SelectSettings(_Strict):
    """The optional `[select]` table: which articles are candidates for the day."""

    min_relevance: Annotated[float, Field(ge=0, le=1)] = 0.05
    relative_relevance: Annotated[float, Field(ge=0, le=1)] = 0.2
    background_days: Annotated[int, Field(ge=0, le=3660)] = 365
    # A story enters the brief only when its primary is about the theme (stories/aboutness.py).
    min_aboutness: Annotated[float, Field(ge=0, le=1)] = 0.3
    # Add the optional embedding model's similarity (pip install 'dailybrief[embeddings]').
    embeddings: bool = False


class RankSettings(_Strict):
    """The optional `[rank]` table: weights of the story score (each feature is 0..1; see stories/rank.py).

    `policy` is the old name of `substance` and still accepted. With `learned = true` (the
    default) a run uses the weights `dailybrief rank --learn` fitted for its archive, if any.
    """

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)

    relevance: Annotated[float, Field(ge=0)] = 0.20
    level: Annotated[float, Field(ge=0)] = 0.19
    media: Annotated[float, Field(ge=0)] = 0.0
    substance: Annotated[float, Field(ge=0, validation_alias=AliasChoices("substance", "policy"))] = 0.10
    scale: Annotated[float, Field(ge=0)] = 0.04
    first: Annotated[float, Field(ge=0)] = 0.02
    publishers: Annotated[float, Field(ge=0)] = 0.18
    thread: Annotated[float, Field(ge=0)] = 0.09
    freshness: Annotated[float, Field(ge=0)] = 0.07
    novelty: Annotated[float, Field(ge=0)] = 0.11
    merge_threshold: Annotated[float, Field(gt=0, le=2)] = 0.3
    learned: bool = True


def _check_url(value: str) -> str:
    """Require an absolute http(s) URL (local files are read only by `dir` sources)."""
    if value.lower().startswith("file:"):
        raise ValueError(f"expected an absolute http(s):// URL, got {value!r} (local folders are type = \"dir\")")
    if not re.match(r"^https?://[^\s/]+", value):
        raise ValueError(f"expected an absolute http(s):// URL, got {value!r}")
    return value


class SourceSettings(_Strict):
    """One `[[source]]` table."""

    name: str = Field(min_length=1)
    # `type` comes before `url` so the URL check knows whether a folder path is allowed.
    type: Literal["feed", "page", "dir"]
    level: Literal["national", "provincial", "city", "media"]
    url: str = Field(min_length=1)
    selector: str | None = None
    link_pattern: str | None = None
    next_selector: str | None = None
    max_pages: Annotated[int, Field(ge=1, le=100)] = 1
    encoding: str | None = None
    enabled: bool = True

    @field_validator("url")
    @classmethod
    def _check_source_url(cls, value: str, info: ValidationInfo) -> str:
        """Require an http(s) URL except for folders, which may be paths."""
        return value if info.data.get("type") == "dir" else _check_url(value)

    @model_validator(mode="after")
    def _check_kind(self) -> SourceSettings:
        """Check the options that only make sense for some source types."""
        if self.type == "page" and not (self.selector or self.link_pattern):
            raise ValueError("a page source needs 'selector' (CSS) or 'link_pattern' (regex)")
        if self.type != "page":
            for key in ("selector", "link_pattern", "next_selector"):
                if getattr(self, key) is not None:
                    raise ValueError(f"'{key}' only applies to type = \"page\"")
        if self.link_pattern is not None:
            try:
                re.compile(self.link_pattern)
            except re.error as exc:
                raise ValueError(f"'link_pattern' is not a valid regular expression: {exc}") from exc
        if self.selector is not None:
            from cssselect import SelectorSyntaxError, parse  # noqa: PLC0415 - only needed here

            try:
                parse(self.selector)
            except SelectorSyntaxError as exc:
                raise ValueError(f"'selector' is not a valid CSS selector: {exc}") from exc
        return self


class LLMSettings(_Strict):
    """The optional `[llm]` table: an OpenAI-compatible chat-completions endpoint for the LLM writer.

    The API key is never in the file: `api_key_env` names the environment variable that holds it
    (leave it out for a local server that needs none). Answers are streamed: `silence_timeout_s`
    is how long the server may send no token (the wait for the first one included) and
    `timeout_s` the upper bound on a whole answer. `concurrency` and `context_tokens` cap what
    the server reports (its slots, its context window); when it reports nothing they decide,
    and when they are not set either a server on this machine gets one request at a time and
    every server a 4096-token context.
    """

    base_url: str = Field(min_length=1)
    model: str = Field(min_length=1)
    api_key_env: str | None = None
    temperature: Annotated[float, Field(ge=0, le=2)] = 0.2
    max_output_tokens: Annotated[int, Field(ge=64, le=65536)] = 1500
    timeout_s: Annotated[float, Field(gt=0, le=7200)] = 900.0
    silence_timeout_s: Annotated[float, Field(gt=0, le=3600)] = 120.0
    concurrency: Annotated[int, Field(ge=1, le=64)] | None = None
    context_tokens: Annotated[int, Field(ge=512, le=10_000_000)] | None = None
    budget_tokens: Annotated[int, Field(ge=1)] | None = None
    retries: Annotated[int, Field(ge=0, le=10)] = 2
    # ask for `response_format: json_object` (dropped for the run when the server refuses it); unset: yes for
    # a remote server, no for one on this machine, where sampling under the JSON grammar costs a CPU server
    # about a third of its time (measured: docs/llm-writer.md) and the answer's JSON is put right anyway
    json_mode: bool | None = None

    @field_validator("base_url")
    @classmethod
    def _check_base_url(cls, value: str) -> str:
        """Require an http(s) URL such as http://127.0.0.1:8080/v1."""
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError(f"expected an http(s):// URL such as http://127.0.0.1:8080/v1, got {value!r}")
        return value.rstrip("/")

    @field_validator("api_key_env")
    @classmethod
    def _check_env_name(cls, value: str | None) -> str | None:
        """Require a variable name; the message never repeats the value (it may be a pasted key)."""
        if value is not None and not re.fullmatch(ENV_NAME, value):
            raise ValueError("expected the NAME of an environment variable holding the key, such as "
                             "DEEPSEEK_API_KEY (capitals, digits, _), never the key itself")
        return value


class Config(_Strict):
    """A whole configuration file."""

    brief: BriefSettings
    theme: ThemeSettings
    collect: CollectSettings = CollectSettings()
    select: SelectSettings = SelectSettings()
    rank: RankSettings = RankSettings()
    llm: LLMSettings | None = None
    source: list[SourceSettings] = Field(min_length=1)
    schedule: ScheduleSettings = ScheduleSettings()
    publish: list[PublishSettings] = Field(default_factory=list)
    path: Path | None = Field(default=None, exclude=True)

    @model_validator(mode="after")
    def _unique_names(self) -> Config:
        """Source and channel names identify rows in the archive (and `--channel NAME`), so they must be unique."""
        _unique("source", [entry.name for entry in self.source])
        _unique("publish", [channel.name for channel in self.publish], "channel")
        for number, channel in enumerate(self.publish, 1):
            if isinstance(channel, AtomChannel) and not (channel.base_url or self.schedule.base_url):
                raise ValueError(f"publish[{number}] ({channel.name}).base_url: an Atom feed needs the URL its "
                                 "links start with (set base_url here or in [schedule])")
        return self

    def resolve(self, path: str) -> Path:
        """Return a path of the config (an output folder, a cover image) resolved against the file's folder."""
        base = self.path.parent if self.path else Path.cwd()
        return (base / Path(path).expanduser()).resolve()

    def sources(self) -> list[Source]:
        """Return the enabled sources as core records, with dir paths resolved against the file."""
        out = []
        base = self.path.parent if self.path else Path.cwd()
        for s in self.source:
            if not s.enabled:
                continue
            url = s.url
            if s.type == "dir" and not url.startswith("file://"):
                url = (base / url).resolve().as_uri()
            options = s.model_dump(exclude={"name", "url", "type", "level", "enabled"}, exclude_none=True)
            out.append(Source(name=s.name, url=url, type=s.type, level=s.level, options=options))
        return out


def _unique(table: str, names: list[str], kind: str = "") -> None:
    """Refuse a name used twice in an array of tables, naming both places."""
    first: dict[str, int] = {}
    for number, name in enumerate(names, 1):
        if name in first:
            raise ValueError(f"{table}[{number}].name: {name!r} is already the name of {table}[{first[name]}]; "
                             f"{kind or table} names must be unique")
        first[name] = number


def _location(loc: tuple[int | str, ...], data: dict[str, Any]) -> str:
    """Render a pydantic error location as a TOML key path, e.g. source[2].level."""
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            name = ""
            table = parts[-1] if parts else ""
            if len(parts) == 1 and isinstance(data.get(table), list) and item < len(data[table]):
                entry = data[table][item]
                if isinstance(entry, dict) and isinstance(entry.get("name"), str):
                    name = f" ({entry['name']})"
            parts[-1] = f"{parts[-1]}[{item + 1}]{name}"
        elif len(parts) == 1 and parts[0].startswith("publish[") and item in {*BUILTIN_CHANNELS, PLUGIN_TAG}:
            continue  # the channel type pydantic names in the location; the table already says it
        else:
            parts.append(str(item))
    return ".".join(parts)  # empty for checks across tables, whose messages name their keys


def _model_at(loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    """Return the settings model that owns the key at a location."""
    owners: dict[tuple[str, ...], type[BaseModel]] = {
        (): Config, ("brief",): BriefSettings, ("theme",): ThemeSettings,
        ("collect",): CollectSettings, ("source",): SourceSettings, ("select",): SelectSettings,
        ("rank",): RankSettings,
        ("llm",): LLMSettings, ("schedule",): ScheduleSettings,
        **{("publish", tag): model for tag, model in BUILTIN_CHANNELS.items()},
    }
    return owners.get(tuple(str(p) for p in loc[:-1] if not isinstance(p, int)))


def _describe(error: Any) -> str:
    """Turn one pydantic error into 'what was expected'."""
    kind = error["type"]
    if kind == "extra_forbidden":
        model = _model_at(error["loc"])
        keys = [k for k in model.model_fields if k != "path"] if model else []
        return f"unknown key (expected one of: {', '.join(keys)})" if keys else "unknown key"
    if kind == "missing":
        return "missing required key" if isinstance(error["loc"][-1], str) else "missing required key 'type'"
    msg = str(error["msg"])
    msg = msg.removeprefix("Value error, ")
    got = error.get("input")
    if kind.endswith("_type") or kind in {"literal_error", "greater_than_equal", "less_than_equal"}:
        shown = repr(got) if not isinstance(got, dict | list) else type(got).__name__
        return f"{msg[0].lower()}{msg[1:]} (got {shown})"
    return msg


def parse_config(data: dict[str, Any], path: Path | None = None) -> Config:
    """Validate a parsed TOML mapping; raise ConfigError with one line per the first problem."""
    where = str(path) if path else "<config>"
    try:
        config = Config.model_validate({**data, "path": path} if path else data)
    except ValidationError as exc:
        errors = exc.errors()
        first = errors[0]
        more = f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})" if len(errors) > 1 else ""
        location = _location(first["loc"], data)
        raise ConfigError(f"{where}: {location + ': ' if location else ''}{_describe(first)}{more}") from None
    return config


def load_config(path: str | Path) -> Config:
    """Read and validate a config file; every failure is a ConfigError naming the file."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{p}: no such config file") from None
    except OSError as exc:
        raise ConfigError(f"{p}: cannot read config file: {exc.strerror}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{p}: not UTF-8 text; save the config as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{p}: not valid TOML: {exc}") from None
    return parse_config(data, p.resolve())
