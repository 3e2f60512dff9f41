"""The ``source_state`` table: what we know of each upstream between polls."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import datetime, timedelta

from ..model import SourceState
from ..timeutil import iso_z, read_stored
from .base import StoreBase


def _t(value: str | None) -> datetime | None:
    return read_stored(value) if value else None


def _state_from_row(r: sqlite3.Row) -> SourceState:
    return SourceState(
        name=r["name"],
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


class SourcesStore(StoreBase):
    """Per-source state: validators, last attempt and success, failures, backoff, shown state."""

    def source_state(self, name: str) -> SourceState:
        """The stored state of a source (a fresh ``new`` one if it was never polled)."""
        rows = self._read("SELECT * FROM source_state WHERE name = ?", (name,))
        return _state_from_row(rows[0]) if rows else SourceState(name=name)

    def source_states(self) -> dict[str, SourceState]:
        rows = self._read("SELECT * FROM source_state ORDER BY name")
        return {r["name"]: _state_from_row(r) for r in rows}

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
        """Record a failed poll: one more failure, the reason, and when to try again."""
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
