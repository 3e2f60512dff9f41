"""What the published HTML pages (``banner.html``, ``index.html``, the feed pages) share: their
templates (``feeder/templates/``, autoescaped, through :mod:`feeder.templating`) and the words
an alert is shown with. Part of step 3 of a publish (load → select → **render** → write): pure.

banner.js builds the same words in the browser from banner.json (tests hold the two together):
when an alert applies (:func:`applies`) and whether it has more to show than its one line
(:func:`has_more`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..templating import Templates
from ..timeutil import iso_z, swedish
from .entry import Entry, end_sentence

LEAD_FITS = 30
"""A first line of at most this many characters fits beside "Visa mer" on a phone."""
LINE_FITS = 45
"""Characters of the smaller text (where and when, the source) on one line of a phone."""
TITLE_FITS = 45
"""Characters of a title that fit its two lines beside the level on a phone."""


def applies(entry: Entry, now: datetime) -> str:
    """Where and when an alert applies, for people, on one line: ``Gäller till tisdag 2
    december kl. 09.21`` once it has begun, ``Från lördag 13 juni kl. 18.00 till söndag 14 juni
    kl. 06.00`` while it has not; for some municipalities only, ``Gäller: Sundsvall, Timrå,
    till …`` (or ``…, från …``). "" for the whole county with no end."""
    item = entry.item
    until = swedish(item.expires, weekday=True, reference=now) if item.expires else ""
    when = f"till {until}" if until else ""
    if entry.upcoming and item.onset is not None:
        when = f"från {swedish(item.onset, weekday=True, reference=now)}" + (
            f" {when}" if when else "")
    if entry.where:
        return f"{entry.where}, {when}" if when else entry.where
    if not when:
        return ""
    return "Gäller " + when if when.startswith("till") else when[0].upper() + when[1:]


def source_line(entry: Entry) -> str:
    """``Källa: SMHI · Läs mer på SMHI:s webbplats``: the collapsed banner's last line."""
    line = f"Källa: {entry.source}"
    return f"{line} · {entry.read_more}" if entry.url else line


def has_more(entry: Entry, now: datetime) -> bool:
    """Whether the collapsed banner needs "Visa mer": more sections than the first line, or
    anything it may cut on a phone (the first line, the title after two lines, where and
    when after two, the source line after one)."""
    return (len(entry.blocks) > 1 or len(entry.lead) > LEAD_FITS
            or len(entry.title) > TITLE_FITS or len(applies(entry, now)) > 2 * LINE_FITS
            or len(source_line(entry)) > LINE_FITS)


def _time(value: datetime | None) -> str:
    return swedish(value) if value is not None else ""


def _day(value: datetime, reference: datetime) -> str:
    return swedish(value, weekday=True, reference=reference)


def _iso(value: datetime | None) -> str:
    return iso_z(value) or ""


templates = Templates(
    filters={"when": _time, "day": _day, "iso": _iso},
    globals={"applies": applies, "has_more": has_more, "end_sentence": end_sentence},
)


def render(template: str, **context: Any) -> bytes:
    """A published page as UTF-8 bytes."""
    return templates.render(template, **context).encode("utf-8")
