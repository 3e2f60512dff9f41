"""publish(): every output, written only when changed, with nothing rendered when nothing can
have changed, and the outputs following the clock only at known moments."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from feeder.config import Config
from feeder.errors import FeederError
from feeder.ladder import Level
from feeder.publish import fingerprint, publish
from feeder.store import Store
from feeder.topics import topics_for
from tests.builders import HOUR, NOW, TOPIC_ID, ConfigFactory, fire_risk, make_item, news, scenario
from tests.publish.support import without_own_script

OUTPUTS = sorted(
    [f"{name}.{ext}" for name in ("feed", "alerts", f"topics/{TOPIC_ID}")
     for ext in ("rss", "atom", "json", "html")]
    + ["banner.json", "banner.html", "index.html", "banner.js"]
)


def snapshot(out: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(out)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(out.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


def banner_ids(out: Path) -> list[str]:
    return [a["id"] for a in json.loads((out / "banner.json").read_bytes())["alerts"]]


def test_first_publish_writes_every_output_with_gz(db: Store, cfg: Config, out: Path) -> None:
    db.upsert(scenario(), NOW)
    result = publish(db, cfg, NOW)
    assert result.rendered and result.changed == OUTPUTS
    for name in OUTPUTS:
        assert (out / name).is_file() and (out / f"{name}.gz").is_file()
    assert result.next_change == NOW + 2 * HOUR  # "Planerat avbrott" starts


def test_publish_twice_gives_identical_bytes_and_keeps_mtimes(
    db: Store, cfg: Config, out: Path
) -> None:
    db.upsert(scenario(), NOW)
    db.record_success("smhi", NOW)
    publish(db, cfg, NOW)
    before = snapshot(out)
    again = publish(db, cfg, NOW)
    assert again.changed == [] and not again.rendered
    assert snapshot(out) == before
    # rendering everything again (no fingerprint) still writes nothing
    fingerprint.clear(out)
    forced = publish(db, cfg, NOW + timedelta(minutes=3))
    assert forced.rendered and forced.changed == []
    assert snapshot(out) == before


def test_later_now_without_changes_rewrites_nothing(db: Store, cfg: Config, out: Path) -> None:
    db.upsert(scenario(), NOW)
    db.record_success("smhi", NOW)
    db.record_success("lansstyrelsen", NOW)
    first = publish(db, cfg, NOW)
    before = snapshot(out)
    assert first.next_change == NOW + timedelta(minutes=10)  # smhi turns stale (600 s)
    db.record_success("smhi", NOW + timedelta(minutes=5))  # an unchanged poll
    later = publish(db, cfg, NOW + timedelta(minutes=5))
    assert later.changed == []
    assert snapshot(out) == before
    generated = json.loads((out / "banner.json").read_bytes())["generated"]
    assert generated == "2026-06-12T10:00:00Z"  # when the content last changed


def test_same_data_in_a_fresh_folder_gives_the_same_feeds(
    db: Store, cfg: Config, make_config: ConfigFactory, tmp_path: Path
) -> None:
    db.upsert(scenario(), NOW)
    publish(db, cfg, NOW)
    other = make_config(storage={"database": "db.sqlite3", "output_dir": "elsewhere"})
    publish(db, other, NOW + timedelta(minutes=1))
    for name in OUTPUTS:
        if name != "banner.json":
            assert (tmp_path / "elsewhere" / name).read_bytes() == (
                cfg.storage.output_dir / name
            ).read_bytes(), name


def test_a_change_is_published(db: Store, cfg: Config, out: Path) -> None:
    db.upsert([fire_risk(), news()], NOW)
    publish(db, cfg, NOW)
    db.upsert([fire_risk(title="Risk för gräsbrand i Västernorrlands län",
                         updated=NOW + HOUR)], NOW + HOUR)
    result = publish(db, cfg, NOW + HOUR)
    assert result.rendered
    assert "banner.json" in result.changed and "feed.atom" in result.changed
    assert f"topics/{TOPIC_ID}.atom" not in result.changed  # the topic feed did not change
    doc = json.loads((out / "banner.json").read_bytes())
    assert doc["alert"]["title"] == "Risk för gräsbrand i Västernorrlands län"
    assert doc["generated"] == "2026-06-12T11:00:00Z"


def test_an_empty_topic_feed_is_not_rewritten_by_unrelated_changes(
    db: Store, cfg: Config, out: Path
) -> None:
    db.upsert([fire_risk()], NOW)
    publish(db, cfg, NOW)
    db.upsert([fire_risk(title="Risk för gräsbrand i Västernorrlands län",
                         updated=NOW + HOUR)], NOW + HOUR)
    result = publish(db, cfg, NOW + HOUR)
    assert "feed.atom" in result.changed
    assert not any(path.startswith("topics/") for path in result.changed)


def test_expired_alert_leaves_the_banner_without_new_data(
    db: Store, cfg: Config, out: Path
) -> None:
    db.upsert([fire_risk(expires=NOW + HOUR), fire_risk("smhi:2-22", expires=NOW + 5 * HOUR)],
              NOW)
    first = publish(db, cfg, NOW)
    assert banner_ids(out) == ["smhi:100-22", "smhi:2-22"]
    assert first.next_change == NOW + HOUR
    just_before = publish(db, cfg, NOW + HOUR - timedelta(seconds=1))
    assert not just_before.rendered
    after = publish(db, cfg, NOW + HOUR)
    assert after.rendered and "banner.json" in after.changed
    assert banner_ids(out) == ["smhi:2-22"]
    assert after.next_change == NOW + 5 * HOUR
    titles = [e.title for e in feedparser.parse((out / "feed.atom").read_bytes()).entries]
    assert "Avslutad: Risk för skogsbrand i Västernorrlands län" in titles  # kept, marked


def test_scheduled_item_appears_when_it_starts(db: Store, cfg: Config, out: Path) -> None:
    db.upsert([make_item("notice:later", level=Level.SEVERE, title="Planerat avbrott",
                         effective=NOW + HOUR, onset=NOW + HOUR, updated=NOW)], NOW)
    assert publish(db, cfg, NOW).next_change == NOW + HOUR
    assert banner_ids(out) == []
    assert "Planerat avbrott" not in (out / "feed.rss").read_text(encoding="utf-8")
    publish(db, cfg, NOW + HOUR)
    assert banner_ids(out) == ["notice:later"]
    assert "Planerat avbrott" in (out / "feed.rss").read_text(encoding="utf-8")


def test_source_turning_stale_is_published_at_its_moment(
    db: Store, cfg: Config, out: Path
) -> None:
    db.upsert([fire_risk()], NOW)
    db.record_success("smhi", NOW)
    result = publish(db, cfg, NOW)
    assert json.loads((out / "banner.json").read_bytes())["stale"] is False
    assert result.next_change == NOW + timedelta(seconds=600)
    publish(db, cfg, result.next_change)
    doc = json.loads((out / "banner.json").read_bytes())
    assert doc["stale"] is True and doc["sources"]["smhi"]["stale"] is True
    assert banner_ids(out) == ["smhi:100-22"]  # the alert stays


def test_hostile_html_is_absent_from_every_output(db: Store, cfg: Config, out: Path) -> None:
    db.upsert(scenario(), NOW)
    publish(db, cfg, NOW)
    for name in OUTPUTS:
        text = without_own_script((out / name).read_text(encoding="utf-8")).lower()
        for bad in ("<script", "&lt;script", "onerror", "javascript:", "<i>", "&lt;i&gt;"):
            assert bad not in text, (name, bad)


def test_removed_topic_loses_its_files(make_config: ConfigFactory) -> None:
    cfg = make_config()
    with Store(cfg.storage.database) as db:
        db.upsert([news()], NOW)
        publish(db, cfg, NOW)
        topics = cfg.storage.output_dir / "topics"
        assert (topics / f"{TOPIC_ID}.atom").is_file()
        without = make_config(topics=[])
        result = publish(db, without, NOW)
    assert f"topics/{TOPIC_ID}.atom" in result.changed
    assert list(topics.iterdir()) == []


def test_deleted_output_is_restored(db: Store, cfg: Config, out: Path) -> None:
    db.upsert([fire_risk()], NOW)
    publish(db, cfg, NOW)
    (out / "feed.rss").unlink()
    result = publish(db, cfg, NOW)
    assert result.rendered and result.changed == ["feed.rss"]


def test_cap_applies_to_every_feed(make_config: ConfigFactory) -> None:
    cfg = make_config(feeds={"max_items": 4})
    items = [make_item(f"notice:{n:02}", level=Level.NOTICE,
                       title=f"Handlingsplan mot våld {n}", updated=NOW - n * HOUR)
             for n in range(9)]
    with Store(cfg.storage.database) as db:
        db.upsert(items, NOW)
        publish(db, cfg, NOW)
    out = cfg.storage.output_dir
    for name in ("feed", "alerts", f"topics/{TOPIC_ID}"):
        assert len(json.loads((out / f"{name}.json").read_bytes())["items"]) == 4
        assert len(etree.fromstring((out / f"{name}.rss").read_bytes()).findall(
            "channel/item")) == 4


def test_readers_never_see_partial_outputs(db: Store, cfg: Config, out: Path) -> None:
    items = [make_item(f"notice:{n:03}", body="<p>" + "Text. " * 80 + "</p>",
                       updated=NOW - n * timedelta(minutes=1)) for n in range(100)]
    db.upsert(items, NOW)
    publish(db, cfg, NOW)
    stop = threading.Event()
    problems: list[str] = []
    reads = [0]

    def read() -> None:
        while not stop.is_set():
            for name in ("feed.json", "banner.json"):
                try:
                    json.loads((out / name).read_bytes())
                except ValueError as exc:
                    problems.append(f"{name}: {exc}")
            try:
                etree.fromstring((out / "feed.atom").read_bytes())
            except etree.XMLSyntaxError as exc:
                problems.append(f"feed.atom: {exc}")
            reads[0] += 1

    thread = threading.Thread(target=read)
    thread.start()
    try:
        for round_ in range(1, 9):
            changed = [item.evolve(title=f"Runda {round_}", updated=NOW + round_ * HOUR,
                                   level=Level(1 + round_ % 5)) for item in items[:20]]
            db.upsert(changed, NOW + round_ * HOUR)
            assert publish(db, cfg, NOW + round_ * HOUR).changed
    finally:
        stop.set()
        thread.join()
    assert reads[0] > 0 and problems == []


def test_unwritable_output_dir_is_a_clear_error(make_config: ConfigFactory, tmp_path: Path) -> None:
    (tmp_path / "blocked").write_text("a file where the folder should be")
    cfg = make_config(storage={"database": "db.sqlite3", "output_dir": "blocked/public"})
    with Store(cfg.storage.database) as db:
        db.upsert([fire_risk()], NOW)
        with pytest.raises(FeederError, match=r"storage\.output_dir"):
            publish(db, cfg, NOW)


def test_the_topic_feeds_agree_with_the_topic_rule(make_config: ConfigFactory) -> None:
    # Inline markup splits the word in the HTML, not in the text: "vår kraftsamling".
    cfg = make_config(topics=[{"id": "kraft", "title": "Kraftsamling", "match": ["kraftsamling"]}])
    item = make_item("notice:spring", title="Våren i länet",
                     body="<p>Nu börjar vår <strong>kraft</strong>samling.</p>")
    assert topics_for(item, cfg.topics) == ("kraft",)
    with Store(cfg.storage.database) as db:
        db.upsert([item], NOW)
        publish(db, cfg, NOW)
    out = cfg.storage.output_dir
    topic = json.loads((out / "topics" / "kraft.json").read_bytes())
    assert [i["_feeder"]["id"] for i in topic["items"]] == ["notice:spring"]
    (shown,) = json.loads((out / "feed.json").read_bytes())["items"]
    assert shown["tags"] == ["info", "kraft"]
