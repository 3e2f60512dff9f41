from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from feeder.errors import StoreError
from feeder.store import Store
from feeder.store.db import transaction


def test_pragmas(tmp_path: Path) -> None:
    with Store(tmp_path / "x.sqlite3") as store:
        db = store._db
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
        assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    with Store(tmp_path / "x.sqlite3") as store:
        with pytest.raises(RuntimeError), transaction(store._db) as db:
            db.execute("INSERT INTO audit (at, actor, action) VALUES ('t', 'a', 'x')")
            raise RuntimeError("boom")
        assert store.audit_log() == []


def test_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not usable"):
        Store(path)


def test_database_in_unwritable_place(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot open"):
        Store(blocker / "sub" / "x.sqlite3")


def test_refuses_newer_schema(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite3"
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 99")
    db.close()
    with pytest.raises(StoreError, match="newer than this feeder"):
        Store(path)
