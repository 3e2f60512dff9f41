"""Step 4 of a publish (load → select → render → **write**): outputs written atomically, with a
precompressed ``.gz`` beside each, and only when changed; one publisher at a time per folder.

A file is replaced by writing a temporary file in the same folder, fsync-ing it and
``os.replace``-ing it over the old one, so a reader (nginx, ``feeder run``, a test thread) sees
either the old or the new complete file, and a crash leaves the previous complete file in place.
Unchanged bytes are not rewritten (the file's mtime stays). The ``.gz`` is made with mtime 0, so
the same content always gives the same bytes.
"""

from __future__ import annotations

import contextlib
import fcntl
import gzip
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

TOPIC_DIR = "topics"
TOPIC_EXTENSIONS = (".rss", ".atom", ".json")
LOCK_NAME = ".publish.lock"


def gzip_bytes(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


def read(path: Path) -> bytes | None:
    """The file's bytes, or None when there is no such file."""
    try:
        return path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return None


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically (temp file + fsync + ``os.replace``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``path`` (and ``path.gz``) unless it already holds these bytes. True if written.

    The ``.gz`` is replaced first, so a crash in between leaves an old main file, which differs
    from the next rendering and gets both rewritten; an unchanged main file therefore always has
    a matching ``.gz`` (only checked for existence, never recompressed).
    """
    gz_path = path.with_name(path.name + ".gz")
    if read(path) == data and gz_path.is_file():
        return False
    atomic_write(gz_path, gzip_bytes(data))
    atomic_write(path, data)
    return True


def fsync_dir(path: Path) -> None:
    """Make the renames in ``path`` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_all(output_dir: Path, files: Mapping[str, bytes]) -> list[str]:
    """Write every file (relative path → bytes) that changed; return the changed paths, sorted."""
    changed = [name for name in sorted(files) if write_if_changed(output_dir / name, files[name])]
    if changed:
        for folder in {(output_dir / name).parent for name in changed}:
            fsync_dir(folder)
    return changed


def remove_stale_topics(output_dir: Path, keep: Iterable[str]) -> list[str]:
    """Delete ``topics/<id>.*`` of topics no longer in the config; return the removed paths."""
    folder = output_dir / TOPIC_DIR
    if not folder.is_dir():
        return []
    wanted = set(keep)
    removed: list[str] = []
    deleted = False
    for path in sorted(folder.iterdir()):
        name = path.name[:-3] if path.name.endswith(".gz") else path.name
        stem, ext = os.path.splitext(name)
        if ext in TOPIC_EXTENSIONS and stem not in wanted and path.is_file():
            path.unlink()
            deleted = True
            if not path.name.endswith(".gz"):
                removed.append(f"{TOPIC_DIR}/{path.name}")
    if deleted:
        fsync_dir(folder)
    return removed


def remove_leftovers(output_dir: Path) -> None:
    """Delete temporary files a crash left behind (call only while holding the lock)."""
    for folder in (output_dir, output_dir / TOPIC_DIR):
        if folder.is_dir():
            for path in folder.glob(".*.tmp"):
                with contextlib.suppress(OSError):
                    path.unlink()


@contextlib.contextmanager
def locked(output_dir: Path) -> Iterator[None]:
    """One publisher at a time per output_dir (across processes: ``feeder run`` and the CLI)."""
    output_dir.mkdir(parents=True, exist_ok=True)
    with open(output_dir / LOCK_NAME, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
