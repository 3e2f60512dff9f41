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
   :mod:`.feedpage`, :mod:`.assets`): bytes from the plan, pure;
4. **write** (:mod:`.writer`): only what changed, atomically, with a ``.gz`` beside each; then
   the fingerprint of this publish.

No single item stops publishing: an item that cannot be rendered is left out of that output
(and an item whose entry cannot be built, of every output), logged with its id; an output that
cannot be rendered keeps its previous file while every other file is written. Every publish
that renders records its :class:`~.outcome.Outcome` (ok, error, the items left out) for
``/healthz``; a publish with a failed output writes no fingerprint, so the next one tries again,
and its ``next_change`` is at most :data:`RETRY` away.

``PublishResult.next_change`` is the next instant at which the outputs would change with no new
data (an item starts or expires, a source turns stale): the scheduler should publish again then.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from ..config import Config
from ..errors import FeederError
from ..status import statuses
from ..store import Store
from ..timeutil import to_utc, utcnow
from . import fingerprint, outcome, plan, render, writer

__all__ = ["PublishResult", "publish", "repair"]

log = logging.getLogger("feeder.publish")

RETRY = timedelta(seconds=60)
"""After a publish with a failed output, the next publish is due at most this much later."""


@dataclass(frozen=True, slots=True)
class PublishResult:
    changed: list[str] = field(default_factory=list)
    """Paths (relative to output_dir) written or removed; ``.gz`` companions not listed."""
    rendered: bool = False
    """False when the fingerprint showed that nothing could have changed."""
    next_change: datetime | None = None
    left_out: tuple[str, ...] = ()
    """Items left out of some output because they could not be rendered (logged)."""
    failed: Mapping[str, str] = field(default_factory=dict)
    """Outputs that could not be rendered (path → error); their previous files stay."""

    @property
    def ok(self) -> bool:
        """Every output rendered and written (items may still have been left out)."""
        return not self.failed


def publish(store: Store, config: Config, now: datetime | None = None) -> PublishResult:
    """Render every output and write what changed. Safe to call often and from several
    processes at once (one publisher at a time per output_dir). A file system problem is a
    :class:`~feeder.errors.FeederError` naming the folder; the previous outputs stay whole."""
    now = to_utc(now) if now is not None else utcnow()
    out = config.storage.output_dir
    try:
        return _publish(store, config, now, out)
    except Exception as exc:
        _failed(out, now, exc)
        if isinstance(exc, OSError):
            raise FeederError(
                f"cannot publish to storage.output_dir {str(out)!r}: {exc}") from exc
        raise


def repair(config: Config) -> list[str]:
    """At start-up: every ``.gz`` twin in ``storage.output_dir`` checked against its file by
    content, a stale one rewritten, an orphan removed (under the publish lock). Returns what
    was repaired; a folder that cannot be read or written is a FeederError naming it."""
    out = config.storage.output_dir
    if not out.is_dir():
        return []
    try:
        with writer.locked(out):
            return writer.repair_twins(out)
    except OSError as exc:
        raise FeederError(f"cannot check storage.output_dir {str(out)!r}: {exc}") from exc


def _failed(out: Path, now: datetime, exc: Exception) -> None:
    before = outcome.latest(out)
    outcome.record(out, outcome.Outcome(
        ok=False, at=now, last_success=before.last_success if before else None,
        error=f"{type(exc).__name__}: {exc}",
        left_out=before.left_out if before else (),
    ))


def _publish(store: Store, config: Config, now: datetime, out: Path) -> PublishResult:
    started = time.perf_counter()
    with writer.locked(out):
        # 1. load (the statuses first: with the fingerprint they may show there is nothing to do)
        current = statuses(config, store.source_states(), now)
        digest = fingerprint.inputs(store.data_version(), current, config)
        stamp = fingerprint.read(out)
        if stamp is not None and stamp.covers(digest, now, out):
            _still_good(out, now, stamp)
            return PublishResult([], False, stamp.next_change, stamp.left_out)
        fingerprint.clear(out)
        writer.remove_leftovers(out)
        loaded = store.readable_items()  # a row that cannot be read is left out, not fatal
        items = loaded.items
        # 2. select, once
        chosen = plan.make(items, current, config, now)
        # 3. render
        made = render.render(chosen, writer.read(out / "banner.json"))
        # 4. write
        # A publish that did not finish (no fingerprint) may have left a stale .gz: check the
        # twins by content then; otherwise their mtimes suffice (see writer).
        changed = writer.write_all(out, made.files, thorough=stamp is None)
        changed += writer.remove_stale_topics(out, (t.id for t in chosen.topics))
        changed += writer.remove_retired(out)
        left_out = tuple(sorted({*loaded.unreadable, *chosen.left_out, *made.left_out_ids}))
        next_change = chosen.next_change
        if made.failed:  # no fingerprint: the next publish renders again, and soon
            retry = now + RETRY
            next_change = retry if next_change is None else min(next_change, retry)
        else:
            fingerprint.write(out, digest, now, chosen.next_change, made.files, left_out)
        before = outcome.latest(out)
        outcome.record(out, outcome.Outcome(
            ok=not made.failed,
            at=now,
            last_success=now if not made.failed else before.last_success if before else None,
            error="; ".join(f"{name}: {error}" for name, error in made.failed.items()) or None,
            left_out=left_out,
        ))
    log.info(
        "published %d items in %.0f ms: %s%s",
        len(items), (time.perf_counter() - started) * 1000,
        ", ".join(changed) if changed else "nothing changed",
        f"; left out: {', '.join(left_out)}" if left_out else "",
    )
    return PublishResult(changed, True, next_change, left_out, made.failed)


def _still_good(out: Path, now: datetime, stamp: fingerprint.Stamp) -> None:
    """Nothing to render: the outputs on disk are complete. Correct a record that says
    otherwise (a publish that failed before it could render, e.g. on a busy database)."""
    before = outcome.latest(out)
    if before is None or not before.ok:
        outcome.record(out, outcome.Outcome(ok=True, at=now, last_success=now,
                                            left_out=stamp.left_out))
