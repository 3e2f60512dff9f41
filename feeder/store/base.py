"""The connection every part of the store shares, and the two doors SQL goes through.

:meth:`StoreBase._read` and :meth:`StoreBase._write` are the only places that run statements
for the per-domain parts (:mod:`.items`, :mod:`.sources`, :mod:`.audit`, :mod:`.notices`,
:mod:`.editors`), so they are the one place where a ``sqlite3.Error`` becomes a
:class:`~feeder.errors.StoreError` (busy/locked: :class:`~feeder.errors.StoreBusyError`) with
the cause chained. Nothing outside ``feeder.store`` calls them.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

from .db import connect, store_error, transaction


class StoreBase:
    """One open database. Safe to share between threads (one connection, one lock)."""

    def __init__(self, path: Path | str, *, busy_timeout: float | None = None) -> None:
        self.path = Path(path)
        self._db = connect(self.path, busy_timeout=busy_timeout)
        self._lock = threading.RLock()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A ``BEGIN IMMEDIATE`` transaction: committed when the block ends, rolled back when it
        raises. sqlite3 errors (from BEGIN, the block or COMMIT) leave as StoreError."""
        with self._lock:
            try:
                with transaction(self._db) as db:
                    yield db
            except sqlite3.Error as exc:
                raise store_error(exc) from exc

    def _read(self, sql: str, args: Iterable[Any] = ()) -> list[sqlite3.Row]:
        """Every row of one statement; sqlite3 errors leave as StoreError."""
        with self._lock:
            try:
                return self._db.execute(sql, tuple(args)).fetchall()
            except sqlite3.Error as exc:
                raise store_error(exc) from exc

    @property
    def schema_version(self) -> int:
        return int(self._read("PRAGMA user_version")[0][0])
