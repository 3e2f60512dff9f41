"""The SQLite store: items, per-source state and the editors' audit log.

Thin on purpose: it maps our dataclasses to rows and back. Writes take ``BEGIN IMMEDIATE``;
upserting an unchanged item writes nothing.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ..errors import NotFoundError
from ..ladder import Level
from ..model import AuditEntry, Item, SourceState, UpsertResult
from ..timeutil import iso_z, parse_iso
from .db import connect, transaction

__all__ = ["Store"]


def _t(value: str | None) -> datetime | None:
    return parse_iso(value) if value else None


def item_from_row(row: sqlite3.Row) -> Item:
    return Item(
        id=row["id"],
        source=row["source"],
        level=Level(row["level"]),
        level_reason=row["level_reason"],
        title=row["title"],
        body=row["body"],
        summary=row["summary"],
        url=row["url"],
        credit=row["credit"],
        author=row["author"],
        topics=tuple(json.loads(row["topics"])),
        areas=tuple(json.loads(row["areas"])),
        published=parse_iso(row["published"]),
        updated=parse_iso(row["updated"]),
        starts=_t(row["starts"]),
        expires=_t(row["expires"]),
        ended=_t(row["ended"]),
        withdrawn=bool(row["withdrawn"]),
        status=row["status"],
    )


def item_to_row(item: Item) -> dict[str, Any]:
    return {
        "id": item.id,
        "source": item.source,
        "level": int(item.level),
        "level_reason": item.level_reason,
        "title": item.title,
        "body": item.body,
        "summary": item.summary,
        "url": item.url,
        "credit": item.credit,
        "author": item.author,
        "topics": json.dumps(list(item.topics), ensure_ascii=False),
        "areas": json.dumps(list(item.areas)),
        "published": iso_z(item.published),
        "updated": iso_z(item.updated),
        "starts": iso_z(item.starts),
        "expires": iso_z(item.expires),
        "ended": iso_z(item.ended),
        "withdrawn": int(item.withdrawn),
        "status": item.status,
        "content_hash": item.content_hash(),
    }


def _write_row(db: sqlite3.Connection, row: dict[str, Any], *, new: bool, now: datetime) -> None:
    """Insert a new item row (stamping ``first_seen``) or replace a stored one's columns."""
    if new:
        row = {**row, "first_seen": iso_z(now)}
        cols = ", ".join(row)
        marks = ", ".join(f":{c}" for c in row)
        db.execute(f"INSERT INTO items ({cols}) VALUES ({marks})", row)
    else:
        sets = ", ".join(f"{c} = :{c}" for c in row if c != "id")
        db.execute(f"UPDATE items SET {sets} WHERE id = :id", row)


class Store:
    """One open database. Safe to share between threads (one connection, one lock)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._db = connect(self.path)
        self._lock = threading.RLock()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock, transaction(self._db) as db:
            yield db

    def _read(self, sql: str, args: Iterable[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, tuple(args)).fetchall()

    @property
    def schema_version(self) -> int:
        return int(self._read("PRAGMA user_version")[0][0])

    # ----------------------------------------------------------------------------- items

    def upsert(self, items: Iterable[Item], now: datetime) -> UpsertResult:
        """Insert new items and replace changed ones (same id, new hash); unchanged: no write.

        An item that had been ended (gone upstream) and comes back is un-ended.
        """
        inserted: list[str] = []
        updated: list[str] = []
        unchanged = 0
        items = list(items)
        with self._write() as db:
            for item in items:
                row = item_to_row(item)
                old = db.execute(
                    "SELECT content_hash, ended, withdrawn FROM items WHERE id = ?", (item.id,)
                ).fetchone()
                if old is None:
                    _write_row(db, row, new=True, now=now)
                    inserted.append(item.id)
                elif (
                    old["content_hash"] != row["content_hash"]
                    or old["ended"] != row["ended"]
                    or bool(old["withdrawn"]) != item.withdrawn
                ):
                    _write_row(db, row, new=False, now=now)
                    updated.append(item.id)
                else:
                    unchanged += 1
        return UpsertResult(inserted, updated, unchanged)

    def get(self, item_id: str) -> Item:
        rows = self._read("SELECT * FROM items WHERE id = ?", (item_id,))
        if not rows:
            raise NotFoundError(f"no item with id {item_id!r}")
        return item_from_row(rows[0])

    def find(self, item_id: str) -> Item | None:
        rows = self._read("SELECT * FROM items WHERE id = ?", (item_id,))
        return item_from_row(rows[0]) if rows else None

    def items(self, source: str | None = None) -> list[Item]:
        if source is None:
            rows = self._read("SELECT * FROM items ORDER BY id")
        else:
            rows = self._read("SELECT * FROM items WHERE source = ? ORDER BY id", (source,))
        return [item_from_row(r) for r in rows]

    def end_missing(self, source: str, seen: Iterable[str], now: datetime) -> list[str]:
        """End the source's still-running items that its latest list no longer holds.

        Items already past their end time are left as they are (they simply expired).
        """
        seen_ids = set(seen)
        stamp = iso_z(now)
        ended: list[str] = []
        with self._write() as db:
            rows = db.execute(
                "SELECT id, expires FROM items WHERE source = ? AND ended IS NULL"
                " AND withdrawn = 0",
                (source,),
            ).fetchall()
            for row in rows:
                if row["id"] in seen_ids:
                    continue
                if row["expires"] is not None and row["expires"] <= stamp:
                    continue
                db.execute("UPDATE items SET ended = ? WHERE id = ?", (stamp, row["id"]))
                ended.append(row["id"])
        return ended

    def data_version(self) -> tuple[int, int]:
        """Cheap change detector: (number of items, a hash of all content hashes and end marks).

        Changes whenever an item is inserted, updated, ended or withdrawn (a sum of lengths
        would not: every content hash has the same length).
        """
        rows = self._read(
            "SELECT count(*), group_concat(content_hash || coalesce(ended, '') || withdrawn, ',')"
            " FROM items"
        )
        digest = hashlib.sha256((rows[0][1] or "").encode()).hexdigest()
        return int(rows[0][0]), int(digest[:15], 16)

    # ----------------------------------------------------------------------------- sources

    def source_state(self, name: str) -> SourceState:
        rows = self._read("SELECT * FROM source_state WHERE name = ?", (name,))
        if not rows:
            return SourceState(name=name)
        r = rows[0]
        return SourceState(
            name=name,
            etag=r["etag"],
            last_modified=r["last_modified"],
            last_attempt=_t(r["last_attempt"]),
            last_success=_t(r["last_success"]),
            last_error=r["last_error"],
            failures=r["failures"],
            retry_at=_t(r["retry_at"]),
            state=r["state"],
            since=_t(r["since"]),
        )

    def source_states(self) -> dict[str, SourceState]:
        names = [r[0] for r in self._read("SELECT name FROM source_state ORDER BY name")]
        return {name: self.source_state(name) for name in names}

    def _save_state(self, state: SourceState) -> None:
        with self._write() as db:
            db.execute(
                "INSERT OR REPLACE INTO source_state (name, etag, last_modified, last_attempt,"
                " last_success, last_error, failures, retry_at, state, since)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    state.name, state.etag, state.last_modified, iso_z(state.last_attempt),
                    iso_z(state.last_success), state.last_error, state.failures,
                    iso_z(state.retry_at), state.state, iso_z(state.since),
                ),
            )

    def record_success(
        self,
        name: str,
        now: datetime,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        keep_validators: bool = False,
        stale_after: int | None = None,
    ) -> SourceState:
        """Record a good poll. ``since`` moves only when the shown state changes: from new,
        failing, or stale (no success for ``stale_after`` seconds, e.g. while nothing polled)."""
        old = self.source_state(name)
        was_stale = (
            stale_after is not None
            and old.last_success is not None
            and now >= old.last_success + timedelta(seconds=stale_after)
        )
        state = replace(
            old,
            etag=old.etag if keep_validators else etag,
            last_modified=old.last_modified if keep_validators else last_modified,
            last_attempt=now,
            last_success=now,
            last_error=None,
            failures=0,
            retry_at=None,
            state="ok",
            since=old.since if old.state == "ok" and not was_stale else now,
        )
        self._save_state(state)
        return state

    def record_failure(
        self, name: str, now: datetime, error: str, *, retry_at: datetime | None = None
    ) -> SourceState:
        old = self.source_state(name)
        state = replace(
            old,
            last_attempt=now,
            last_error=error,
            failures=old.failures + 1,
            retry_at=retry_at,
            state="failing",
            since=old.since if old.state == "failing" else now,
        )
        self._save_state(state)
        return state

    # ----------------------------------------------------------------------------- audit

    def audit(
        self,
        actor: str,
        action: str,
        item_id: str | None,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        now: datetime,
    ) -> None:
        with self._write() as db:
            self._audit(db, actor, action, item_id, before, after, now)

    @staticmethod
    def _audit(
        db: sqlite3.Connection,
        actor: str,
        action: str,
        item_id: str | None,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        now: datetime,
    ) -> None:
        db.execute(
            "INSERT INTO audit (at, actor, action, item_id, before, after) VALUES (?,?,?,?,?,?)",
            (
                iso_z(now), actor, action, item_id,
                json.dumps(before, ensure_ascii=False) if before is not None else None,
                json.dumps(after, ensure_ascii=False) if after is not None else None,
            ),
        )

    def save_notice(
        self, item: Item, *, actor: str, action: str, now: datetime
    ) -> Item:
        """Write an editor's notice and its audit entry in one transaction."""
        row = item_to_row(item)
        with self._write() as db:
            old = db.execute("SELECT * FROM items WHERE id = ?", (item.id,)).fetchone()
            before = notice_snapshot(item_from_row(old)) if old is not None else None
            _write_row(db, row, new=old is None, now=now)
            self._audit(db, actor, action, item.id, before, notice_snapshot(item), now)
        return item

    def audit_log(self, item_id: str | None = None, limit: int = 500) -> list[AuditEntry]:
        if item_id is None:
            rows = self._read("SELECT * FROM audit ORDER BY id DESC LIMIT ?", (limit,))
        else:
            rows = self._read(
                "SELECT * FROM audit WHERE item_id = ? ORDER BY id DESC LIMIT ?", (item_id, limit)
            )
        return [
            AuditEntry(
                id=r["id"],
                at=parse_iso(r["at"]),
                actor=r["actor"],
                action=r["action"],
                item_id=r["item_id"],
                before=json.loads(r["before"]) if r["before"] else None,
                after=json.loads(r["after"]) if r["after"] else None,
            )
            for r in rows
        ]


def notice_snapshot(item: Item) -> dict[str, Any]:
    """The fields of a notice as the audit log records them."""
    return {
        "title": item.title,
        "body": item.body,
        "level": item.level.label,
        "starts": iso_z(item.starts),
        "expires": iso_z(item.expires),
        "url": item.url,
        "topics": list(item.topics),
        "areas": list(item.areas),
        "status": item.status,
        "withdrawn": item.withdrawn,
    }
