"""Step 3 of a publish (load → select → **render** → write): every output file from the
:class:`~.plan.Plan`, pure: (plan, the banner.json on disk) → ``{path: bytes}``.

Each format is a renderer of its own: :mod:`.feeds` (RSS, Atom), :mod:`.jsonfeed` and
:mod:`.feedpage` (the feed's HTML page) per feed of the plan, :mod:`.banner` (banner.json,
banner.html) and :mod:`.index` (index.html) from the plan, and the static :mod:`.assets`
(banner.js) as it is. The HTML pages render from templates (:mod:`.views`). None of them
selects, orders or tags anything: that was decided once, in the plan.

Each output is rendered on its own and through :func:`.isolate.isolated`: an item that cannot be
rendered in one output is left out of that output only (:attr:`Rendered.left_out`), and an
output that cannot be rendered at all is missing from :attr:`Rendered.files` (its previous file
stays on disk) with its error in :attr:`Rendered.failed`. Every other file is rendered.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from . import assets, banner, feedpage, feeds, index, jsonfeed
from .entry import Entry
from .isolate import isolated
from .plan import Plan
from .spec import FeedSpec

log = logging.getLogger("feeder.publish")


@dataclass(slots=True)
class Rendered:
    files: dict[str, bytes] = field(default_factory=dict)
    """Every output rendered, by path relative to output_dir."""
    left_out: dict[str, list[str]] = field(default_factory=dict)
    """Item ids left out, by output path (only outputs that left something out)."""
    failed: dict[str, str] = field(default_factory=dict)
    """Outputs that could not be rendered at all: path → error. Their old files stay."""

    @property
    def left_out_ids(self) -> list[str]:
        return sorted({item_id for ids in self.left_out.values() for item_id in ids})

    def attempt(
        self, names: Sequence[str], entries: Sequence[Entry],
        make: Callable[[Sequence[Entry]], Sequence[bytes]],
    ) -> None:
        """Render ``names`` (one or more files from one renderer) from ``entries``."""
        label = "/".join(names)
        try:
            produced, left = isolated(label, entries, make)
        except Exception as exc:  # this output only; the others go on
            log.error("%s could not be rendered (the previous file stays): %s: %s",
                      label, type(exc).__name__, exc, exc_info=True)
            for name in names:
                self.failed[name] = f"{type(exc).__name__}: {exc}"
            return
        for name, data in zip(names, produced, strict=True):
            self.files[name] = data
            if left:
                self.left_out[name] = left


def _feed(spec: FeedSpec) -> Callable[[Sequence[Entry]], tuple[bytes, bytes]]:
    return lambda shown: feeds.render(replace(spec, entries=tuple(shown)))


def _json_feed(spec: FeedSpec) -> Callable[[Sequence[Entry]], tuple[bytes]]:
    return lambda shown: (jsonfeed.render(replace(spec, entries=tuple(shown))),)


def _page(spec: FeedSpec, plan: Plan) -> Callable[[Sequence[Entry]], tuple[bytes]]:
    return lambda shown: (feedpage.render(replace(spec, entries=tuple(shown)), plan.now),)


def _index(plan: Plan) -> Callable[[Sequence[Entry]], tuple[bytes]]:
    def make(shown: Sequence[Entry]) -> tuple[bytes]:
        keep = {id(entry) for entry in shown}
        return (index.render(replace(
            plan,
            current=tuple(e for e in plan.current if id(e) in keep),
            latest=tuple(e for e in plan.latest if id(e) in keep),
        )),)
    return make


def render(plan: Plan, previous_banner: bytes | None = None) -> Rendered:
    """Every output of the plan, each isolated from the faults of the others and of single
    items. ``previous_banner`` (banner.json as it is on disk) keeps its ``generated`` time when
    its content is unchanged."""
    out = Rendered()
    for spec in plan.feeds:
        out.attempt((f"{spec.name}.rss", f"{spec.name}.atom"), spec.entries, _feed(spec))
        out.attempt((f"{spec.name}.json",), spec.entries, _json_feed(spec))
        out.attempt((f"{spec.name}.html",), spec.entries, _page(spec, plan))
    out.attempt(("banner.json",), plan.banner, lambda shown: (
        banner.render_json(replace(plan, banner=tuple(shown)), previous_banner),))
    out.attempt(("banner.html",), plan.banner, lambda shown: (
        banner.render_html(replace(plan, banner=tuple(shown))),))
    shown_on_index = list({id(e): e for e in (*plan.current, *plan.latest)}.values())
    out.attempt(("index.html",), shown_on_index, _index(plan))
    static = assets.outputs()  # banner.js
    out.attempt(tuple(static), (), lambda _: tuple(static.values()))
    return out


def outputs(plan: Plan, previous_banner: bytes | None = None) -> dict[str, bytes]:
    """Every output that could be rendered, by path relative to output_dir."""
    return render(plan, previous_banner).files
