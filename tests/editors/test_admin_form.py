"""/admin/ through Starlette's TestClient: the form, the preview and the audit page. (Sessions:
test_admin_session.py; headers and cross-origin refusal: test_admin_security.py; the browser:
test_browser.py.)"""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from feeder import notices
from feeder.config import Config
from feeder.store import Store
from tests.editors.support import (
    FORM,
    Editors,
    banner_titles,
    create_via_form,
    login,
)

# ------------------------------------------------------------------------------- the form


def test_create_through_the_form_publishes_and_lists(
    client: TestClient, store: Store, config: Config
) -> None:
    login(client)
    form = client.get("/admin/new")
    assert form.status_code == 200
    assert 'name="title"' in form.text and 'id="preview"' in form.text
    nid = create_via_form(client, level="warning", areas="2281",
                  topics="handlingsplan-mot-vald", expires="2099-01-01T12:00")
    item = notices.get(store, nid)
    assert item.author == "anna"
    assert item.areas == ("2281",)
    assert item.topics == ("handlingsplan-mot-vald",)
    assert banner_titles(config) == [FORM["title"]]
    listing = client.get("/admin/?msg=published").text
    assert "Publicerat." in listing
    assert FORM["title"] in listing and "Publicerad" in listing and "i bannern" in listing
    assert "Sundsvall" in listing  # where it applies, by name
    assert '<td data-label="Nivå">Gul varning</td>' in listing  # Swedish only
    assert "(2 – notice)" not in listing and "published" not in listing


def test_save_as_draft_is_not_published(client: TestClient, store: Store, config: Config) -> None:
    login(client)
    nid = create_via_form(client, status="draft")
    assert notices.get(store, nid).status == "draft"
    assert banner_titles(config) == []
    listing = client.get("/admin/?msg=draft").text
    assert "Utkast" in listing and "Sparat som utkast." in listing and "Publicerat" not in listing


@pytest.mark.parametrize(
    ("fields", "status", "words"),
    [
        ({"title": ""}, 400, "Rubrik: måste fyllas i."),
        ({"title": "x" * 201}, 400, "Rubrik: har 201 tecken; högst 200 är tillåtet."),
        ({"expires": "2020-01-01T10:00"}, 400, "Upphör: ligger redan i det förflutna."),
        ({"starts": "2030-01-02T10:00", "expires": "2030-01-01T10:00"}, 400,
         "Upphör: måste ligga efter starttiden."),
        ({"url": "javascript:alert(1)"}, 400, "Länk: måste vara en webbadress"),
        ({"level": "severe"}, 403, "kräver rollen publicist"),
    ],
)
def test_a_rejected_form_is_shown_again_with_the_error_and_stores_nothing(
    client: TestClient, store: Store, fields: dict[str, str], status: int, words: str
) -> None:
    login(client)
    r = client.post("/admin/new", data={**FORM, "body": "Min <b>text</b> finns kvar", **fields})
    assert r.status_code == status
    assert words in r.text
    assert "Min &lt;b&gt;text&lt;/b&gt; finns kvar" in r.text  # what was typed, escaped
    assert notices.list_notices(store) == []


def test_a_publisher_may_publish_severe_through_the_form(
    client: TestClient, config: Config
) -> None:
    login(client, "petra")
    create_via_form(client, level="severe")
    assert banner_titles(config) == [FORM["title"]]


def test_editing_changes_only_what_was_changed(
    client: TestClient, store: Store, config: Config, editors: Editors
) -> None:
    created = client.post("/api/notices", headers=editors.auth("tore"), json={
        "title": "Vägarbete", "level": "notice", "starts": "2026-01-01T08:00:17Z",
        "expires": "2099-01-01T08:00:42Z"}).json()
    nid = created["id"]
    login(client)
    form = client.get(f"/admin/notices/{nid}")
    assert form.status_code == 200
    values = {name: re.search(rf'name="{name}"[^>]*value="([^"]*)"', form.text)
              for name in ("title", "starts", "expires", "url")}
    data = {name: m.group(1) if m else "" for name, m in values.items()}
    data.update(body="", level="notice", status="published")
    # submitting the form untouched changes nothing (times keep their seconds)
    r = client.post(f"/admin/notices/{nid}", data=data, follow_redirects=False)
    assert r.headers["location"] == "/admin/?msg=unchanged"
    assert [e.action for e in store.audit_log(notices.item_id(nid))] == ["create"]
    # a changed title is the only change
    r = client.post(f"/admin/notices/{nid}", data={**data, "title": "Vägarbete på E4"},
                    follow_redirects=False)
    assert r.headers["location"] == "/admin/?msg=published"
    item = notices.get(store, nid)
    assert item.title == "Vägarbete på E4"
    assert notices.as_dict(item)["expires"] == created["expires"]
    assert banner_titles(config) == ["Vägarbete på E4"]
    audit = store.audit_log(notices.item_id(nid))
    assert [(e.actor, e.action) for e in audit] == [("anna", "update"), ("tore", "create")]


def test_withdraw_through_the_form(client: TestClient, store: Store, config: Config) -> None:
    login(client)
    nid = create_via_form(client)
    r = client.post(f"/admin/notices/{nid}/withdraw", data={}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/admin/?msg=withdrawn"
    assert notices.get(store, nid).withdrawn
    assert banner_titles(config) == []
    page = client.get(f"/admin/notices/{nid}").text
    assert "Återkallad" in page and "kan inte längre ändras" in page


def test_unknown_notice_pages_are_404(client: TestClient) -> None:
    login(client)
    assert client.get("/admin/notices/nope").status_code == 404
    r = client.post("/admin/notices/nope/withdraw", data={})
    assert r.status_code == 404
    assert "Det finns inget sådant meddelande." in r.text


def test_the_audit_page_shows_who_when_before_and_after(
    client: TestClient, editors: Editors
) -> None:
    login(client, "petra")
    nid = create_via_form(client, title="Före")
    client.post(f"/admin/notices/{nid}",
                data={**FORM, "title": "Efter"}, follow_redirects=False)
    page = client.get(f"/admin/audit?id={nid}").text
    assert page.count("petra") >= 3  # header + two entries
    assert "skapade" in page and "ändrade" in page
    row = re.search(r"<th scope=\"row\">Rubrik</th>\s*<td>Före</td>\s*<td>Efter</td>", page)
    assert row, page
    whole = client.get("/admin/audit").text
    assert "lade till redaktören" in whole  # account changes are logged too


# ------------------------------------------------------------------------------- preview


def test_preview_renders_the_banner_and_the_feed_entry(client: TestClient) -> None:
    login(client)
    r = client.post("/admin/preview", json={
        "title": "<i>Risk</i> för skogsbrand", "body": "<p>Var <script>x()</script>försiktig</p>",
        "level": "warning", "starts": "", "expires": "", "url": "https://www.smhi.se/",
        "topics": [], "areas": []})
    assert r.status_code == 200
    data = r.json()
    assert data["ok"] and data["in_banner"] and not data["scheduled"]
    html = data["html"]
    assert 'id="preview-banner"' in html and 'id="preview-entry"' in html
    assert "Risk för skogsbrand" in html and "<i>" not in html
    assert "Nivå 3 – Gul varning" in html
    assert "<script" not in html and "x()" not in html
    assert 'href="https://www.smhi.se/"' in html


def test_preview_of_info_says_it_stays_out_of_the_banner(client: TestClient) -> None:
    login(client)
    data = client.post("/admin/preview", json={"title": "Nyhet", "level": "info"}).json()
    assert data["ok"] and not data["in_banner"]
    assert "Visas inte i bannern" in data["html"]


def test_preview_of_a_later_start_says_when(client: TestClient) -> None:
    login(client)
    data = client.post("/admin/preview",
                       json={"title": "Senare", "level": "notice",
                             "starts": "2099-06-12T08:00"}).json()
    assert data["scheduled"] and not data["in_banner"]
    assert "Visas i bannern från 12 juni 2099 kl. 08.00" in data["html"]


def test_preview_reports_errors_in_swedish_and_stores_nothing(
    client: TestClient, store: Store
) -> None:
    login(client)
    r = client.post("/admin/preview", json={"title": "", "level": "notice"})
    assert r.status_code == 200  # the preview worked; what it previews would be refused
    assert r.json() == {"ok": False, "error": "Rubrik: måste fyllas i.", "field": "title",
                        "errors": [{"field": "title", "error": "Rubrik: måste fyllas i."}]}
    r = client.post("/admin/preview", json={"title": "x", "expires": "2001-01-01T00:00"})
    assert not r.json()["ok"]  # every error at once, in the form's order: no level chosen yet
    assert [e["field"] for e in r.json()["errors"]] == ["level", "expires"]
    r = client.post("/admin/preview", json={"id": "notice:000000000000", "title": "x"})
    assert r.json()["error"] == "Det finns inget sådant meddelande." and r.json()["field"] == "id"
    r = client.post("/admin/preview", data={"title": "x"})
    assert r.status_code == 415 and not r.json()["ok"]
    r = client.post("/admin/preview", content=b"{", headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert notices.list_notices(store) == []


def test_preview_of_an_existing_notice_uses_its_stored_values(
    client: TestClient, editors: Editors
) -> None:
    nid = client.post("/api/notices", headers=editors.auth("anna"), json={
        "title": "Gammal rubrik", "level": "notice", "body": "Sparad text"}).json()["id"]
    login(client)
    data = client.post("/admin/preview", json={"id": nid, "title": "Ny rubrik"}).json()
    assert data["ok"]
    assert "Ny rubrik" in data["html"] and "Sparad text" in data["html"]


def test_the_same_boxes_in_another_order_are_no_change(
    client: TestClient, store: Store, editors: Editors
) -> None:
    nid = client.post("/api/notices", headers=editors.auth("anna"), json={
        "title": "Vatten", "level": "notice", "areas": ["2284", "2262"]}).json()["id"]
    login(client)
    data = {**FORM, "title": "Vatten", "body": notices.get(store, nid).body,
            "areas": ["2262", "2284"]}
    r = client.post(f"/admin/notices/{nid}", data=data, follow_redirects=False)
    assert r.headers["location"] == "/admin/?msg=unchanged"
    r = client.post(f"/admin/notices/{nid}", data={**data, "areas": ["2262"]},
                    follow_redirects=False)
    assert r.headers["location"] == "/admin/?msg=published"
    assert notices.get(store, nid).areas == ("2262",)
