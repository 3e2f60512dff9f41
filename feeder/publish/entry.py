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
from dataclasses import dataclass
from datetime import datetime

from ..ladder import Level
from ..lifecycle import End, State, effective_published, effective_updated, end_of, is_upcoming
from ..model import SOURCE_NAMES, Item
from ..text import plain_text, sanitize_html, shorten
from ..timeutil import STOCKHOLM, SWEDISH_MONTHS, swedish, to_utc

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


WEEKDAYS = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")


def _local(moment: datetime) -> datetime:
    """Europe/Stockholm time (UTC at the very edge of the calendar, where it does not exist)."""
    try:
        return to_utc(moment).astimezone(STOCKHOLM)
    except (ValueError, OverflowError):
        return moment


def weekday_time(moment: datetime, reference: datetime | None = None) -> str:
    """``lördag 18 september kl. 00.00`` in Europe/Stockholm, for when something begins; the
    year is added when it is not the year of ``reference`` (feeds: when the item was published,
    so that the words depend on the item alone, never on the clock; pages: now)."""
    local = _local(moment)
    text = f"{WEEKDAYS[local.weekday()]} {local.day} {SWEDISH_MONTHS[local.month - 1]}"
    if reference is None or _local(reference).year != local.year:
        text += f" {local.year}"
    return f"{text} kl. {local:%H.%M}"


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

    @property
    def permalink(self) -> bool:
        return self.url is not None and self.id == self.url


def issued_ahead(item: Item, now: datetime) -> str:
    """:attr:`Entry.starts`: the onset in words when it lies after the item was published."""
    first = effective_published(item, now)
    if item.onset is None or item.onset <= first:
        return ""
    return weekday_time(item.onset, first)


def build(item: Item, now: datetime, topics: tuple[str, ...] = ()) -> Entry:
    url = safe_url(item.url)
    end = end_of(item, now)
    title = plain(item.title) or "(utan rubrik)"
    if end is not None:
        title = ENDED_PREFIX + title
    body = sanitize_html(item.body)
    text = plain_text(body)
    credit = item.source_name
    starts = issued_ahead(item, now)
    parts: list[str] = []
    if end is not None:
        parts.append(f"<p><strong>{html.escape(end_sentence(end))}</strong></p>")
    if starts:
        parts.append(f"<p><strong>Gäller från {html.escape(starts)}.</strong></p>")
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
    )
