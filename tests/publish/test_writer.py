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
    mtime = (tmp_path / "a.txt").stat().st_mtime_ns
    (tmp_path / "a.txt.gz").unlink()
    assert writer.write_all(tmp_path, {"a.txt": b"one"}) == []  # the file itself is unchanged
    assert gzip.decompress((tmp_path / "a.txt.gz").read_bytes()) == b"one"
    assert (tmp_path / "a.txt.gz").stat().st_mtime_ns == mtime == (
        tmp_path / "a.txt").stat().st_mtime_ns
    # A twin of other content with the file's own mtime: only a check by content sees it.
    writer.atomic_write(tmp_path / "a.txt.gz", writer.gzip_bytes(b"old"), mtime)
    writer.write_all(tmp_path, {"a.txt": b"one"})
    assert gzip.decompress((tmp_path / "a.txt.gz").read_bytes()) == b"old"
    writer.write_all(tmp_path, {"a.txt": b"one"}, thorough=True)
    assert gzip.decompress((tmp_path / "a.txt.gz").read_bytes()) == b"one"


def test_a_crash_between_the_file_and_its_twin_is_repaired(tmp_path: Path) -> None:
    writer.write_all(tmp_path, {"a.txt": b"one"})
    # Killed after X was replaced, before X.gz: the twin still holds the old content.
    writer.atomic_write(tmp_path / "a.txt", b"two", writer.next_mtime_ns(tmp_path / "a.txt"))
    assert writer.write_all(tmp_path, {"a.txt": b"two"}) == []
    assert gzip.decompress((tmp_path / "a.txt.gz").read_bytes()) == b"two"


def test_every_change_moves_the_mtime_forward_and_the_twin_follows(tmp_path: Path) -> None:
    seen = []
    for round_ in range(3):  # three changes well within one second
        writer.write_all(tmp_path, {"a.txt": f"v{round_}".encode()})
        st, st_gz = (tmp_path / "a.txt").stat(), (tmp_path / "a.txt.gz").stat()
        assert st.st_mtime_ns == st_gz.st_mtime_ns and st.st_mtime_ns % 1_000_000_000 == 0
        seen.append(st.st_mtime_ns)
    assert seen == sorted(set(seen)) and seen[2] - seen[0] >= 2_000_000_000


def test_repair_twins_checks_every_output_by_content(tmp_path: Path) -> None:
    files = {"feed.rss": b"<rss/>", "topics/t.json": b"{}", "banner.js": b"x"}
    writer.write_all(tmp_path, files)
    st = (tmp_path / "feed.rss").stat().st_mtime_ns
    writer.atomic_write(tmp_path / "feed.rss.gz", writer.gzip_bytes(b"<old/>"), st)
    (tmp_path / "topics" / "t.json.gz").write_bytes(b"not gzip at all")
    (tmp_path / "banner.js").unlink()  # its .gz is an orphan
    (tmp_path / "notes.txt").write_text("not ours")
    assert writer.repair_twins(tmp_path) == ["banner.js.gz", "feed.rss.gz", "topics/t.json.gz"]
    assert gzip.decompress((tmp_path / "feed.rss.gz").read_bytes()) == b"<rss/>"
    assert gzip.decompress((tmp_path / "topics" / "t.json.gz").read_bytes()) == b"{}"
    assert not (tmp_path / "banner.js.gz").exists()
    assert not (tmp_path / "notes.txt.gz").exists()
    assert writer.repair_twins(tmp_path) == []


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
