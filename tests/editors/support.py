"""Helpers for the editors' tests (a plain module; the fixtures are in conftest.py)."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.testclient import TestClient

from feeder import notices
from feeder.app import Feeder
from feeder.config import Config
from feeder.editors import accounts
from feeder.store import Store
from feeder.web import ROUTE_MODULES, create_app

PRODUCTION_N = accounts.SCRYPT_N
"""The module's default, read before the autouse fixture lowers it."""
SECRET = "0123456789abcdef" * 4
PASSWORDS = {"anna": "anna-lösenord-1", "petra": "petra-lösenord-2"}
EDITORS = (("anna", "editor", PASSWORDS["anna"]), ("petra", "publisher", PASSWORDS["petra"]),
           ("tore", "editor", None))
"""anna: editor with a password; petra: publisher with a password; tore: editor, API only."""


@dataclass
class Editors:
    tokens: dict[str, str]

    def auth(self, name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[name]}"}


def add_editors(feeder: Feeder) -> Editors:
    tokens = {}
    for name, role, password in EDITORS:
        _, tokens[name] = feeder.add_editor(name, role=role, password=password, actor="test")
    return Editors(tokens)


def make_app(feeder: Feeder, **kw: Any) -> Starlette:
    """The app as ``feeder run`` builds it (the editors' routes come from ROUTE_MODULES)."""
    assert "feeder.editors.routes" in ROUTE_MODULES
    return create_app(feeder, **kw)


def login(client: TestClient, name: str = "anna") -> None:
    r = client.post("/admin/login", data={"name": name, "password": PASSWORDS[name]},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    assert r.headers["location"] == "/admin/"


def banner(config: Config) -> dict[str, Any]:
    """banner.json as published on disk."""
    data: dict[str, Any] = json.loads(
        (config.storage.output_dir / "banner.json").read_text("utf-8"))
    return data


def banner_titles(config: Config) -> list[str]:
    return [a["title"] for a in banner(config)["alerts"]]


def output_files(root: Path) -> dict[str, bytes]:
    """Every published file (``.gz`` ones decompressed), by path relative to ``root``."""
    files = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            data = path.read_bytes()
            if path.suffix == ".gz":
                data = gzip.decompress(data)
            files[str(path.relative_to(root))] = data
    return files


# ------------------------------------------------------------------------------- notices

WARNING = {"title": "Vattenavstängning i Sundsvall", "body": "Hela centrum.", "level": "warning"}
"""A notice an editor may publish, as the API takes it."""
FORM = {"title": "Kraftsamling mot våldet", "body": "Länsstyrelsen bjuder in.",
        "level": "notice", "status": "published"}
"""A notice as the admin form posts it."""


def post_notice(client: TestClient, editors: Editors, who: str = "anna", **fields: Any) -> Any:
    """POST /api/notices as ``who`` (WARNING unless fields are given); the response."""
    return client.post("/api/notices", headers=editors.auth(who), json=fields or WARNING)


def nothing_stored(store: Store, audit_before: int = 0) -> None:
    assert notices.list_notices(store) == []
    assert len([e for e in store.audit_log() if e.item_id]) == audit_before


def create_via_form(client: TestClient, **fields: str) -> str:
    """Post the admin form (FORM with ``fields``) as the signed-in editor; the new id."""
    r = client.post("/admin/new", data={**FORM, **fields}, follow_redirects=False)
    assert r.status_code == 303, r.text
    said = "draft" if fields.get("status") == "draft" else "published"
    assert r.headers["location"] == f"/admin/?msg={said}"
    feeder: Feeder = client.app.state.context.feeder  # type: ignore[attr-defined]
    return feeder.notices()[0].id
