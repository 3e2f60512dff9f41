"""Fixtures of the editors' tests: a real SQLite file, three editors, the real web app (with the
real publisher writing to output_dir) behind Starlette's TestClient. Helpers and constants live
in :mod:`tests.editors.support`.

Password hashing runs with a small scrypt cost here (N=2**12) so that the many logins stay fast;
the hash string carries its parameters, and tests/editors/test_accounts.py checks the
production defaults.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from feeder.app import Feeder
from feeder.config import Config
from feeder.editors import accounts
from feeder.store import Store
from tests.editors.support import SECRET, Editors, add_editors, make_app


@pytest.fixture(autouse=True)
def fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "SCRYPT_N", 2**12)


@pytest.fixture(autouse=True)
def secret_key(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("FEEDER_SECRET_KEY", SECRET)
    monkeypatch.delenv("CREDENTIALS_DIRECTORY", raising=False)
    return SECRET


@pytest.fixture
def feeder(config: Config, store: Store) -> Iterator[Feeder]:
    with Feeder(config, store=store) as f:
        yield f


@pytest.fixture
def editors(feeder: Feeder) -> Editors:
    """anna: editor with a password; petra: publisher with a password; tore: editor, API only."""
    return add_editors(feeder)


@pytest.fixture
def client(feeder: Feeder, editors: Editors) -> Iterator[TestClient]:
    with TestClient(make_app(feeder), base_url="http://testserver") as c:
        yield c
