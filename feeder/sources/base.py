"""The source contract: what a source declares, what it gets to poll and parse with, what it gives.

A source is one class (see :class:`SourceBase`) in one module, listed once in
:mod:`feeder.sources.registry`:

- its :class:`SourceSpec` (``spec``): the name (``sources.<name>`` in config.yaml), the defaults
  (URL, interval, stale_after, enabled or not when unlisted) and its own config keys as
  :class:`Setting` objects, each with its type, default, validation and documentation. The config
  reader (:mod:`feeder.config`) reads and validates them under ``sources.<name>.<key>``; the
  documentation test holds them to ``docs/config.md``;
- one instance per enabled source (:func:`feeder.sources.registry.build_sources`), holding that
  source's config and any state it keeps between polls (per instance, never module globals);
- ``poll(ctx: PollContext) -> PollResult``: fetch through ``ctx.fetcher`` and parse. Storing,
  ending vanished items and recording failures happen in :mod:`feeder.poll`, the same way for
  every source;
- a pure parse step with one shape for every source: ``parse(body: bytes, ctx: ParseContext) ->
  Parsed`` (no I/O, deterministic: the same bytes and context give the same result).

Nothing here imports the config package or the fetcher at run time (only for type checking):
:mod:`feeder.config` imports the registry to read the sources' own keys.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, TypeVar

if TYPE_CHECKING:
    from ..config import Config, Region, SourceConfig
    from ..fetch import Fetcher, Response
    from ..model import Item, SourceState

from ..model import Reopen

__all__ = [
    "DEFAULT_STALE_MINIMUM", "ParseContext", "Parsed", "PollContext", "PollResult", "Setting",
    "Source", "SourceBase", "SourceSpec",
]

T = TypeVar("T")
E = TypeVar("E")

DEFAULT_STALE_MINIMUM = 600
"""``stale_after`` defaults to four intervals, and to at least this many seconds."""


# --------------------------------------------------------------------------------- declaration


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One config key of a source's own: ``sources.<source>.<key>``.

    The reader accepts a YAML value of one of ``accepts`` (default: ``kind``), checks it with
    ``check`` (a problem sentence, or None) and turns it into a ``kind`` with ``convert`` (a
    ``ValueError`` is a problem too); every problem is a :class:`~feeder.errors.ConfigError`
    naming the key. A missing key is ``default``.
    """

    key: str
    kind: type[T]
    default: T
    doc: str
    """What the key means: the "meaning" column of its row in ``docs/config.md``."""
    accepts: tuple[type, ...] = ()
    check: Callable[[Any], str | None] | None = None
    convert: Callable[[Any], T] | None = None


@dataclass(frozen=True)
class SourceSpec:
    """What a source declares about itself (its defaults, its own config keys, its docs)."""

    name: str
    """Its name: the key under ``sources:``, the items' ``source``, the prefix of their ids."""
    title: str
    """What it is, for people: the meaning of ``sources.<name>`` in ``docs/config.md``."""
    display_name: str
    """Who is credited when an item has no credit of its own (``feeder.model.SOURCE_NAMES``)."""
    url: str
    """The default ``url``."""
    interval: int
    """The default ``interval`` in seconds."""
    stale_after: int | None = None
    """The default ``stale_after`` in seconds; None: four intervals, at least 600 s."""
    enabled_by_default: bool = False
    """Polled even when ``sources:`` does not list it."""
    settings: tuple[Setting[Any], ...] = ()
    """Its own config keys, beside ``enabled``, ``url``, ``interval`` and ``stale_after``."""
    reopen: Reopen = Reopen.LISTED
    """What brings back an item that was ended when the source lists it again."""

    def default_stale_after(self, interval: int) -> int:
        if self.stale_after is not None:
            return self.stale_after
        return max(interval * 4, DEFAULT_STALE_MINIMUM)


# --------------------------------------------------------------------------------- parsing


@dataclass(frozen=True)
class ParseContext:
    """Everything a pure parse step may depend on besides the body."""

    region: Region
    now: datetime
    """The time of the poll (what is already over, a fallback time where upstream has none)."""
    url: str = ""
    """Where the body came from (after redirects): the base of its relative links."""
    settings: Mapping[str, object] = field(default_factory=dict)
    """The source's own settings (``SourceConfig.settings``); missing keys are their defaults."""
    known: Mapping[str, Item] = field(default_factory=dict)
    """This source's items already stored, by id."""
    encoding: str | None = None
    """The character set the response declared, if any."""

    def get(self, setting: Setting[T]) -> T:
        """A setting's value (its default when not given)."""
        return _setting_value(self.settings, setting)


@dataclass(frozen=True)
class Parsed(Generic[E]):
    """What a parse step gives: the items (or, for a news list, its entries) and the problems
    that did not fail the parse (an unknown level code, one unreadable entry of many)."""

    items: list[E]
    warnings: list[str] = field(default_factory=list)
    still_listed: list[str] = field(default_factory=list)
    """Ids the upstream still lists but whose entry was skipped as broken: their stored version
    stays, and a complete list does not end them."""


# --------------------------------------------------------------------------------- polling


@dataclass(frozen=True)
class PollContext:
    config: Config
    source: SourceConfig
    state: SourceState
    """The stored state: ETag / Last-Modified for conditional requests."""
    known: Mapping[str, Item]
    """This source's items already stored, by id (e.g. articles already seen)."""
    now: datetime
    fetcher: Fetcher
    sleep: Callable[[float], None]

    def conditional_get(self, url: str, *, accept: str) -> Response:
        """GET with the stored ETag / Last-Modified; ``response.not_modified`` on a 304."""
        return self.fetcher.get(
            url,
            source=self.source.name,
            etag=self.state.etag,
            last_modified=self.state.last_modified,
            accept=accept,
        )

    def parse_context(self, url: str, *, encoding: str | None = None) -> ParseContext:
        """The context for parsing a body fetched from ``url`` in this poll."""
        return ParseContext(
            region=self.config.region,
            now=self.now,
            url=url,
            settings=self.source.settings,
            known=self.known,
            encoding=encoding,
        )


@dataclass(frozen=True)
class PollResult:
    items: list[Item]
    """New or current items. Unchanged ones may be included: the store writes only changes."""
    complete: bool
    """True when ``items`` is the source's whole current list, so that a stored, still-running
    item absent from it has been withdrawn upstream and is ended (SMHI, VMA). False for news."""
    not_modified: bool = False
    """The upstream answered 304 (or the same body): nothing to store."""
    etag: str | None = None
    last_modified: str | None = None
    warnings: list[str] = field(default_factory=list)
    """Problems that did not fail the poll (one article of many failed to parse)."""
    still_listed: list[str] = field(default_factory=list)
    """Ids the upstream still lists but whose entry was skipped as broken (an SMHI area with a
    year 9999): not ended by a complete list; their last good version stays."""


# --------------------------------------------------------------------------------- the source


class Source(Protocol):
    """One configured upstream source, as :mod:`feeder.poll` and the application use it."""

    @property
    def spec(self) -> SourceSpec:
        """What the source declares about itself (a class attribute of feeder's sources)."""
        ...

    @property
    def name(self) -> str: ...

    @property
    def config(self) -> SourceConfig: ...

    def poll(self, ctx: PollContext) -> PollResult:
        """Fetch (conditionally) through ``ctx.fetcher`` and parse; raise
        :class:`~feeder.errors.SourceError` when the poll fails."""
        ...


class SourceBase(ABC):
    """The base of feeder's own sources: a spec, the config it was built with, ``poll``."""

    spec: ClassVar[SourceSpec]

    def __init__(self, config: SourceConfig) -> None:
        if config.name != self.spec.name:
            raise ValueError(f"{type(self).__name__} is {self.spec.name!r}, not {config.name!r}")
        self._config = config

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def config(self) -> SourceConfig:
        return self._config

    def get(self, setting: Setting[T]) -> T:
        """One of this source's own settings."""
        return _setting_value(self._config.settings, setting)

    @abstractmethod
    def poll(self, ctx: PollContext) -> PollResult: ...

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name} {self._config.url}>"


def _setting_value(settings: Mapping[str, object], setting: Setting[T]) -> T:
    value = settings.get(setting.key, setting.default)
    if not isinstance(value, setting.kind):
        raise TypeError(
            f"setting {setting.key!r} is {type(value).__name__}, expected {setting.kind.__name__}"
        )
    return value
