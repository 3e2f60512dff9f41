"""Numbered schema migrations; the schema version lives in ``PRAGMA user_version``.

Append only: never edit a migration that has shipped. Version N is reached by running
``MIGRATIONS[N - 1]``. A database newer than ``len(MIGRATIONS)`` is refused.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from ..timeutil import MAX_YEAR, MIN_YEAR, read_stored


def _run(db: sqlite3.Connection, script: str) -> None:
    # Not executescript(): it would COMMIT the surrounding BEGIN IMMEDIATE first.
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def _v1(db: sqlite3.Connection) -> None:
    _run(db,
        """
        CREATE TABLE items (
            id           TEXT PRIMARY KEY,
            source       TEXT NOT NULL,
            level        INTEGER NOT NULL,
            level_reason TEXT NOT NULL DEFAULT '',
            title        TEXT NOT NULL,
            html         TEXT NOT NULL DEFAULT '',
            summary      TEXT NOT NULL DEFAULT '',
            url          TEXT,
            credit       TEXT NOT NULL DEFAULT '',
            author       TEXT NOT NULL DEFAULT '',
            topics       TEXT NOT NULL DEFAULT '[]',
            areas        TEXT NOT NULL DEFAULT '[]',
            published    TEXT NOT NULL,
            updated      TEXT NOT NULL,
            starts       TEXT,
            expires      TEXT,
            ended        TEXT,
            withdrawn    INTEGER NOT NULL DEFAULT 0,
            status       TEXT NOT NULL DEFAULT 'published',
            content_hash TEXT NOT NULL,
            first_seen   TEXT NOT NULL
        );
        CREATE INDEX items_source ON items (source);
        CREATE TABLE source_state (
            name          TEXT PRIMARY KEY,
            etag          TEXT,
            last_modified TEXT,
            last_attempt  TEXT,
            last_success  TEXT,
            last_error    TEXT,
            failures      INTEGER NOT NULL DEFAULT 0,
            retry_at      TEXT
        );
        """
    )


def _v2(db: sqlite3.Connection) -> None:
    # The audit log of editor actions, and the state/since pair shown in banner.json.
    _run(db,
        """
        CREATE TABLE audit (
            id      INTEGER PRIMARY KEY AUTOINCREMENT,
            at      TEXT NOT NULL,
            actor   TEXT NOT NULL,
            action  TEXT NOT NULL,
            item_id TEXT,
            before  TEXT,
            after   TEXT
        );
        CREATE INDEX audit_item ON audit (item_id);
        ALTER TABLE source_state ADD COLUMN state TEXT NOT NULL DEFAULT 'new';
        ALTER TABLE source_state ADD COLUMN since TEXT;
        CREATE INDEX items_expires ON items (expires) WHERE expires IS NOT NULL;
        """
    )


def _v3(db: sqlite3.Connection) -> None:
    # Editor accounts (feeder/editors/accounts.py): scrypt password hash, SHA-256 of the API
    # token, and a session generation that logging out bumps (ends the signed sessions).
    _run(db,
        """
        CREATE TABLE editors (
            id            INTEGER PRIMARY KEY AUTOINCREMENT,
            name          TEXT NOT NULL UNIQUE COLLATE NOCASE,
            role          TEXT NOT NULL CHECK (role IN ('editor', 'publisher')),
            password_hash TEXT,
            token_hash    TEXT UNIQUE,
            session_gen   INTEGER NOT NULL DEFAULT 0,
            created       TEXT NOT NULL,
            token_created TEXT
        );
        """
    )


def _v4(db: sqlite3.Connection) -> None:
    # One word for an item's sanitised HTML everywhere: ``body`` (it was ``html`` here).
    db.execute("ALTER TABLE items RENAME COLUMN html TO body")


def _v5(db: sqlite3.Connection) -> None:
    # Two times instead of one ``starts`` (CAP's terms): *effective*, when an item may be
    # published (an editor's scheduled start), and *onset*, when the event begins (SMHI's
    # approximateStart). A notice's start was both; a source's was its onset.
    _run(db,
        """
        ALTER TABLE items RENAME COLUMN starts TO onset;
        ALTER TABLE items ADD COLUMN effective TEXT;
        UPDATE items SET effective = onset WHERE source = 'notice'
        """
    )


def _v6(db: sqlite3.Connection) -> None:
    """One item per news article: rows of the county's news whose ids are the same article's
    address in two forms (``www.`` or not, ``http`` or ``https``, ``ä`` raw or percent-encoded,
    a fragment) are merged into one.

    The merged row keeps the id, ``published`` and ``first_seen`` of the first one seen (ids
    and publication times are promises to feed readers) and takes everything else from the most
    recently updated one; the others are deleted. Its ``content_hash`` is cleared, so that the
    next poll that sees the article rewrites it. The canonical form is the one the news source
    maps addresses to (:func:`feeder.sources.news_entries.canonical_url`), so that what this
    merged stays one item at every later poll.
    """
    # Imported here: the store sits below the sources (and this runs once per database).
    from ..sources.news_entries import canonical_url

    rows = db.execute(
        "SELECT * FROM items WHERE source = 'lansstyrelsen' ORDER BY first_seen, published, id"
    ).fetchall()
    groups: dict[str, list[sqlite3.Row]] = {}
    for row in rows:
        key = canonical_url(row["id"]) or canonical_url(row["url"] or "") or row["id"]
        groups.setdefault(key, []).append(row)
    for group in groups.values():
        if len(group) < 2:
            continue
        first = group[0]
        newest = max(group, key=lambda r: (r["updated"], r["first_seen"]))
        keep = {"id", "published", "first_seen"}
        columns: list[str] = newest.keys()  # (iterating a Row gives its values)
        merged = {key: (first[key] if key in keep else newest[key]) for key in columns}
        merged["content_hash"] = ""
        if any(r["ended"] is None for r in group):
            merged["ended"] = None  # one of them is running: the article is
        sets = ", ".join(f"{column} = :{column}" for column in merged if column != "id")
        db.execute(f"UPDATE items SET {sets} WHERE id = :id", merged)
        for other in group[1:]:
            db.execute("DELETE FROM items WHERE id = ?", (other["id"],))


def _v7(db: sqlite3.Connection) -> None:
    """Times outside the years 1970–2999 repaired (issue 13: such a date froze publishing).

    Each time is moved to the nearest value that means the same to the lifecycle, so that what
    is published stays truthful:

    - ``published``, ``updated``: to ``first_seen`` (when feeder first stored the item, a real
      time), else to the nearest edge of the range;
    - ``effective``, ``onset`` before 1970: cleared (in force / begun, as a time long past
      meant); after 2999: 2999-12-31T23:59:59Z (not yet, as before);
    - ``expires`` before 1970: 1970-01-01T00:00:00Z (expired, as before); after 2999: cleared
      (open-ended, as a time that never comes meant);
    - ``ended``: to ``first_seen`` (it is ended, as before); ``first_seen``: the nearest edge.

    A time that cannot be read at all counts as before 1970. A repaired row's ``content_hash``
    is cleared, so that the next poll that sees the item rewrites it.
    """
    low, high = "1970-01-01T00:00:00Z", "2999-12-31T23:59:59Z"

    def side(value: str | None) -> int:
        """-1 before the range (or unreadable), 1 after it, 0 inside (or no value)."""
        if value is None:
            return 0
        year = read_stored(value).year
        return -1 if year < MIN_YEAR else (1 if year > MAX_YEAR else 0)

    def edge(value: str) -> str:
        return low if side(value) < 0 else high

    rows = db.execute(
        "SELECT id, published, updated, effective, onset, expires, ended, first_seen FROM items"
    ).fetchall()
    for row in rows:
        fixed = dict(row)
        if side(row["first_seen"]):
            fixed["first_seen"] = edge(row["first_seen"])
        seen = fixed["first_seen"]
        for column in ("published", "updated", "ended"):
            if side(row[column]):
                fixed[column] = seen
        for column in ("effective", "onset"):
            if side(row[column]):
                fixed[column] = None if side(row[column]) < 0 else high
        if side(row["expires"]):
            fixed["expires"] = low if side(row["expires"]) < 0 else None
        if fixed != dict(row):
            fixed["content_hash"] = ""
            sets = ", ".join(f"{column} = :{column}" for column in fixed if column != "id")
            db.execute(f"UPDATE items SET {sets} WHERE id = :id", fixed)


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_v1, _v2, _v3, _v4, _v5, _v6, _v7]
SCHEMA_VERSION = len(MIGRATIONS)
