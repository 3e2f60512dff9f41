"""Upstream sources. Each module exposes ``poll(ctx: PollContext) -> PollResult``.

A source's parsing is pure (``parse(bytes, ...) -> list[Item]``); its ``poll`` only fetches
through the context's fetcher and hands the parsed items back. Storing, ending vanished items and
recording failures happen in :mod:`feeder.poll`, the same way for every source.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from .base import PollContext, PollResult

__all__ = ["MODULES", "PollContext", "PollResult", "poller"]

MODULES = {
    "smhi": "feeder.sources.smhi",
    "lansstyrelsen": "feeder.sources.lansstyrelsen",
    "vma": "feeder.sources.vma",
    "krisinformation": "feeder.sources.krisinformation",
}


def poller(name: str) -> Callable[[PollContext], PollResult]:
    module = importlib.import_module(MODULES[name])
    return module.poll  # type: ignore[no-any-return]
