"""Editor notices: what an editor typed (:class:`NoticeInput`), the one set of rules that checks
it (:func:`validate`), and creating, updating and withdrawing notices in the store.

Every way in (CLI options, JSON API, web form, ``notices:`` in config.yaml) builds a
:class:`NoticeInput` (:mod:`.fields`) and every one is checked by :func:`validate` (:mod:`.rules`):
every problem is an :class:`~feeder.errors.InputError` naming the field, and nothing is stored
unless the whole input is valid. This module stores them (through the store's public methods).

A notice's id is its item id, ``notice:<12 hex digits>`` (``notice:<name>`` for a standing notice
of config.yaml): that is the id users see everywhere. :func:`item_id` also takes the bare form
(``f6717a7c49a8``), so ids handed out before keep working.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from ..config import Config
from ..errors import ConfigError, InputError, NotFoundError, quote
from ..ladder import Level, for_editor
from ..model import AuditAction, Item
from ..store import Store, notice_snapshot
from ..timeutil import iso_z
from .fields import FIELDS, STATUSES, UNSET, NoticeInput, Unset
from .rules import MAX_BODY, MAX_TITLE, NoticeChanges, validate

__all__ = [
    "FIELDS", "MAX_BODY", "MAX_TITLE", "PREFIX", "SOURCE", "STATUSES", "UNSET", "Check",
    "NoticeChanges", "NoticeInput", "Unset", "as_dict", "build", "check_standing", "create",
    "get", "item_id", "list_notices", "load_standing", "new_id", "update", "validate",
    "withdraw",
]

PREFIX = "notice:"
SOURCE = "notice"
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
"""What follows ``notice:``: 12 hex digits, or a standing notice's name from config.yaml."""

# ----------------------------------------------------------------------------- ids


def item_id(notice_id: str) -> str:
    """The id of a notice, from either form (``abc`` or ``notice:abc``). Anything that cannot
    be a notice's id (empty, too long, odd characters) is a NotFoundError at once, before it
    reaches the database."""
    bare = notice_id.strip().removeprefix(PREFIX)
    if not _ID.fullmatch(bare):
        raise NotFoundError(f"no notice with id {quote(notice_id)}")
    return PREFIX + bare


def new_id() -> str:
    return PREFIX + uuid.uuid4().hex[:12]


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
        raise NotFoundError(f"no notice with id {quote(notice_id)}")
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


def check_standing(config: Config, *, now: datetime) -> list[tuple[str, NoticeChanges]]:
    """The standing notices of config.yaml, each checked by :func:`validate` like an editor's
    input (a past ``expires`` is allowed): (name, clean values). The first problem is a
    :class:`~feeder.errors.ConfigError` naming its key, e.g. ``notices[0].expires``."""
    checked: list[tuple[str, NoticeChanges]] = []
    for standing in config.notices:
        try:
            data = NoticeInput.from_mapping(standing.fields)
            checked.append((standing.id, validate(data, config, now=now, allow_past=True)))
        except InputError as exc:
            key = f"{standing.key}.{exc.field}" if exc.field else standing.key
            raise ConfigError(exc.detail, key) from exc
    return checked


def load_standing(store: Store, config: Config, *, now: datetime) -> list[str]:
    """Create or update the notices declared in config.yaml; unchanged ones write nothing.

    Returns the ids written. All of them are checked (:func:`check_standing`) before any is
    written. config.yaml is the truth for its notices: a difference (an edit of the file, or an
    editor's change through the API) is set back to the file's version, except that a standing
    notice an editor withdrew stays withdrawn.
    """
    actor = "config.yaml"
    written: list[str] = []
    for name, changes in check_standing(config, now=now):
        desired = build(name, changes, actor=actor, now=now)
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
