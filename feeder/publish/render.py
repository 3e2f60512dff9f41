"""Step 3 of a publish (load → select → **render** → write): every output file from the
:class:`~.plan.Plan`, pure: (plan, the banner.json on disk) → ``{path: bytes}``.

Each format is a renderer of its own: :mod:`.feeds` (RSS, Atom) and :mod:`.jsonfeed` per feed of
the plan, :mod:`.banner` (banner.json, banner.html) and :mod:`.index` (index.html) from the plan,
and the static :mod:`.assets` (banner.js, feed.xsl) as they are. None of them selects, orders or
tags anything: that was decided once, in the plan.
"""

from __future__ import annotations

from . import assets, banner, feeds, index, jsonfeed
from .plan import Plan


def outputs(plan: Plan, previous_banner: bytes | None = None) -> dict[str, bytes]:
    """Every output, by path relative to output_dir. ``previous_banner`` (banner.json as it is
    on disk) keeps its ``generated`` time when its content is unchanged."""
    files: dict[str, bytes] = {}
    for spec in plan.feeds:
        files[f"{spec.name}.rss"], files[f"{spec.name}.atom"] = feeds.render(spec)
        files[f"{spec.name}.json"] = jsonfeed.render(spec)
    files["banner.json"] = banner.render_json(plan, previous_banner)
    files["banner.html"] = banner.render_html(plan)
    files["index.html"] = index.render(plan)
    files.update(assets.outputs())  # banner.js, feed.xsl
    return files
