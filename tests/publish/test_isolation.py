"""No single item stops publishing: a row that cannot be rendered is left out of the output that
cannot carry it (only that one), logged with its id and reported; every other item and file is
published; an output that cannot be rendered at all keeps its previous file."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

import feedparser
import pytest

from feeder.config import Config
from feeder.ladder import Level
from feeder.publish import feeds, fingerprint, index, outcome, plan, publish, render
from feeder.publish.entry import Entry
from feeder.status import statuses
from feeder.store import Store
from feeder.timeutil import iso_z
from tests.builders import HOUR, NOW, fire_risk, make_item, news

FEEDS = ("feed.rss", "feed.atom", "alerts.rss", "alerts.atom")


def insert_raw(database: Path, item_id: str, **columns: object) -> None:
    """A row written straight into SQLite, past every validation (as a hand edit would)."""
    row: dict[str, object] = {
        "id": item_id, "source": "notice", "level": 3, "title": "Rad", "body": "<p>Text.</p>",
        "published": iso_z(NOW - HOUR), "updated": iso_z(NOW - HOUR),
        "content_hash": f"raw-{item_id}", "first_seen": iso_z(NOW - HOUR),
    }
    row.update(columns)
    db = sqlite3.connect(database)
    try:
        with db:
            db.execute(f"INSERT INTO items ({', '.join(row)}) VALUES "
                       f"({', '.join('?' for _ in row)})", list(row.values()))
    finally:
        db.close()


def titles(out: Path, name: str) -> list[str]:
    parsed = feedparser.parse((out / name).read_bytes())
    assert not parsed.bozo, (name, parsed.get("bozo_exception"))
    return [entry.title for entry in parsed.entries]


def test_poisoned_rows_never_stop_publishing(
    db: Store, cfg: Config, out: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db.upsert([fire_risk(), news()], NOW - HOUR)
    db.record_success("smhi", NOW - timedelta(minutes=1))
    insert_raw(cfg.storage.database, "notice:vt", title="Vägen\x1bstängd")
    insert_raw(cfg.storage.database, "notice:far", title="Långt fram",
               expires="9999-12-31T23:59:59Z")
    insert_raw(cfg.storage.database, "notice:empty", title="")
    insert_raw(cfg.storage.database, "notice:broken", title="Trasig",
               body='<p><b>öppen <div><table><tr><td>x</p></i><a href="javascript:x()">y')
    with caplog.at_level(logging.ERROR, logger="feeder.publish"):
        result = publish(db, cfg, NOW)
    assert result.ok and result.left_out == ("notice:vt",)
    assert "item notice:vt left out of feed.rss/feed.atom: ValueError" in caplog.text
    for name in FEEDS:  # valid, complete but for the one row XML cannot carry
        shown = titles(out, name)
        assert "Risk för skogsbrand i Västernorrlands län" in shown, name
        assert {"Långt fram", "(utan rubrik)", "Trasig"} <= set(shown), name
        assert not [t for t in shown if t.startswith("Vägen")], name
    feed = json.loads((out / "feed.json").read_bytes())
    assert "Vägen\x1bstängd" in [i["title"] for i in feed["items"]]  # JSON carries it
    banner = json.loads((out / "banner.json").read_bytes())
    assert {a["id"] for a in banner["alerts"]} == {
        "smhi:100-22", "notice:vt", "notice:far", "notice:empty", "notice:broken"}
    far = next(a for a in banner["alerts"] if a["id"] == "notice:far")
    assert far["expires"] == "9999-12-31T23:59:59Z"
    assert "javascript:" not in (out / "banner.html").read_text(encoding="utf-8")
    assert "Kraftsamling mot våldet" in (out / "index.html").read_text(encoding="utf-8")
    recorded = outcome.latest(out)
    assert recorded is not None and recorded.ok and recorded.left_out == ("notice:vt",)
    assert not recorded.healthy

    # The banner still follows SMHI: a warning gone upstream leaves it, whatever else is stored.
    db.end_missing("smhi", [], NOW + HOUR)
    publish(db, cfg, NOW + HOUR)
    banner = json.loads((out / "banner.json").read_bytes())
    assert "smhi:100-22" not in {a["id"] for a in banner["alerts"]}


def test_an_item_that_no_output_can_carry_is_left_out_of_all(cfg: Config) -> None:
    # A lone surrogate (cannot be stored through sqlite3, but may come from anywhere in memory):
    # its body cannot be sanitised, so it has no entry at all.
    bad = make_item("notice:surrogate", level=Level.WARNING, body="<p>a\udc80b</p>")
    good = make_item("notice:good", level=Level.WARNING, title="Bra")
    chosen = plan.make([bad, good], statuses(cfg, {}, NOW), cfg, NOW)
    assert list(chosen.left_out) == ["notice:surrogate"]
    assert [e.item.id for e in chosen.banner] == ["notice:good"]
    made = render.render(chosen)
    assert not made.failed and made.left_out == {}
    assert [a["id"] for a in json.loads(made.files["banner.json"])["alerts"]] == ["notice:good"]


def test_a_renderer_fault_for_one_item_leaves_it_out_of_that_output_only(
    cfg: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = feeds.render

    def picky(spec: feeds.FeedSpec) -> tuple[bytes, bytes]:
        if any(e.item.id == "notice:odd" for e in spec.entries):
            raise RuntimeError("cannot carry notice:odd")
        return real(spec)

    monkeypatch.setattr(feeds, "render", picky)
    items = [make_item("notice:odd", level=Level.NOTICE, title="Udda"), fire_risk()]
    made = render.render(plan.make(items, statuses(cfg, {}, NOW), cfg, NOW))
    assert made.left_out == {name: ["notice:odd"] for name in FEEDS}
    assert made.left_out_ids == ["notice:odd"] and not made.failed
    assert b"Udda" not in made.files["feed.atom"] and b"Udda" in made.files["feed.json"]
    assert b"Udda" in made.files["banner.html"] and b"Udda" in made.files["index.html"]


def test_an_output_that_cannot_be_rendered_keeps_its_file_and_the_rest_go_out(
    db: Store, cfg: Config, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db.upsert([fire_risk()], NOW)
    publish(db, cfg, NOW)
    old_index = (out / "index.html").read_bytes()

    def broken(chosen: plan.Plan) -> bytes:
        raise RuntimeError("template trouble")

    monkeypatch.setattr(index, "render", broken)
    db.upsert([fire_risk(title="Risk för gräsbrand i Västernorrlands län", updated=NOW + HOUR)],
              NOW + HOUR)
    result = publish(db, cfg, NOW + HOUR)
    assert not result.ok and result.failed == {"index.html": "RuntimeError: template trouble"}
    assert "banner.json" in result.changed and "feed.atom" in result.changed
    assert (out / "index.html").read_bytes() == old_index
    assert fingerprint.read(out) is None  # the next publish renders again
    assert result.next_change is not None and result.next_change <= NOW + HOUR + timedelta(
        seconds=60)
    failed = outcome.latest(out)
    assert failed is not None and not failed.ok and failed.last_success == NOW
    assert failed.error == "index.html: RuntimeError: template trouble"

    monkeypatch.undo()
    again = publish(db, cfg, NOW + HOUR + timedelta(minutes=1))
    assert again.ok and again.changed == ["index.html"]
    fixed = outcome.latest(out)
    assert fixed is not None and fixed.healthy
    assert fixed.last_success == NOW + HOUR + timedelta(minutes=1)


def test_a_publish_failing_before_rendering_is_recorded_and_cleared(
    db: Store, cfg: Config, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db.upsert([fire_risk()], NOW)
    publish(db, cfg, NOW)

    def busy() -> dict:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(db, "source_states", busy)
    with pytest.raises(sqlite3.OperationalError):
        publish(db, cfg, NOW + timedelta(minutes=1))
    failed = outcome.latest(out)
    assert failed is not None and not failed.ok and "database is locked" in (failed.error or "")
    monkeypatch.undo()
    quiet = publish(db, cfg, NOW + timedelta(minutes=2))  # nothing to render: outputs current
    assert not quiet.rendered
    cleared = outcome.latest(out)
    assert cleared is not None and cleared.healthy


def test_isolated_raises_the_outputs_own_fault() -> None:
    from feeder.publish.isolate import isolated

    def always(shown: Sequence[Entry]) -> bytes:
        raise OSError("no")

    with pytest.raises(OSError, match="no"):
        isolated("x", [], always)


def test_a_row_the_store_cannot_read_is_left_out_not_fatal(
    db: Store, cfg: Config, out: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db.upsert([fire_risk(), news()], NOW - HOUR)
    db.record_success("smhi", NOW - timedelta(minutes=1))
    insert_raw(cfg.storage.database, "notice:level9", level=9, title="Nivå nio")
    insert_raw(cfg.storage.database, "notice:garbled", title="Trasig tid", status="kanske")
    insert_raw(cfg.storage.database, "notice:list", title="Trasig lista", areas="[2281")
    with caplog.at_level(logging.ERROR, logger="feeder.store"):
        result = publish(db, cfg, NOW)
    assert result.ok
    assert set(result.left_out) == {"notice:level9", "notice:garbled", "notice:list"}
    assert "notice:level9" in caplog.text and "cannot be read" in caplog.text
    for name in FEEDS:
        shown = titles(out, name)
        assert "Risk för skogsbrand i Västernorrlands län" in shown, name
        assert not {"Nivå nio", "Trasig tid", "Trasig lista"} & set(shown), name
    banner = json.loads((out / "banner.json").read_bytes())
    assert [a["id"] for a in banner["alerts"]] == ["smhi:100-22"]
    assert outcome.latest(out) is not None and not outcome.latest(out).healthy  # type: ignore[union-attr]
