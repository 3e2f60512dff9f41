"""Numbered schema migrations; the schema version lives in ``PRAGMA user_version``.

Append only: never edit a migration that has shipped. Version N is reached by running
``MIGRATIONS[N - 1]``. A database newer than ``len(MIGRATIONS)`` is refused.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable


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


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_v1, _v2, _v3, _v4, _v5]
SCHEMA_VERSION = len(MIGRATIONS)
