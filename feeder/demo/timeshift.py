"""Moving the sample data to "now": every time in a payload shifted by one offset.

The sample files are written around one reference moment (:data:`REFERENCE`, the "now" of the
SMHI fixtures); :func:`shift` moves every ISO 8601 date-time in a payload by ``now - REFERENCE``,
keeping each time's own form (milliseconds, ``Z`` or an offset), so that a warning published a
minute before the reference is served as published a minute ago, and one beginning 18 hours
after it begins 18 hours from now. The dates in article addresses (``/2026-06-10-slug.html``) move
by the same offset, so that an article's address and its dates agree. Pure: no clock, no I/O.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

__all__ = ["ISO_TIME", "REFERENCE", "offset_to", "shift"]

REFERENCE = datetime(2026, 6, 12, 10, 0, 0, tzinfo=UTC)
"""The moment the sample data is written around."""

ISO_TIME = re.compile(
    r"(?<![\d-])(?P<date>\d{4}-\d\d-\d\d)[T ](?P<time>\d\d:\d\d(?::\d\d)?)(?P<frac>\.\d{1,6})?"
    r"(?P<zone>Z|[+-]\d\d:?\d\d)?(?!\d)"
)
"""An ISO 8601 date-time as the upstreams write them (``T`` or a space; seconds, fractions and
a zone optional)."""
_SLUG_DATE = re.compile(r"(?<=/)(?P<date>\d{4}-\d\d-\d\d)(?=-[A-Za-z0-9])")
"""A date opening a path segment: the county board's ``.../YYYY-MM-DD-slug.html``."""
_REFERENCE_TIME = REFERENCE.time()


def offset_to(now: datetime) -> timedelta:
    """The offset that moves :data:`REFERENCE` to ``now``, in whole milliseconds (the finest
    step every shifted time can show)."""
    delta = now - REFERENCE
    return timedelta(milliseconds=round(delta / timedelta(milliseconds=1)))


def shift(payload: bytes, offset: timedelta) -> bytes:
    """``payload`` (UTF-8) with every ISO 8601 date-time and every article-address date moved
    by ``offset``; each time is written as it was (``2026-06-12T09:59:00.000Z`` keeps three
    decimals and ``Z``, ``+02:00`` stays ``+02:00``)."""
    text = payload.decode("utf-8")
    text = ISO_TIME.sub(lambda match: _move_time(match, offset), text)
    text = _SLUG_DATE.sub(lambda match: _move_date(match["date"], offset), text)
    return text.encode("utf-8")


def _move_time(match: re.Match[str], offset: timedelta) -> str:
    zone = match["zone"] or ""
    moved = datetime.fromisoformat(f"{match['date']}T{match['time']}{match['frac'] or ''}")
    moved += offset
    with_seconds = match["time"].count(":") == 2
    out = moved.strftime("%Y-%m-%dT%H:%M" + (":%S" if with_seconds else ""))
    if match["frac"]:
        digits = len(match["frac"]) - 1
        out += "." + f"{moved.microsecond:06d}"[:digits]
    return out + zone


def _move_date(value: str, offset: timedelta) -> str:
    """A date moved as that day at the reference's time of day would be (so the reference's
    date becomes today's)."""
    day = datetime.strptime(value, "%Y-%m-%d").date()
    return (datetime.combine(day, _REFERENCE_TIME) + offset).strftime("%Y-%m-%d")
