"""Publishing: every output file in ``storage.output_dir`` from the database.

``publish(store, config, now)`` reads the items and source statuses, renders ``feed.*``,
``alerts.*``, ``topics/<id>.*``, ``banner.json``, ``banner.html`` and ``index.html``, and writes
only what changed (atomically, with a ``.gz`` beside each). When nothing it depends on changed
since the last publish it renders nothing at all (see :mod:`.fingerprint`).

``next_change`` is the next instant at which the outputs would change with no new data (an item
starts or expires, a source turns stale): the scheduler should publish again then.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .. import lifecycle
from ..config import Config
from ..errors import FeederError
from ..status import stale_moment, statuses
from ..store import Store
from ..timeutil import to_utc, utcnow
from . import fingerprint, writer
from .outputs import render_all

__all__ = ["PublishResult", "publish"]

log = logging.getLogger("feeder.publish")


@dataclass(frozen=True, slots=True)
class PublishResult:
    changed: list[str] = field(default_factory=list)
    """Paths (relative to output_dir) written or removed; ``.gz`` companions not listed."""
    rendered: bool = False
    """False when the fingerprint showed that nothing could have changed."""
    next_change: datetime | None = None


def publish(store: Store, config: Config, now: datetime | None = None) -> PublishResult:
    """Render every output and write what changed. Safe to call often and from several
    processes at once (one publisher at a time per output_dir). A file system problem is a
    :class:`~feeder.errors.FeederError` naming the folder; the previous outputs stay whole."""
    now = to_utc(now) if now is not None else utcnow()
    out = config.storage.output_dir
    try:
        return _publish(store, config, now, out)
    except OSError as exc:
        raise FeederError(f"cannot publish to storage.output_dir {str(out)!r}: {exc}") from exc


def _publish(store: Store, config: Config, now: datetime, out: Path) -> PublishResult:
    started = time.perf_counter()
    with writer.locked(out):
        states = store.source_states()
        current = statuses(config, states, now)
        digest = fingerprint.inputs(store.data_version(), current, config)
        stamp = fingerprint.read(out)
        if stamp is not None and stamp.covers(digest, now, out):
            return PublishResult([], False, stamp.next_change)

        fingerprint.clear(out)
        writer.remove_leftovers(out)
        items = store.items()
        previous = _read(out / "banner.json")
        files = render_all(items, current, config, now, previous)
        changed = writer.write_all(out, files)
        changed += writer.remove_stale_topics(out, (t.id for t in config.topics))

        moments = [lifecycle.next_change(items, now)]
        for name in config.enabled_sources:
            state = states.get(name)
            if state is not None:
                moments.append(stale_moment(state, config.sources[name].stale_after))
        upcoming = [m for m in moments if m is not None and m > now]
        next_change = min(upcoming, default=None)
        fingerprint.write(out, digest, now, next_change, files)
    log.info(
        "published %d items in %.0f ms: %s",
        len(items), (time.perf_counter() - started) * 1000,
        ", ".join(changed) if changed else "nothing changed",
    )
    return PublishResult(changed, True, next_change)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
