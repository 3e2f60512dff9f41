"""Dates on the county news pages: Swedish date text, ISO values, the URL slug, and the chain.

Pure text functions (no markup: the news parser hands us strings). Every result is aware UTC; a
time written without offset is Europe/Stockholm time. The chain of the fixtures' README is
``time[datetime]`` → visible Swedish text → ``meta`` → the list's date → the URL slug; a bare
date (no time of day) is refined by a later candidate on the same day that has one.

A machine-readable date outside the years 1970–2999 (``datetime="9999-12-31"``) is not a date
to fall back from: :func:`machine_date` and :func:`feed_date` raise
:class:`~feeder.timeutil.OutOfRange`, and the entry or article carrying it is skipped with a
warning. (Dates written for people are only read in the years 1900–2099.)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Literal
from urllib.parse import urlsplit

from ..timeutil import STOCKHOLM, OutOfRange, check_range, parse_iso

__all__ = [
    "SWEDISH_MONTHS",
    "When",
    "as_when",
    "chain",
    "feed_date",
    "is_date_line",
    "label_dates",
    "label_kind",
    "machine_date",
    "pick",
    "slug_date",
    "visible_date",
]

SWEDISH_MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "mars": 3, "mar": 3, "april": 4, "apr": 4,
    "maj": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "augusti": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}
_MONTH_WORDS = "|".join(sorted(SWEDISH_MONTHS, key=len, reverse=True))
_CLOCK = r"(?:,?\s*(?:kl\.?|klockan)?\s*(?P<hh>[01]?\d|2[0-3])[.:](?P<mm>[0-5]\d))?"
_SWEDISH_DATE = re.compile(
    rf"(?<!\d)(?P<d>[0-3]?\d)\s+(?P<mon>{_MONTH_WORDS})\.?\s+(?P<y>(?:19|20)\d\d)(?!\d){_CLOCK}",
    re.IGNORECASE,
)
_ISO_DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)"
    r"(?:[ T](?P<hh>[01]?\d|2[0-3])[.:](?P<mm>[0-5]\d))?(?!\d)"
)
_DATE_ANY = re.compile(
    re.sub(r"\(\?P<\w+>", "(?:", rf"(?:{_SWEDISH_DATE.pattern}|{_ISO_DATE.pattern})"),
    re.IGNORECASE,
)
_PUBLISHED_LABEL = re.compile(r"\bpublicer\w*\s*:?\s*", re.IGNORECASE)
_UPDATED_LABEL = re.compile(
    r"\b(?:senast\s+)?(?:uppdaterad\w*|ändrad\w*|updated)\s*:?\s*", re.IGNORECASE
)
_LABEL_FIRST = re.compile(
    r"^\s*(?:publicer\w*|(?:senast\s+)?uppdaterad\w*|ändrad\w*)\s*:?", re.IGNORECASE
)
_SLUG_DATE = re.compile(r"/((?:19|20)\d\d)-([01]\d)-([0-3]\d)-[^/]*$")


@dataclass(frozen=True, slots=True)
class When:
    value: datetime
    """Aware UTC."""
    exact: bool
    """Carries a time of day (a bare date is midnight in Sweden and may be refined)."""


def _local(y: int, m: int, d: int, hh: str | None, mm: str | None) -> When | None:
    try:
        value = datetime(y, m, d, int(hh or 0), int(mm or 0), tzinfo=STOCKHOLM)
    except ValueError:  # 31 februari
        return None
    return When(value.astimezone(UTC), hh is not None)


def visible_date(text: str) -> When | None:
    """The first date written for people: "21 mars 2022", "31 mars 2022 kl. 08.40",
    "2022-04-05 09:12"; None when the text has none."""
    found: list[tuple[int, When]] = []
    for match in _SWEDISH_DATE.finditer(text):
        month = SWEDISH_MONTHS[match["mon"].lower()]
        when = _local(int(match["y"]), month, int(match["d"]), match["hh"], match["mm"])
        if when:
            found.append((match.start(), when))
            break
    for match in _ISO_DATE.finditer(text):
        when = _local(int(match["y"]), int(match["m"]), int(match["d"]), match["hh"], match["mm"])
        if when:
            found.append((match.start(), when))
            break
    return min(found, key=lambda pair: pair[0])[1] if found else None


def machine_date(text: str) -> When | None:
    """An ISO 8601 value from an attribute (``datetime``, ``content``); None when unreadable.

    Raises :class:`~feeder.timeutil.OutOfRange` for a date outside the years 1970–2999."""
    text = text.strip()
    if not text:
        return None
    try:
        value = parse_iso(text)
    except OutOfRange:
        raise
    except ValueError:
        return visible_date(text)
    return When(value, bool(re.search(r"\d[T ]\d", text)))


def label_kind(text: str) -> Literal["published", "updated", ""]:
    """Which date label the text ends with: ``published``, ``updated`` or ``""``."""
    last = {
        kind: max((m.start() for m in regex.finditer(text)), default=-1)
        for kind, regex in (("published", _PUBLISHED_LABEL), ("updated", _UPDATED_LABEL))
    }
    if last["updated"] > last["published"]:
        return "updated"
    return "published" if last["published"] >= 0 else ""


def label_dates(text: str) -> tuple[When | None, When | None]:
    """(published, updated) written right after their labels: "Publiceringsdatum: 10 mars 2022",
    "Senast uppdaterad: 31 mars 2022 kl. 08.40". A label with no date after it counts for nothing.
    """
    out: list[When | None] = []
    for label in (_PUBLISHED_LABEL, _UPDATED_LABEL):
        when = None
        for match in label.finditer(text):
            after = text[match.end(): match.end() + 40]
            if _DATE_ANY.match(after):
                when = visible_date(after)
                if when:
                    break
        out.append(when)
    return out[0], out[1]


def is_date_line(text: str) -> bool:
    """A line that is only a date, or starts with a date label ("Publicerad igår")."""
    if _LABEL_FIRST.match(text):
        return True
    return not re.search(r"\w", _DATE_ANY.sub("", text))


def slug_date(url: str) -> datetime | None:
    """The date in an article URL's slug (``2022-03-21-kraftsamling...``), at midnight in Sweden."""
    match = _SLUG_DATE.search(urlsplit(url).path)
    if not match:
        return None
    when = _local(int(match[1]), int(match[2]), int(match[3]), None, None)
    return when.value if when else None


def as_when(value: datetime | None) -> When | None:
    """A known time as a chain candidate; midnight in Sweden counts as a bare date."""
    if value is None:
        return None
    local = value.astimezone(STOCKHOLM)
    return When(value.astimezone(UTC), (local.hour, local.minute, local.second) != (0, 0, 0))


def pick(labelled: dict[str, When], unlabelled: list[When]) -> tuple[When | None, When | None]:
    """(published, updated): labelled dates win; unlabelled ones fill in, in page order."""
    rest = list(unlabelled)
    published = labelled.get("published") or (rest.pop(0) if rest else None)
    updated = labelled.get("updated") or (rest.pop(0) if rest else None)
    return published, updated


def chain(candidates: Iterable[When | None]) -> datetime | None:
    """The first candidate present; a bare date is refined by a later one on the same day."""
    present = [c for c in candidates if c is not None]
    if not present:
        return None
    first = present[0]
    if not first.exact:
        day = first.value.astimezone(STOCKHOLM).date()
        for later in present[1:]:
            if later.exact and later.value.astimezone(STOCKHOLM).date() == day:
                return later.value
    return first.value


def feed_date(text: str) -> datetime | None:
    """A feed's date: RFC 822 (RSS ``pubDate``) or ISO 8601 (Atom); None when unreadable.

    Raises :class:`~feeder.timeutil.OutOfRange` for a date outside the years 1970–2999."""
    text = text.strip()
    if not text:
        return None
    try:
        value = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        try:
            return parse_iso(text)
        except OutOfRange:
            raise
        except ValueError:
            return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return check_range(value)
