"""Upstream sources: one module each, listed in :mod:`feeder.sources.registry`.

The contract (:mod:`feeder.sources.base`): a source declares its name, defaults and own config
keys (:class:`SourceSpec`); an instance per enabled source (:func:`build_sources`) polls with
``poll(ctx: PollContext) -> PollResult``; its parsing is pure, ``parse(body: bytes, ctx:
ParseContext) -> Parsed``. Storing, ending vanished items and recording failures happen in
:mod:`feeder.poll`, the same way for every source.
"""

from __future__ import annotations

from .base import (
    ParseContext,
    Parsed,
    PollContext,
    PollResult,
    Setting,
    Source,
    SourceBase,
    SourceSpec,
)
from .registry import NAMES, SOURCES, SPECS, build_sources

__all__ = [
    "NAMES", "SOURCES", "SPECS", "ParseContext", "Parsed", "PollContext", "PollResult", "Setting",
    "Source", "SourceBase", "SourceSpec", "build_sources",
]
