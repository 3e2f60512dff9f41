"""Every public method of the store against a locked database: a StoreBusyError with the sqlite3
error chained, never a bare sqlite3 error. The methods are found by introspection, so a new one
without an entry in CALLS fails the first test."""

from __future__ import annotations

import inspect
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from feeder.errors import StoreBusyError, StoreError
from feeder.ladder import Level
from feeder.model import AuditAction, Item, Role
from feeder.store import Store, db
from tests.common import NOW

ITEM = Item(id="smhi:1-2", source="smhi", level=Level.NOTICE, title="Risk för skogsbrand",
            body="<p>Text</p>", published=NOW, updated=NOW)
NOTICE = Item(id="notice:abc", source="notice", level=Level.INFO, title="Vatten", body="",
              published=NOW, updated=NOW)

CALLS: dict[str, Callable[[Store], object]] = {
    "schema_version": lambda s: s.schema_version,
    "upsert": lambda s: s.upsert([ITEM], NOW),
    "get": lambda s: s.get(ITEM.id),
    "find": lambda s: s.find(ITEM.id),
    "items": lambda s: s.items(),
    "readable_items": lambda s: s.readable_items(),
    "end_missing": lambda s: s.end_missing("smhi", [], NOW),
    "data_version": lambda s: s.data_version(),
    "source_state": lambda s: s.source_state("smhi"),
    "source_states": lambda s: s.source_states(),
    "record_success": lambda s: s.record_success("smhi", NOW),
    "record_failure": lambda s: s.record_failure("smhi", NOW, "HTTP 500"),
    "save_notice": lambda s: s.save_notice(NOTICE, actor="anna", action=AuditAction.UPDATE,
                                           now=NOW),
    "audit_log": lambda s: s.audit_log(),
    "editors": lambda s: s.editors(),
    "editor_count": lambda s: s.editor_count(),
    "find_editor": lambda s: s.find_editor("anna"),
    "editor_by_id": lambda s: s.editor_by_id(1),
    "editor_by_token_hash": lambda s: s.editor_by_token_hash("0" * 64),
    "editor_credentials": lambda s: s.editor_credentials("anna"),
    "add_editor": lambda s: s.add_editor("bo", Role.EDITOR, password_hash=None,
                                         token_hash="1" * 64, actor="t", now=NOW),
    "remove_editor": lambda s: s.remove_editor("anna", actor="t", now=NOW),
    "set_token_hash": lambda s: s.set_token_hash("anna", "2" * 64, actor="t", now=NOW),
    "set_password_hash": lambda s: s.set_password_hash("anna", "scrypt$x", actor="t", now=NOW),
    "end_sessions": lambda s: s.end_sessions(1),
}
NO_SQL = {"close"}
"""Public methods that run no statement."""
WRITERS = {
    "upsert", "end_missing", "record_success", "record_failure", "save_notice",
    "add_editor", "remove_editor", "set_token_hash", "set_password_hash", "end_sessions",
}


def public_members() -> set[str]:
    return {
        name for name, member in inspect.getmembers(Store)
        if not name.startswith("_") and (inspect.isfunction(member) or isinstance(member, property))
    }


def test_every_public_method_has_a_call() -> None:
    assert public_members() == set(CALLS) | NO_SQL


def _seeded(path: Path) -> None:
    with Store(path) as store:
        store.upsert([ITEM], NOW)
        store.save_notice(NOTICE, actor="anna", action=AuditAction.CREATE, now=NOW)
        store.add_editor("anna", Role.EDITOR, password_hash=None, token_hash="0" * 64,
                         actor="t", now=NOW)


@pytest.fixture
def locked(tmp_path: Path) -> Iterator[tuple[Store, sqlite3.Connection]]:
    """A store (short busy timeout) and another connection holding ``BEGIN EXCLUSIVE``."""
    path = tmp_path / "x.sqlite3"
    _seeded(path)
    store = Store(path, busy_timeout=0.05)
    holder = sqlite3.connect(path, isolation_level=None, timeout=0.05)
    holder.execute("BEGIN EXCLUSIVE")
    yield store, holder
    holder.execute("ROLLBACK")
    holder.close()
    store.close()


@pytest.fixture
def rollback_journal(monkeypatch: pytest.MonkeyPatch) -> None:
    # With a rollback journal an exclusive lock keeps readers out too, so every method meets it
    # (in WAL mode, the default, readers go on: see the last test).
    monkeypatch.setattr(db, "JOURNAL_MODE", "DELETE")


@pytest.mark.usefixtures("rollback_journal")
@pytest.mark.parametrize("name", sorted(CALLS))
def test_every_public_method_on_a_locked_database_is_busy(
    locked: tuple[Store, sqlite3.Connection], name: str
) -> None:
    store, _ = locked
    with pytest.raises(StoreBusyError) as info:
        CALLS[name](store)
    assert isinstance(info.value.__cause__, sqlite3.OperationalError)
    assert info.value.retry_after > 0
    assert "busy" in str(info.value) and info.value.status == 503


@pytest.mark.usefixtures("rollback_journal")
def test_the_store_works_again_once_the_lock_is_gone(
    locked: tuple[Store, sqlite3.Connection],
) -> None:
    store, holder = locked
    with pytest.raises(StoreBusyError):
        store.record_failure("smhi", NOW, "HTTP 500")
    holder.execute("ROLLBACK")
    assert store.record_failure("smhi", NOW, "HTTP 500").failures == 1
    holder.execute("BEGIN EXCLUSIVE")  # for the fixture's teardown


def test_in_wal_mode_readers_go_on_and_writers_are_busy(
    locked: tuple[Store, sqlite3.Connection],
) -> None:
    store, _ = locked
    busy = set()
    for name, call in CALLS.items():
        try:
            call(store)
        except StoreBusyError:
            busy.add(name)
    assert busy == WRITERS


def test_other_sqlite_errors_are_store_errors_with_the_cause(tmp_path: Path) -> None:
    store = Store(tmp_path / "x.sqlite3")
    store.close()
    with pytest.raises(StoreError) as info:
        store.items()
    assert not isinstance(info.value, StoreBusyError)
    assert isinstance(info.value.__cause__, sqlite3.Error)


def test_a_database_locked_at_start_is_busy(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite3"
    Store(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreBusyError):
            Store(path, busy_timeout=0.05)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
