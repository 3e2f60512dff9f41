"""Fault isolation for step 3 of a publish (load → select → **render** → write): one item that
cannot be rendered is left out of that output, never the whole output or the whole publish.

:func:`isolated` renders an output from all its entries; only when that fails does it render
each entry alone to find the ones at fault (so the usual cost is one rendering), logs each with
its item id, and renders the output again without them. When no single entry fails on its own,
the fault is the output's, and the first error is raised for the caller to report.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TypeVar

from .entry import Entry

T = TypeVar("T")

log = logging.getLogger("feeder.publish")


def isolated(
    output: str, entries: Sequence[Entry], render: Callable[[Sequence[Entry]], T]
) -> tuple[T, list[str]]:
    """``render(entries)``, or ``render`` of the entries that can be rendered; and the ids of
    those left out (logged as errors naming ``output``)."""
    try:
        return render(entries), []
    except Exception as exc:  # any fault of any item: found below
        first = exc
    bad: set[int] = set()
    for index, entry in enumerate(entries):
        try:
            render((entry,))
        except Exception as exc:
            log.error("item %s left out of %s: %s: %s", entry.item.id, output,
                      type(exc).__name__, exc)
            bad.add(index)
    if not bad:
        raise first
    kept = [entry for index, entry in enumerate(entries) if index not in bad]
    return render(kept), [entries[index].item.id for index in sorted(bad)]
