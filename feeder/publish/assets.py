"""The static output (``banner.js``) as ``{relative_name: bytes}``; part of step 3
of a publish (load → select → **render** → write), the same whatever the plan.

They come from the ``feeder.assets`` package data, byte for byte, so the result is the same on
every call and every machine; the publisher writes them into ``output_dir`` like any other output
(atomically, only when changed, with a ``.gz`` beside each).
"""

from __future__ import annotations

import functools
from importlib import resources

STATIC_NAMES = ("banner.js",)
"""What is published, by its name in ``output_dir`` (the same as in ``feeder/assets/``)."""


@functools.cache
def _load() -> tuple[tuple[str, bytes], ...]:
    folder = resources.files("feeder.assets")
    return tuple((name, folder.joinpath(name).read_bytes()) for name in STATIC_NAMES)


def outputs() -> dict[str, bytes]:
    """Every static output by its path relative to ``output_dir``."""
    return dict(_load())
