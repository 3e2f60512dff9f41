"""The one set of rules for an editor's notice: :func:`validate` turns a
:class:`~feeder.notices.fields.NoticeInput` into :class:`NoticeChanges` (clean values), or raises
an :class:`~feeder.errors.InputError` naming the field, with a ``code`` saying which rule it
broke.

Every way in (CLI, API, web form, standing notices of config.yaml) comes through here, in this
order:

1. **sizes**, before any regex or HTML work: each text as typed against a generous bound
   (:data:`MAX_TITLE_RAW`, :data:`MAX_BODY`, :data:`MAX_URL`, :data:`MAX_WORD`, :data:`MAX_LIST`);
2. **hygiene**: :func:`feeder.text.clean_text` on every text (controls, noncharacters and lone
   surrogates out, VT/FF as line breaks, NFC);
3. **the rules** of each field on the clean text (a title left empty is an error naming
   ``title``; times within 1970–2999; a link the outputs will publish; known topics and
   municipalities).
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from ..config import Config
from ..errors import InputError, quote
from ..ladder import Level, for_editor
from ..model import Item, NoticeStatus
from ..publish.entry import safe_url
from ..text import body_html, clean_text, looks_like_html, plain_text
from ..timeutil import MAX_YEAR, MIN_YEAR, OutOfRange, check_range, parse_iso
from .fields import FIELDS, STATUSES, UNSET, NoticeInput, Unset

MAX_TITLE = 200
"""The longest title, in characters of plain text (after hygiene and markup stripping)."""
MAX_TITLE_RAW = 5 * MAX_TITLE
"""The longest title as typed, checked before any clean-up: room for the markup and entities a
pasted title may carry, small enough that cleaning it takes well under a millisecond (a 64 KB
title used to take seconds)."""
MAX_BODY = 20_000
"""The longest body as typed, checked before any clean-up."""
MAX_URL = 2_000
MAX_WORD = 100
"""The longest level, status, time, topic id or municipality code as typed."""
MAX_LIST = 100
"""The most topics or municipalities one notice may name."""
_HTML_BREAKS = re.compile("[\x0b\x0c]")

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
    check_sizes(data)
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
        topics=_clean_codes(data.topics, "topics", {t.id for t in config.topics}, config),
        areas=_clean_codes(data.areas, "areas", set(config.region.municipalities), config),
        status=_clean_status(data.status),
    )


# ----------------------------------------------------------------------------- 1. sizes


def _too_long(name: str, length: int, limit: int, what: str = "") -> InputError:
    return InputError(f"is {length} characters{what}; at most {limit}", name, code="too-long",
                      params={"length": length, "limit": limit})


def check_sizes(data: NoticeInput) -> None:
    """Every field's size as typed, before any work on its text: an InputError naming the first
    field over its bound."""
    if isinstance(data.title, str) and len(data.title) > MAX_TITLE_RAW:
        # said in terms of the rule the editor knows: at most 200 characters
        raise _too_long("title", len(data.title), MAX_TITLE)
    if isinstance(data.body, str) and len(data.body) > MAX_BODY:
        raise _too_long("body", len(data.body), MAX_BODY)
    for name in ("level", "starts", "expires", "status"):
        value = getattr(data, name)
        if isinstance(value, str) and len(value) > MAX_WORD:
            raise _too_long(name, len(value), MAX_WORD)
    if isinstance(data.url, str) and len(data.url) > MAX_URL:
        raise _too_long("url", len(data.url), MAX_URL)
    for name in ("topics", "areas"):
        values = getattr(data, name)
        if isinstance(values, Unset):
            continue
        if len(values) > MAX_LIST:
            raise InputError(f"names {len(values)}; at most {MAX_LIST}", name, code="too-many",
                             params={"count": len(values), "limit": MAX_LIST})
        for value in values:
            if len(value) > MAX_WORD:
                raise _too_long(name, len(value), MAX_WORD, " in one of them")


# ----------------------------------------------------------------------------- 2. and 3.


def _clean_title(value: str | Unset, *, required: bool) -> str | Unset:
    if isinstance(value, Unset):
        if required:
            raise InputError("is required", "title", code="required")
        return UNSET
    clean = plain_text(clean_text(value))
    if not any(_visible(ch) for ch in clean):
        raise InputError("must not be empty (after removing markup and invisible characters)",
                         "title", code="empty")
    if len(clean) > MAX_TITLE:
        raise _too_long("title", len(clean), MAX_TITLE)
    return clean


def _visible(ch: str) -> bool:
    """Not white space, and not a format character (a zero-width space or joiner, a soft
    hyphen, a byte order mark): what makes a title more than invisible."""
    return not ch.isspace() and unicodedata.category(ch) != "Cf"


def _clean_body(value: str) -> str:
    """Sanitised HTML. A line break pasted from Word (VT) or a page break (FF) is a line break:
    ``<br>`` in an HTML body, a new line (and so ``<br>``) in a plain-text one."""
    if looks_like_html(value):
        value = _HTML_BREAKS.sub("<br>", value)
    return body_html(clean_text(value))


def _clean_level(value: str | int) -> Level:
    try:
        return Level.parse(clean_text(value) if isinstance(value, str) else value)
    except ValueError as exc:
        raise InputError(str(exc), "level", code="unknown-level") from exc


def _clean_time(value: str | date | Unset | None, name: str) -> datetime | Unset | None:
    if isinstance(value, Unset):
        return UNSET
    if value is None or value == "":  # cleared (only that: "\ud800" is no time)
        return None
    if isinstance(value, str):
        value = clean_text(value)
    try:
        if isinstance(value, datetime):
            return check_range(value)
        if isinstance(value, date):  # a YAML date: its midnight, Europe/Stockholm
            return check_range(datetime.combine(value, time()))
        return parse_iso(value)
    except OutOfRange as exc:
        raise InputError(
            f"lies outside the years {MIN_YEAR}–{MAX_YEAR}: {value!s}", name,
            code="out-of-range", params={"min": MIN_YEAR, "max": MAX_YEAR},
        ) from exc
    except ValueError as exc:
        raise InputError(
            f"is not an ISO 8601 time: {quote(value)} (e.g. 2026-06-12T08:00 or"
            " 2026-06-12T06:00Z)", name, code="not-a-time",
        ) from exc


def _clean_url(value: str | Unset | None) -> str | Unset | None:
    """A link the outputs will publish as it is (:func:`feeder.publish.entry.safe_url`): an
    absolute http(s) URL without white space, quotes, ``<``, ``>`` or backticks."""
    if isinstance(value, Unset):
        return UNSET
    if value is None or value == "":  # cleared
        return None
    text = clean_text(value).strip()
    url = safe_url(text)
    if url is None:
        raise InputError(
            f"must be an absolute http(s) URL without spaces, quotes, <, > or backticks, got"
            f" {quote(text)}", "url", code="not-a-url",
        )
    return url


def _clean_codes(
    value: tuple[str, ...] | Unset, name: str, known: set[str], config: Config
) -> tuple[str, ...] | Unset:
    """Topic ids or municipality codes: each cleaned, known, given once (in the order given)."""
    if isinstance(value, Unset):
        return UNSET
    codes = [clean_text(v).strip() for v in value]
    for code in codes:
        if code in known:
            continue
        if name == "topics":
            raise InputError(
                f"unknown topic {quote(code)}; known: {', '.join(sorted(known)) or 'none'}",
                name, code="unknown-topic", params={"value": code},
            )
        raise InputError(
            f"{quote(code)} is not a municipality of {config.region.name}"
            f" (known: {', '.join(sorted(known))})",
            name, code="unknown-area", params={"value": code},
        )
    return tuple(dict.fromkeys(codes))


def _clean_status(value: str | Unset) -> NoticeStatus | Unset:
    if isinstance(value, Unset):
        return UNSET
    text = clean_text(value).strip()
    try:
        return NoticeStatus(text)
    except ValueError as exc:
        raise InputError(
            f"must be one of {', '.join(STATUSES)}, got {quote(text)}", "status",
            code="unknown-status",
        ) from exc
