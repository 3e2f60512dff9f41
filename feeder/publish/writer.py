"""Step 4 of a publish (load → select → render → **write**): outputs written atomically, with a
precompressed ``.gz`` beside each, and only when changed; one publisher at a time per folder.

A file is replaced by writing a temporary file in the same folder, fsync-ing it and
``os.replace``-ing it over the old one, so a reader (nginx, ``feeder run``, a test thread) sees
either the old or the new complete file, and a crash leaves the previous complete file in place.
Unchanged bytes are not rewritten (the file's mtime stays). The ``.gz`` is made with mtime 0, so
the same content always gives the same bytes.

**Last-Modified moves forward on every change.** A changed file gets the mtime
``max(now, its previous mtime + 1 s)`` in whole seconds (:func:`next_mtime_ns`), so two changes
within one second still get two different ``Last-Modified`` values (feeder's web cache and nginx
both take it from the mtime), and a cache revalidating with ``If-Modified-Since`` alone sees
every change. (After many changes in one second, or a clock set back, the mtime may run a few
seconds ahead of the clock; it never goes back.)

**Gzip twins never disagree for long.** ``X`` is written first, then ``X.gz``, both with the same
mtime, set before each is renamed into place. So a twin whose mtime differs from its file's is
stale: a crash or a full disk between the two renames left it behind. Every publish that renders
checks the twin of each unchanged file by that mtime (one ``stat``) and rewrites a stale one;
after a publish that did not finish (no fingerprint) and at start-up (:func:`repair_twins`) the
twins are checked by content (decompressed and compared), and a ``.gz`` without its file is
removed, so that nginx's ``gzip_static`` never serves an old or orphaned ``.gz``.
"""

from __future__ import annotations

import contextlib
import fcntl
import gzip
import logging
import os
import tempfile
import time
import zlib
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

TOPIC_DIR = "topics"
TOPIC_EXTENSIONS = (".rss", ".atom", ".json", ".html")
RETIRED = ("feed.xsl",)
"""Files older versions published and this one no longer does (the feeds' XSLT stylesheet):
removed at the next publish, with their ``.gz``."""
LOCK_NAME = ".publish.lock"
SECOND = 1_000_000_000

log = logging.getLogger("feeder.publish")


def gzip_bytes(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


def read(path: Path) -> bytes | None:
    """The file's bytes, or None when there is no such file."""
    try:
        return path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return None


def twin(path: Path) -> Path:
    """``X.gz`` of ``X``."""
    return path.with_name(path.name + ".gz")


def next_mtime_ns(path: Path) -> int:
    """The mtime for new content at ``path``: now, but at least one second after the mtime it
    has (whole seconds: ``Last-Modified`` has no finer unit)."""
    now = int(time.time())
    try:
        previous = os.stat(path).st_mtime_ns // SECOND
    except OSError:
        return now * SECOND
    return max(now, previous + 1) * SECOND


def atomic_write(path: Path, data: bytes, mtime_ns: int | None = None) -> None:
    """Replace ``path`` with ``data`` atomically (temp file + fsync + ``os.replace``); with
    ``mtime_ns``, the file has that mtime from the moment it appears."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        if mtime_ns is not None:
            os.utime(tmp, ns=(mtime_ns, mtime_ns))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _gunzip(data: bytes) -> bytes | None:
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error):
        return None


def twin_matches(path: Path, data: bytes, *, thorough: bool) -> bool:
    """Whether ``path.gz`` holds ``data`` (the bytes of ``path``): by its mtime (equal to the
    file's, see the module's notes), or with ``thorough`` by its decompressed content."""
    try:
        st_file, st_twin = os.stat(path), os.stat(twin(path))
    except OSError:
        return False
    if st_file.st_mtime_ns != st_twin.st_mtime_ns:
        return False
    if not thorough:
        return True
    packed = read(twin(path))
    return packed is not None and _gunzip(packed) == data


def repair_twin(path: Path, data: bytes) -> None:
    """Write ``path.gz`` again from ``data`` (what ``path`` holds), with the file's mtime."""
    log.warning("%s.gz did not match %s (an interrupted write): rewritten", path.name, path.name)
    atomic_write(twin(path), gzip_bytes(data), os.stat(path).st_mtime_ns)


def _write(path: Path, data: bytes, thorough: bool) -> str | None:
    if read(path) == data:
        if twin_matches(path, data, thorough=thorough):
            return None
        repair_twin(path, data)
        return "repaired"
    mtime = next_mtime_ns(path)
    atomic_write(path, data, mtime)
    atomic_write(twin(path), gzip_bytes(data), mtime)
    return "written"


def write_if_changed(path: Path, data: bytes, *, thorough: bool = False) -> bool:
    """Write ``path`` (then ``path.gz``) unless it already holds these bytes. True if written.

    An unchanged file keeps its bytes and mtime; its twin is checked (:func:`twin_matches`) and
    rewritten when stale. A changed file gets :func:`next_mtime_ns`, and its twin the same.
    """
    return _write(path, data, thorough) == "written"


def fsync_dir(path: Path) -> None:
    """Make the renames in ``path`` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_all(
    output_dir: Path, files: Mapping[str, bytes], *, thorough: bool = False
) -> list[str]:
    """Write every file (relative path → bytes) that changed, and repair stale twins; return
    the changed paths, sorted. ``thorough``: check unchanged files' twins by content."""
    done = {name: _write(output_dir / name, files[name], thorough) for name in sorted(files)}
    for folder in {(output_dir / name).parent for name, what in done.items() if what}:
        fsync_dir(folder)
    return [name for name, what in done.items() if what == "written"]


OUTPUT_SUFFIXES = (".rss", ".atom", ".json", ".html", ".js", ".xsl")
"""What the publisher writes (and so what may have a twin): other files are not ours."""


def _published(output_dir: Path) -> Iterator[Path]:
    for folder in (output_dir, output_dir / TOPIC_DIR):
        if folder.is_dir():
            for path in sorted(folder.iterdir()):
                base = path.name.removesuffix(".gz")
                if (not path.name.startswith(".") and base.endswith(OUTPUT_SUFFIXES)
                        and path.is_file()):
                    yield path


def repair_twins(output_dir: Path) -> list[str]:
    """Check every published file's ``.gz`` by content: rewrite a stale or missing one (with
    the file's mtime) and remove a ``.gz`` whose file is gone. Call while holding the lock (at
    start-up). Returns the paths repaired or removed, relative to ``output_dir``."""
    fixed: list[str] = []
    for path in _published(output_dir):
        name = str(path.relative_to(output_dir))
        if path.name.endswith(".gz"):
            if not path.with_name(path.name[:-3]).is_file():
                log.warning("%s has no file beside it: removed", name)
                path.unlink()
                fixed.append(name)
            continue
        data = read(path)
        if data is not None and not twin_matches(path, data, thorough=True):
            repair_twin(path, data)
            fixed.append(f"{name}.gz")
    for folder in {(output_dir / name).parent for name in fixed}:
        fsync_dir(folder)
    return fixed


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


def remove_retired(output_dir: Path) -> list[str]:
    """Delete the files of :data:`RETIRED` (and their twins); return the removed paths."""
    removed: list[str] = []
    for name in RETIRED:
        for path in (output_dir / name, output_dir / f"{name}.gz"):
            if path.is_file():
                path.unlink()
                if path.name == name:
                    removed.append(name)
    if removed:
        fsync_dir(output_dir)
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
