"""What one feed holds, independent of its format (RSS, Atom, JSON Feed): a part of the plan
(step 2 of load → select → render → write) that :mod:`.feeds` and :mod:`.jsonfeed` render."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from .entry import Entry, urn


@dataclass(frozen=True, slots=True)
class FeedSpec:
    name: str
    """The path without extension, relative to output_dir: ``feed``, ``alerts``, ``topics/<id>``."""
    title: str
    description: str
    """Includes the stale-source note when any source is stale."""
    base_url: str
    """``server.public_url`` (ends in ``/``): the home page, and the base of the self links."""
    entries: tuple[Entry, ...]
    updated: datetime
    """From data: the latest entry change (or stale moment), never the clock."""
    region: str
    topic_titles: Mapping[str, str] = field(default_factory=dict)
    hub: str | None = None
    """``feeds.websub_hub``: the WebSub hub the feed names (``rel="hub"``), or None."""

    def url(self, ext: str) -> str:
        """The absolute URL of this feed in format ``ext`` (``rss``, ``atom``, ``json``)."""
        return f"{self.base_url}{self.name}.{ext}"

    @property
    def id(self) -> str:
        """A stable Atom feed id (a real ``urn:uuid:``), the same whatever the public URL."""
        return urn(f"feed:{self.region}:{self.name}")
