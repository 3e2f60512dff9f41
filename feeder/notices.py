"""Editor notices: what an editor typed (:class:`NoticeInput`), the one set of rules that checks
it (:func:`validate`), and creating, updating and withdrawing notices in the store.

Every way in (CLI options, JSON API, web form, ``notices:`` in config.yaml) builds a
:class:`NoticeInput` and every one is checked by :func:`validate`: every problem is an
:class:`~feeder.errors.InputError` naming the field, and nothing is stored unless the whole input
is valid.

A notice's id is its item id, ``notice:<12 hex digits>`` (``notice:<name>`` for a standing notice
of config.yaml): that is the id users see everywhere. :func:`item_id` also takes the bare form
(``f6717a7c49a8``), so ids handed out before keep working.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any, Final
from urllib.parse import urlsplit

from .config import Config
from .errors import InputError, NotFoundError
from .ladder import Level, for_editor
from .model import AuditAction, Item, NoticeStatus
from .store import Store, notice_snapshot
from .text import body_html, plain_text
from .timeutil import iso_z, parse_iso, to_utc

MAX_TITLE = 200
MAX_BODY = 20_000
FIELDS = ("title", "body", "level", "starts", "expires", "url", "topics", "areas", "status")
"""The fields an editor may give, in the order they are checked."""
STATUSES = tuple(status.value for status in NoticeStatus)
PREFIX = "notice:"
SOURCE = "notice"


class Unset(Enum):
    """The type of :data:`UNSET`: a field that was not given (as opposed to one cleared)."""

    UNSET = "unset"

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = Unset.UNSET


# ----------------------------------------------------------------------------- ids


def item_id(notice_id: str) -> str:
    """The id of a notice, from either form (``abc`` or ``notice:abc``)."""
    notice_id = notice_id.strip()
    return notice_id if notice_id.startswith(PREFIX) else PREFIX + notice_id


def new_id() -> str:
    return PREFIX + uuid.uuid4().hex[:12]


# ----------------------------------------------------------------------------- input


@dataclass(frozen=True, slots=True, kw_only=True)
class NoticeInput:
    """What an editor gave for a notice, before :func:`validate`.

    :data:`UNSET` means "not given" (an update keeps the stored value). ``None`` (or ``""``)
    clears ``starts``, ``expires`` and ``url``; ``()`` clears ``topics`` and ``areas``; ``""``
    clears ``body``. A title can only be replaced, never cleared.
    """

    title: str | Unset = UNSET
    body: str | Unset = UNSET
    level: str | int | Unset = UNSET
    """A level name (``notice``) or number (``2``)."""
    starts: str | datetime | Unset | None = UNSET
    """ISO 8601; without an offset it is Europe/Stockholm."""
    expires: str | datetime | Unset | None = UNSET
    url: str | Unset | None = UNSET
    topics: tuple[str, ...] | Unset = UNSET
    areas: tuple[str, ...] | Unset = UNSET
    status: str | Unset = UNSET
    """``published`` or ``draft``."""

    def given(self) -> list[str]:
        """The names of the fields given, in :data:`FIELDS` order."""
        return [name for name in FIELDS if getattr(self, name) is not UNSET]

    @classmethod
    def from_mapping(cls, data: Mapping[str, object]) -> NoticeInput:
        """From untyped data (a JSON object, a YAML mapping, a submitted form): unknown fields
        and values of the wrong type are an :class:`InputError` naming the field. A null
        ``title``, ``body``, ``level``, ``topics``, ``areas`` or ``status`` counts as not
        given; a null ``starts``, ``expires`` or ``url`` clears it."""
        unknown = sorted(set(data) - set(FIELDS))
        if unknown:
            raise InputError("unknown field", unknown[0], code="unknown-field")
        return cls(
            title=_text(data, "title"),
            body=_text(data, "body"),
            level=_level(data),
            starts=_time(data, "starts"),
            expires=_time(data, "expires"),
            url=_url(data),
            topics=_codes(data, "topics"),
            areas=_codes(data, "areas"),
            status=_status(data),
        )


def _text(data: Mapping[str, object], name: str) -> str | Unset:
    value = data.get(name)
    if value is None:
        return UNSET
    if not isinstance(value, str):
        raise InputError("must be a string", name, code="wrong-type")
    return value


def _level(data: Mapping[str, object]) -> str | int | Unset:
    value = data.get("level")
    if value is None:
        return UNSET
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise InputError("must be a level name", "level", code="wrong-type")
    return value


def _time(data: Mapping[str, object], name: str) -> str | datetime | Unset | None:
    if name not in data:
        return UNSET
    value = data[name]
    if value is None or isinstance(value, str | datetime):
        return value
    raise InputError("must be an ISO 8601 time as a string", name, code="wrong-type")


def _url(data: Mapping[str, object]) -> str | Unset | None:
    if "url" not in data:
        return UNSET
    value = data["url"]
    if value is None or isinstance(value, str):
        return value
    raise InputError("must be a string", "url", code="wrong-type")


def _codes(data: Mapping[str, object], name: str) -> tuple[str, ...] | Unset:
    value = data.get(name)
    if value is None:
        return UNSET
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str | int) for v in value):
        raise InputError("must be a list of strings", name, code="wrong-type")
    return tuple(str(v) for v in value)


def _status(data: Mapping[str, object]) -> str | Unset:
    value = data.get("status")
    if value is None:
        return UNSET
    if not isinstance(value, str):
        raise InputError(f"must be one of {', '.join(STATUSES)}, got {value!r}", "status",
                         code="unknown-status")
    return value


# ----------------------------------------------------------------------------- validation


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
    first = existing.starts if existing and isinstance(starts, Unset) else starts
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
    if isinstance(value, datetime):
        return to_utc(value)
    try:
        return parse_iso(value)
    except ValueError as exc:
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


# ----------------------------------------------------------------------------- the store

Check = Callable[[Item | None, Item | None], None]
"""Called with (before, after) once a change is valid and before it is stored: raising stops
it (the facade checks the editor's role here)."""


def build(notice_id: str, changes: NoticeChanges, *, actor: str, now: datetime) -> Item:
    """The new notice ``changes`` describe (a default level of ``info``, published)."""
    base = Item(
        id=item_id(notice_id), source=SOURCE, level=Level.INFO,
        level_reason=for_editor(Level.INFO).reason, title="", body="", published=now,
        updated=now, author=actor,
    )
    return changes.apply(base)


def create(
    store: Store,
    config: Config,
    data: NoticeInput,
    *,
    actor: str,
    now: datetime,
    notice_id: str | None = None,
    check: Check | None = None,
) -> Item:
    """Validate, then store a new notice and its audit entry."""
    item = build(notice_id or new_id(), validate(data, config, now=now), actor=actor, now=now)
    if check is not None:
        check(None, item)
    if store.find(item.id) is not None:
        raise InputError(f"a notice with id {item.id!r} exists already", "id", status=409,
                         code="exists")
    return store.save_notice(item, actor=actor, action=AuditAction.CREATE, now=now)


def get(store: Store, notice_id: str) -> Item:
    """The notice with this id (either form); NotFoundError when there is none."""
    item = store.find(item_id(notice_id))
    if item is None or item.source != SOURCE:
        raise NotFoundError(f"no notice with id {notice_id!r}")
    return item


def update(
    store: Store,
    config: Config,
    notice_id: str,
    data: NoticeInput,
    *,
    actor: str,
    now: datetime,
    check: Check | None = None,
) -> Item:
    """Change the fields given; a change that changes nothing writes nothing (returns the
    stored notice as it is). A withdrawn notice cannot change (409)."""
    old = get(store, notice_id)
    if old.withdrawn:
        raise InputError("the notice is withdrawn and can no longer change", "id", status=409,
                         code="withdrawn")
    new = validate(data, config, existing=old, now=now).apply(old)
    if check is not None:
        check(old, new)
    if new.content_hash() == old.content_hash():
        return old
    return store.save_notice(new.evolve(updated=now), actor=actor, action=AuditAction.UPDATE,
                             now=now)


def withdraw(
    store: Store, notice_id: str, *, actor: str, now: datetime, check: Check | None = None
) -> Item:
    """Withdraw a notice (it stays in history, marked as ended); again: no change."""
    old = get(store, notice_id)
    if check is not None:
        check(old, None)
    if old.withdrawn:
        return old
    new = old.evolve(withdrawn=True, updated=now)
    return store.save_notice(new, actor=actor, action=AuditAction.WITHDRAW, now=now)


def list_notices(store: Store) -> list[Item]:
    """Every notice (drafts and withdrawn ones too), the latest change first."""
    return sorted(store.items(SOURCE), key=lambda i: (i.updated, i.id), reverse=True)


def load_standing(store: Store, config: Config, *, now: datetime) -> list[str]:
    """Create or update the notices declared in config.yaml; unchanged ones write nothing.

    Returns the ids written. config.yaml is the truth for its notices: a difference (an edit of the
    file, or an editor's change through the API) is set back to the file's version, except that a
    standing notice an editor withdrew stays withdrawn.
    """
    actor = "config.yaml"
    written: list[str] = []
    for standing in config.notices:
        data = NoticeInput.from_mapping(standing.fields)
        desired = build(standing.id, validate(data, config, now=now, allow_past=True),
                        actor=actor, now=now)
        old = store.find(desired.id)
        if old is None:
            store.save_notice(desired, actor=actor, action=AuditAction.CREATE, now=now)
        elif old.withdrawn:
            continue
        else:
            same_times = desired.evolve(published=old.published, updated=old.updated)
            if same_times.content_hash() == old.content_hash():
                continue
            store.save_notice(same_times.evolve(updated=now), actor=actor,
                              action=AuditAction.UPDATE, now=now)
        written.append(desired.id)
    return written


def as_dict(item: Item) -> dict[str, Any]:
    """A notice as the API and ``notice list --json`` show it."""
    return {
        "id": item.id,
        **notice_snapshot(item),
        "level_number": int(item.level),
        "published": iso_z(item.published),
        "updated": iso_z(item.updated),
        "author": item.author,
    }
