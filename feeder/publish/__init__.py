"""Publishing: every output file in ``storage.output_dir`` from the database, in one pass.

``publish(store, config, now)`` runs four steps, each in its own module, under one lock per
output folder (:func:`.writer.locked`):

1. **load**: the source states (then :func:`feeder.status.statuses` at ``now``) and, unless the
   :mod:`.fingerprint` shows that nothing the outputs depend on has changed (then nothing is
   rendered or written at all), every stored item;
2. **select** (:mod:`.plan`, with the rules of :mod:`.select`, :mod:`feeder.lifecycle` and
   :mod:`feeder.topics`): one :class:`~.plan.Plan` holding what every output shows, its entries
   built once, the feeds' dates and the next moment something changes;
3. **render** (:mod:`.render`: :mod:`.feeds`, :mod:`.jsonfeed`, :mod:`.banner`, :mod:`.index`,
   :mod:`.assets`): bytes from the plan, pure;
4. **write** (:mod:`.writer`): only what changed, atomically, with a ``.gz`` beside each; then
   the fingerprint of this publish.

``PublishResult.next_change`` is the next instant at which the outputs would change with no new
data (an item starts or expires, a source turns stale): the scheduler should publish again then.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..config import Config
from ..errors import FeederError
from ..status import statuses
from ..store import Store
from ..timeutil import to_utc, utcnow
from . import fingerprint, plan, render, writer

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
        # 1. load (the statuses first: with the fingerprint they may show there is nothing to do)
        current = statuses(config, store.source_states(), now)
        digest = fingerprint.inputs(store.data_version(), current, config)
        stamp = fingerprint.read(out)
        if stamp is not None and stamp.covers(digest, now, out):
            return PublishResult([], False, stamp.next_change)
        fingerprint.clear(out)
        writer.remove_leftovers(out)
        items = store.items()
        # 2. select, once
        chosen = plan.make(items, current, config, now)
        # 3. render
        files = render.outputs(chosen, writer.read(out / "banner.json"))
        # 4. write
        changed = writer.write_all(out, files)
        changed += writer.remove_stale_topics(out, (t.id for t in chosen.topics))
        fingerprint.write(out, digest, now, chosen.next_change, files)
    log.info(
        "published %d items in %.0f ms: %s",
        len(items), (time.perf_counter() - started) * 1000,
        ", ".join(changed) if changed else "nothing changed",
    )
    return PublishResult(changed, True, chosen.next_change)
