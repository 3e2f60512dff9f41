"""One item as every output shows it: safe title, body, link, ids, level text and end mark.

Built once per item and publish run (by the plan, step 2 of load → select → render → write),
then shared by all renderers, so that every output says the same thing. Items are re-sanitised
here (titles stripped of markup, bodies through nh3, links only http/https): whatever reached
the store, nothing a source or an editor typed can run script.
"""

from __future__ import annotations

import html
import re
import uuid
from dataclasses import dataclass
from datetime import datetime

from ..ladder import Level
from ..lifecycle import End, State, effective_updated, end_of
from ..model import SOURCE_NAMES, Item
from ..text import plain_text, sanitize_html, shorten
from ..timeutil import swedish

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:feeder:item-ids")
"""Our UUID namespace: ``urn:uuid:`` ids are uuid5(NAMESPACE, stable name)."""

ENDED_PREFIX = "Avslutad: "
SUMMARY_LIMIT = 300
_SAFE_URL = re.compile(r"(?i)https?://[^\s/?#<>\"'`]+(?:[/?#][^\s<>\"'`]*)?\Z")


def urn(name: str) -> str:
    """A real ``urn:uuid:`` id, stable for ``name``."""
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, name)}"


def safe_url(url: str | None) -> str | None:
    """The URL when it is an absolute http(s) URL without spaces or markup, else None."""
    if not url:
        return None
    url = url.strip()
    return url if _SAFE_URL.match(url) else None


def level_text(level: Level) -> str:
    """``Nivå 2 – Meddelande``: the number and the Swedish name."""
    return f"Nivå {int(level)} – {level.swedish}"


def source_label(name: str) -> str:
    """A source's name for people (``smhi`` → ``SMHI``)."""
    return SOURCE_NAMES.get(name, name)


def end_sentence(end: End) -> str:
    if end.reason is State.WITHDRAWN:
        return f"Avslutad: meddelandet återkallades {swedish(end.at)}."
    if end.reason is State.EXPIRED:
        return f"Avslutad: gällde till {swedish(end.at)}."
    return f"Avslutad {swedish(end.at)}."


@dataclass(frozen=True, slots=True)
class Entry:
    item: Item
    id: str
    """The feed id: the item's URL when that URL is its identity (news), else a ``urn:uuid:``."""
    url: str | None
    title: str
    """Plain text; starts with ``Avslutad: `` when the item is over."""
    content: str
    """Sanitised HTML: an end mark, the body, the level and the source credit."""
    body: str
    """Only the sanitised body."""
    text: str
    """The body as plain text."""
    summary: str
    published: datetime
    updated: datetime
    end: End | None
    level_text: str
    source: str
    topics: tuple[str, ...]

    @property
    def permalink(self) -> bool:
        return self.url is not None and self.id == self.url


def build(item: Item, now: datetime, topics: tuple[str, ...] = ()) -> Entry:
    url = safe_url(item.url)
    end = end_of(item, now)
    title = plain_text(item.title) or "(utan rubrik)"
    if end is not None:
        title = ENDED_PREFIX + title
    body = sanitize_html(item.body)
    text = plain_text(body)
    credit = item.source_name
    parts: list[str] = []
    if end is not None:
        parts.append(f"<p><strong>{html.escape(end_sentence(end))}</strong></p>")
    if body:
        parts.append(body)
    parts.append(f"<p>{html.escape(level_text(item.level))}. Källa: {html.escape(credit)}</p>")
    return Entry(
        item=item,
        id=url if url is not None and url == item.id else urn(f"item:{item.id}"),
        url=url,
        title=title,
        content="\n".join(parts),
        body=body,
        text=text,
        summary=plain_text(item.summary) or shorten(text, SUMMARY_LIMIT),
        published=item.published,
        updated=effective_updated(item, now),
        end=end,
        level_text=level_text(item.level),
        source=credit,
        topics=topics,
    )
