"""The sample data through the real pipeline, in-process: the demo's upstream on loopback, the
demo's config, every source polled with the real fetcher and parsers, and a publish, for the
start state and after each step of the scenario. Every poll is clean (no warning): the sample
data is what the parsers expect."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from feeder.app import Feeder
from feeder.demo.runner import Options, demo_config, write_config
from feeder.demo.sample import Sample
from feeder.demo.scenario import SCENARIO_START, START, STEPS, State, serve_state
from feeder.demo.upstream import Upstream

FIRE = "smhi:3411-10470"
WIND = "smhi:3420-10480"
VMA = "vma:SRCAP20260612120000I"


class Pipeline:
    """The demo's pieces in-process. The sample's clock starts ten minutes ago and moves a minute
    per state, so that each state's pieces carry their own moment, as in a real run."""

    def __init__(self, tmp_path: Path) -> None:
        self.upstream = Upstream().start()
        self.moment = datetime.now(UTC) - timedelta(minutes=10)
        self.sample = Sample(clock=lambda: self.moment)
        self.config = write_config(tmp_path, demo_config(tmp_path, self.upstream, Options()))
        self.feeder = Feeder(self.config)

    def close(self) -> None:
        self.feeder.close()
        self.upstream.stop()

    def serve_and_publish(self, state: State) -> dict[str, dict[str, Any]]:
        """Serve ``state``, poll every source, publish; banner.json's alerts by id."""
        serve_state(self.upstream, self.sample, state)
        self.moment += timedelta(minutes=1)
        for outcome in self.feeder.poll():
            assert outcome.ok, (outcome.source, outcome.error)
            assert outcome.warnings == [], (outcome.source, outcome.warnings)
        result = self.feeder.publish()
        assert result.ok and not result.left_out
        banner = json.loads((self.config.storage.output_dir / "banner.json").read_bytes())
        return {alert["id"]: alert for alert in banner["alerts"]}

    def item(self, item_id: str) -> Any:
        return self.feeder.store.get(item_id)


@pytest.fixture
def pipeline(tmp_path: Path) -> Iterator[Pipeline]:
    p = Pipeline(tmp_path)
    yield p
    p.close()


def test_the_demo_serves_the_fire_risk_and_the_warning_for_tomorrow(pipeline: Pipeline) -> None:
    alerts = pipeline.serve_and_publish(START)
    assert list(alerts) == [WIND, FIRE]  # by level: the yellow warning, then the message
    assert alerts[FIRE]["title"] == "Risk för skogsbrand i Västernorrlands län"
    assert alerts[FIRE]["upcoming"] is False
    assert alerts[WIND]["upcoming"] is True
    assert alerts[WIND]["level_name"] == "warning"
    feed = (pipeline.config.storage.output_dir / "feed.json").read_text(encoding="utf-8")
    titles = [item["title"] for item in json.loads(feed)["items"]]
    assert "Kraftsamling mot våldet i Västernorrland" in titles
    assert "Höga flöden i Skåne" not in titles  # Krisinformation's news for another county
    topic = pipeline.config.storage.output_dir / "topics" / "handlingsplan-mot-vald.json"
    assert [i["title"] for i in json.loads(topic.read_bytes())["items"]] == [
        "Kraftsamling mot våldet i Västernorrland"]


def test_each_step_of_the_scenario_changes_what_the_banner_says(pipeline: Pipeline) -> None:
    assert list(pipeline.serve_and_publish(SCENARIO_START)) == [WIND]
    issued, updated, vma, cancelled, withdrawn = (step.state for step in STEPS)

    alerts = pipeline.serve_and_publish(issued)
    assert list(alerts) == [WIND, FIRE]
    assert "stor till mycket stor" in alerts[FIRE]["text"]
    first = pipeline.item(FIRE)

    alerts = pipeline.serve_and_publish(updated)
    assert "lokalt extremt stor" in alerts[FIRE]["text"]
    now = pipeline.item(FIRE)
    assert now.expires > first.expires
    # issued a minute before its step, updated at its step, one step (a minute) later
    assert now.updated - first.updated == timedelta(minutes=2)
    assert now.published == first.published  # SMHI keeps `created` over an update

    alerts = pipeline.serve_and_publish(vma)
    assert list(alerts) == [VMA, WIND, FIRE]
    assert alerts[VMA]["level_name"] == "critical"
    assert alerts[VMA]["areas"] == ["2281"]
    assert alerts[VMA]["title"].startswith("Viktigt meddelande till allmänheten i Sundsvall")

    assert list(pipeline.serve_and_publish(cancelled)) == [WIND, FIRE]
    assert pipeline.item(VMA).ended is not None

    assert list(pipeline.serve_and_publish(withdrawn)) == [WIND]
    assert pipeline.item(FIRE).ended is not None


def test_a_step_changes_only_what_it_changes(pipeline: Pipeline) -> None:
    serve_state(pipeline.upstream, pipeline.sample, SCENARIO_START)
    changed = [serve_state(pipeline.upstream, pipeline.sample, step.state) for step in STEPS]
    assert changed == [["/ibww/api/version/1/warning.json"],
                       ["/ibww/api/version/1/warning.json"],
                       ["/api/v3/alerts"],
                       ["/api/v3/alerts"],
                       ["/ibww/api/version/1/warning.json"]]
    assert serve_state(pipeline.upstream, pipeline.sample, STEPS[-1].state) == []
