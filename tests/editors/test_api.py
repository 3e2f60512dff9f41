"""/api/notices against the real app: a real SQLite file and real publishing to output_dir."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from feeder import notices
from feeder.config import Config
from feeder.editors import accounts
from feeder.publish import publish
from feeder.store import Store
from feeder.timeutil import iso_z, parse_iso, utcnow
from tests.editors.conftest import Editors, banner, banner_titles, login, output_files

WARNING = {"title": "Vattenavstängning i Sundsvall", "body": "Hela centrum.", "level": "warning"}


def _post(client: TestClient, editors: Editors, who: str = "anna", **fields: Any) -> Any:
    return client.post("/api/notices", headers=editors.auth(who), json=fields or WARNING)


def _nothing_stored(store: Store, audit_before: int = 0) -> None:
    assert notices.list_notices(store) == []
    assert len([e for e in store.audit_log() if e.item_id]) == audit_before


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
    _nothing_stored(store)


def test_a_rotated_token_stops_working_and_the_new_one_works(
    client: TestClient, store: Store, editors: Editors
) -> None:
    old = editors.auth("anna")
    assert client.get("/api/notices", headers=old).status_code == 200
    new = accounts.rotate_token(store, "anna", actor="test", now=utcnow())
    assert client.get("/api/notices", headers=old).status_code == 401
    r = client.post("/api/notices", headers={"Authorization": f"Bearer {new}"}, json=WARNING)
    assert r.status_code == 201
    assert r.json()["author"] == "anna"


def test_a_removed_editor_is_locked_out_by_token_and_session(
    client: TestClient, store: Store, editors: Editors
) -> None:
    login(client, "anna")
    assert client.get("/api/notices").status_code == 200  # the session works for the API
    accounts.remove(store, "anna", actor="test", now=utcnow())
    assert client.get("/api/notices", headers=editors.auth("anna")).status_code == 401
    assert client.get("/api/notices").status_code == 401
    assert client.get("/admin/", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("level", ["severe", "critical", 4, 5])
def test_an_editor_may_not_publish_severe_or_critical(
    client: TestClient, store: Store, editors: Editors, level: Any
) -> None:
    r = _post(client, editors, "anna", title="Stormvarning", level=level)
    assert r.status_code == 403
    assert r.json()["field"] == "level"
    assert "publisher" in r.json()["error"]
    _nothing_stored(store)


@pytest.mark.parametrize("level", ["info", "notice", "warning"])
def test_an_editor_may_publish_up_to_warning(
    client: TestClient, editors: Editors, level: str
) -> None:
    assert _post(client, editors, "tore", title="Meddelande", level=level).status_code == 201


def test_an_editor_may_draft_severe_and_a_publisher_publishes_it(
    client: TestClient, store: Store, config: Config, editors: Editors
) -> None:
    r = _post(client, editors, "anna", title="Storm i natt", level="severe", status="draft")
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
    nid = _post(client, editors, "petra", title="Orkan", level="severe").json()["id"]
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
    r = _post(client, editors, "petra", title="VMA-övning", level="critical")
    assert r.status_code == 201
    assert r.json()["level_number"] == 5


# ------------------------------------------------------------------------------- validation

LONG_TITLE = "å" * (notices.MAX_TITLE + 1)
LONG_BODY = "x" * (notices.MAX_BODY + 1)
PAST = "2020-01-01T00:00:00Z"

BAD_FIELDS: list[tuple[str, dict[str, Any], str]] = [
    ("missing title", {"body": "x"}, "title"),
    ("empty title", {"title": ""}, "title"),
    ("title only markup", {"title": "<b> </b><script>x()</script>"}, "title"),
    ("title too long", {"title": LONG_TITLE}, "title"),
    ("body too long", {"title": "t", "body": LONG_BODY}, "body"),
    ("title wrong type", {"title": 5}, "title"),
    ("body wrong type", {"title": "t", "body": ["x"]}, "body"),
    ("unknown level", {"title": "t", "level": "extreme"}, "level"),
    ("level out of range", {"title": "t", "level": 9}, "level"),
    ("level boolean", {"title": "t", "level": True}, "level"),
    ("level float", {"title": "t", "level": 2.0}, "level"),
    ("starts not a time", {"title": "t", "starts": "i morgon"}, "starts"),
    ("starts wrong type", {"title": "t", "starts": 1781251200}, "starts"),
    ("expires before starts",
     {"title": "t", "starts": "2030-06-12T10:00", "expires": "2030-06-12T09:00"}, "expires"),
    ("expires equal to starts",
     {"title": "t", "starts": "2030-06-12T10:00", "expires": "2030-06-12T10:00"}, "expires"),
    ("expires in the past", {"title": "t", "expires": PAST}, "expires"),
    ("javascript url", {"title": "t", "url": "javascript:alert(1)"}, "url"),
    ("relative url", {"title": "t", "url": "/nyheter"}, "url"),
    ("url wrong type", {"title": "t", "url": 5}, "url"),
    ("unknown topic", {"title": "t", "topics": ["nope"]}, "topics"),
    ("topics wrong type", {"title": "t", "topics": {"a": 1}}, "topics"),
    ("unknown municipality", {"title": "t", "areas": ["0180"]}, "areas"),
    ("unknown status", {"title": "t", "status": "live"}, "status"),
    ("unknown field", {"title": "t", "colour": "red"}, "colour"),
    ("read-only id", {"title": "t", "id": "mine"}, "id"),
    ("read-only author", {"title": "t", "author": "someone else"}, "author"),
]


@pytest.mark.parametrize(("fields", "field"), [c[1:] for c in BAD_FIELDS],
                         ids=[c[0] for c in BAD_FIELDS])
def test_bad_fields_are_400_naming_the_field_and_store_nothing(
    client: TestClient, store: Store, config: Config, editors: Editors,
    fields: dict[str, Any], field: str,
) -> None:
    r = client.post("/api/notices", headers=editors.auth("anna"), json=fields)
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["field"] == field
    assert isinstance(body["error"], str) and body["error"]
    _nothing_stored(store)
    assert not (config.storage.output_dir / "banner.json").exists()


BAD_BODIES: list[tuple[str, bytes, str]] = [
    ("malformed", b'{"title": "t",', "malformed JSON"),
    ("not an object", b'["title"]', "JSON object"),
    ("a string", b'"title"', "JSON object"),
    ("empty", b"", "malformed JSON"),
    ("NaN", b'{"title": "t", "level": NaN}', "malformed JSON"),
    ("not UTF-8", '{"title": "Härnösand"}'.encode("latin-1"), "UTF-8"),
    ("deeply nested", b'{"title": ' + b"[" * 100_00 + b"]" * 100_00 + b"}", "malformed JSON"),
]


@pytest.mark.parametrize(("raw", "words"), [c[1:] for c in BAD_BODIES],
                         ids=[c[0] for c in BAD_BODIES])
def test_malformed_json_is_400(
    client: TestClient, store: Store, editors: Editors, raw: bytes, words: str
) -> None:
    r = client.post("/api/notices", content=raw,
                    headers={**editors.auth("anna"), "Content-Type": "application/json"})
    assert r.status_code == 400, r.text
    assert words in r.json()["error"]
    assert r.json()["field"] is None
    _nothing_stored(store)


def test_a_duplicate_key_is_400_naming_it(
    client: TestClient, store: Store, editors: Editors
) -> None:
    r = client.post("/api/notices", content=b'{"title": "a", "title": "b"}',
                    headers={**editors.auth("anna"), "Content-Type": "application/json"})
    assert r.status_code == 400
    assert r.json()["field"] == "title"
    _nothing_stored(store)


@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
     "application/json; charset=latin-1", "application/jsonp"],
)
def test_a_wrong_content_type_is_415(
    client: TestClient, store: Store, editors: Editors, content_type: str | None
) -> None:
    headers = editors.auth("anna")
    if content_type:
        headers["Content-Type"] = content_type
    r = client.post("/api/notices", content=json.dumps(WARNING).encode(), headers=headers)
    assert r.status_code == 415
    assert "Content-Type" in r.json()["error"] or "charset" in r.json()["error"]
    _nothing_stored(store)


def test_json_with_utf8_charset_is_accepted(client: TestClient, editors: Editors) -> None:
    r = client.post("/api/notices", content=json.dumps(WARNING).encode(),
                    headers={**editors.auth("anna"),
                             "Content-Type": "application/json; charset=UTF-8"})
    assert r.status_code == 201


def test_a_body_over_64_kib_is_413_from_its_content_length(
    client: TestClient, store: Store, editors: Editors
) -> None:
    raw = json.dumps({"title": "t", "body": "x" * (64 * 1024)}).encode()
    r = client.post("/api/notices", content=raw,
                    headers={**editors.auth("anna"), "Content-Type": "application/json"})
    assert r.status_code == 413
    assert str(64 * 1024) in r.json()["error"]
    _nothing_stored(store)


def test_a_streamed_body_over_64_kib_is_413_while_reading(
    client: TestClient, store: Store, editors: Editors
) -> None:
    sent = []

    def chunks() -> Iterator[bytes]:
        yield b'{"title": "t", "body": "'
        for _ in range(100):  # 100 x 4 KiB: no Content-Length, chunked
            sent.append(1)
            yield b"x" * 4096
        yield b'"}'

    r = client.post("/api/notices", content=chunks(),
                    headers={**editors.auth("anna"), "Content-Type": "application/json"})
    assert r.status_code == 413
    _nothing_stored(store)


def test_a_body_of_exactly_64_kib_is_read(client: TestClient, editors: Editors) -> None:
    head = b'{"title": "t"'
    raw = head + b" " * (64 * 1024 - len(head) - 1) + b"}"  # JSON white space pads it
    assert len(raw) == 64 * 1024
    r = client.post("/api/notices", content=raw,
                    headers={**editors.auth("anna"), "Content-Type": "application/json"})
    assert r.status_code == 201


def test_patch_validates_against_the_stored_notice(
    client: TestClient, store: Store, editors: Editors
) -> None:
    created = _post(client, editors, title="Vägarbete", starts="2030-06-12T08:00",
                    expires="2030-06-13T08:00").json()
    nid = created["id"]
    cases = [
        ({"expires": "2030-06-12T07:00"}, "expires"),  # before the stored starts
        ({"title": ""}, "title"),
        ({"level": "extreme"}, "level"),
        ({"updated": "2030-01-01T00:00Z"}, "updated"),
        ({"colour": "red"}, "colour"),
    ]
    for fields, field in cases:
        r = client.patch(f"/api/notices/{nid}", headers=editors.auth("anna"), json=fields)
        assert r.status_code == 400, fields
        assert r.json()["field"] == field
    assert notices.as_dict(notices.get(store, nid)) == created
    assert [e.action for e in store.audit_log(notices.item_id(nid))] == ["create"]


def test_unknown_ids_are_404(client: TestClient, editors: Editors) -> None:
    for method in ("GET", "PATCH", "DELETE"):
        r = client.request(method, "/api/notices/nope", headers=editors.auth("anna"),
                           json={"title": "x"} if method == "PATCH" else None)
        assert r.status_code == 404, method
        assert "nope" in r.json()["error"]


def test_a_withdrawn_notice_cannot_change(
    client: TestClient, editors: Editors
) -> None:
    nid = _post(client, editors).json()["id"]
    assert client.delete(f"/api/notices/{nid}", headers=editors.auth("anna")).status_code == 200
    r = client.patch(f"/api/notices/{nid}", headers=editors.auth("anna"), json={"title": "Ny"})
    assert r.status_code == 409
    assert r.json()["field"] == "id"


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
    assert alert["id"] == f"notice:{shown['id']}"
    assert alert["title"] == shown["title"]
    assert alert["areas"] == ["2281"]
    assert client.get("/banner.json").json()["alert"]["id"] == alert["id"]
    published = output_files(config.storage.output_dir)
    assert not [name for name in published if name.startswith("admin.")]  # /admin/assets only
    assert client.get(f"/api/notices/{shown['id']}", headers=editors.auth("tore")).json() == shown
    listed = client.get("/api/notices", headers=editors.auth("tore")).json()
    assert listed == [shown]


def test_patch_changes_only_the_fields_given_and_republishes(
    client: TestClient, store: Store, config: Config, editors: Editors
) -> None:
    created = _post(client, editors).json()
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
    nid = _post(client, editors).json()["id"]
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
    nid = _post(client, editors, title="Utkast om vatten", level="warning",
                status="draft").json()["id"]
    files = output_files(config.storage.output_dir)
    assert not any(b"Utkast om vatten" in data for data in files.values())
    client.patch(f"/api/notices/{nid}", headers=editors.auth("anna"), json={"status": "published"})
    assert banner_titles(config) == ["Utkast om vatten"]


def test_audit_entries_record_who_did_what_with_before_and_after(
    client: TestClient, store: Store, editors: Editors
) -> None:
    nid = _post(client, editors, "anna", title="Första", level="notice").json()["id"]
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
    r = _post(client, editors, title=HOSTILE_TITLE, body=HOSTILE_BODY, level="warning",
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
        text = data.decode("utf-8", "replace")
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
    r = _post(client, editors, title="Planerat avbrott", level="notice", starts=iso_z(starts))
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
    client: TestClient, store: Store, editors: Editors, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken() -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(client.app.state.feeder, "publish_now", broken)
    r = _post(client, editors)
    assert r.status_code == 503
    assert r.headers["retry-after"] == "60"
    body = r.json()
    assert "saved" in body["error"] and "No space left on device" in body["error"]
    assert body["field"] is None
    stored = notices.get(store, body["id"])  # nothing lost: stored and audited
    assert stored.title == WARNING["title"]
    assert [e.actor for e in store.audit_log(stored.id)] == ["anna"]
    assert "publishing after an editor's change" in caplog.text
    login(client)
    page = client.post("/admin/new", data={"title": "Till", "level": "info",
                                           "status": "published"})
    assert page.status_code == 503 and "Ändringen är sparad" in page.text
