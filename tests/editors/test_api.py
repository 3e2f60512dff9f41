"""/api/notices against the real app: a real SQLite file and real publishing to output_dir.

Credentials and roles: test_api_auth.py; bad input: test_api_validation.py."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta

import pytest
from starlette.testclient import TestClient

from feeder import notices
from feeder.app import Feeder
from feeder.config import Config
from feeder.publish import publish
from feeder.store import Store
from feeder.timeutil import iso_z, parse_iso, utcnow
from tests.editors.support import (
    WARNING,
    Editors,
    add_editors,
    banner,
    banner_titles,
    login,
    make_app,
    nothing_stored,
    output_files,
    post_notice,
)
from tests.publish.support import without_own_script

# ------------------------------------------------------------------------------- behaviour


def test_create_answers_201_with_the_notice_and_publishes_before_answering(
    client: TestClient, store: Store, config: Config, editors: Editors
) -> None:
    r = client.post("/api/notices", headers=editors.auth("anna"), json={
        "title": "<b>Vattenavstängning</b> i Sundsvall",
        "body": "<p>Vattnet stängs av <em>tisdag</em>.</p>",
        "level": "warning",
        "url": "https://sundsvall.se/vatten",
        "areas": ["2281"],
        "topics": ["handlingsplan-mot-vald"],
        "expires": "2099-06-12T18:00",
    })
    assert r.status_code == 201
    shown = r.json()
    assert r.headers["location"] == f"/api/notices/{shown['id']}"
    assert shown["title"] == "Vattenavstängning i Sundsvall"  # markup stripped
    assert shown["body"] == "<p>Vattnet stängs av <em>tisdag</em>.</p>"
    assert shown["level"] == "warning" and shown["level_number"] == 3
    assert shown["expires"] == "2099-06-12T16:00:00Z"  # naive = Europe/Stockholm (CEST)
    assert shown["author"] == "anna"
    assert shown["status"] == "published" and shown["withdrawn"] is False
    # published before the answer: on disk, and served by the app
    alert = banner(config)["alert"]
    assert alert["id"] == shown["id"] and shown["id"].startswith("notice:")  # one id everywhere
    assert alert["title"] == shown["title"]
    assert alert["areas"] == ["2281"]
    assert client.get("/banner.json").json()["alert"]["id"] == alert["id"]
    published = output_files(config.storage.output_dir)
    assert not [name for name in published if name.startswith("admin.")]  # /admin/assets only
    assert client.get(f"/api/notices/{shown['id']}", headers=editors.auth("tore")).json() == shown
    bare = shown["id"].partition(":")[2]  # the form the API handed out before: still accepted
    assert client.get(f"/api/notices/{bare}", headers=editors.auth("tore")).json() == shown
    listed = client.get("/api/notices", headers=editors.auth("tore")).json()
    assert listed == [shown]


def test_patch_changes_only_the_fields_given_and_republishes(
    client: TestClient, store: Store, config: Config, editors: Editors
) -> None:
    created = post_notice(client, editors).json()
    nid = created["id"]
    r = client.patch(f"/api/notices/{nid}", headers=editors.auth("tore"),
                     json={"title": "Vattnet är tillbaka", "level": "notice"})
    assert r.status_code == 200
    changed = r.json()
    assert changed["title"] == "Vattnet är tillbaka"
    assert changed["level"] == "notice"
    assert changed["body"] == created["body"]
    assert banner(config)["alert"]["title"] == "Vattnet är tillbaka"
    assert banner(config)["alert"]["level"] == 2
    # an empty or no-op patch changes nothing and writes no audit entry
    for fields in ({}, {"title": "Vattnet är tillbaka"}):
        r = client.patch(f"/api/notices/{nid}", headers=editors.auth("tore"), json=fields)
        assert r.status_code == 200
        assert r.json() == changed
    assert [e.action for e in store.audit_log(notices.item_id(nid))] == ["update", "create"]


def test_delete_withdraws_leaves_the_banner_and_stays_in_history(
    client: TestClient, store: Store, config: Config, editors: Editors
) -> None:
    nid = post_notice(client, editors).json()["id"]
    assert banner_titles(config) == [WARNING["title"]]
    r = client.delete(f"/api/notices/{nid}", headers=editors.auth("anna"))
    assert r.status_code == 200
    assert r.json()["withdrawn"] is True
    assert banner_titles(config) == []
    # kept: in the API, in the store, in the feed marked as ended
    assert client.get(f"/api/notices/{nid}", headers=editors.auth("anna")).json()["withdrawn"]
    feed = json.loads((config.storage.output_dir / "feed.json").read_text("utf-8"))
    titles = [i["title"] for i in feed["items"]]
    assert any(t.startswith("Avslutad") and WARNING["title"] in t for t in titles), titles
    # withdrawing again is harmless
    assert client.delete(f"/api/notices/{nid}", headers=editors.auth("anna")).status_code == 200
    assert [e.action for e in store.audit_log(notices.item_id(nid))] == ["withdraw", "create"]


def test_drafts_are_never_published(
    client: TestClient, config: Config, editors: Editors
) -> None:
    nid = post_notice(client, editors, title="Utkast om vatten", level="warning",
                status="draft").json()["id"]
    files = output_files(config.storage.output_dir)
    assert not any(b"Utkast om vatten" in data for data in files.values())
    client.patch(f"/api/notices/{nid}", headers=editors.auth("anna"), json={"status": "published"})
    assert banner_titles(config) == ["Utkast om vatten"]


def test_audit_entries_record_who_did_what_with_before_and_after(
    client: TestClient, store: Store, editors: Editors
) -> None:
    nid = post_notice(client, editors, "anna", title="Första", level="notice").json()["id"]
    client.patch(f"/api/notices/{nid}", headers=editors.auth("tore"), json={"title": "Andra"})
    login(client, "petra")  # the session counts as well
    assert client.delete(f"/api/notices/{nid}").status_code == 200
    entries = list(reversed(store.audit_log(notices.item_id(nid))))
    assert [(e.actor, e.action) for e in entries] == [
        ("anna", "create"), ("tore", "update"), ("petra", "withdraw")]
    create, update, withdraw = entries
    assert create.before is None and create.after is not None
    assert create.after["title"] == "Första"
    assert update.before is not None and update.after is not None
    assert (update.before["title"], update.after["title"]) == ("Första", "Andra")
    assert withdraw.before is not None and withdraw.after is not None
    assert (withdraw.before["withdrawn"], withdraw.after["withdrawn"]) == (False, True)


HOSTILE_TITLE = '<script>alert("XSS_T1")</script><img src=x onerror="XSS_T2()">Brandrisk'
HOSTILE_BODY = (
    '<p onclick="XSS_B1()" onmouseover="XSS_B2()">Läs <a href="javascript:XSS_B3()">här</a>'
    ' och <a href="JaVaScRiPt:XSS_B4()">där</a></p>'
    '<script>XSS_B5()</script><iframe src="https://evil.example/XSS_B6"></iframe>'
    '<svg onload="XSS_B7()"><circle/></svg><img src="x" onerror="XSS_B8()">'
    '<a href="data:text/html,XSS_B9">data</a><style>body{background:url(XSS_B10)}</style>'
    '<object data="XSS_B11"></object><embed src="XSS_B12"><form action="XSS_B13"></form>'
)


def test_hostile_html_is_absent_from_every_published_output(
    client: TestClient, store: Store, config: Config, editors: Editors
) -> None:
    r = post_notice(client, editors, title=HOSTILE_TITLE, body=HOSTILE_BODY, level="warning",
              topics=["handlingsplan-mot-vald"])
    assert r.status_code == 201
    shown = r.json()
    assert shown["title"] == "Brandrisk"
    assert "XSS" not in json.dumps(shown)
    nid = shown["id"]
    r = client.patch(f"/api/notices/{nid}", headers=editors.auth("anna"),
                     json={"body": HOSTILE_BODY + "<p>Ny text</p>"})
    assert r.status_code == 200
    files = output_files(config.storage.output_dir)
    expected = {"banner.json", "banner.html", "index.html", "feed.rss", "feed.atom", "feed.json",
                "alerts.rss", "alerts.atom", "alerts.json",
                "topics/handlingsplan-mot-vald.json"}
    assert expected <= set(files), sorted(files)
    for name, data in files.items():
        text = without_own_script(data.decode("utf-8", "replace"))
        assert "XSS_" not in text, name
        assert "javascript:" not in text.lower() or name.endswith(".js"), name
        if name != "banner.js":
            assert "onerror" not in text and "onclick" not in text, name
            assert "<iframe" not in text.lower() and "<script" not in text.lower(), name
    assert "Brandrisk" in files["banner.json"].decode()
    assert "Ny text" in files["feed.json"].decode()
    # the admin pages show it escaped too
    login(client, "anna")
    page = client.get("/admin/").text + client.get(f"/admin/notices/{nid}").text
    page += client.get("/admin/audit").text
    assert "<script>XSS" not in page and "onerror=" not in page


# ------------------------------------------------------------------------------- scheduling


def test_a_notice_starting_later_is_out_of_the_banner_and_arms_the_next_publish(
    client: TestClient, store: Store, config: Config, editors: Editors
) -> None:
    starts = utcnow() + timedelta(hours=2)
    r = post_notice(client, editors, title="Planerat avbrott", level="notice", starts=iso_z(starts))
    assert r.status_code == 201
    assert banner_titles(config) == []
    assert "Planerat avbrott" not in (config.storage.output_dir / "feed.json").read_text("utf-8")
    # the publisher reports the start as its next change (the scheduler publishes then) ...
    assert publish(store, config).next_change == starts
    # ... and a publish at that moment shows it
    publish(store, config, starts)
    assert banner_titles(config) == ["Planerat avbrott"]
    assert parse_iso(banner(config)["alert"]["starts"]) == starts


def test_a_failed_publish_is_503_naming_the_saved_notice(
    client: TestClient, feeder: Feeder, store: Store, editors: Editors,
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(now: object = None) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(feeder, "publish", broken)
    r = post_notice(client, editors)
    assert r.status_code == 503
    assert r.headers["retry-after"] == "60"
    body = r.json()
    assert "saved" in body["error"] and "No space left on device" in body["error"]
    assert body["field"] is None
    assert body["id"].startswith("notice:") and body["id"] in body["error"]
    stored = notices.get(store, body["id"])  # nothing lost: stored and audited
    assert stored.title == WARNING["title"]
    assert [e.actor for e in store.audit_log(stored.id)] == ["anna"]
    assert "publishing after an editor's change" in caplog.text
    login(client)
    page = client.post("/admin/new", data={"title": "Till", "level": "info",
                                           "status": "published"})
    assert page.status_code == 503 and "Ändringen är sparad" in page.text
    assert page.headers["retry-after"] == "60"


def test_a_locked_database_is_503_with_retry_after_and_stores_nothing(
    config: Config
) -> None:
    # Its own store, waiting 0.1 s for a lock (the fixture's waits 10 s, as in production).
    with Store(config.storage.database, busy_timeout=0.1) as store, \
            Feeder(config, store=store) as feeder:
        editors = add_editors(feeder)
        with TestClient(make_app(feeder)) as client:
            login(client)
            holder = sqlite3.connect(config.storage.database, isolation_level=None)
            holder.execute("BEGIN EXCLUSIVE")  # another process writing
            try:
                r = post_notice(client, editors)
                assert r.status_code == 503, r.text
                assert int(r.headers["retry-after"]) > 0
                assert r.json()["field"] is None and "busy" in r.json()["error"]
                page = client.post("/admin/new", data={"title": "Till", "level": "info",
                                                       "status": "published"})
                assert page.status_code == 503 and "Databasen är upptagen" in page.text
                assert int(page.headers["retry-after"]) > 0
            finally:
                holder.execute("ROLLBACK")
                holder.close()
            nothing_stored(store)
            assert post_notice(client, editors).status_code == 201  # all well once it is free


def test_a_change_not_published_goes_out_with_the_next_publish(
    client: TestClient, feeder: Feeder, config: Config, editors: Editors
) -> None:
    out = config.storage.output_dir
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("a file where the output folder should be")  # publishing fails
    r = post_notice(client, editors)
    assert r.status_code == 503 and r.headers["retry-after"] == "60"
    nid = r.json()["id"]
    assert nid in r.json()["error"] and "saved" in r.json()["error"]
    r = client.patch(f"/api/notices/{nid}", headers=editors.auth("anna"),
                     json={"title": "Vattnet stängs av i hela Sundsvall"})
    assert r.status_code == 503 and r.json()["id"] == nid
    out.unlink()  # the operator fixes it; the next publish (any: a change, the scheduler)
    feeder.publish()
    assert banner_titles(config) == ["Vattnet stängs av i hela Sundsvall"]
    assert client.get(f"/api/notices/{nid}",
                      headers=editors.auth("anna")).json()["title"] == banner_titles(config)[0]


@pytest.mark.parametrize("method", ["PATCH", "DELETE"])
def test_a_locked_database_is_503_for_changes_of_a_notice_too(
    config: Config, method: str
) -> None:
    with Store(config.storage.database, busy_timeout=0.1) as store, \
            Feeder(config, store=store) as feeder:
        editors = add_editors(feeder)
        with TestClient(make_app(feeder)) as client:
            nid = post_notice(client, editors).json()["id"]
            holder = sqlite3.connect(config.storage.database, isolation_level=None)
            holder.execute("BEGIN EXCLUSIVE")
            try:
                r = client.request(method, f"/api/notices/{nid}", headers=editors.auth("anna"),
                                   json={"title": "Nytt"} if method == "PATCH" else None)
            finally:
                holder.execute("ROLLBACK")
                holder.close()
            assert r.status_code == 503, r.text
            assert int(r.headers["retry-after"]) > 0 and "busy" in r.json()["error"]
            assert notices.get(store, nid).title == WARNING["title"]
            assert not notices.get(store, nid).withdrawn
