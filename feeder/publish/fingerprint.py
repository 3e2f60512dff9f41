"""Skipping work: a fingerprint of everything the outputs depend on, kept in ``output_dir``.

Read in step 1 of a publish (**load** → select → render → write), before the items are loaded,
and written after step 4.

The outputs are a pure function of the items, the source statuses, the relevant config, the code
and the instant -- and the instant matters only at known moments (an item starts or expires, a
source turns stale). So a publish records the digest of its inputs and the window
``[rendered_at, next_change)``; a later publish with the same digest inside that window, with
every output still on disk, renders nothing and writes nothing.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from importlib import metadata
from pathlib import Path

from .. import __version__
from ..config import Config
from ..model import SourceStatus
from ..status import banner_sources, condition, state_since
from ..timeutil import iso_z, read_stored
from .assets import STATIC_NAMES
from .writer import atomic_write

FILE = ".fingerprint"
FORMAT = 1
_PACKAGE = Path(__file__).resolve().parent.parent
_OUTPUT_MODULES = (
    "ladder.py", "lifecycle.py", "model.py", "status.py", "templating.py", "text.py",
    "timeutil.py", "topics.py",
)


@functools.cache
def code_version() -> str:
    """A digest of the code that shapes the outputs (so a changed renderer re-renders)."""
    digest = hashlib.sha256(f"{FORMAT} {__version__}".encode())
    for dist in ("feedgen", "nh3"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            digest.update(f"{dist} {metadata.version(dist)}".encode())
    paths = sorted((_PACKAGE / "publish").glob("*.py"))
    paths += [_PACKAGE / name for name in _OUTPUT_MODULES]
    paths += [_PACKAGE / "assets" / name for name in STATIC_NAMES]  # published as they are
    paths += sorted((_PACKAGE / "templates").glob("*"))  # the pages' templates
    for path in paths:
        with contextlib.suppress(OSError):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def config_part(config: Config) -> list[object]:
    """The parts of the config the outputs depend on."""
    return [
        config.region.name,
        sorted(config.region.municipalities.items()),
        config.server.public_url,
        int(config.banner.min_level),
        config.banner.lookahead,
        banner_sources(config),
        [config.feeds.max_items, config.feeds.title, config.feeds.description,
         config.feeds.websub_hub],
        [[name, config.sources[name].stale_after] for name in config.enabled_sources],
        [[t.id, t.title, list(t.match)] for t in config.topics],
    ]


def inputs(
    data_version: tuple[int, int], statuses: Mapping[str, SourceStatus], config: Config
) -> str:
    """The digest of everything but the instant."""
    shown = [
        [name, s.ok, s.stale, iso_z(s.since), iso_z(s.last_success) if s.stale else None,
         str(condition(s)), iso_z(state_since(s))]
        for name, s in statuses.items()
    ]
    blob = json.dumps(
        [code_version(), list(data_version), shown, config_part(config)], ensure_ascii=False
    )
    return hashlib.sha256(blob.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Stamp:
    inputs: str
    rendered_at: datetime
    next_change: datetime | None
    files: tuple[str, ...]
    left_out: tuple[str, ...] = ()
    """The items that rendering had to leave out (the same inputs leave out the same)."""

    def covers(self, digest: str, now: datetime, output_dir: Path) -> bool:
        """True when rendering at ``now`` would give exactly the files already written, and
        every file's ``.gz`` twin is still the one written with it (same mtime: see writer)."""
        if digest != self.inputs or now < self.rendered_at:
            return False
        if self.next_change is not None and now >= self.next_change:
            return False
        return all(_with_twin(output_dir / name) for name in self.files)


def _with_twin(path: Path) -> bool:
    try:
        st_file, st_twin = os.stat(path), os.stat(f"{path}.gz")
    except OSError:
        return False
    return stat.S_ISREG(st_file.st_mode) and st_file.st_mtime_ns == st_twin.st_mtime_ns


def read(output_dir: Path) -> Stamp | None:
    try:
        data = json.loads((output_dir / FILE).read_bytes())
        return Stamp(
            inputs=str(data["inputs"]),
            rendered_at=read_stored(data["rendered_at"]),
            next_change=read_stored(data["next_change"]) if data["next_change"] else None,
            files=tuple(str(name) for name in data["files"]),
            left_out=tuple(str(item_id) for item_id in data.get("left_out", ())),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write(
    output_dir: Path,
    digest: str,
    now: datetime,
    next_change: datetime | None,
    files: Iterable[str],
    left_out: Iterable[str] = (),
) -> None:
    data = {
        "inputs": digest,
        "rendered_at": now.isoformat(),
        "next_change": next_change.isoformat() if next_change else None,
        "files": sorted(files),
        "left_out": sorted(left_out),
    }
    atomic_write(output_dir / FILE, (json.dumps(data, indent=1) + "\n").encode())


def clear(output_dir: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        (output_dir / FILE).unlink()
