"""Time helpers: aware UTC inside, ISO 8601 with ``Z`` outside, Europe/Stockholm for people."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def utcnow() -> datetime:
    """The current time, aware, in UTC, truncated to whole seconds."""
    return datetime.now(UTC).replace(microsecond=0)


def to_utc(value: datetime) -> datetime:
    """An aware UTC datetime; a naive one is taken as Europe/Stockholm local time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=STOCKHOLM)
    return value.astimezone(UTC)


def parse_iso(text: str, *, naive_tz: ZoneInfo = STOCKHOLM) -> datetime:
    """Parse ISO 8601 (``Z`` allowed). A time without offset is in ``naive_tz``.

    Raises ``ValueError`` on anything else.
    """
    text = text.strip()
    if not text:
        raise ValueError("empty time")
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=naive_tz)
    return value.astimezone(UTC)


def iso_z(value: datetime | None) -> str | None:
    """``2026-06-12T10:00:03Z`` (whole seconds), or None."""
    if value is None:
        return None
    return to_utc(value).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


SWEDISH_MONTHS = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)


def swedish(value: datetime) -> str:
    """A time for people: ``12 juni 2026 kl. 12.00`` in Europe/Stockholm."""
    local = to_utc(value).astimezone(STOCKHOLM)
    month = SWEDISH_MONTHS[local.month - 1]
    return f"{local.day} {month} {local.year} kl. {local:%H.%M}"
