"""JSON Feed 1.1 (https://jsonfeed.org/version/1.1) of one feed of the plan (a
:class:`FeedSpec`); part of step 3 of a publish (load → select → **render** → write).

Each item carries the standard fields plus our extension object ``_feeder`` (level, level name,
source, starts, expires, ended, areas and their names). Times are UTC ISO 8601 with ``Z``.
"""

from __future__ import annotations

import json
from typing import Any

from ..timeutil import iso_z
from .entry import Entry
from .spec import FeedSpec

VERSION = "https://jsonfeed.org/version/1.1"
ABOUT = "feed.html#json-feed"
"""Where the ``_feeder`` extension is described (JSON Feed asks extensions for an ``about``),
relative to the site's base URL: the developers' section of the feed pages (the whole list of
fields is in docs/embed.md)."""


def item(entry: Entry, about: str) -> dict[str, Any]:
    it = entry.item
    out: dict[str, Any] = {"id": entry.id}
    if entry.url is not None:
        out["url"] = entry.url
    out["title"] = entry.title
    out["content_html"] = entry.content
    if entry.summary:
        out["summary"] = entry.summary
    out["date_published"] = iso_z(entry.published)
    out["date_modified"] = iso_z(entry.updated)
    out["authors"] = [{"name": entry.source}]
    out["tags"] = [it.level.label, *entry.topics]
    out["_feeder"] = {
        "about": about,
        "id": it.id,
        "level": int(it.level),
        "level_name": it.level.label,
        "level_text": entry.level_text,
        "source": entry.source,
        "starts": iso_z(it.onset or it.effective),
        "expires": iso_z(it.expires),
        "ended": entry.end is not None,
        "ended_at": iso_z(entry.end.at) if entry.end is not None else None,
        "end_reason": entry.end.reason if entry.end is not None else None,
        "areas": list(it.areas),
        "area_names": list(entry.area_names),
    }
    return out


def document(spec: FeedSpec) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "version": VERSION,
        "title": spec.title,
        "home_page_url": spec.base_url,
        "feed_url": spec.url("json"),
        "description": spec.description,
        "language": "sv",
    }
    if spec.hub is not None:  # WebSub (feeds.websub_hub); feed_url is the topic
        doc["hubs"] = [{"type": "WebSub", "url": spec.hub}]
    doc["items"] = [item(entry, spec.base_url + ABOUT) for entry in spec.entries]
    return doc


def render(spec: FeedSpec) -> bytes:
    # Compact: json's fast C encoder is only used without indent.
    text = json.dumps(document(spec), ensure_ascii=False, separators=(",", ":"))
    return (text + "\n").encode("utf-8")
