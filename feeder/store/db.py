"""Opening the SQLite file: pragmas, transactions, migrations, and what a sqlite3 error means.

Every ``sqlite3.Error`` that leaves the store is a :class:`~feeder.errors.StoreError` with the
sqlite3 error chained as its cause (see :func:`store_error`): a locked or busy database
(``SQLITE_BUSY``, ``SQLITE_LOCKED`` and their extended codes) is a
:class:`~feeder.errors.StoreBusyError`, which callers answer with "try again" (HTTP 503 with
``Retry-After``), never with a traceback.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import StoreBusyError, StoreError
from .migrations import MIGRATIONS, SCHEMA_VERSION

BUSY_TIMEOUT = 10.0
"""Seconds a statement waits for another connection's lock before it fails as busy."""
JOURNAL_MODE = "WAL"
"""Readers never wait for the writer. (A rollback journal makes a writer block readers too.)"""
RETRY_AFTER = 5
"""Seconds a client is told to wait after a busy database (``Retry-After``)."""

_BUSY_CODES = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})


def is_busy(exc: sqlite3.Error) -> bool:
    """Whether SQLite said "locked" or "busy" (primary code of an extended one included)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF in _BUSY_CODES


def store_error(exc: sqlite3.Error, what: str = "database") -> StoreError:
    """The store error for a sqlite3 error (raise it ``from exc``)."""
    if is_busy(exc):
        return StoreBusyError(
            f"{what} is busy (another process holds a lock): try again in a moment ({exc})",
            retry_after=RETRY_AFTER,
        )
    return StoreError(f"{what} error: {exc}")


def connect(path: Path, *, busy_timeout: float | None = None) -> sqlite3.Connection:
    """Open (creating if needed) and migrate the database; refuse one newer than this code.
    ``busy_timeout``: seconds to wait for another connection's lock (:data:`BUSY_TIMEOUT`)."""
    if busy_timeout is None:
        busy_timeout = BUSY_TIMEOUT
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(
            path, isolation_level=None, check_same_thread=False, timeout=busy_timeout
        )
    except (OSError, sqlite3.Error) as exc:
        raise StoreError(f"cannot open database {str(path)!r}: {exc}") from exc
    db.row_factory = sqlite3.Row
    try:
        db.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        db.execute(f"PRAGMA journal_mode = {JOURNAL_MODE}")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
        migrate(db)
    except sqlite3.Error as exc:
        db.close()
        if is_busy(exc):
            raise store_error(exc, f"database {str(path)!r}") from exc
        raise StoreError(f"database {str(path)!r} is not usable: {exc}") from exc
    except StoreError:
        db.close()
        raise
    return db


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A write transaction taken with ``BEGIN IMMEDIATE`` (no lock upgrade deadlocks)."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.in_transaction:  # SQLite may have rolled back already (I/O error, full disk)
            db.execute("ROLLBACK")
        raise
    else:
        db.execute("COMMIT")


def migrate(db: sqlite3.Connection) -> int:
    """Bring the schema to :data:`SCHEMA_VERSION`, one numbered migration per transaction."""
    with transaction(db):
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"database schema version {version} is newer than this feeder "
                f"(knows up to {SCHEMA_VERSION}); upgrade feeder"
            )
    while True:
        with transaction(db):
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
            if version >= SCHEMA_VERSION:
                return version
            MIGRATIONS[version](db)
            db.execute(f"PRAGMA user_version = {version + 1}")
