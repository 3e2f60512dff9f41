"""render.outputs: every file from the plan, and nothing but the plan."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

from feeder.config import Config
from feeder.publish import plan, render
from feeder.status import statuses
from tests.builders import NOW, TOPIC_ID, scenario

NAMES = sorted(
    [f"{name}.{ext}" for name in ("feed", "alerts", f"topics/{TOPIC_ID}")
     for ext in ("rss", "atom", "json", "html")]
    + ["banner.json", "banner.html", "index.html", "banner.js"]
)


def test_every_output_of_the_plan(cfg: Config) -> None:
    files = render.outputs(plan.make(scenario(), statuses(cfg, {}, NOW), cfg, NOW))
    assert sorted(files) == NAMES


def test_the_renderers_show_what_the_plan_holds(cfg: Config) -> None:
    chosen = plan.make(scenario(), statuses(cfg, {}, NOW), cfg, NOW)
    emptied = replace(chosen, feed=replace(chosen.feed, entries=()), banner=())
    files = render.outputs(emptied)
    assert json.loads(files["feed.json"])["items"] == []
    assert json.loads(files["banner.json"])["alerts"] == []
    assert files["alerts.json"] == render.outputs(chosen)["alerts.json"]


def test_feed_bytes_do_not_depend_on_the_clock(cfg: Config) -> None:
    items = scenario()
    current = statuses(cfg, {}, NOW)
    first = render.outputs(plan.make(items, current, cfg, NOW))
    later = render.outputs(plan.make(items, current, cfg, NOW + timedelta(minutes=30)))
    for name, data in first.items():
        if name != "banner.json":  # generated: when content changed (see test_banner)
            assert later[name] == data, name
