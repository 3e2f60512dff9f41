"""/api/notices: bad input of every kind is a 4xx naming the field, and stores nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from feeder import notices
from feeder.config import Config
from feeder.store import Store
from tests.editors.support import (
    WARNING,
    Editors,
    nothing_stored,
    post_notice,
)

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
    nothing_stored(store)
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
    nothing_stored(store)


def test_a_duplicate_key_is_400_naming_it(
    client: TestClient, store: Store, editors: Editors
) -> None:
    r = client.post("/api/notices", content=b'{"title": "a", "title": "b"}',
                    headers={**editors.auth("anna"), "Content-Type": "application/json"})
    assert r.status_code == 400
    assert r.json()["field"] == "title"
    nothing_stored(store)


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
    nothing_stored(store)


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
    nothing_stored(store)


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
    nothing_stored(store)


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
    created = post_notice(client, editors, title="Vägarbete", starts="2030-06-12T08:00",
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
    nid = post_notice(client, editors).json()["id"]
    assert client.delete(f"/api/notices/{nid}", headers=editors.auth("anna")).status_code == 200
    r = client.patch(f"/api/notices/{nid}", headers=editors.auth("anna"), json={"title": "Ny"})
    assert r.status_code == 409
    assert r.json()["field"] == "id"

