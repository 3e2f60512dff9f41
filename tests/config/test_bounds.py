"""Operator mistakes in config.yaml end in a clear message from ``feeder check``: a key given
twice, and every number out of the range ``feeder run`` can work with (at the largest allowed
values, publishing, the scheduler and backoff all work)."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from feeder import config as config_mod
from feeder.app import Feeder
from feeder.errors import ConfigError
from feeder.model import SourceState
from feeder.poll import backoff_delay, backoff_until
from feeder.scheduler import next_period
from feeder.status import statuses
from feeder.timeutil import utcnow
from tests.common import run_cli


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("text", "key", "lines"), [
    ("server:\n  port: 8080\nserver:\n  host: 0.0.0.0\n", "server", (1, 3)),
    ("sources:\n  smhi:\n    interval: 120\n    stale_after: 900\n    interval: 60\n",
     "sources.smhi.interval", (3, 5)),
    ("topics:\n  - id: a\n    title: A\n    id: b\n", "topics[0].id", (2, 4)),
])
def test_a_key_given_twice_is_an_error_naming_it_and_both_lines(
    tmp_path: Path, text: str, key: str, lines: tuple[int, int]
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        config_mod.load(path)
    assert caught.value.key == key
    assert f"lines {lines[0]} and {lines[1]}" in str(caught.value)
    code, _, err = run_cli(path, "check")
    assert code == 2 and key in err and f"lines {lines[0]} and {lines[1]}" in err
    assert "Traceback" not in err


def test_the_same_key_in_two_mappings_is_fine(tmp_path: Path) -> None:
    path = write(tmp_path, "sources:\n  smhi: {interval: 120}\n  vma: {interval: 120}\n")
    assert config_mod.load(path).sources["vma"].interval == 120


HUGE = 10**12


@pytest.mark.parametrize(("data", "key"), [
    ({"sources": {"smhi": {"interval": HUGE}}}, "sources.smhi.interval"),
    ({"sources": {"smhi": {"interval": 0}}}, "sources.smhi.interval"),
    ({"sources": {"smhi": {"stale_after": HUGE}}}, "sources.smhi.stale_after"),
    ({"http": {"backoff_max": HUGE}}, "http.backoff_max"),
    ({"http": {"connect_timeout": 1e12}}, "http.connect_timeout"),
    ({"http": {"read_timeout": 1e12}}, "http.read_timeout"),
    ({"http": {"total_timeout": 1e12}}, "http.total_timeout"),
    ({"http": {"max_bytes": HUGE}}, "http.max_bytes"),
    ({"feeds": {"max_items": HUGE}}, "feeds.max_items"),
    ({"banner": {"lookahead": HUGE}}, "banner.lookahead"),
    ({"sources": {"lansstyrelsen": {"article_delay": 1e12}}},
     "sources.lansstyrelsen.article_delay"),
    ({"sources": {"lansstyrelsen": {"max_pages": HUGE}}}, "sources.lansstyrelsen.max_pages"),
    ({"sources": {"lansstyrelsen": {"max_articles": HUGE}}},
     "sources.lansstyrelsen.max_articles"),
])
def test_check_refuses_numbers_run_cannot_work_with(tmp_path: Path, data: dict[str, Any],
                                                     key: str) -> None:
    path = write(tmp_path, yaml.safe_dump(data))
    code, out, err = run_cli(path, "check")
    assert code == 2, out
    assert f"config error: {key}: must be" in err, err
    assert "Traceback" not in err


def _largest(tmp_path: Path) -> config_mod.Config:
    data = {
        "storage": {"database": "db.sqlite3", "output_dir": "public"},
        "sources": {name: {"interval": config_mod.MAX_INTERVAL,
                           "stale_after": config_mod.MAX_STALE_AFTER}
                    for name in ("smhi", "lansstyrelsen", "vma", "krisinformation")},
        "http": {"backoff_max": config_mod.MAX_BACKOFF, "connect_timeout": config_mod.MAX_TIMEOUT,
                 "read_timeout": config_mod.MAX_TIMEOUT, "max_bytes": config_mod.MAX_BYTES},
        "feeds": {"max_items": config_mod.MAX_ITEMS},
        "banner": {"lookahead": config_mod.MAX_LOOKAHEAD},
    }
    return config_mod.load(write(tmp_path, yaml.safe_dump(data)))


def test_the_largest_allowed_values_work_in_run(tmp_path: Path) -> None:
    """What check lets through, run can compute with: statuses, a publish, the scheduler's
    periods, the backoff after many failures."""
    config = _largest(tmp_path)
    now = utcnow()
    failed = {name: SourceState(name=name, last_attempt=now, last_success=now,
                                failures=50, last_error="HTTP 503")
              for name in config.enabled_sources}
    assert set(statuses(config, failed, now)) == set(config.enabled_sources)
    with Feeder(config) as feeder:
        assert feeder.publish(now).ok
    rng = random.Random(1)
    assert next_period(config_mod.MAX_INTERVAL, rng) > 0
    delay = backoff_delay(60, config_mod.MAX_INTERVAL, config.http.backoff_max, rng)
    assert delay <= config.http.backoff_max
    state = SourceState(name="smhi", last_attempt=now, retry_at=now, failures=60)
    assert backoff_until(state, now, config.http.backoff_max) == now


def test_an_unknown_interval_default_stays_within_bounds(tmp_path: Path) -> None:
    """stale_after defaults to four intervals: at the largest interval, within its own bound."""
    data = {"sources": {"smhi": {"interval": config_mod.MAX_INTERVAL}}}
    config = config_mod.load(write(tmp_path, yaml.safe_dump(data)))
    assert config.sources["smhi"].stale_after <= config_mod.MAX_STALE_AFTER
