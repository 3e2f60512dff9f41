"""Set-up for the editors' tests: a real SQLite file, three editors, the real web app (with the
real publisher writing to output_dir) behind Starlette's TestClient.

Password hashing runs with a small scrypt cost here (N=2**12) so that the many logins stay fast;
the hash string carries its parameters, and tests/editors/test_accounts.py checks the
production defaults.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from feeder.config import Config
from feeder.editors import accounts
from feeder.store import Store
from feeder.timeutil import utcnow
from feeder.web import ROUTE_MODULES, create_app

PRODUCTION_N = accounts.SCRYPT_N
"""The module's default, read before the autouse fixture lowers it."""
SECRET = "0123456789abcdef" * 4
PASSWORDS = {"anna": "anna-lösenord-1", "petra": "petra-lösenord-2"}


@dataclass
class Editors:
    tokens: dict[str, str]

    def auth(self, name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[name]}"}


@pytest.fixture(autouse=True)
def fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "SCRYPT_N", 2**12)


@pytest.fixture(autouse=True)
def secret_key(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("FEEDER_SECRET_KEY", SECRET)
    monkeypatch.delenv("CREDENTIALS_DIRECTORY", raising=False)
    return SECRET


@pytest.fixture
def editors(store: Store) -> Editors:
    """anna: editor with a password; petra: publisher with a password; tore: editor, API only."""
    now = utcnow()
    tokens = {}
    for name, role, password in (
        ("anna", "editor", PASSWORDS["anna"]),
        ("petra", "publisher", PASSWORDS["petra"]),
        ("tore", "editor", None),
    ):
        _, tokens[name] = accounts.add(store, name, role=role, password=password,
                                       actor="test", now=now)
    return Editors(tokens)


def make_app(config: Config, store: Store, **kw: Any) -> Starlette:
    """The app as ``feeder run`` builds it (the editors' routes come from ROUTE_MODULES)."""
    assert "feeder.editors.routes" in ROUTE_MODULES
    return create_app(config, store, **kw)


@pytest.fixture
def client(config: Config, store: Store, editors: Editors) -> Iterator[TestClient]:
    with TestClient(make_app(config, store), base_url="http://testserver") as c:
        yield c


def login(client: TestClient, name: str = "anna") -> None:
    r = client.post("/admin/login", data={"name": name, "password": PASSWORDS[name]},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    assert r.headers["location"] == "/admin/"


def banner(config: Config) -> dict[str, Any]:
    """banner.json as published on disk."""
    return json.loads((config.storage.output_dir / "banner.json").read_text("utf-8"))


def banner_titles(config: Config) -> list[str]:
    return [a["title"] for a in banner(config)["alerts"]]


def output_files(root: Path) -> dict[str, bytes]:
    """Every published file (``.gz`` ones decompressed), by path relative to ``root``."""
    import gzip

    files = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            data = path.read_bytes()
            if path.suffix == ".gz":
                data = gzip.decompress(data)
            files[str(path.relative_to(root))] = data
    return files
