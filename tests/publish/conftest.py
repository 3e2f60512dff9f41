"""Fixtures for the publishing tests: a config with a public URL and a topic, a real SQLite
store in tmp_path. The items they use are built by :mod:`tests.builders`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from feeder import config as config_mod
from feeder.config import Config
from feeder.store import Store
from tests.builders import PUBLIC, TOPIC_ID, ConfigFactory


@pytest.fixture
def make_config(tmp_path: Path) -> ConfigFactory:
    def factory(**overrides: Any) -> Config:
        data: dict[str, Any] = {
            "region": {"name": "Västernorrlands län", "county_id": 22},
            "storage": {"database": "db.sqlite3", "output_dir": "public"},
            "server": {"host": "127.0.0.1", "port": 8080, "public_url": PUBLIC},
            "topics": [{
                "id": TOPIC_ID,
                "title": "Handlingsplan mot våld",
                "match": ["handlingsplan mot våld", "våld i nära relationer"],
            }],
        }
        data.update(overrides)
        return config_mod.from_dict(data, tmp_path / "config.yaml")

    return factory


@pytest.fixture
def cfg(make_config: ConfigFactory) -> Config:
    return make_config()


@pytest.fixture
def db(cfg: Config) -> Iterator[Store]:
    with Store(cfg.storage.database) as store:
        yield store


@pytest.fixture
def out(cfg: Config) -> Path:
    return cfg.storage.output_dir
