"""Time helpers: aware UTC inside, ISO 8601 with ``Z`` outside, Europe/Stockholm for people.

Every time that enters feeder (from a source or an editor) is read by :func:`parse_iso` (or checked
with :func:`check_range`): a year outside :data:`MIN_YEAR`..:data:`MAX_YEAR` is a ``ValueError``
like any unreadable time, so that no date can overflow later (Python's datetimes end at
9999-12-31, and a local time near that edge has no UTC value). Formatting never raises.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")
MIN_YEAR = 1970
MAX_YEAR = 2999
"""The years a time from a source or an editor may fall in; anything else is a mistake."""


def utcnow() -> datetime:
    """The current time, aware, in UTC, truncated to whole seconds."""
    return datetime.now(UTC).replace(microsecond=0)


def to_utc(value: datetime) -> datetime:
    """An aware UTC datetime; a naive one is taken as Europe/Stockholm local time.

    Raises ``ValueError`` (not ``OverflowError``) for a time with no UTC value (a local time in
    year 1 or 9999 pushed past the edge of the calendar)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=STOCKHOLM)
    try:
        return value.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError(f"{value.isoformat()} has no UTC time") from exc


class OutOfRange(ValueError):
    """A readable time whose year lies outside :data:`MIN_YEAR`..:data:`MAX_YEAR`."""


def check_range(value: datetime) -> datetime:
    """``value`` (made UTC) if its year is within :data:`MIN_YEAR`..:data:`MAX_YEAR`, else
    :class:`OutOfRange` (a ``ValueError``) saying so."""
    try:
        value = to_utc(value)
    except ValueError as exc:
        raise OutOfRange(str(exc)) from exc
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise OutOfRange(f"year {value.year} is outside {MIN_YEAR}–{MAX_YEAR}")
    return value


def parse_iso(text: str, *, naive_tz: ZoneInfo = STOCKHOLM, check: bool = True) -> datetime:
    """Parse ISO 8601 (``Z`` allowed) into aware UTC. A time without offset is in ``naive_tz``.

    Raises ``ValueError`` on anything else, and (with ``check``, the default for anything that
    enters feeder) on a year outside :data:`MIN_YEAR`..:data:`MAX_YEAR`. The store reads its own
    values with ``check=False``: what is stored is shown, never refused.
    """
    text = text.strip()
    if not text:
        raise ValueError("empty time")
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=naive_tz)
    return check_range(value) if check else to_utc(value)


def read_stored(text: str) -> datetime:
    """A time feeder wrote itself (the database, its own files): read as it is, whatever its
    year, so that a stored value is never refused.

    Never fails on a value that looks like a date: a year written with fewer than four digits
    (``999-06-12T10:00:00Z``, as older code wrote year 999) is read as that year, and a year
    beyond what Python can hold (``10000-...``, ``-1-...``) is held at the calendar's edge
    (:data:`STORED_MIN` / :data:`STORED_MAX`). Anything else unreadable is :data:`STORED_MIN`:
    the store shows its rows, and the migration that repairs dates (7) moves such values into
    range."""
    try:
        return parse_iso(text, naive_tz=ZoneInfo("UTC"), check=False)
    except (ValueError, OverflowError):
        pass
    match = _LOOSE.match(text.strip())
    if match is None:
        return STORED_MIN
    year = int(match["year"])
    if year < 1:
        return STORED_MIN
    if year > 9999:
        return STORED_MAX
    rest = match["rest"] or "T00:00:00"
    try:
        return parse_iso(f"{year:04d}-{match['md']}{rest}", naive_tz=ZoneInfo("UTC"),
                         check=False)
    except (ValueError, OverflowError):
        return STORED_MIN if year < MIN_YEAR else STORED_MAX


STORED_MIN = datetime.min.replace(tzinfo=UTC)
"""What :func:`read_stored` gives for a stored time it cannot read (or before year 1)."""
STORED_MAX = datetime.max.replace(microsecond=0, tzinfo=UTC)
"""What :func:`read_stored` gives for a stored time after year 9999."""
_LOOSE = re.compile(r"^(?P<year>[+-]?\d{1,6})-(?P<md>\d\d-\d\d)(?P<rest>[T ].*)?$")


def iso_z(value: datetime | None) -> str | None:
    """``2026-06-12T10:00:03Z`` (whole seconds, a four-digit year), or None."""
    if value is None:
        return None
    plain = to_utc(value).replace(microsecond=0, tzinfo=None)
    return plain.isoformat() + "Z"


SWEDISH_MONTHS = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)
SWEDISH_WEEKDAYS = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")


def _stockholm(value: datetime) -> datetime:
    """Europe/Stockholm time (UTC at the very edge of the calendar, where it does not exist)."""
    try:
        return to_utc(value).astimezone(STOCKHOLM)
    except (ValueError, OverflowError):
        return value


def swedish(
    value: datetime, *, weekday: bool = False, reference: datetime | None = None
) -> str:
    """A time for people, the one way feeder writes it: ``12 juni 2026 kl. 12.00`` in
    Europe/Stockholm (hours and minutes with a full stop, as Swedish style has it).

    ``weekday``: the day's name first, for moments people plan by ("Gäller till tisdag 2
    december kl. 09.21", "Från lördag 13 juni kl. 18.00"); then the year is left out when it is
    the year of ``reference`` (the instant the words are for: a plan's ``now``, an item's
    publication), so that the words depend on their inputs alone, never on the clock.
    banner.js writes the same words in the browser (a test holds the two together)."""
    local = _stockholm(value)
    text = f"{local.day} {SWEDISH_MONTHS[local.month - 1]}"
    if weekday:
        text = f"{SWEDISH_WEEKDAYS[local.weekday()]} {text}"
    if not weekday or reference is None or _stockholm(reference).year != local.year:
        text += f" {local.year}"
    return f"{text} kl. {local:%H.%M}"
