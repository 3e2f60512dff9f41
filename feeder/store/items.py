"""The ``items`` table: every source's items and the editors' notices, one row per item id.

Upserting an unchanged item writes nothing; an item gone from its source's latest complete list
is ended, never deleted.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..errors import NotFoundError, StoreError
from ..ladder import Level
from ..model import Item, NoticeStatus, Reopen, UpsertResult
from ..timeutil import iso_z, read_stored
from .base import StoreBase

log = logging.getLogger("feeder.store")


@dataclass(frozen=True, slots=True)
class ReadItems:
    items: list[Item]
    unreadable: tuple[str, ...] = ()
    """Ids of rows that could not be read as items (logged)."""


def _t(value: str | None) -> datetime | None:
    return read_stored(value) if value else None


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
        published=read_stored(row["published"]),
        updated=read_stored(row["updated"]),
        effective=_t(row["effective"]),
        onset=_t(row["onset"]),
        expires=_t(row["expires"]),
        ended=_t(row["ended"]),
        withdrawn=bool(row["withdrawn"]),
        status=NoticeStatus(row["status"]),
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
        "effective": iso_z(item.effective),
        "onset": iso_z(item.onset),
        "expires": iso_z(item.expires),
        "ended": iso_z(item.ended),
        "withdrawn": int(item.withdrawn),
        "status": str(item.status),
        "content_hash": item.content_hash(),
    }


def write_item_row(
    db: sqlite3.Connection, row: dict[str, Any], *, new: bool, now: datetime
) -> None:
    """Insert a new item row (stamping ``first_seen``) or replace a stored one's columns."""
    if new:
        row = {**row, "first_seen": iso_z(now)}
        cols = ", ".join(row)
        marks = ", ".join(f":{c}" for c in row)
        db.execute(f"INSERT INTO items ({cols}) VALUES ({marks})", row)
    else:
        sets = ", ".join(f"{c} = :{c}" for c in row if c != "id")
        db.execute(f"UPDATE items SET {sets} WHERE id = :id", row)


def _reopens(rule: Reopen, stored_updated: datetime, item: Item) -> bool:
    """Whether ``item``, listed again, re-opens the ended version stored (see ``upsert``)."""
    return rule is Reopen.LISTED or item.updated > stored_updated


class ItemsStore(StoreBase):
    """Items: upsert, read, end what vanished, and a cheap change detector."""

    def upsert(
        self, items: Iterable[Item], now: datetime, *, reopen: Reopen = Reopen.LISTED
    ) -> UpsertResult:
        """Insert new items and replace changed ones (same id, new hash); unchanged: no write.

        An item that had been ended (cancelled, or gone upstream) and is listed again comes back
        according to its source's rule ``reopen``: with :attr:`Reopen.LISTED` it is un-ended;
        with :attr:`Reopen.NEWER` only a version whose ``updated`` is later than the stored one
        un-ends it, and the same or an older version leaves the stored row as it is (a lagging
        cache listing a cancelled VMA again).
        """
        inserted: list[str] = []
        updated: list[str] = []
        unchanged = 0
        items = list(items)
        with self._write() as db:
            for item in items:
                row = item_to_row(item)
                old = db.execute(
                    "SELECT content_hash, ended, withdrawn, updated FROM items WHERE id = ?",
                    (item.id,),
                ).fetchone()
                if old is None:
                    write_item_row(db, row, new=True, now=now)
                    inserted.append(item.id)
                elif old["ended"] is not None and item.ended is None and not _reopens(
                    reopen, read_stored(old["updated"]), item
                ):
                    unchanged += 1
                elif (
                    old["content_hash"] != row["content_hash"]
                    or old["ended"] != row["ended"]
                    or bool(old["withdrawn"]) != item.withdrawn
                ):
                    write_item_row(db, row, new=False, now=now)
                    updated.append(item.id)
                else:
                    unchanged += 1
        return UpsertResult(inserted, updated, unchanged)

    def get(self, item_id: str) -> Item:
        """The item with this id; :class:`~feeder.errors.NotFoundError` when there is none."""
        item = self.find(item_id)
        if item is None:
            raise NotFoundError(f"no item with id {item_id!r}")
        return item

    def find(self, item_id: str) -> Item | None:
        """The item with this id, or None; a row that cannot be read is a StoreError."""
        rows = self._read("SELECT * FROM items WHERE id = ?", (item_id,))
        if not rows:
            return None
        try:
            return item_from_row(rows[0])
        except (ValueError, TypeError, KeyError, OverflowError) as exc:
            raise StoreError(f"item {item_id!r} in the database cannot be read: {exc}") from exc

    def items(self, source: str | None = None) -> list[Item]:
        """Every readable item (or one source's), by id. A row that cannot be read as an item
        (written by hand, or by a bug) is left out and logged: see :meth:`readable_items`."""
        return self.readable_items(source).items

    def readable_items(self, source: str | None = None) -> ReadItems:
        """Every item (or one source's), by id, and the ids of the rows that could not be read
        (an unknown level, a garbled time or list): one bad row never hides the others."""
        if source is None:
            rows = self._read("SELECT * FROM items ORDER BY id")
        else:
            rows = self._read("SELECT * FROM items WHERE source = ? ORDER BY id", (source,))
        items: list[Item] = []
        unreadable: list[str] = []
        for row in rows:
            try:
                items.append(item_from_row(row))
            except (ValueError, TypeError, KeyError, OverflowError) as exc:
                log.error("item %r in the database cannot be read, left out: %s: %s",
                          row["id"], type(exc).__name__, exc)
                unreadable.append(str(row["id"]))
        return ReadItems(items, tuple(unreadable))

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
