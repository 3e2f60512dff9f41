"""One item as every output shows it: title, body, link, ids, level text, start and end marks.

Built once per item and publish run (by the plan, step 2 of load → select → render → write),
then shared by all renderers, so that every output says the same thing.

A stored title (and summary) is plain text already (:mod:`feeder.text` made it so where it
entered): it is used as it is, never HTML-decoded or stripped of "markup" a second time (a title
``<Höga kusten>`` stays exactly that), and each renderer escapes it for its format. Bodies go
through nh3 again and links must be http/https, so that whatever reached the store, nothing a
source or an editor typed can run script.
"""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from ..ladder import Level
from ..lifecycle import End, State, effective_published, effective_updated, end_of, is_upcoming
from ..model import SOURCE_NAMES, Item
from ..text import plain_text, sanitize_html, shorten
from ..timeutil import swedish
from .blocks import Block, blocks, lead

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


SITES: Mapping[str, str] = {
    "smhi.se": "SMHI:s webbplats",
    "krisinformation.se": "krisinformation.se",
    "sverigesradio.se": "Sveriges Radios webbplats",
    "sr.se": "Sveriges Radios webbplats",
    "lansstyrelsen.se": "Länsstyrelsens webbplats",
}
"""The authorities' own sites by domain, as a "Läs mer" link names them."""


def read_more(url: str | None) -> str:
    """The words of an item's "Läs mer" link: where it leads (``Läs mer på SMHI:s webbplats``,
    ``Läs mer på timra.se``), or "" without a link."""
    if url is None:
        return ""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    for domain, name in SITES.items():
        if host == domain or host.endswith("." + domain):
            return f"Läs mer på {name}"
    return f"Läs mer på {host}" if host else "Läs mer"


def area_names(codes: tuple[str, ...], municipalities: Mapping[str, str]) -> tuple[str, ...]:
    """The municipalities' names (``region.municipalities``); a code not named there as it is."""
    return tuple(municipalities.get(code, code) for code in codes)


def where(names: tuple[str, ...]) -> str:
    """``Gäller: Sundsvall, Timrå``, or "" for the whole county."""
    return f"Gäller: {', '.join(names)}" if names else ""


_CREDIT = re.compile(
    r"\s*<p>\s*Källa:\s*(?:<a\b[^<>]*>)?\s*(?P<name>[^<>]*?)\s*(?:</a>)?\s*</p>\s*\Z")


def without_credit(body: str, credit: str) -> str:
    """``body`` without a last paragraph that only credits the source (``Källa: SMHI``, as the
    SMHI source ends its bodies): every output names the source once, on its own."""
    found = _CREDIT.search(body)
    if found is None or found["name"] != html.escape(credit, quote=False):
        return body
    return body[:found.start()]


def plain(text: str) -> str:
    """A stored plain text for one line: white space folded, nothing decoded or stripped."""
    return " ".join(text.split())


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
    """Plain text (escape it for the format); starts with ``Avslutad: `` when it is over."""
    content: str
    """Sanitised HTML: an end mark, the body, the level and the source credit."""
    body: str
    """Only the sanitised body."""
    text: str
    """The body as plain text."""
    summary: str
    published: datetime
    """When it was first shown: its *effective* time when that came after ``published``."""
    updated: datetime
    end: End | None
    starts: str
    """``lördag 18 september kl. 00.00``, when the item was issued ahead of its onset (an SMHI
    warning for tomorrow), else "". It says when the event begins, before and after."""
    upcoming: bool
    """Effective but not begun yet at the plan's instant (banner.html and index.html say "Från
    ..." then)."""
    level_text: str
    source: str
    topics: tuple[str, ...]
    area_names: tuple[str, ...] = ()
    """The names of the municipalities it concerns (``region.municipalities``); () = the county."""
    blocks: tuple[Block, ...] = ()
    """The body as plain-text headings, paragraphs and lists (:mod:`.blocks`)."""
    lead: str = ""
    """The first section's text: the one line the collapsed banner shows."""
    read_more: str = ""
    """The words of the "Läs mer" link (``Läs mer på SMHI:s webbplats``), or "" without a link."""

    @property
    def where(self) -> str:
        """``Gäller: Sundsvall, Timrå``, or "" for the whole county."""
        return where(self.area_names)

    @property
    def permalink(self) -> bool:
        return self.url is not None and self.id == self.url


def issued_ahead(item: Item, now: datetime) -> str:
    """:attr:`Entry.starts`: the onset in words when it lies after the item was published."""
    first = effective_published(item, now)
    if item.onset is None or item.onset <= first:
        return ""
    return swedish(item.onset, weekday=True, reference=first)


def build(
    item: Item, now: datetime, topics: tuple[str, ...] = (),
    municipalities: Mapping[str, str] | None = None,
) -> Entry:
    """``municipalities``: ``region.municipalities`` (code → name), for :attr:`Entry.area_names`."""
    url = safe_url(item.url)
    end = end_of(item, now)
    title = plain(item.title) or "(utan rubrik)"
    if end is not None:
        title = ENDED_PREFIX + title
    credit = item.source_name
    body = without_credit(sanitize_html(item.body), credit)
    text = plain_text(body)
    found = blocks(body)
    starts = issued_ahead(item, now)
    names = area_names(item.areas, municipalities or {})
    parts: list[str] = []
    if end is not None:
        parts.append(f"<p><strong>{html.escape(end_sentence(end))}</strong></p>")
    if starts:
        parts.append(f"<p><strong>Gäller från {html.escape(starts)}.</strong></p>")
    if names:
        parts.append(f"<p><strong>{html.escape(where(names))}.</strong></p>")
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
        summary=plain(item.summary) or shorten(text, SUMMARY_LIMIT),
        published=effective_published(item, now),
        updated=effective_updated(item, now),
        end=end,
        starts=starts,
        upcoming=is_upcoming(item, now),
        level_text=level_text(item.level),
        source=credit,
        topics=topics,
        area_names=names,
        blocks=found,
        lead=lead(found),
        read_more=read_more(url),
    )
