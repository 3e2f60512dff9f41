"""The sources feeder knows, in one list.

Adding a source: write its module (a :class:`~feeder.sources.base.SourceBase` subclass with its
:class:`~feeder.sources.base.SourceSpec`, a pure ``parse(body, ctx) -> Parsed``), add its class to
:data:`SOURCES` below, and document its keys in ``docs/config.md`` (the documentation test lists
what is missing). Nothing else names sources: the config reader, ``feeder poll``, the scheduler
and the outputs all take them from here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .base import Source, SourceBase, SourceSpec
from .krisinformation import KrisinformationSource
from .lansstyrelsen import LansstyrelsenSource
from .smhi import SmhiSource
from .vma import VmaSource

if TYPE_CHECKING:
    from ..config import Config

__all__ = ["NAMES", "SOURCES", "SPECS", "build_sources"]

SOURCES: tuple[type[SourceBase], ...] = (
    SmhiSource,
    LansstyrelsenSource,
    VmaSource,
    KrisinformationSource,
)
"""Every source class, in the order they are configured, documented and polled."""

SPECS: tuple[SourceSpec, ...] = tuple(cls.spec for cls in SOURCES)
NAMES: tuple[str, ...] = tuple(spec.name for spec in SPECS)
"""The closed set of source names (the keys under ``sources:``)."""

_BY_NAME = {cls.spec.name: cls for cls in SOURCES}


def build_sources(config: Config) -> dict[str, Source]:
    """One instance of every enabled source, by name, in registry order."""
    return {
        name: _BY_NAME[name](source)
        for name, source in config.sources.items()
        if source.enabled
    }
