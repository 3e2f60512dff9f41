"""Editors' notices: an item row and its audit entry, written in one transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..model import AuditAction, Item
from ..timeutil import iso_z
from .audit import write_audit
from .base import StoreBase
from .items import item_from_row, item_to_row, write_item_row


def notice_snapshot(item: Item) -> dict[str, Any]:
    """The fields of a notice as the audit log records them (and the API shows them)."""
    return {
        "title": item.title,
        "body": item.body,
        "level": item.level.label,
        "starts": iso_z(item.effective),
        "expires": iso_z(item.expires),
        "url": item.url,
        "topics": list(item.topics),
        "areas": list(item.areas),
        "status": str(item.status),
        "withdrawn": item.withdrawn,
    }


class NoticesStore(StoreBase):
    def save_notice(self, item: Item, *, actor: str, action: AuditAction, now: datetime) -> Item:
        """Write an editor's notice (insert or replace) and its audit entry in one transaction."""
        row = item_to_row(item)
        with self._write() as db:
            old = db.execute("SELECT * FROM items WHERE id = ?", (item.id,)).fetchone()
            before = notice_snapshot(item_from_row(old)) if old is not None else None
            write_item_row(db, row, new=old is None, now=now)
            write_audit(db, actor, action, item.id, before, notice_snapshot(item), now)
        return item
