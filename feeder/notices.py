"""Editor notices: validating what editors type, and creating, updating and withdrawing notices.

One set of rules for every way in (CLI, JSON API, web form, ``notices:`` in config.yaml): every
problem is an :class:`~feeder.errors.InputError` naming the field, and nothing is stored unless
the whole input is valid.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from .config import Config
from .errors import InputError, NotFoundError
from .ladder import Level, for_editor
from .model import Item
from .store import Store, notice_snapshot
from .text import body_html, plain_text
from .timeutil import iso_z, parse_iso, to_utc

MAX_TITLE = 200
MAX_BODY = 20_000
FIELDS = ("title", "body", "level", "starts", "expires", "url", "topics", "areas", "status")
STATUSES = ("published", "draft")
PREFIX = "notice:"


def item_id(notice_id: str) -> str:
    """The item id of a notice, from either form (``abc`` or ``notice:abc``)."""
    notice_id = notice_id.strip()
    return notice_id if notice_id.startswith(PREFIX) else PREFIX + notice_id


def new_id() -> str:
    return PREFIX + uuid.uuid4().hex[:12]


def _text(fields: Mapping[str, Any], name: str) -> str | None:
    value = fields.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError("must be a string", name)
    return value


def _time(fields: Mapping[str, Any], name: str) -> datetime | None:
    value = fields.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return to_utc(value)
    if not isinstance(value, str):
        raise InputError("must be an ISO 8601 time as a string", name)
    try:
        return parse_iso(value)
    except ValueError:
        raise InputError(
            f"is not an ISO 8601 time: {value!r} (e.g. 2026-06-12T08:00 or 2026-06-12T06:00Z)",
            name,
        ) from None


def _codes(fields: Mapping[str, Any], name: str) -> list[str] | None:
    value = fields.get(name)
    if value is None:
        return None
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        raise InputError("must be a list of strings", name)
    return [str(v).strip() for v in value]


def validate(
    fields: Mapping[str, Any],
    config: Config,
    *,
    existing: Item | None = None,
    now: datetime,
    allow_past: bool = False,
) -> dict[str, Any]:
    """Check editor input; return the cleaned values of the fields given.

    ``existing`` is the notice being updated: fields not given keep its values when checking
    rules that span fields (expires after starts).
    """
    unknown = sorted(set(fields) - set(FIELDS))
    if unknown:
        raise InputError("unknown field", unknown[0])
    out: dict[str, Any] = {}

    title = _text(fields, "title")
    if title is not None:
        clean = plain_text(title)
        if not clean:
            raise InputError("must not be empty (after removing markup)", "title")
        if len(clean) > MAX_TITLE:
            raise InputError(f"is {len(clean)} characters; at most {MAX_TITLE}", "title")
        out["title"] = clean
    elif existing is None:
        raise InputError("is required", "title")

    body = _text(fields, "body")
    if body is not None:
        if len(body) > MAX_BODY:
            raise InputError(f"is {len(body)} characters; at most {MAX_BODY}", "body")
        out["body"] = body_html(body)

    level = fields.get("level")
    if level is not None:
        if not isinstance(level, str | int) or isinstance(level, bool):
            raise InputError("must be a level name", "level")
        try:
            out["level"] = Level.parse(level)
        except ValueError as exc:
            raise InputError(str(exc), "level") from None

    for name in ("starts", "expires"):
        if name in fields:
            out[name] = _time(fields, name)
    starts = out.get("starts", existing.starts if existing else None)
    expires = out.get("expires", existing.expires if existing else None)
    if starts is not None and expires is not None and expires <= starts:
        raise InputError("must be after starts", "expires")
    if not allow_past and "expires" in out and expires is not None and expires <= now:
        raise InputError("lies in the past", "expires")

    if "url" in fields:
        url = _text(fields, "url")
        if url:
            parts = urlsplit(url.strip())
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise InputError(f"must be an http(s) URL, got {url!r}", "url")
            out["url"] = url.strip()
        else:
            out["url"] = None

    topics = _codes(fields, "topics")
    if topics is not None:
        known = {t.id for t in config.topics}
        for topic in topics:
            if topic not in known:
                raise InputError(
                    f"unknown topic {topic!r}; known: {', '.join(sorted(known)) or 'none'}",
                    "topics",
                )
        out["topics"] = tuple(dict.fromkeys(topics))

    areas = _codes(fields, "areas")
    if areas is not None:
        munis = config.region.municipalities
        for code in areas:
            if code not in munis:
                raise InputError(
                    f"{code!r} is not a municipality of {config.region.name}"
                    f" (known: {', '.join(sorted(munis))})",
                    "areas",
                )
        out["areas"] = tuple(dict.fromkeys(areas))

    status = fields.get("status")
    if status is not None:
        if status not in STATUSES:
            raise InputError(f"must be one of {', '.join(STATUSES)}, got {status!r}", "status")
        out["status"] = status
    return out


def create(
    store: Store,
    config: Config,
    fields: Mapping[str, Any],
    *,
    actor: str,
    now: datetime,
    notice_id: str | None = None,
) -> Item:
    clean = validate(fields, config, now=now)
    item = _build(item_id(notice_id) if notice_id else new_id(), clean, actor=actor, now=now)
    if store.find(item.id) is not None:
        raise InputError(f"a notice with id {item.id!r} exists already", "id", status=409)
    return store.save_notice(item, actor=actor, action="create", now=now)


def _build(iid: str, clean: dict[str, Any], *, actor: str, now: datetime) -> Item:
    clean = dict(clean)
    level = clean.pop("level", Level.INFO)
    return Item(
        id=iid,
        source="notice",
        level=level,
        level_reason=for_editor(level).reason,
        title=clean.pop("title"),
        body=clean.pop("body", ""),
        published=now,
        updated=now,
        author=actor,
        **clean,
    )


def get(store: Store, notice_id: str) -> Item:
    item = store.find(item_id(notice_id))
    if item is None or item.source != "notice":
        raise NotFoundError(f"no notice with id {notice_id!r}")
    return item


def update(
    store: Store,
    config: Config,
    notice_id: str,
    fields: Mapping[str, Any],
    *,
    actor: str,
    now: datetime,
) -> Item:
    old = get(store, notice_id)
    if old.withdrawn:
        raise InputError("the notice is withdrawn and can no longer change", "id", status=409)
    clean = validate(fields, config, existing=old, now=now)
    if "level" in clean:
        clean["level_reason"] = for_editor(clean["level"]).reason
    new = old.evolve(**clean)
    if new.content_hash() == old.content_hash():
        return old
    new = new.evolve(updated=now)
    return store.save_notice(new, actor=actor, action="update", now=now)


def withdraw(store: Store, notice_id: str, *, actor: str, now: datetime) -> Item:
    old = get(store, notice_id)
    if old.withdrawn:
        return old
    new = old.evolve(withdrawn=True, updated=now)
    return store.save_notice(new, actor=actor, action="withdraw", now=now)


def list_notices(store: Store) -> list[Item]:
    return sorted(store.items("notice"), key=lambda i: (i.updated, i.id), reverse=True)


def load_standing(store: Store, config: Config, *, now: datetime) -> list[str]:
    """Create or update the notices declared in config.yaml; unchanged ones write nothing.

    Returns the ids written. config.yaml is the truth for its notices: a difference (an edit of the
    file, or an editor's change through the API) is set back to the file's version, except that a
    standing notice an editor withdrew stays withdrawn.
    """
    written: list[str] = []
    for standing in config.notices:
        iid = item_id(standing.id)
        desired = _build(iid, validate(standing.fields, config, now=now, allow_past=True),
                         actor="config.yaml", now=now)
        old = store.find(iid)
        if old is None:
            store.save_notice(desired, actor="config.yaml", action="create", now=now)
        elif old.withdrawn:
            continue
        else:
            same_times = desired.evolve(published=old.published, updated=old.updated)
            if same_times.content_hash() == old.content_hash():
                continue
            store.save_notice(same_times.evolve(updated=now), actor="config.yaml",
                              action="update", now=now)
        written.append(iid)
    return written


def as_dict(item: Item) -> dict[str, Any]:
    """A notice as the API and ``notice list --json`` show it."""
    return {
        "id": item.id.removeprefix(PREFIX),
        **notice_snapshot(item),
        "level_number": int(item.level),
        "published": iso_z(item.published),
        "updated": iso_z(item.updated),
        "author": item.author,
    }
