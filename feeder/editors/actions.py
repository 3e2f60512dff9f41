"""Notice changes on behalf of a signed-in editor: role check, store, audit, publish at once.

Shared by the JSON API and the web form. Blocking (call from a worker thread). Validation is
:mod:`feeder.notices` (one set of rules for every way in); this module adds only who may do it.
Nothing is stored when validation or the role check fails; the change and its audit entry are
one transaction; the outputs are published before the caller answers.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from .. import notices
from ..config import Config
from ..errors import FeederError
from ..ladder import Level
from ..model import Item
from ..store import Store
from .accounts import Editor, authorize

Publish = Callable[[], object]

log = logging.getLogger("feeder.editors")


class PublishFailed(FeederError):
    """The change is stored (and audited) but rendering the outputs failed (HTTP 503)."""

    def __init__(self, item: Item, cause: BaseException) -> None:
        super().__init__(
            f"the change to notice {item.id.removeprefix(notices.PREFIX)!r} is saved, but"
            f" publishing failed ({type(cause).__name__}: {cause}); it goes out with the next"
            " successful publish"
        )
        self.item = item


def _publish(publish: Publish, item: Item) -> Item:
    try:
        publish()
    except Exception as exc:
        log.exception("publishing after an editor's change to %s failed", item.id)
        raise PublishFailed(item, exc) from exc
    return item

_lock = threading.Lock()
"""Serialises check-then-write of editor changes within this process."""


def _draft(clean: Mapping[str, Any], now: datetime) -> Item:
    """The notice ``clean`` would create, as far as the role check needs it."""
    return Item(
        id="notice:new", source="notice", level=clean.get("level", Level.INFO), title="",
        body="", published=now, updated=now, status=clean.get("status", "published"),
    )


def create(
    store: Store, config: Config, editor: Editor, fields: Mapping[str, Any], *,
    now: datetime, publish: Publish,
) -> Item:
    with _lock:
        clean = notices.validate(fields, config, now=now)
        authorize(editor, None, _draft(clean, now))
        item = notices.create(store, config, fields, actor=editor.name, now=now)
    return _publish(publish, item)


def update(
    store: Store, config: Config, editor: Editor, notice_id: str, fields: Mapping[str, Any], *,
    now: datetime, publish: Publish,
) -> Item:
    with _lock:
        old = notices.get(store, notice_id)
        if not old.withdrawn:
            clean = notices.validate(fields, config, existing=old, now=now)
            authorize(editor, old, old.evolve(**clean))
        item = notices.update(store, config, notice_id, fields, actor=editor.name, now=now)
    return _publish(publish, item) if item != old else item


def withdraw(
    store: Store, editor: Editor, notice_id: str, *, now: datetime, publish: Publish
) -> Item:
    with _lock:
        old = notices.get(store, notice_id)
        authorize(editor, old, None)
        item = notices.withdraw(store, notice_id, actor=editor.name, now=now)
    return _publish(publish, item) if item != old else item
