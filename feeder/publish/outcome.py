"""How the last publish went, for ``/healthz``: ok or failed (and why), when it last succeeded,
and which items it had to leave out.

Every publish that renders records its outcome here (a publish that has nothing to do leaves the
record as it is: the outputs are still those of the last rendering). The record is kept in two
places, so that ``/healthz`` of ``feeder run`` knows about publishes of every process:

- in ``output_dir/.publish-status.json``, written atomically, so that ``feeder publish``,
  ``feeder poll`` and the CLI's notice commands (separate processes) are seen too; nginx serves
  no dot-file, and neither does ``feeder run``;
- in this process's memory, so that a publish that failed because the folder cannot be written
  (where the file cannot be updated either) is still seen by this process.

:func:`latest` answers the newer of the two. Reading it is a file read: ``/healthz`` never
triggers a fetch or a publish.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ..timeutil import iso_z, read_stored
from .writer import atomic_write

FILE = ".publish-status.json"

log = logging.getLogger("feeder.publish")


@dataclass(frozen=True, slots=True)
class Outcome:
    ok: bool
    """Whether every output could be rendered and written."""
    at: datetime
    """When this publish ran (its "now")."""
    last_success: datetime | None
    """When a publish last succeeded (this one, when ``ok``)."""
    error: str | None = None
    """What failed, when not ``ok``."""
    left_out: tuple[str, ...] = ()
    """Ids of the items left out of some output because they could not be rendered."""

    @property
    def healthy(self) -> bool:
        return self.ok and not self.left_out

    def report(self) -> dict[str, Any]:
        """``/healthz``'s ``publish`` object."""
        return {
            "ok": self.ok,
            "last_success": iso_z(self.last_success),
            "error": self.error,
            "left_out": list(self.left_out),
        }


NEVER: dict[str, Any] = {"ok": None, "last_success": None, "error": None, "left_out": []}
"""``/healthz``'s ``publish`` object before the first publish."""

_lock = threading.Lock()
_memory: dict[Path, Outcome] = {}


def _key(output_dir: Path) -> Path:
    return Path(output_dir).resolve()


def record(output_dir: Path, outcome: Outcome) -> None:
    """Remember ``outcome`` in this process and in ``output_dir`` (best effort: a folder that
    cannot be written is what the outcome may be about)."""
    with _lock:
        _memory[_key(output_dir)] = outcome
    data = {
        "ok": outcome.ok,
        "at": outcome.at.isoformat(),
        "last_success": outcome.last_success.isoformat() if outcome.last_success else None,
        "error": outcome.error,
        "left_out": list(outcome.left_out),
    }
    try:
        atomic_write(Path(output_dir) / FILE,
                     (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode())
    except OSError as exc:
        log.warning("cannot record the publish outcome in %s: %s", output_dir, exc)


def _read(output_dir: Path) -> Outcome | None:
    try:
        data = json.loads((Path(output_dir) / FILE).read_bytes())
        last = data["last_success"]
        return Outcome(
            ok=bool(data["ok"]),
            at=read_stored(data["at"]),
            last_success=read_stored(last) if last else None,
            error=data["error"],
            left_out=tuple(str(item_id) for item_id in data["left_out"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def latest(output_dir: Path) -> Outcome | None:
    """The newest outcome known: this process's or the one recorded in the folder."""
    with _lock:
        mine = _memory.get(_key(output_dir))
    found = _read(output_dir)
    if mine is None or (found is not None and found.at > mine.at):
        return found
    return mine
