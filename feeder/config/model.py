"""The configuration as frozen dataclasses: what the rest of feeder sees of config.yaml."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..ladder import Level


@dataclass(frozen=True, slots=True)
class Region:
    name: str
    county_id: int
    municipalities: dict[str, str]
    """Municipality code → name, for targeting (``areas``)."""


@dataclass(frozen=True, slots=True)
class Storage:
    database: Path
    output_dir: Path


@dataclass(frozen=True, slots=True)
class Server:
    host: str
    port: int
    public_url: str
    """The public base URL (ends in ``/``) under which output_dir is served: self links use it."""
    event_clients: int = 500
    """Most pages following ``/banner/events`` at once (beyond it they are told to poll);
    0: no live banner (every page polls banner.json)."""


@dataclass(frozen=True, slots=True)
class Banner:
    min_level: Level
    lookahead: int = 86400
    """Seconds: an upcoming alert (issued, not yet begun) is in the banner once its onset is at
    most this far ahead; 0 shows only alerts that have begun."""


@dataclass(frozen=True, slots=True)
class Feeds:
    max_items: int
    title: str
    description: str
    websub_hub: str | None = None
    """A WebSub hub: advertised in every RSS/Atom/JSON feed and notified after a publish that
    changed a feed (:mod:`feeder.websub`); None: no hub."""


@dataclass(frozen=True, slots=True)
class HttpSettings:
    connect_timeout: float
    read_timeout: float
    max_bytes: int
    backoff_max: int
    total_timeout: float = 60.0
    """The longest one response body may take to arrive, however it trickles in."""


@dataclass(frozen=True, slots=True)
class SourceConfig:
    """``sources.<name>``: the keys every source has, and the source's own (``settings``)."""

    name: str
    enabled: bool
    url: str
    interval: int
    stale_after: int
    settings: Mapping[str, object] = field(default_factory=dict)
    """The source's own keys (its ``spec.settings``), validated and converted, by key. Read them
    through the source's :class:`~feeder.sources.base.Setting` objects (typed)."""


@dataclass(frozen=True, slots=True)
class Topic:
    id: str
    title: str
    match: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StandingNotice:
    id: str
    fields: dict[str, Any]
    """The notice fields as config.yaml gives them (of the right types); what they say is checked
    by :func:`feeder.notices.check_standing`, through the rules every editor's input passes."""
    key: str = "notices"
    """Where it is in config.yaml (``notices[0]``), for errors naming its keys."""


@dataclass(frozen=True, slots=True)
class Config:
    path: Path | None
    region: Region
    storage: Storage
    server: Server
    banner: Banner
    feeds: Feeds
    http: HttpSettings
    sources: dict[str, SourceConfig]
    topics: tuple[Topic, ...]
    notices: tuple[StandingNotice, ...] = field(default=())

    @property
    def enabled_sources(self) -> list[str]:
        return [name for name, src in self.sources.items() if src.enabled]
