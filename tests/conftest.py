"""Fixtures shared by the whole suite. Constants and helpers live in :mod:`tests.common`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from feeder.config import Config
from feeder.store import Store
from tests.common import make_config
from tests.websub_support import Hub


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return make_config(tmp_path)


@pytest.fixture
def store(config: Config) -> Iterator[Store]:
    with Store(config.storage.database) as s:
        yield s


@pytest.fixture(autouse=True)
def fresh_kdf_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with the sign-in hashing budget of a process just started (the budget
    is per process: without this, one test's sign-ins would use up the next one's)."""
    from feeder.editors import accounts

    monkeypatch.setattr(accounts, "BUDGET", accounts.KdfBudget())


@pytest.fixture
def hub() -> Iterator[Hub]:
    """A WebSub hub on its own loopback server (threaded: a held answer holds no one else)."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    the_hub = Hub(server)
    yield the_hub
    the_hub.release()
    server.clear()
    server.stop()
