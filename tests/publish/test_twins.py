"""Gzip twins never disagree with their files for long: a kill between ``X`` and ``X.gz`` (or a
full disk) is repaired by the next publish, even when nothing else changed, and at start-up."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from feeder.config import Config
from feeder.errors import FeederError
from feeder.publish import publish, repair, writer
from feeder.store import Store
from tests.builders import HOUR, NOW, fire_risk


def twin_of(out: Path, name: str) -> bytes:
    return gzip.decompress((out / f"{name}.gz").read_bytes())


def assert_twins_agree(out: Path) -> None:
    for path in out.rglob("*.gz"):
        plain = path.with_name(path.name[:-3])
        assert gzip.decompress(path.read_bytes()) == plain.read_bytes(), path
        assert path.stat().st_mtime_ns == plain.stat().st_mtime_ns, path


def test_kill_between_a_file_and_its_twin_is_repaired_by_the_next_publish(
    db: Store, cfg: Config, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db.upsert([fire_risk()], NOW)
    publish(db, cfg, NOW)
    old_banner = (out / "banner.json").read_bytes()
    db.upsert([fire_risk(title="Risk för gräsbrand i Västernorrlands län", updated=NOW + HOUR)],
              NOW + HOUR)
    real_write = writer.atomic_write

    def disk_full_at_the_twin(path: Path, data: bytes, mtime_ns: int | None = None) -> None:
        if path.name == "banner.json.gz":
            raise OSError(28, "No space left on device")
        real_write(path, data, mtime_ns)

    monkeypatch.setattr(writer, "atomic_write", disk_full_at_the_twin)
    with pytest.raises(FeederError, match="No space left"):
        publish(db, cfg, NOW + HOUR)
    monkeypatch.undo()
    new_banner = (out / "banner.json").read_bytes()
    assert "gräsbrand" in new_banner.decode()
    assert twin_of(out, "banner.json") == old_banner  # what gzip_static would serve now
    result = publish(db, cfg, NOW + HOUR)  # the same content: banner.json itself unchanged
    assert result.ok and "banner.json" not in result.changed
    assert twin_of(out, "banner.json") == new_banner
    assert_twins_agree(out)


def test_the_unchanged_publish_fast_path_never_hides_a_stale_twin(
    db: Store, cfg: Config, out: Path
) -> None:
    db.upsert([fire_risk()], NOW)
    publish(db, cfg, NOW)
    assert not publish(db, cfg, NOW).rendered  # nothing changed: nothing rendered
    # A full disk once left feed.atom.gz behind (written before, with another mtime).
    writer.atomic_write(out / "feed.atom.gz", writer.gzip_bytes(b"<feed>old</feed>"))
    again = publish(db, cfg, NOW)
    assert again.rendered and again.changed == []  # no content changed, yet the twin is new
    assert twin_of(out, "feed.atom") == (out / "feed.atom").read_bytes()
    assert_twins_agree(out)


def test_start_up_checks_every_twin_by_content(db: Store, cfg: Config, out: Path) -> None:
    db.upsert([fire_risk()], NOW)
    publish(db, cfg, NOW)
    mtime = (out / "index.html").stat().st_mtime_ns
    writer.atomic_write(out / "index.html.gz", writer.gzip_bytes(b"<p>old</p>"), mtime)
    (out / "topics" / "gone.rss.gz").write_bytes(writer.gzip_bytes(b"<rss/>"))
    assert repair(cfg) == ["index.html.gz", "topics/gone.rss.gz"]
    assert_twins_agree(out)
    assert repair(cfg) == []


def test_repair_of_a_folder_not_yet_made_does_nothing(cfg: Config) -> None:
    assert not cfg.storage.output_dir.exists()
    assert repair(cfg) == []
