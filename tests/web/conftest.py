"""Fixtures of the web tests: published stand-in files in tmp_path and the real app serving them
(helpers: :mod:`tests.web.support`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from feeder.app import Feeder
from feeder.config import Config
from feeder.server import BackgroundServer
from feeder.web import create_app
from tests.common import make_config
from tests.web.support import Site, sample_outputs, write_output


@pytest.fixture
def site_config(tmp_path: Path) -> Config:
    return make_config(tmp_path)


@pytest.fixture
def published(site_config: Config) -> dict[str, bytes]:
    files = sample_outputs()
    for name, data in files.items():
        write_output(site_config.storage.output_dir, name, data)
    return files


@pytest.fixture
def site(site_config: Config, published: dict[str, bytes]) -> Iterator[Site]:
    with Feeder(site_config) as feeder, BackgroundServer(create_app(feeder)) as server:
        yield Site(feeder, server)
