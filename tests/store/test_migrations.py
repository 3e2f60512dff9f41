from __future__ import annotations

import sqlite3
from pathlib import Path

from feeder.store import Store
from feeder.store.migrations import MIGRATIONS, SCHEMA_VERSION


def columns(db: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in db.execute(f"PRAGMA table_info({table})")}


def test_from_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite3"
    path.touch()
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION == len(MIGRATIONS)
    db = sqlite3.connect(path)
    assert {"items", "source_state", "audit"} <= {
        r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    assert {"state", "since"} <= columns(db, "source_state")


def test_from_a_v1_file_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "v1.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    MIGRATIONS[0](db)
    db.execute("PRAGMA user_version = 1")
    db.execute(
        "INSERT INTO items (id, source, level, title, published, updated, content_hash, first_seen)"
        " VALUES ('smhi:1-2', 'smhi', 2, 'Risk för skogsbrand', '2026-06-11T10:32:47Z',"
        " '2026-06-11T10:32:47Z', 'h', '2026-06-11T10:33:00Z')"
    )
    db.execute("INSERT INTO source_state (name, failures) VALUES ('smhi', 3)")
    db.close()
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.get("smhi:1-2").title == "Risk för skogsbrand"
        state = store.source_state("smhi")
        assert state.failures == 3 and state.state == "new"
        assert store.audit_log() == []


def test_migrating_twice_is_a_no_op(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite3"
    Store(path).close()
    mtime = path.stat().st_mtime_ns
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION
    assert path.stat().st_mtime_ns == mtime
