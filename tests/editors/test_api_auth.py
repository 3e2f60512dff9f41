"""/api/notices: credentials and roles (who may do what)."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from feeder import notices
from feeder.app import Feeder
from feeder.config import Config
from feeder.store import Store
from tests.editors.support import (
    WARNING,
    Editors,
    banner_titles,
    login,
    nothing_stored,
    post_notice,
)

# ------------------------------------------------------------------------------- auth


ENDPOINTS = [
    ("GET", "/api/notices"),
    ("GET", "/api/notices/abc"),
    ("POST", "/api/notices"),
    ("PATCH", "/api/notices/abc"),
    ("DELETE", "/api/notices/abc"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_every_endpoint_needs_credentials(client: TestClient, method: str, path: str) -> None:
    r = client.request(method, path, json={"title": "x"})
    assert r.status_code == 401
    assert r.headers["www-authenticate"].startswith("Bearer")
    assert "Bearer" in r.json()["error"]
    assert r.json()["field"] is None


@pytest.mark.parametrize(
    "header",
    [
        "Bearer fdr_wrongwrongwrongwrongwrongwrongwrongwrongwro",
        "Bearer ",
        "Bearer",
        "Basic YW5uYTphbm5hLWzDtnNlbm9yZC0x",
        "fdr_nobearerprefix",
    ],
)
def test_wrong_credentials_are_401(client: TestClient, store: Store, header: str) -> None:
    r = client.post("/api/notices", headers={"Authorization": header}, json=WARNING)
    assert r.status_code == 401
    assert "token" in r.json()["error"]
    nothing_stored(store)


def test_a_rotated_token_stops_working_and_the_new_one_works(
    client: TestClient, feeder: Feeder, editors: Editors
) -> None:
    old = editors.auth("anna")
    assert client.get("/api/notices", headers=old).status_code == 200
    new = feeder.rotate_token("anna", actor="test")
    assert client.get("/api/notices", headers=old).status_code == 401
    r = client.post("/api/notices", headers={"Authorization": f"Bearer {new}"}, json=WARNING)
    assert r.status_code == 201
    assert r.json()["author"] == "anna"


def test_a_removed_editor_is_locked_out_by_token_and_session(
    client: TestClient, feeder: Feeder, editors: Editors
) -> None:
    login(client, "anna")
    assert client.get("/api/notices").status_code == 200  # the session works for the API
    feeder.remove_editor("anna", actor="test")
    assert client.get("/api/notices", headers=editors.auth("anna")).status_code == 401
    assert client.get("/api/notices").status_code == 401
    assert client.get("/admin/", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("level", ["severe", "critical", 4, 5])
def test_an_editor_may_not_publish_severe_or_critical(
    client: TestClient, store: Store, editors: Editors, level: Any
) -> None:
    r = post_notice(client, editors, "anna", title="Stormvarning", level=level)
    assert r.status_code == 403
    assert r.json()["field"] == "level"
    assert "publisher" in r.json()["error"]
    nothing_stored(store)


@pytest.mark.parametrize("level", ["info", "notice", "warning"])
def test_an_editor_may_publish_up_to_warning(
    client: TestClient, editors: Editors, level: str
) -> None:
    assert post_notice(client, editors, "tore", title="Meddelande", level=level).status_code == 201


def test_an_editor_may_draft_severe_and_a_publisher_publishes_it(
    client: TestClient, store: Store, config: Config, editors: Editors
) -> None:
    r = post_notice(client, editors, "anna", title="Storm i natt", level="severe", status="draft")
    assert r.status_code == 201
    nid = r.json()["id"]
    assert banner_titles(config) == []
    # the editor may not publish it ...
    r = client.patch(f"/api/notices/{nid}", headers=editors.auth("anna"),
                     json={"status": "published"})
    assert r.status_code == 403
    assert notices.get(store, nid).status == "draft"
    # ... the publisher may
    r = client.patch(f"/api/notices/{nid}", headers=editors.auth("petra"),
                     json={"status": "published"})
    assert r.status_code == 200
    assert banner_titles(config) == ["Storm i natt"]


def test_an_editor_may_neither_change_nor_withdraw_a_published_severe_notice(
    client: TestClient, store: Store, config: Config, editors: Editors
) -> None:
    nid = post_notice(client, editors, "petra", title="Orkan", level="severe").json()["id"]
    r = client.patch(f"/api/notices/{nid}", headers=editors.auth("anna"), json={"title": "Bris"})
    assert r.status_code == 403
    r = client.patch(f"/api/notices/{nid}", headers=editors.auth("anna"), json={"level": "info"})
    assert r.status_code == 403
    assert client.delete(f"/api/notices/{nid}", headers=editors.auth("anna")).status_code == 403
    assert notices.get(store, nid).title == "Orkan"
    assert banner_titles(config) == ["Orkan"]
    assert client.delete(f"/api/notices/{nid}", headers=editors.auth("petra")).status_code == 200
    assert banner_titles(config) == []


def test_a_publisher_may_publish_critical(client: TestClient, editors: Editors) -> None:
    r = post_notice(client, editors, "petra", title="VMA-övning", level="critical")
    assert r.status_code == 201
    assert r.json()["level_number"] == 5

