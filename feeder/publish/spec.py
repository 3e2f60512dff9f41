"""What one feed holds, independent of its format (RSS, Atom, JSON Feed): a part of the plan
(step 2 of load → select → render → write) that :mod:`.feeds` and :mod:`.jsonfeed` render."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from .entry import Entry, urn

FEED_FORMATS = ("rss", "atom", "json")
"""A feed's formats (:mod:`.feeds`, :mod:`.jsonfeed`): each carries its self link and, with a
WebSub hub, the hub. The feed's HTML page (``.html``) carries neither."""
_FEED_FILE = re.compile(rf"(feed|alerts|topics/[^/.]+)\.({'|'.join(FEED_FORMATS)})")


def feed_url(base_url: str, name: str, ext: str) -> str:
    """The absolute URL of feed ``name`` (``feed``, ``alerts``, ``topics/<id>``) in format
    ``ext`` under ``base_url`` (``server.public_url``, ending in ``/``): the feed's self link,
    JSON Feed's ``feed_url``, and so the WebSub topic (``hub.url``) and the ``Link`` header's
    ``rel="self"`` (:mod:`feeder.websub`, :mod:`feeder.web.cache`)."""
    return f"{base_url}{name}.{ext}"


def feed_file(path: str) -> tuple[str, str] | None:
    """(name, format) when ``path`` (relative to output_dir, as in ``PublishResult.changed``) is
    a feed in one of :data:`FEED_FORMATS`: ``topics/vatten.atom`` → (``topics/vatten``,
    ``atom``); None for anything else (the feeds' pages, the banner, the index)."""
    found = _FEED_FILE.fullmatch(path)
    return (found[1], found[2]) if found else None


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
        return feed_url(self.base_url, self.name, ext)

    @property
    def id(self) -> str:
        """A stable Atom feed id (a real ``urn:uuid:``), the same whatever the public URL."""
        return urn(f"feed:{self.region}:{self.name}")
