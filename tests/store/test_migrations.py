from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import feedparser

from feeder.publish import publish
from feeder.store import Store
from feeder.store.migrations import MIGRATIONS, SCHEMA_VERSION
from tests.common import NOW, make_config


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


# --------------------------------------------------------------------------- 6 and 7


def _v5(path: Path, rows: list[dict[str, object]]) -> None:
    """A database as feeder left it at schema version 5, holding ``rows`` (items)."""
    db = sqlite3.connect(path, isolation_level=None)
    for migration in MIGRATIONS[:5]:
        migration(db)
    db.execute("PRAGMA user_version = 5")
    for row in rows:
        values = {"source": "lansstyrelsen", "level": 1, "title": "Nyhet", "body": "<p>x</p>",
                  "content_hash": "h", "published": "2022-03-21T12:45:00Z",
                  "updated": "2022-03-21T12:45:00Z", "first_seen": "2022-03-21T13:00:00Z",
                  **row}
        marks = ", ".join("?" for _ in values)
        db.execute(f"INSERT INTO items ({', '.join(values)}) VALUES ({marks})",
                   tuple(values.values()))
    db.close()


BASE = "https://www.lansstyrelsen.se/vasternorrland/nyheter---vasternorrland/"


def test_6_merges_duplicate_news_keeping_the_first_id_and_published(tmp_path: Path) -> None:
    path = tmp_path / "v5.sqlite3"
    _v5(path, [
        {"id": f"{BASE}2022-03-21-vald.html", "url": f"{BASE}2022-03-21-vald.html",
         "title": "Första", "ended": "2022-03-25T00:00:00Z"},
        {"id": f"{BASE.replace('https://www.', 'http://')}2022-03-21-vald.html",
         "url": "http://lansstyrelsen.se/x", "title": "Senaste",
         "published": "2022-03-22T08:00:00Z", "updated": "2022-03-23T08:00:00Z",
         "first_seen": "2022-03-22T09:00:00Z"},
        {"id": f"{BASE}2022-04-01-%c3%a4lg.html", "title": "Älg 1",
         "first_seen": "2022-04-01T09:00:00Z"},
        {"id": f"{BASE}2022-04-01-älg.html", "title": "Älg 2",
         "first_seen": "2022-04-02T09:00:00Z", "updated": "2022-04-02T09:00:00Z"},
        {"id": f"{BASE}2022-04-05-annat.html", "title": "Annat"},
        {"id": "smhi:1-2", "source": "smhi", "title": "Inte en nyhet"},
    ])
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        items = {item.id: item for item in store.items()}
    assert set(items) == {f"{BASE}2022-03-21-vald.html", f"{BASE}2022-04-01-%c3%a4lg.html",
                          f"{BASE}2022-04-05-annat.html", "smhi:1-2"}
    vald = items[f"{BASE}2022-03-21-vald.html"]
    assert vald.title == "Senaste" and vald.url == "http://lansstyrelsen.se/x"  # the newest
    assert vald.published == datetime(2022, 3, 21, 12, 45, tzinfo=UTC)  # the first one's
    assert vald.updated == datetime(2022, 3, 23, 8, tzinfo=UTC)
    assert vald.ended is None  # one of them was running
    assert items[f"{BASE}2022-04-01-%c3%a4lg.html"].title == "Älg 2"
    db = sqlite3.connect(path)
    assert db.execute("SELECT first_seen, content_hash FROM items WHERE title = 'Senaste'"
                      ).fetchone() == ("2022-03-21T13:00:00Z", "")


def test_7_repairs_dates_outside_1970_to_2999_keeping_their_meaning(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    path = config.storage.database
    path.parent.mkdir(parents=True, exist_ok=True)
    _v5(path, [
        {"id": "notice:past", "source": "notice", "published": "0999-06-12T10:00:00Z",
         "updated": "9999-12-31T23:59:59Z", "effective": "999-01-01T00:00:00Z",
         "onset": "0999-01-01T00:00:00Z", "expires": "9999-12-31T23:59:59Z"},
        {"id": "notice:future", "source": "notice", "effective": "9999-01-01T00:00:00Z",
         "onset": "9999-01-01T00:00:00Z", "expires": "0999-01-01T00:00:00Z",
         "ended": "9999-01-01T00:00:00Z", "updated": "nonsense"},
        {"id": "notice:fine", "source": "notice", "expires": "2026-06-13T00:00:00Z"},
    ])
    with Store(path) as store:
        past, future, fine = (store.get(f"notice:{n}") for n in ("past", "future", "fine"))
        publish(store, config, NOW)  # and every output is published from the repaired rows
    for name in ("feed.atom", "feed.rss", "alerts.atom"):
        assert not feedparser.parse((config.storage.output_dir / name).read_bytes()).bozo
    seen = datetime(2022, 3, 21, 13, tzinfo=UTC)
    assert (past.published, past.updated) == (seen, seen)  # when it was first stored
    assert (past.effective, past.onset, past.expires) == (None, None, None)  # at once, begun,
    # open-ended: what a time long past / never coming meant
    assert future.effective == future.onset == datetime(2999, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert future.expires == datetime(1970, 1, 1, tzinfo=UTC)  # expired, as before
    assert future.ended == seen and future.updated == seen
    assert fine.expires == datetime(2026, 6, 13, tzinfo=UTC) and fine.published.year == 2022
    db = sqlite3.connect(path)
    hashes = dict(db.execute("SELECT id, content_hash FROM items"))
    assert hashes == {"notice:past": "", "notice:future": "", "notice:fine": "h"}
