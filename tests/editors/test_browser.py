"""The admin form in real headless Chromium (Debian's, via Playwright) against the real server:
``feeder run``'s wiring (scheduler, output cache, web app) on uvicorn on a free loopback port.

Also here, because they need the running scheduler: a notice whose ``starts`` lies ahead enters
the banner at that moment, and one whose ``expires`` passes leaves it, with nobody acting.
"""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page
from pytest_httpserver import HTTPServer

from feeder import daemon, notices
from feeder.app import Feeder
from feeder.config import Config
from feeder.server import BackgroundServer
from feeder.store import Store
from feeder.timeutil import iso_z, utcnow
from feeder.web import create_app
from tests.common import AXE, chromium, make_config
from tests.editors.support import PASSWORDS, Editors


@dataclass
class Live:
    config: Config
    store: Store
    url: str

    def get_json(self, path: str) -> Any:
        with urllib.request.urlopen(self.url + path, timeout=10) as resp:
            return json.loads(resp.read())

    def banner_titles(self) -> list[str]:
        return [a["title"] for a in self.get_json("/banner.json")["alerts"]]

    def api(self, method: str, path: str, token: str, body: dict[str, Any]) -> Any:
        req = urllib.request.Request(
            self.url + path, method=method, data=json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())


@pytest.fixture
def config(tmp_path: Path) -> Config:
    # no upstream sources: nothing here may reach the internet
    return make_config(tmp_path, sources={"smhi": {"enabled": False},
                                          "lansstyrelsen": {"enabled": False}})


@pytest.fixture
def live(config: Config, store: Store, feeder: Feeder, editors: Editors) -> Iterator[Live]:
    scheduler, cache = daemon.build(feeder)
    app = create_app(feeder, service=scheduler, cache=cache)
    server = BackgroundServer(app).start()
    try:
        deadline = time.monotonic() + 10
        while not (config.storage.output_dir / "banner.json").exists():
            assert time.monotonic() < deadline, "the scheduler's first publish did not happen"
            time.sleep(0.05)
        yield Live(config, store, server.url)
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="sv-SE")
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    yield pg
    context.close()


def _login(page: Page, live: Live, name: str = "anna") -> None:
    page.goto(live.url + "/admin/")
    assert page.url == live.url + "/admin/login"
    page.fill("#name", name)
    page.fill("#password", PASSWORDS[name])
    page.click("button[type=submit]:has-text('Logga in')")
    page.wait_for_url(live.url + "/admin/")


def test_log_in_write_with_preview_publish_and_log_out(page: Page, live: Live) -> None:
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(f"{m.text} {m.location}")
            if m.type == "error" else None)
    assert live.banner_titles() == []

    _login(page, live)
    assert page.locator(".whoami").inner_text().startswith("Inloggad som anna")
    page.click("text=Nytt meddelande >> nth=0")
    page.wait_for_url(live.url + "/admin/new")
    # an untouched form shows no error, only how the preview comes
    page.wait_for_timeout(600)
    assert page.locator("#preview-error").count() == 0
    assert "Förhandsvisningen visas" in page.locator("#preview").inner_text()
    assert page.locator("#level").input_value() == ""  # no level chosen for the editor
    # a title alone: no error about the level not touched yet
    page.fill("#title", "Vattenavstängning i Timrå")
    page.locator("#preview .hint", has_text="rubrik och nivå").wait_for()
    assert page.locator("#preview-error").count() == 0

    # the live preview follows the typing (admin.js -> /admin/preview)
    page.fill("#title", "Vattenavstängning i Timrå")
    page.fill("#body", "Vattnet är avstängt <b>tisdag</b> 8–12.<script>alert(1)</script>")
    page.select_option("#level", "warning")
    page.fill("#url", "https://www.timra.se/vatten")
    page.check("input[name=areas][value='2262']")
    banner_preview = page.locator("#preview-banner")
    banner_preview.locator("h2", has_text="Vattenavstängning i Timrå").wait_for()
    assert "Gul varning" in banner_preview.inner_text()
    assert "Gäller: Timrå" in banner_preview.inner_text()  # the municipality by name
    entry = page.locator("#preview-entry")
    assert "tisdag" in entry.inner_text()
    assert entry.locator("b").inner_text() == "tisdag"
    assert page.locator("#preview script").count() == 0
    # a mistake shows in the preview at once, in Swedish
    page.fill("#title", "")
    page.locator("#preview-error", has_text="Rubrik: måste fyllas i.").wait_for()
    page.fill("#title", "Vattenavstängning i Timrå")
    banner_preview.locator("h2", has_text="Vattenavstängning i Timrå").wait_for()
    assert live.banner_titles() == []  # previews publish nothing

    page.click("#publish")
    page.wait_for_url(live.url + "/admin/?msg=published")
    assert "Publicerat." in page.locator(".message").inner_text()
    row = page.locator("table.notices tbody tr").first
    assert "Vattenavstängning i Timrå" in row.inner_text() and "i bannern" in row.inner_text()

    # /banner.json changed before the page came back
    alert = live.get_json("/banner.json")["alert"]
    assert alert["title"] == "Vattenavstängning i Timrå"
    assert alert["level_name"] == "warning" and alert["areas"] == ["2262"]
    assert "alert(1)" not in json.dumps(alert)

    page.click("button:has-text('Logga ut')")
    page.wait_for_url(live.url + "/admin/login?msg=loggedout")
    assert "Du är utloggad." in page.content()
    page.goto(live.url + "/admin/new")
    assert page.url == live.url + "/admin/login"
    assert [e for e in console_errors if "/favicon.ico" not in e] == []


def test_edit_and_withdraw_in_the_browser(page: Page, live: Live, editors: Editors) -> None:
    status, created = live.api("POST", "/api/notices", editors.tokens["tore"],
                               {"title": "Skogsbrandsövning", "level": "notice"})
    assert status == 201
    _login(page, live, "petra")
    page.click(f"a[href='/admin/notices/{created['id']}']")
    page.locator("#preview-banner h2", has_text="Skogsbrandsövning").wait_for()
    page.select_option("#level", "severe")
    page.locator("#preview-banner .level", has_text="Orange varning").wait_for()
    page.click("#publish")
    page.wait_for_url(live.url + "/admin/?msg=published")
    assert live.get_json("/banner.json")["alert"]["level_name"] == "severe"

    page.on("dialog", lambda dialog: dialog.accept())  # the confirmation admin.js asks for
    page.click(f"tr[data-id='{created['id']}'] button:has-text('Återkalla')")
    page.wait_for_url(live.url + "/admin/?msg=withdrawn")
    assert live.banner_titles() == []
    page.goto(live.url + f"/admin/audit?id={created['id']}")
    text = page.locator("ol.audit").inner_text()
    assert "petra återkallade" in text and "petra ändrade" in text and "tore skapade" in text
    assert "Orange varning" in text and "severe" not in text  # values in Swedish


@pytest.mark.parametrize(("host", "site"), [("127.0.0.1", "same-site"),
                                            ("localhost", "cross-site")])
def test_a_form_post_from_another_origin_is_refused(
    page: Page, live: Live, store: Store, httpserver: HTTPServer, host: str, site: str
) -> None:
    """A page on another origin posts the form to /admin/new and to /admin/logout: refused,
    nothing stored, still signed in. From another port of 127.0.0.1 (same site: even the
    SameSite=Strict cookie goes along, only the Sec-Fetch-Site check stops it) and from
    ``localhost`` (another site)."""
    evil = (
        "<!doctype html><html lang=en><title>Win a prize</title>"
        f"<form method=post action='{live.url}/admin/new'>"
        "<input name=title value='Falskt larm'><input name=level value=warning>"
        "<input name=status value=published>"
        "<button id=go>Claim</button></form>"
        f"<form method=post action='{live.url}/admin/logout'><button id=out>Out</button></form>"
    )
    httpserver.expect_request("/prize").respond_with_data(evil, content_type="text/html")
    prize = f"http://{host}:{httpserver.port}/prize"
    _login(page, live)

    page.goto(prize)
    with page.expect_response(live.url + "/admin/new") as info:
        page.click("#go")
    response = info.value
    assert response.status == 403
    assert "Begäran avvisades" in response.text()  # a browser: a short Swedish page
    sent = response.request.all_headers()
    assert sent["sec-fetch-site"] == site
    assert sent["origin"] == f"http://{host}:{httpserver.port}"
    if site == "same-site":
        assert "feeder_session=" in sent.get("cookie", "")
    assert not [i for i in notices.list_notices(store) if i.title == "Falskt larm"]
    assert live.banner_titles() == []

    page.goto(prize)
    with page.expect_response(live.url + "/admin/logout") as info:
        page.click("#out")
    assert info.value.status == 403
    page.goto(live.url + "/admin/")  # still signed in: the forged logout did nothing
    assert page.url == live.url + "/admin/"


def test_the_admin_pages_run_no_inline_code_under_their_csp(page: Page, live: Live) -> None:
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text)
            if "Content Security Policy" in m.text else None)
    _login(page, live)
    for path in ("/admin/", "/admin/new", "/admin/audit"):
        page.goto(live.url + path)
    page.goto(live.url + "/admin/new")
    page.fill("#title", "CSP-prov")
    page.select_option("#level", "notice")
    page.locator("#preview-banner h2", has_text="CSP-prov").wait_for()
    assert violations == []
    # and an injected inline script is blocked by the policy
    page.evaluate("""() => { const s = document.createElement('script');
        s.textContent = 'window.__ran = true'; document.body.appendChild(s); }""")
    assert page.evaluate("() => window.__ran === true") is False


ADMIN_PAGES = ("/admin/", "/admin/new", "/admin/audit")


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is installed by .ci/run")
@pytest.mark.parametrize("width", [375, 1280])
def test_the_admin_pages_have_no_serious_accessibility_violations_nor_sideways_scrolling(
    browser: Browser, live: Live, editors: Editors, width: int
) -> None:
    for n, title in enumerate(("Vattenavstängning i hela Sundsvalls tätort och på Alnön",
                               "Skogsbrandsövning")):
        live.api("POST", "/api/notices", editors.tokens["tore"],
                 {"title": title, "level": "notice", "areas": ["2281", "2262"][: n + 1],
                  "expires": iso_z(utcnow() + timedelta(days=2))})
    context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 800})
    pg = context.new_page()
    try:
        pg.goto(live.url + "/admin/login")
        found: dict[str, list[str]] = {}
        found["/admin/login"] = _axe(pg)
        wide: dict[str, int] = {"/admin/login": pg.evaluate("document.documentElement.scrollWidth")}
        pg.fill("#name", "anna")
        pg.fill("#password", PASSWORDS["anna"])
        pg.click("button[type=submit]")
        pg.wait_for_url(live.url + "/admin/")
        for path in ADMIN_PAGES:
            pg.goto(live.url + path)
            found[path] = _axe(pg)
            wide[path] = pg.evaluate("document.documentElement.scrollWidth")
        # the form with its preview, and with every error shown
        pg.goto(live.url + "/admin/new")
        pg.fill("#title", "Vattenavstängning i Timrå")
        pg.select_option("#level", "warning")
        pg.locator("#preview-banner").wait_for()
        found["preview"] = _axe(pg)
        pg.evaluate("document.getElementById('notice-form').noValidate = true")
        pg.fill("#title", "")
        pg.fill("#url", "javascript:alert(1)")
        pg.click("#publish")
        pg.locator("#form-error").wait_for()
        found["errors"] = _axe(pg)
        wide["errors"] = pg.evaluate("document.documentElement.scrollWidth")
        assert found == {path: [] for path in found}
        assert wide == {path: width for path in wide}  # nothing wider than the screen
    finally:
        context.close()


def test_every_error_of_the_form_is_shown_next_to_its_field(page: Page, live: Live) -> None:
    _login(page, live)
    page.goto(live.url + "/admin/new")
    page.evaluate("document.getElementById('notice-form').noValidate = true")
    page.fill("#url", "ftp://x")
    page.fill("#expires", "2001-01-01T10:00")
    page.click("#publish")
    page.locator("#form-error").wait_for()
    assert page.locator("#form-error li").all_inner_texts() == [
        "Rubrik: måste fyllas i.", "Nivå: måste väljas.", "Upphör: ligger redan i det förflutna.",
        "Länk: måste vara en webbadress som börjar med https:// eller http://, utan mellanslag,"
        " citattecken, <, > eller `.",
    ]
    for name in ("title", "level", "expires", "url"):
        field = page.locator(f"#{name}")
        assert field.get_attribute("aria-invalid") == "true", name
        assert field.get_attribute("aria-describedby") == f"{name}-error"
        assert page.locator(f"#{name}-error").is_visible()
    assert page.locator("#body-error").count() == 0
    assert page.locator("#url").input_value() == "ftp://x"  # what was typed stays


def _axe(pg: Page) -> list[str]:
    pg.add_script_tag(path=str(AXE))
    result = pg.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']}: {v['help']}" for v in result["violations"]
            if v["impact"] in ("serious", "critical")]


# ------------------------------------------------------------------------------- timing


def _wait_for(predicate: Any, timeout: float) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if predicate():
            return time.monotonic() - start
        time.sleep(0.1)
    raise AssertionError("the condition did not come true in time")


def test_a_scheduled_notice_enters_and_leaves_the_banner_on_time_by_itself(
    live: Live, editors: Editors
) -> None:
    starts = utcnow() + timedelta(seconds=3)
    expires = starts + timedelta(seconds=3)
    status, created = live.api("POST", "/api/notices", editors.tokens["anna"], {
        "title": "Planerat strömavbrott", "level": "warning",
        "starts": iso_z(starts), "expires": iso_z(expires)})
    assert status == 201
    assert live.banner_titles() == []  # not yet
    _wait_for(lambda: live.banner_titles() == ["Planerat strömavbrott"], 10)
    assert utcnow() >= starts
    _wait_for(lambda: live.banner_titles() == [], 10)
    assert utcnow() >= expires
    alerts = live.get_json("/alerts.json")
    titles = [i["title"] for i in alerts["items"]]
    assert any("Planerat strömavbrott" in t and t.startswith("Avslutad") for t in titles)
    assert created["id"]
