"""What a source gets to poll with, and what it gives back."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from ..config import Config, SourceConfig
from ..model import Item, SourceState

if TYPE_CHECKING:
    from ..fetch import Fetcher, Response


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
