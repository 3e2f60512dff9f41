"""The ``audit`` table: who changed which notice or editor account, when, before and after.

Entries are written in the same transaction as the change they record (:func:`write_audit`),
so a change is never stored without its entry, nor an entry without its change.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from datetime import datetime

from ..model import AuditAction, AuditEntry
from ..timeutil import iso_z, read_stored
from .base import StoreBase

Snapshot = Mapping[str, object]
"""What an entry records before or after a change (JSON-ready values)."""


def write_audit(
    db: sqlite3.Connection,
    actor: str,
    action: AuditAction,
    item_id: str | None,
    before: Snapshot | None,
    after: Snapshot | None,
    now: datetime,
) -> None:
    """Append one entry inside the caller's transaction."""
    db.execute(
        "INSERT INTO audit (at, actor, action, item_id, before, after) VALUES (?,?,?,?,?,?)",
        (
            iso_z(now), actor, str(action), item_id,
            json.dumps(dict(before), ensure_ascii=False) if before is not None else None,
            json.dumps(dict(after), ensure_ascii=False) if after is not None else None,
        ),
    )


class AuditStore(StoreBase):
    """The audit log, newest first. (Entries are written by the changes they record.)"""

    def audit_log(self, item_id: str | None = None, limit: int = 500) -> list[AuditEntry]:
        """The newest ``limit`` entries, of one item or of everything."""
        if item_id is None:
            rows = self._read("SELECT * FROM audit ORDER BY id DESC LIMIT ?", (limit,))
        else:
            rows = self._read(
                "SELECT * FROM audit WHERE item_id = ? ORDER BY id DESC LIMIT ?", (item_id, limit)
            )
        return [
            AuditEntry(
                id=r["id"],
                at=read_stored(r["at"]),
                actor=r["actor"],
                action=AuditAction(r["action"]),
                item_id=r["item_id"],
                before=json.loads(r["before"]) if r["before"] else None,
                after=json.loads(r["after"]) if r["after"] else None,
            )
            for r in rows
        ]
