from __future__ import annotations

import gzip
import os
import threading
from pathlib import Path

import pytest

from feeder.publish import writer


def test_writes_file_and_deterministic_gz(tmp_path: Path) -> None:
    assert writer.write_all(tmp_path, {"a.json": b'{"a": 1}\n', "topics/t.rss": b"<rss/>"}) == [
        "a.json", "topics/t.rss",
    ]
    assert (tmp_path / "a.json").read_bytes() == b'{"a": 1}\n'
    packed = (tmp_path / "a.json.gz").read_bytes()
    assert gzip.decompress(packed) == b'{"a": 1}\n'
    assert packed == writer.gzip_bytes(b'{"a": 1}\n')  # mtime 0: same bytes every time
    assert packed[4:8] == b"\0\0\0\0"
    assert (tmp_path / "topics" / "t.rss.gz").is_file()


def test_unchanged_bytes_are_not_rewritten(tmp_path: Path) -> None:
    writer.write_all(tmp_path, {"a.txt": b"one"})
    past = 1_600_000_000
    for name in ("a.txt", "a.txt.gz"):
        os.utime(tmp_path / name, (past, past))
    assert writer.write_all(tmp_path, {"a.txt": b"one"}) == []
    assert (tmp_path / "a.txt").stat().st_mtime == past
    assert (tmp_path / "a.txt.gz").stat().st_mtime == past
    assert writer.write_all(tmp_path, {"a.txt": b"two"}) == ["a.txt"]
    assert (tmp_path / "a.txt").stat().st_mtime != past
    assert gzip.decompress((tmp_path / "a.txt.gz").read_bytes()) == b"two"


def test_missing_or_wrong_gz_is_repaired(tmp_path: Path) -> None:
    writer.write_all(tmp_path, {"a.txt": b"one"})
    (tmp_path / "a.txt.gz").unlink()
    assert writer.write_all(tmp_path, {"a.txt": b"one"}) == ["a.txt"]
    assert gzip.decompress((tmp_path / "a.txt.gz").read_bytes()) == b"one"


def test_failed_write_leaves_the_old_file_and_no_temp(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    writer.write_all(tmp_path, {"a.txt": b"old"})

    def boom(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        writer.atomic_write(tmp_path / "a.txt", b"new")
    assert (tmp_path / "a.txt").read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "a.txt.gz"]


def test_remove_stale_topics(tmp_path: Path) -> None:
    files = {f"topics/{t}.{ext}": b"x" for t in ("keep", "gone") for ext in ("rss", "atom", "json")}
    writer.write_all(tmp_path, files)
    (tmp_path / "topics" / "notes.txt").write_text("not ours")
    removed = writer.remove_stale_topics(tmp_path, ["keep"])
    assert removed == ["topics/gone.atom", "topics/gone.json", "topics/gone.rss"]
    left = sorted(p.name for p in (tmp_path / "topics").iterdir())
    assert left == ["keep.atom", "keep.atom.gz", "keep.json", "keep.json.gz", "keep.rss",
                    "keep.rss.gz", "notes.txt"]


def test_leftover_temp_files_are_removed(tmp_path: Path) -> None:
    (tmp_path / "topics").mkdir()
    (tmp_path / ".feed.rss.abc.tmp").write_bytes(b"half")
    (tmp_path / "topics" / ".t.rss.x.tmp").write_bytes(b"half")
    (tmp_path / "feed.rss").write_bytes(b"whole")
    writer.remove_leftovers(tmp_path)
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == ["feed.rss"]


def test_a_reader_never_sees_a_partial_file(tmp_path: Path) -> None:
    big = [bytes([65 + n]) * (400_000 + n * 1000) for n in range(4)]
    writer.write_all(tmp_path, {"big.bin": big[0]})
    stop = threading.Event()
    seen: list[int] = []
    bad: list[int] = []

    def read() -> None:
        while not stop.is_set():
            data = (tmp_path / "big.bin").read_bytes()
            seen.append(len(data))
            if data not in big:
                bad.append(len(data))

    thread = threading.Thread(target=read)
    thread.start()
    try:
        for round_ in range(40):
            writer.write_all(tmp_path, {"big.bin": big[round_ % 4]})
    finally:
        stop.set()
        thread.join()
    assert seen and not bad


def test_lock_serialises_publishers(tmp_path: Path) -> None:
    order: list[str] = []
    with writer.locked(tmp_path):
        thread = threading.Thread(target=lambda: _locked_append(tmp_path, order))
        thread.start()
        thread.join(0.2)
        order.append("first")
    thread.join()
    assert order == ["first", "second"]


def _locked_append(path: Path, order: list[str]) -> None:
    with writer.locked(path):
        order.append("second")
