"""/admin/ under hostile input (tests/notices/hostile.py) and errors no route answers: a Swedish
page naming the field (or the clean notice stored), never a 500 for bad input, never JSON or a
traceback in a browser. Publishing stays whole, and a withdrawal still empties the banner."""

from __future__ import annotations

import logging
from urllib.parse import quote

import pytest
from starlette.testclient import TestClient

from feeder import notices
from feeder.app import Feeder
from feeder.config import Config
from feeder.editors.pages import FIELD_NAMES
from feeder.errors import StoreBusyError
from feeder.store import Store
from tests.editors.support import login, nothing_stored
from tests.notices.hostile import (
    CASES,
    IDS,
    TITLE,
    Hostile,
    fields,
    json_bytes,
    outputs_whole,
)


def form_bytes(data: dict[str, str]) -> bytes:
    """A URL-encoded form; a lone surrogate becomes the bytes a UTF-8 encoder would make of it
    if it could (``%ED%A0%80``): not UTF-8, as a hand-made request may send."""
    return "&".join(
        f"{quote(k)}={quote(v, encoding='utf-8', errors='surrogatepass')}"
        for k, v in data.items()
    ).encode("ascii")


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_form_refuses_naming_the_field_or_stores_clean_and_publishing_holds(
    client: TestClient, store: Store, config: Config, case: Hostile
) -> None:
    login(client)
    r = client.post("/admin/new", content=form_bytes({**fields(case), "status": "published"}),
                    headers={"Content-Type": "application/x-www-form-urlencoded"},
                    follow_redirects=False)
    out = config.storage.output_dir
    if case.name == "lone-surrogate":  # a browser cannot send one: the bytes are not UTF-8
        assert r.status_code == 400
        assert f"{FIELD_NAMES[case.field]}: innehåller tecken som inte är UTF-8" in r.text
        nothing_stored(store)
        return
    if case.refused:
        assert r.status_code == 400
        assert r.headers["content-type"].startswith("text/html")
        assert f"{FIELD_NAMES[case.field]}: måste ligga mellan åren 1970 och 2999." in r.text
        assert 'id="form-error"' in r.text  # the form again, with what was typed
        nothing_stored(store)
        return
    assert r.status_code == 303, r.text
    [item] = notices.list_notices(store)
    assert getattr(item, case.field) == case.stored
    banner = outputs_whole(out)
    assert [a["title"] for a in banner["alerts"]] == [TITLE]
    # the form shows the title that is published: in the list, and in the edit form
    assert f">{TITLE}</a>" in client.get("/admin/").text
    assert f'value="{TITLE}"' in client.get(f"/admin/notices/{item.id}").text
    r = client.post(f"/admin/notices/{item.id}/withdraw", follow_redirects=False)
    assert r.status_code == 303
    assert outputs_whole(out)["alerts"] == []


def test_a_form_field_that_is_not_utf8_is_named_on_the_login_page_too(
    client: TestClient,
) -> None:
    r = client.post("/admin/login", content=b"name=%FF&password=x",
                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 400
    assert "Namn: innehåller tecken som inte är UTF-8" in r.text


def test_a_busy_database_while_reading_the_session_is_a_swedish_page(
    client: TestClient, feeder: Feeder, monkeypatch: pytest.MonkeyPatch
) -> None:
    login(client)

    def busy(editor_id: int) -> None:
        raise StoreBusyError("database is busy (another process holds a lock)", retry_after=3)

    monkeypatch.setattr(feeder, "editor_by_id", busy)
    for r in (client.get("/admin/"), client.get("/admin/new"),
              client.post("/admin/new", data={"title": "x"}, follow_redirects=False)):
        assert r.status_code == 503
        assert r.headers["content-type"].startswith("text/html")
        assert r.headers["retry-after"] == "3"
        assert "Databasen är upptagen just nu" in r.text
        assert r.headers["x-frame-options"] == "DENY"  # still behind the security headers
    r = client.post("/admin/preview", json={"title": "x"})  # admin.js reads JSON
    assert r.status_code == 503 and r.json()["field"] is None


def test_unknown_pages_and_methods_are_swedish_pages(client: TestClient) -> None:
    r = client.get("/admin/nope")
    assert r.status_code == 404 and "Sidan finns inte." in r.text
    r = client.get("/admin/assets/banner.js")
    assert r.status_code == 404 and "Sidan finns inte." in r.text
    r = client.put("/admin/new")
    assert r.status_code == 405 and "Sidan kan inte användas på det sättet." in r.text
    assert client.get("/api/nope").json()["error"] == "Not Found"  # the API stays JSON


def test_a_bug_is_a_swedish_page_without_details_and_logged(
    client: TestClient, feeder: Feeder, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    login(client)

    def broken() -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(feeder, "notices", broken)
    caplog.set_level(logging.ERROR, "feeder.editors")
    r = client.get("/admin/")
    assert r.status_code == 500 and r.headers["content-type"].startswith("text/html")
    assert "Ett oväntat fel inträffade" in r.text and "secret internals" not in r.text
    assert "secret internals" in caplog.text


def test_an_unknown_or_odd_notice_id_is_a_swedish_404(client: TestClient) -> None:
    login(client)
    for nid in ("notice:000000000000", "x" * 500, "%ED%A0%80", "notice:a b"):
        r = client.get(f"/admin/notices/{nid}")
        assert r.status_code == 404, nid
        assert "Det finns inget sådant meddelande." in r.text
    r = client.get("/admin/audit", params={"id": "\x00"})
    assert r.status_code == 404


@pytest.mark.parametrize("topics", [5, None, "nope", ["nope"], [1, "a"], ["\ud800"], {"a": 1}])
def test_the_preview_of_an_existing_notice_answers_odd_topics_without_a_500(
    client: TestClient, topics: object
) -> None:
    login(client)
    r = client.post("/admin/new", data={"title": "Vatten", "level": "info",
                                        "status": "published"}, follow_redirects=False)
    assert r.status_code == 303
    nid = client.get("/admin/").text.split('data-id="')[1].split('"')[0]
    r = client.post("/admin/preview", content=json_bytes({"id": nid, "topics": topics}),
                    headers={"Content-Type": "application/json"})
    assert r.status_code == 200, r.text  # the preview's answer is the verdict
    if topics is None:  # not given: the stored topics
        assert r.json()["ok"]
    else:
        assert r.json()["field"] == "topics" and not r.json()["ok"]
        assert r.json()["error"].startswith("Ämnen: ")
