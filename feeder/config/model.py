"""The configuration as frozen dataclasses: what the rest of feeder sees of config.yaml."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..ladder import Level

KNOWN_SOURCES = ("smhi", "lansstyrelsen", "vma", "krisinformation")

DEFAULT_URLS = {
    "smhi": "https://opendata-download-warnings.smhi.se/ibww/api/version/1/warning.json",
    "lansstyrelsen": "https://www.lansstyrelsen.se/vasternorrland/om-oss/nyheter-och-press/nyheter---vasternorrland.html",
    "vma": "https://vmaapi.sr.se/api/v3/alerts",
    "krisinformation": "https://api.krisinformation.se/v3/news",
}
DEFAULT_INTERVALS = {"smhi": 120, "lansstyrelsen": 900, "vma": 60, "krisinformation": 300}


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


@dataclass(frozen=True, slots=True)
class Banner:
    min_level: Level


@dataclass(frozen=True, slots=True)
class Feeds:
    max_items: int
    title: str
    description: str


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
    name: str
    enabled: bool
    url: str
    interval: int
    stale_after: int
    max_articles: int = 10
    article_delay: float = 1.0
    level: Level = Level.INFO


@dataclass(frozen=True, slots=True)
class Topic:
    id: str
    title: str
    match: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StandingNotice:
    id: str
    fields: dict[str, Any]
    """The raw notice fields, validated by :mod:`feeder.notices` when loaded."""


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

    def source(self, name: str) -> SourceConfig:
        return self.sources[name]

    @property
    def enabled_sources(self) -> list[str]:
        return [name for name, src in self.sources.items() if src.enabled]
