"""The one set of rules for an editor's notice: :func:`validate` turns a
:class:`~feeder.notices.fields.NoticeInput` into :class:`NoticeChanges` (clean values), or raises
an :class:`~feeder.errors.InputError` naming the field, with a ``code`` saying which rule it
broke."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from ..config import Config
from ..errors import InputError
from ..ladder import Level, for_editor
from ..model import Item, NoticeStatus
from ..text import body_html, plain_text
from ..timeutil import MAX_YEAR, MIN_YEAR, OutOfRange, check_range, parse_iso
from .fields import FIELDS, STATUSES, UNSET, NoticeInput, Unset

MAX_TITLE = 200
MAX_BODY = 20_000


@dataclass(frozen=True, slots=True, kw_only=True)
class NoticeChanges:
    """A valid :class:`NoticeInput`: clean values of the fields given (:data:`UNSET` for the
    others), ready to :meth:`apply` to a notice."""

    title: str | Unset = UNSET
    body: str | Unset = UNSET
    level: Level | Unset = UNSET
    starts: datetime | Unset | None = UNSET
    expires: datetime | Unset | None = UNSET
    url: str | Unset | None = UNSET
    topics: tuple[str, ...] | Unset = UNSET
    areas: tuple[str, ...] | Unset = UNSET
    status: NoticeStatus | Unset = UNSET

    def apply(self, item: Item) -> Item:
        """``item`` with the given fields replaced (a new level brings its reason)."""
        changes: dict[str, Any] = {
            name: getattr(self, name) for name in FIELDS if getattr(self, name) is not UNSET
        }
        if not isinstance(self.level, Unset):
            changes["level_reason"] = for_editor(self.level).reason
        if "starts" in changes:  # an editor's start is both: shown from it, begun at it
            changes["effective"] = changes["onset"] = changes.pop("starts")
        return dataclasses.replace(item, **changes)


def validate(
    data: NoticeInput,
    config: Config,
    *,
    existing: Item | None = None,
    now: datetime,
    allow_past: bool = False,
) -> NoticeChanges:
    """Check an editor's input; the clean values of the fields given.

    ``existing`` is the notice being updated: fields not given keep its values when checking
    rules that span fields (expires after starts). Without it, ``title`` is required.
    """
    title = _clean_title(data.title, required=existing is None)
    body = UNSET if isinstance(data.body, Unset) else _clean_body(data.body)
    level = UNSET if isinstance(data.level, Unset) else _clean_level(data.level)
    starts = _clean_time(data.starts, "starts")
    expires = _clean_time(data.expires, "expires")
    first = existing.effective if existing and isinstance(starts, Unset) else starts
    last = existing.expires if existing and isinstance(expires, Unset) else expires
    if isinstance(first, datetime) and isinstance(last, datetime) and last <= first:
        raise InputError("must be after starts", "expires", code="before-start")
    if not allow_past and isinstance(expires, datetime) and expires <= now:
        raise InputError("lies in the past", "expires", code="past")
    return NoticeChanges(
        title=title,
        body=body,
        level=level,
        starts=starts,
        expires=expires,
        url=_clean_url(data.url),
        topics=_clean_topics(data.topics, config),
        areas=_clean_areas(data.areas, config),
        status=_clean_status(data.status),
    )


def _clean_title(value: str | Unset, *, required: bool) -> str | Unset:
    if isinstance(value, Unset):
        if required:
            raise InputError("is required", "title", code="required")
        return UNSET
    clean = plain_text(value)
    if not clean:
        raise InputError("must not be empty (after removing markup)", "title", code="empty")
    if len(clean) > MAX_TITLE:
        raise InputError(f"is {len(clean)} characters; at most {MAX_TITLE}", "title",
                         code="too-long", params={"length": len(clean), "limit": MAX_TITLE})
    return clean


def _clean_body(value: str) -> str:
    if len(value) > MAX_BODY:
        raise InputError(f"is {len(value)} characters; at most {MAX_BODY}", "body",
                         code="too-long", params={"length": len(value), "limit": MAX_BODY})
    return body_html(value)


def _clean_level(value: str | int) -> Level:
    try:
        return Level.parse(value)
    except ValueError as exc:
        raise InputError(str(exc), "level", code="unknown-level") from exc


def _clean_time(value: str | datetime | Unset | None, name: str) -> datetime | Unset | None:
    if isinstance(value, Unset):
        return UNSET
    if value is None or value == "":
        return None
    try:
        return check_range(value) if isinstance(value, datetime) else parse_iso(value)
    except ValueError as exc:
        if isinstance(exc, OutOfRange):
            raise InputError(
                f"lies outside the years {MIN_YEAR}–{MAX_YEAR}: {value!s}", name,
                code="out-of-range",
            ) from exc
        raise InputError(
            f"is not an ISO 8601 time: {value!r} (e.g. 2026-06-12T08:00 or 2026-06-12T06:00Z)",
            name, code="not-a-time",
        ) from exc


def _clean_url(value: str | Unset | None) -> str | Unset | None:
    if isinstance(value, Unset):
        return UNSET
    if not value:
        return None
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"must be an http(s) URL, got {value!r}", "url", code="not-a-url")
    return value.strip()


def _clean_topics(value: tuple[str, ...] | Unset, config: Config) -> tuple[str, ...] | Unset:
    if isinstance(value, Unset):
        return UNSET
    known = {t.id for t in config.topics}
    topics = [v.strip() for v in value]
    for topic in topics:
        if topic not in known:
            raise InputError(
                f"unknown topic {topic!r}; known: {', '.join(sorted(known)) or 'none'}",
                "topics", code="unknown-topic", params={"value": topic},
            )
    return tuple(dict.fromkeys(topics))


def _clean_areas(value: tuple[str, ...] | Unset, config: Config) -> tuple[str, ...] | Unset:
    if isinstance(value, Unset):
        return UNSET
    munis = config.region.municipalities
    areas = [v.strip() for v in value]
    for code in areas:
        if code not in munis:
            raise InputError(
                f"{code!r} is not a municipality of {config.region.name}"
                f" (known: {', '.join(sorted(munis))})",
                "areas", code="unknown-area", params={"value": code},
            )
    return tuple(dict.fromkeys(areas))


def _clean_status(value: str | Unset) -> NoticeStatus | Unset:
    if isinstance(value, Unset):
        return UNSET
    try:
        return NoticeStatus(value)
    except ValueError as exc:
        raise InputError(
            f"must be one of {', '.join(STATUSES)}, got {value!r}", "status",
            code="unknown-status",
        ) from exc
