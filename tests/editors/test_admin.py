"""/admin/ through Starlette's TestClient: sessions, the form, preview, audit, cross-origin
refusal, security headers and throttling. (The browser test is test_browser.py.)"""

from __future__ import annotations

import logging
import re
import time

import pytest
from starlette.testclient import TestClient

from feeder import notices
from feeder.config import Config
from feeder.editors import accounts, sessions
from feeder.errors import ConfigError
from feeder.store import Store
from feeder.timeutil import utcnow
from tests.editors.conftest import PASSWORDS, SECRET, Editors, banner_titles, login, make_app

FORM = {"title": "Kraftsamling mot våldet", "body": "Länsstyrelsen bjuder in.",
        "level": "notice", "status": "published"}


def _create(client: TestClient, **fields: str) -> str:
    r = client.post("/admin/new", data={**FORM, **fields}, follow_redirects=False)
    assert r.status_code == 303, r.text
    assert r.headers["location"] == "/admin/?msg=created"
    return notices.list_notices(client.app.state.feeder.store)[0].id.removeprefix("notice:")


# ------------------------------------------------------------------------------- sign in/out


@pytest.mark.parametrize("path", ["/admin/", "/admin/new", "/admin/audit", "/admin/notices/x"])
def test_pages_redirect_to_the_login_without_a_session(client: TestClient, path: str) -> None:
    r = client.get(path, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/admin/login"


def test_posts_without_a_session_store_nothing(client: TestClient, store: Store) -> None:
    r = client.post("/admin/new", data=FORM, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/admin/login"
    assert client.post("/admin/preview", json={"title": "x"}).status_code == 401
    assert notices.list_notices(store) == []


def test_admin_without_slash_redirects(client: TestClient) -> None:
    r = client.get("/admin", follow_redirects=False)
    assert r.status_code in (307, 308) and r.headers["location"].endswith("/admin/")


def test_login_sets_a_signed_httponly_samesite_strict_cookie(client: TestClient) -> None:
    r = client.post("/admin/login", data={"name": "anna", "password": PASSWORDS["anna"]},
                    follow_redirects=False)
    assert r.status_code == 303
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"{sessions.COOKIE}=")
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie or "SameSite=Strict" in cookie
    assert "Path=/" in cookie
    assert f"Max-Age={sessions.MAX_AGE}" in cookie
    assert "Secure" not in cookie  # plain http: a Secure cookie would never come back
    page = client.get("/admin/")
    assert page.status_code == 200
    assert "Inloggad som" in page.text and "anna" in page.text


def test_the_cookie_is_secure_behind_https(client: TestClient) -> None:
    r = client.post("/admin/login", data={"name": "anna", "password": PASSWORDS["anna"]},
                    headers={"X-Forwarded-Proto": "https"}, follow_redirects=False)
    assert "Secure" in r.headers["set-cookie"]
    secure = TestClient(client.app, base_url="https://testserver")
    r = secure.post("/admin/login", data={"name": "anna", "password": PASSWORDS["anna"]},
                    follow_redirects=False)
    assert "Secure" in r.headers["set-cookie"]


@pytest.mark.parametrize(
    ("name", "password"),
    [("anna", "fel-lösenord-1"), ("nobody", "anna-lösenord-1"), ("tore", "vad-som-helst-1"),
     ("anna", ""), ("", "")],
)
def test_a_failed_login_is_401_with_a_swedish_message(
    client: TestClient, name: str, password: str
) -> None:
    r = client.post("/admin/login", data={"name": name, "password": password},
                    follow_redirects=False)
    assert r.status_code == 401
    assert "Fel namn eller lösenord." in r.text
    assert "set-cookie" not in r.headers
    assert client.get("/admin/", follow_redirects=False).status_code == 303


def test_logout_ends_the_session_even_if_the_cookie_is_replayed(client: TestClient) -> None:
    login(client)
    cookie = client.cookies.get(sessions.COOKIE)
    assert cookie
    r = client.post("/admin/logout", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/admin/login?msg=loggedout"
    assert 'Max-Age=0' in r.headers["set-cookie"] or "expires=" in r.headers["set-cookie"]
    client.cookies.set(sessions.COOKIE, cookie)
    assert client.get("/admin/", follow_redirects=False).status_code == 303
    assert client.get("/api/notices").status_code == 401
    assert "Du är utloggad." in client.get("/admin/login?msg=loggedout").text


def test_a_tampered_or_expired_or_foreign_cookie_is_no_session(
    client: TestClient, store: Store
) -> None:
    anna = accounts.get(store, "anna")
    petra = accounts.get(store, "petra")
    signer = sessions.Signer(SECRET.encode())
    good = signer.sign(anna.id, anna.session_gen, time.time())
    payload, _, mac = good.rpartition(".")
    forged = f"{petra.id}{payload[payload.index('.'):]}.{mac}"
    expired = signer.sign(anna.id, anna.session_gen, time.time() - sessions.MAX_AGE - 1)
    other_key = sessions.Signer(b"another key entirely, 32 bytes long").sign(
        anna.id, anna.session_gen, time.time())
    for value, ok in ((good, True), (forged, False), (expired, False), (other_key, False),
                      ("garbage", False), ("", False)):
        client.cookies.set(sessions.COOKIE, value)
        r = client.get("/admin/", follow_redirects=False)
        assert (r.status_code == 200) is ok, value


def test_a_new_password_ends_open_sessions(client: TestClient, store: Store) -> None:
    login(client)
    assert client.get("/admin/", follow_redirects=False).status_code == 200
    accounts.set_password(store, "anna", "ett-helt-nytt-lösen", actor="test", now=utcnow())
    assert client.get("/admin/", follow_redirects=False).status_code == 303


# ------------------------------------------------------------------------------- the form


def test_create_through_the_form_publishes_and_lists(
    client: TestClient, store: Store, config: Config
) -> None:
    login(client)
    form = client.get("/admin/new")
    assert form.status_code == 200
    assert 'name="title"' in form.text and 'id="preview"' in form.text
    nid = _create(client, level="warning", areas="2281",
                  topics="handlingsplan-mot-vald", expires="2099-01-01T12:00")
    item = notices.get(store, nid)
    assert item.author == "anna"
    assert item.areas == ("2281",)
    assert item.topics == ("handlingsplan-mot-vald",)
    assert banner_titles(config) == [FORM["title"]]
    listing = client.get("/admin/?msg=created").text
    assert "Meddelandet är sparat." in listing
    assert FORM["title"] in listing and "Aktivt" in listing and "i bannern" in listing


def test_save_as_draft_is_not_published(client: TestClient, store: Store, config: Config) -> None:
    login(client)
    nid = _create(client, status="draft")
    assert notices.get(store, nid).status == "draft"
    assert banner_titles(config) == []
    assert "Utkast" in client.get("/admin/").text


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
    _create(client, level="severe")
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
    assert r.headers["location"] == "/admin/?msg=updated"
    item = notices.get(store, nid)
    assert item.title == "Vägarbete på E4"
    assert notices.as_dict(item)["expires"] == created["expires"]
    assert banner_titles(config) == ["Vägarbete på E4"]
    audit = store.audit_log(notices.item_id(nid))
    assert [(e.actor, e.action) for e in audit] == [("anna", "update"), ("tore", "create")]


def test_withdraw_through_the_form(client: TestClient, store: Store, config: Config) -> None:
    login(client)
    nid = _create(client)
    r = client.post(f"/admin/notices/{nid}/withdraw", data={}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/admin/?msg=withdrawn"
    assert notices.get(store, nid).withdrawn
    assert banner_titles(config) == []
    page = client.get(f"/admin/notices/{nid}").text
    assert "Återkallat" in page and "kan inte längre ändras" in page


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
    nid = _create(client, title="Före")
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
    assert r.json() == {"ok": False, "error": "Rubrik: måste fyllas i.", "field": "title"}
    r = client.post("/admin/preview", json={"title": "x", "expires": "2001-01-01T00:00"})
    assert r.json()["field"] == "expires" and not r.json()["ok"]
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


# ------------------------------------------------------------------------------- protection


SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.I)


@pytest.mark.parametrize("path", ["/admin/login", "/admin/", "/admin/new", "/admin/audit"])
def test_pages_carry_the_security_headers_and_no_inline_code(
    client: TestClient, path: str
) -> None:
    login(client)
    r = client.get(path)
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["referrer-policy"] == "same-origin"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["cache-control"] == "no-store"
    for attrs in SCRIPT_TAG.findall(r.text):
        assert "src=" in attrs  # no inline script
    assert not re.search(r"\son[a-z]+\s*=", r.text)  # no event handler attributes
    assert "style=" not in r.text and "<style" not in r.text


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/admin/nope"), ("GET", "/api/nope"), ("GET", "/api/notices"),
     ("POST", "/admin/login"), ("GET", "/admin/assets/admin.js")],
)
def test_every_admin_and_api_response_has_the_headers(
    client: TestClient, method: str, path: str
) -> None:
    r = client.request(method, path, data={"x": "y"} if method == "POST" else None)
    assert r.headers["x-frame-options"] == "DENY", r.status_code
    assert "content-security-policy" in r.headers
    assert r.headers["x-content-type-options"] == "nosniff"


def test_the_script_and_style_are_served(client: TestClient) -> None:
    js = client.get("/admin/assets/admin.js")
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")
    assert 'getAttribute("data-preview")' in js.text and "fetch(" in js.text
    css = client.get("/admin/assets/admin.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert client.get("/admin/assets/../../config.yaml").status_code == 404
    assert client.get("/admin/assets/banner.js").status_code == 404


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Sec-Fetch-Site": "cross-site", "Origin": "http://testserver"},
        {"Origin": "https://evil.example"},
        {"Origin": "http://testserver:8081"},
        {"Origin": "null"},
    ],
)
def test_cross_origin_state_changes_are_refused(
    client: TestClient, store: Store, config: Config, editors: Editors,
    headers: dict[str, str], caplog: pytest.LogCaptureFixture,
) -> None:
    login(client)
    caplog.set_level(logging.WARNING, "feeder.editors")
    attempts = [
        client.post("/admin/new", data=FORM, headers=headers, follow_redirects=False),
        client.post("/admin/logout", headers=headers, follow_redirects=False),
        client.post("/api/notices", json={"title": "x"}, headers=headers),
        client.post("/api/notices", json={"title": "x"}, headers={**headers,
                                                                  **editors.auth("anna")}),
    ]
    for r in attempts:
        assert r.status_code == 403, r.text
        assert "cross-origin request refused" in r.json()["error"]
    assert notices.list_notices(store) == []
    assert client.get("/admin/", follow_redirects=False).status_code == 200  # still signed in
    assert "refused cross-origin POST" in caplog.text


@pytest.mark.parametrize(
    "headers",
    [{}, {"Sec-Fetch-Site": "same-origin"}, {"Sec-Fetch-Site": "none"},
     {"Origin": "http://testserver"},
     {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"}],
)
def test_same_origin_state_changes_pass(
    client: TestClient, store: Store, headers: dict[str, str]
) -> None:
    login(client)
    r = client.post("/admin/new", data=FORM, headers=headers, follow_redirects=False)
    assert r.status_code == 303
    assert len(notices.list_notices(store)) == 1


def test_cross_site_reads_are_not_blocked_but_carry_headers(client: TestClient) -> None:
    r = client.get("/admin/login", headers={"Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 200 and r.headers["x-frame-options"] == "DENY"


# ------------------------------------------------------------------------------- throttling


def test_repeated_failed_logins_are_throttled_and_logged(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, "feeder.editors")
    for _ in range(10):
        r = client.post("/admin/login", data={"name": "anna", "password": "gissning-123"})
        assert r.status_code == 401
    r = client.post("/admin/login", data={"name": "anna", "password": PASSWORDS["anna"]},
                    follow_redirects=False)
    assert r.status_code == 429  # even the right password, from this address, for now
    assert int(r.headers["retry-after"]) > 0
    assert "För många misslyckade inloggningar" in r.text
    assert "set-cookie" not in r.headers
    assert "failed login as 'anna'" in caplog.text
    assert "throttled authentication from testclient" in caplog.text


def test_repeated_bad_tokens_are_throttled_and_logged(
    client: TestClient, editors: Editors, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, "feeder.editors")
    for i in range(10):
        r = client.get("/api/notices", headers={"Authorization": f"Bearer fdr_guess{i}"})
        assert r.status_code == 401
    r = client.get("/api/notices", headers=editors.auth("anna"))
    assert r.status_code == 429
    assert int(r.headers["retry-after"]) > 0
    assert r.json()["field"] is None
    assert "bad API token" in caplog.text
    # a request without credentials is no guess: it is told to authenticate, not to wait
    assert client.get("/api/notices").status_code == 401


# ------------------------------------------------------------------------------- the key


def test_no_key_while_editors_exist_stops_the_app_at_start(
    config: Config, store: Store, editors: Editors, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FEEDER_SECRET_KEY")
    with pytest.raises(ConfigError) as err:
        make_app(config, store)
    assert err.value.key == "FEEDER_SECRET_KEY"
    assert "CREDENTIALS_DIRECTORY" in str(err.value)


def test_a_short_key_is_refused(
    config: Config, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FEEDER_SECRET_KEY", "kort")
    with pytest.raises(ConfigError, match="at least 32"):
        make_app(config, store)


def test_the_key_may_come_from_the_credentials_directory(
    config: Config, store: Store, editors: Editors, monkeypatch: pytest.MonkeyPatch,
    tmp_path: object,
) -> None:
    from pathlib import Path

    creds = Path(str(tmp_path)) / "creds"
    creds.mkdir()
    (creds / "secret_key").write_text(SECRET + "\n")
    monkeypatch.delenv("FEEDER_SECRET_KEY")
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(creds))
    with TestClient(make_app(config, store)) as c:
        login(c, "anna")
        assert c.get("/admin/").status_code == 200


def test_without_editors_and_key_the_app_runs_and_login_says_why(
    config: Config, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FEEDER_SECRET_KEY")
    with TestClient(make_app(config, store)) as c:
        r = c.get("/admin/login")
        assert r.status_code == 503
        assert "ingen sessionsnyckel" in r.text
        assert c.post("/admin/login", data={"name": "a", "password": "b"}).status_code == 503
        assert c.get("/healthz").status_code in (200, 503)


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
    assert r.headers["location"] == "/admin/?msg=updated"
    assert notices.get(store, nid).areas == ("2262",)
