"""/api/notices under hostile input (tests/notices/hostile.py): a control character, U+000B,
U+FFFE, a lone surrogate, years 0999, 9999 and 0001 are refused with a 400 naming the field or
stored clean; never a 500. Publishing stays whole, and a withdrawal still empties the banner."""

from __future__ import annotations

import httpx
import pytest
from starlette.testclient import TestClient

from feeder import notices
from feeder.config import Config
from feeder.store import Store
from tests.editors.support import Editors, nothing_stored
from tests.notices.hostile import (
    BASE,
    CASES,
    IDS,
    TITLE,
    Hostile,
    fields,
    json_bytes,
    outputs_whole,
    published_titles,
)


def send(client: TestClient, editors: Editors, method: str, path: str,
         data: object) -> httpx.Response:
    """A JSON request as anna, a lone surrogate sent as its escape."""
    return client.request(method, path, content=json_bytes(data),
                          headers={**editors.auth("anna"), "Content-Type": "application/json"})


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_create_refuses_naming_the_field_or_stores_clean_and_publishing_holds(
    client: TestClient, store: Store, config: Config, editors: Editors, case: Hostile
) -> None:
    r = send(client, editors, "POST", "/api/notices", fields(case))
    out = config.storage.output_dir
    if case.refused:
        assert r.status_code == 400, r.text
        assert r.json()["field"] == case.field
        assert "1970–2999" in r.json()["error"]
        nothing_stored(store)
        return
    assert r.status_code == 201, r.text
    shown = r.json()
    assert shown[case.field] == case.stored
    assert getattr(notices.get(store, shown["id"]), case.field) == case.stored
    # the API answers with the title that is published
    banner = outputs_whole(out)
    assert [a["title"] for a in banner["alerts"]] == [shown["title"]] == [TITLE]
    assert published_titles(out) == [TITLE]
    # a withdrawal still empties the banner
    assert client.delete(f"/api/notices/{shown['id']}",
                         headers=editors.auth("anna")).status_code == 200
    assert outputs_whole(out)["alerts"] == []


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_update_refuses_naming_the_field_or_stores_clean(
    client: TestClient, store: Store, config: Config, editors: Editors, case: Hostile
) -> None:
    created = client.post("/api/notices", headers=editors.auth("anna"),
                          json={**BASE, "title": "Först"}).json()
    path = f"/api/notices/{created['id']}"
    r = send(client, editors, "PATCH", path, {case.field: case.value})
    if case.refused:
        assert r.status_code == 400, r.text
        assert r.json()["field"] == case.field
        assert notices.as_dict(notices.get(store, created["id"])) == created
    else:
        assert r.status_code == 200, r.text
        assert r.json()[case.field] == case.stored
    outputs_whole(config.storage.output_dir)
    assert client.delete(path, headers=editors.auth("anna")).status_code == 200
    assert outputs_whole(config.storage.output_dir)["alerts"] == []


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": "\ud800"}, "title"),  # nothing left after hygiene
        ({"title": "\u200b\u00ad\ufeff \x0b"}, "title"),  # only invisible characters
        ({"title": "t", "starts": "\ud800"}, "starts"),  # no time, not a cleared one
        ({"title": "t", "level": "\ud800"}, "level"),
        ({"title": "t", "status": "\udcff"}, "status"),
        ({"title": "t", "topics": ["\ud800"]}, "topics"),
        ({"title": "t", "areas": ["\ud800"]}, "areas"),
        ({"title": "t", "url": "\ud800"}, "url"),
        ({"title": "t", "\ud800": "x"}, "\\ud800"),  # the unknown field, named printably
        ({"title": "t", "expires": "+10000-01-01T00:00"}, "expires"),
        ({"title": "t", "expires": "2030-13-01T00:00"}, "expires"),
    ],
)
def test_lone_surrogates_and_odd_times_are_400_naming_the_field(
    client: TestClient, store: Store, editors: Editors, data: dict[str, str], field: str
) -> None:
    r = send(client, editors, "POST", "/api/notices", data)
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["field"] == field and body["error"]
    nothing_stored(store)


def test_a_lone_surrogate_inside_a_value_is_removed_by_hygiene(
    client: TestClient, editors: Editors
) -> None:
    r = send(client, editors, "POST", "/api/notices",
             {"title": "t", "expires": "2030-06-12T10:00\ud800", "areas": ["\udcff2281"]})
    assert r.status_code == 201, r.text
    shown = r.json()
    assert (shown["expires"], shown["areas"]) == ("2030-06-12T08:00:00Z", ["2281"])


@pytest.mark.parametrize(
    "url",
    ["https://www.sundsvall.se/vatten och avlopp", 'https://www.sundsvall.se/"x"',
     "https://www.sundsvall.se/<script>", "https://www.sundsvall.se/`x`",
     "https://www.sundsvall.se/a\tb", "https://www.sundsvall.se/'x'", "//www.sundsvall.se/x",
     "https://", "mailto:info@sundsvall.se", "https://www.sundsvall.se/" + "x" * 2000],
)
def test_a_link_the_outputs_would_drop_is_refused_naming_url(
    client: TestClient, store: Store, editors: Editors, url: str
) -> None:
    r = client.post("/api/notices", headers=editors.auth("anna"), json={**BASE, "url": url})
    assert r.status_code == 400, r.text
    assert r.json()["field"] == "url"
    nothing_stored(store)


def test_a_link_that_is_accepted_is_published_as_it_is(
    client: TestClient, config: Config, editors: Editors
) -> None:
    url = "https://www.sundsvall.se/bo-och-leva/vatten?område=centrum#karta"
    r = client.post("/api/notices", headers=editors.auth("anna"),
                    json={**BASE, "url": f" {url}\x01"})
    assert r.status_code == 201 and r.json()["url"] == url
    assert outputs_whole(config.storage.output_dir)["alerts"][0]["url"] == url


def test_a_64_kb_title_is_refused_at_once_by_its_size(
    client: TestClient, store: Store, editors: Editors
) -> None:
    r = client.post("/api/notices", headers=editors.auth("anna"),
                    json={"title": "<p" * 32_000})
    assert r.status_code == 400
    assert r.json() == {"error": "is 64000 characters; at most 200", "field": "title"}
    nothing_stored(store)


@pytest.mark.parametrize(
    ("typed", "published"),
    [
        ("<b>Vatten</b>avstängning &amp; spolning\x0b i Sundsvall",
         "Vattenavstängning & spolning i Sundsvall"),
        ("Kokvatten  i\u00a0Timrå\t", "Kokvatten i Timrå"),
        ("Tom &amp; Jerry", "Tom & Jerry"),
    ],
)
def test_the_api_answers_with_the_title_that_is_published(
    client: TestClient, config: Config, editors: Editors, typed: str, published: str
) -> None:
    shown = send(client, editors, "POST", "/api/notices", {**BASE, "title": typed}).json()
    out = config.storage.output_dir
    assert shown["title"] == published
    assert [a["title"] for a in outputs_whole(out)["alerts"]] == [published]
    assert published_titles(out) == [published]


def test_a_title_with_angle_brackets_is_published_as_the_api_answers(
    client: TestClient, config: Config, editors: Editors
) -> None:
    shown = send(client, editors, "POST", "/api/notices",
                 {**BASE, "title": "Möte om &lt;Höga kusten&gt;"}).json()
    assert shown["title"] == "Möte om <Höga kusten>"
    assert [a["title"] for a in outputs_whole(config.storage.output_dir)["alerts"]] == [
        shown["title"]]
