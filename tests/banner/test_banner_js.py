"""banner.js in real headless Chromium, embedded in a page of another origin."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from playwright.sync_api import BrowserContext, Page, expect

from tests.banner.documents import FIRE, alert, banner_doc
from tests.banner.site import Site, host_page, wait_marks

CRITICAL = alert(
    "vma:1", 5, "Viktigt meddelande till allmänheten: brand i Sundsvall",
    text="Gå inomhus och stäng dörrar, fönster och ventilation.",
    url="https://www.krisinformation.se/vma", source="Sveriges Radio (VMA)",
)
SEVERE = alert("smhi:7-22", 4, "Orange varning för kraftig vind", source="SMHI")
WARNING = alert("notice:w1", 3, "Vattenbrist i Timrå", text="Spara på vattnet.")


def open_banner(page: Page, assets_site: Site, host_site: Site, doc: dict, **kw: object) -> None:
    assets_site.put_json("/banner.json", doc)
    url = host_page(host_site, assets_site.url("/banner.js"), **kw)  # type: ignore[arg-type]
    page.goto(url)
    wait_marks(page, "loaded")


def test_notice_appears_at_top_of_body_with_status_role(
    page: Page, assets_site: Site, host_site: Site
) -> None:
    open_banner(page, assets_site, host_site, banner_doc(FIRE))
    live = page.locator(".fb-live")
    expect(live).to_have_attribute("role", "status")
    expect(live).to_contain_text("Meddelande")
    expect(live).to_contain_text("Risk för skogsbrand i Västernorrlands län")
    expect(live).to_contain_text("Det är mycket torrt i skog och mark.")
    expect(live).to_contain_text("Källa: SMHI")
    link = live.get_by_role("link", name="Läs mer om Risk för skogsbrand i Västernorrlands län")
    expect(link).to_have_attribute("href", FIRE["url"])
    # Visible level text, not colour alone; Swedish; inserted as the first thing in <body>.
    expect(page.locator(".fb-level")).to_have_text("Meddelande")
    expect(page.locator("section.fb")).to_have_attribute("lang", "sv")
    first = page.evaluate("document.body.firstElementChild.shadowRoot !== null")
    assert first is True
    assert page.locator(".fb-toggle").count() == 0  # one alert: no "N till"


def test_renders_into_the_container_and_finds_json_beside_itself(
    page: Page, assets_site: Site, host_site: Site
) -> None:
    for name in ("banner.js",):
        assets_site.put("/lan/" + name, assets_site.routes["/" + name].body)
    assets_site.put_json("/lan/banner.json", banner_doc(WARNING))
    url = host_page(host_site, assets_site.url("/lan/banner.js"), container=True)
    page.goto(url)
    wait_marks(page, "loaded")
    expect(page.locator("#slot .fb-live")).to_contain_text("Gul varning")
    assert assets_site.seen("/lan/banner.json")
    assert not assets_site.seen("/banner.json")
    # Nothing was inserted at the top of <body>.
    assert page.evaluate("document.body.firstElementChild.tagName") == "HEADER"


def test_severe_and_critical_use_role_alert(
    page: Page, assets_site: Site, host_site: Site
) -> None:
    open_banner(page, assets_site, host_site, banner_doc(SEVERE))
    expect(page.locator(".fb-live")).to_have_attribute("role", "alert")
    expect(page.locator(".fb-level")).to_have_text("Orange varning")
    assets_site.put_json("/banner.json", banner_doc(CRITICAL))
    page.reload()
    wait_marks(page, "loaded")
    expect(page.locator(".fb-live")).to_have_attribute("role", "alert")
    expect(page.locator(".fb-live .fb-level")).to_have_text("Röd varning / VMA")


def test_n_more_expands_the_other_alerts(page: Page, assets_site: Site, host_site: Site) -> None:
    open_banner(page, assets_site, host_site, banner_doc(CRITICAL, WARNING, FIRE))
    expect(page.locator(".fb-live")).to_contain_text(CRITICAL["title"])
    toggle = page.get_by_role("button", name="2 till")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.locator(".fb-list")).to_be_hidden()
    page.locator(".fb-live").evaluate("e => { e.dataset.probe = 'same node'; }")
    toggle.click()
    # Expanding does not rebuild the live region (which would announce the alert again).
    expect(page.locator(".fb-live")).to_have_attribute("data-probe", "same node")
    toggle = page.get_by_role("button", name="2 till")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    items = page.locator(".fb-list > li")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text("Gul varning")
    expect(items.nth(0)).to_contain_text("Vattenbrist i Timrå")
    expect(items.nth(1)).to_contain_text("Meddelande")
    # Keyboard: focus stays on the toggle, Enter collapses again.
    assert page.evaluate("document.activeElement.shadowRoot.activeElement.className") == (
        "fb-toggle"
    )
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="2 till")).to_have_attribute("aria-expanded", "false")
    expect(page.locator(".fb-list")).to_be_hidden()


def test_controls_are_reachable_with_the_keyboard(
    page: Page, assets_site: Site, host_site: Site
) -> None:
    open_banner(page, assets_site, host_site, banner_doc(WARNING, FIRE))

    def focused() -> str:
        return str(page.evaluate(
            "() => { const a = document.activeElement;"
            " const inner = a && a.shadowRoot ? a.shadowRoot.activeElement : a;"
            " return inner ? inner.textContent.trim() : ''; }"
        ))

    reached = []
    for _ in range(2):
        page.keyboard.press("Tab")
        reached.append(focused())
    assert reached[0].startswith("Dölj")  # the leading warning: one short line, no link
    assert reached[1] == "1 till"
    # The toggle works with Space too; the expanded alert's controls come next in tab order:
    # its "Visa mer" (its text is longer than one line), its "Dölj", its "Läs mer".
    page.get_by_role("button", name="1 till").focus()
    page.keyboard.press(" ")
    expect(page.get_by_role("button", name="1 till")).to_have_attribute("aria-expanded", "true")
    for expected in ("Visa mer", "Dölj", "Läs mer"):
        page.keyboard.press("Tab")
        assert focused().startswith(expected), expected
    # "Visa mer" opens with Enter, and says so.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    more = page.get_by_role("button", name="Visa mindre om Risk för skogsbrand")
    expect(more).to_have_attribute("aria-expanded", "true")


def test_dismissal_persists_and_an_update_shows_the_alert_again(
    page: Page, assets_site: Site, host_site: Site
) -> None:
    open_banner(page, assets_site, host_site, banner_doc(FIRE))
    page.get_by_role("button", name="Dölj meddelandet: Risk för skogsbrand").click()
    expect(page.locator(".fb")).to_have_count(0)
    # The host element we inserted is gone again, the page is as it was.
    assert page.evaluate("document.body.firstElementChild.tagName") == "HEADER"
    page.reload()
    wait_marks(page, "loaded")
    expect(page.locator(".fb")).to_have_count(0)
    # SMHI updates the message: same id, new "updated" -> shown again.
    updated = dict(FIRE, updated="2026-06-12T11:00:00Z", text="Nu är det ännu torrare.")
    assets_site.put_json("/banner.json", banner_doc(updated))
    page.reload()
    wait_marks(page, "loaded")
    expect(page.locator(".fb-live")).to_contain_text("Nu är det ännu torrare.")


def test_dismissing_the_leader_shows_the_next_and_moves_focus_there(
    page: Page, assets_site: Site, host_site: Site
) -> None:
    open_banner(page, assets_site, host_site, banner_doc(WARNING, FIRE))
    page.get_by_role("button", name="Dölj meddelandet: Vattenbrist i Timrå").click()
    expect(page.locator(".fb-live")).to_contain_text(FIRE["title"])
    expect(page.locator(".fb-toggle")).to_have_count(0)
    focused = page.evaluate("document.activeElement.shadowRoot.activeElement.textContent")
    assert focused == FIRE["title"]


def test_severe_and_critical_cannot_be_dismissed(
    page: Page, assets_site: Site, host_site: Site
) -> None:
    open_banner(page, assets_site, host_site, banner_doc(CRITICAL, SEVERE, WARNING))
    page.get_by_role("button", name="2 till").click()
    dismiss = page.locator("[data-dismiss]")
    expect(dismiss).to_have_count(1)  # only the yellow warning's
    expect(dismiss).to_have_attribute("data-dismiss", WARNING["id"])
    # A dismissal stored by hand for the critical alert is ignored.
    page.evaluate(
        "([id, up]) => localStorage.setItem('feeder-banner-dismissed', JSON.stringify({[id]: up}))",
        [CRITICAL["id"], CRITICAL["updated"]],
    )
    page.reload()
    wait_marks(page, "loaded")
    expect(page.locator(".fb-live")).to_contain_text(CRITICAL["title"])


def test_re_reads_banner_json_every_minute_with_revalidation(
    page: Page, assets_site: Site, host_site: Site
) -> None:
    page.clock.install(time=datetime(2026, 6, 12, 10, 0, tzinfo=UTC))
    open_banner(page, assets_site, host_site, banner_doc(FIRE))
    first = assets_site.seen("/banner.json")
    assert len(first) == 1
    page.clock.run_for(61_000)
    wait_marks(page, "loaded", 2)
    second = assets_site.seen("/banner.json")[1]
    # cache: 'no-cache': the browser revalidates with the ETag it has instead of trusting
    # max-age=60, and our server answers 304.
    assert second.headers.get("if-none-match"), second.headers
    assert second.status == 304
    expect(page.locator(".fb-live")).to_contain_text(FIRE["title"])
    # A new alert arrives: shown at the next re-read, without a reload.
    assets_site.put_json("/banner.json", banner_doc(SEVERE, FIRE))
    page.clock.run_for(61_000)
    wait_marks(page, "loaded", 3)
    expect(page.locator(".fb-live")).to_contain_text(SEVERE["title"])
    expect(page.locator(".fb-live")).to_have_attribute("role", "alert")
    # Withdrawn upstream: the banner disappears on its own.
    assets_site.put_json("/banner.json", banner_doc())
    page.clock.run_for(61_000)
    wait_marks(page, "loaded", 4)
    expect(page.locator(".fb")).to_have_count(0)


def test_an_alert_is_hidden_when_it_expires_without_a_reload(
    page: Page, assets_site: Site, host_site: Site
) -> None:
    page.clock.install(time=datetime(2026, 6, 12, 10, 0, tzinfo=UTC))
    soon = dict(WARNING, expires="2026-06-12T10:00:30Z")
    later = dict(FIRE, expires="2026-06-12T18:00:00Z")
    open_banner(page, assets_site, host_site, banner_doc(soon, later))
    expect(page.locator(".fb-live")).to_contain_text(WARNING["title"])
    page.clock.run_for(31_000)  # no re-read yet (every 60 s): the timer alone hides it
    assert len(assets_site.seen("/banner.json")) == 1
    expect(page.locator(".fb-live")).to_contain_text(FIRE["title"])
    expect(page.locator(".fb-toggle")).to_have_count(0)
    # Even when banner.json cannot be read any more, an expired alert never stays on screen.
    assets_site.put("/banner.json", "down", "text/plain", status=503)
    page.clock.run_for(8 * 3600 * 1000)
    expect(page.locator(".fb")).to_have_count(0)


def test_an_expired_alert_in_banner_json_is_never_shown(
    page: Page, assets_site: Site, host_site: Site
) -> None:
    page.clock.install(time=datetime(2026, 6, 12, 10, 0, tzinfo=UTC))
    gone = dict(SEVERE, expires="2026-06-12T09:59:00Z")
    open_banner(page, assets_site, host_site, banner_doc(gone, FIRE))
    expect(page.locator(".fb-live")).to_contain_text(FIRE["title"])
    expect(page.locator(".fb")).not_to_contain_text(SEVERE["title"])


def test_stale_data_shows_the_time_of_the_last_good_update(
    page: Page, assets_site: Site, host_site: Site
) -> None:
    sources = {"smhi": {"state": "stale", "banner": True, "ok": False, "stale": True,
                        "since": "2026-06-12T09:30:00Z", "last_success": "2026-06-12T08:30:00Z"}}
    open_banner(page, assets_site, host_site, banner_doc(FIRE, stale=True, sources=sources))
    note = page.locator(".fb-stale")
    # 08:30 UTC is 10.30 in Stockholm (summer time).
    expect(note).to_have_text("Inga nya uppgifter från SMHI sedan 12 juni 2026 kl. 10.30. "
                              "Se SMHI:s varningar och meddelanden.")
    # An older feeder's banner.json (no "state", no "banner"): its stale sources still count.
    for key in ("state", "banner"):
        del sources["smhi"][key]
    old = banner_doc(FIRE, stale=True, sources=sources)
    del old["state"]
    assets_site.put_json("/banner.json", old)
    page.reload()
    wait_marks(page, "loaded")
    expect(note).to_contain_text("Inga nya uppgifter från SMHI sedan 12 juni 2026 kl. 10.30.")
    # Fresh data: no note.
    assets_site.put_json("/banner.json", banner_doc(FIRE))
    page.reload()
    wait_marks(page, "loaded")
    expect(page.locator(".fb-live")).to_be_visible()
    expect(note).to_have_count(0)


def test_hostile_alert_text_runs_no_script_and_shows_as_text(
    page: Page, assets_site: Site, host_site: Site
) -> None:
    evil = alert(
        "notice:<x>", 3, '<img src=x onerror="window.__pwned=1">Brand',
        text="<script>window.__pwned=2</script><b onmouseover=alert(1)>fet</b>",
        url="javascript:window.__pwned=3",
        source='"><svg onload=alert(4)>',
    )
    data_url = alert("notice:d", 2, "Data-länk", url="data:text/html,<script>alert(5)</script>")
    open_banner(page, assets_site, host_site, banner_doc(evil, data_url))
    live = page.locator(".fb-live")
    expect(live).to_contain_text('<img src=x onerror="window.__pwned=1">Brand')
    expect(live).to_contain_text("<script>window.__pwned=2</script>")
    page.get_by_role("button", name="1 till").click()
    page.locator(".fb").hover()
    page.locator(".fb-title").first.click()
    counts = page.evaluate(
        "() => { const r = document.body.firstElementChild.shadowRoot;"
        " return [r.querySelectorAll('img,script,svg,b').length,"
        " r.querySelectorAll('a').length, window.__pwned === undefined]; }"
    )
    assert counts == [0, 0, True]  # no markup from data, no javascript:/data: links


def test_no_active_alert_leaves_the_page_untouched(
    page: Page, assets_site: Site, host_site: Site
) -> None:
    before = _untouched_dom(page, host_site)
    open_banner(page, assets_site, host_site, banner_doc(), container=True)
    assert _dom(page) == before
    assert page.evaluate("document.getElementById('slot').shadowRoot") is None


def test_a_failing_request_leaves_the_page_untouched(
    page: Page, assets_site: Site, host_site: Site
) -> None:
    before = _untouched_dom(page, host_site)
    url = host_page(host_site, assets_site.url("/banner.js"), container=True)
    for status, body, kind in (
        (500, "Internal Server Error", "text/plain"),
        (200, "<html>maintenance</html>", "text/html"),  # not JSON
        (200, '{"alerts": "none"}', "application/json"),  # not the shape
    ):
        assets_site.put("/banner.json", body, kind, status=status)
        page.goto(url)
        wait_marks(page, "failed")
        assert _dom(page) == before, (status, body)
        assert page.evaluate("document.getElementById('slot').shadowRoot") is None


def test_a_failing_re_read_keeps_the_last_shown_alert(
    page: Page, assets_site: Site, host_site: Site
) -> None:
    page.clock.install(time=datetime(2026, 6, 12, 10, 0, tzinfo=UTC))
    open_banner(page, assets_site, host_site, banner_doc(SEVERE, FIRE))
    assets_site.put("/banner.json", "Bad Gateway", "text/plain", status=502)
    page.clock.run_for(61_000)
    wait_marks(page, "failed", 1)
    expect(page.locator(".fb-live")).to_contain_text(SEVERE["title"])
    expect(page.get_by_role("button", name="1 till")).to_be_visible()
    expect(page.locator(".fb-stale")).to_have_count(0)
    # Still failing after three minutes: a note says since when nothing new could be read.
    page.clock.run_for(3 * 61_000)
    wait_marks(page, "failed", 4)
    expect(page.locator(".fb-stale")).to_have_text(
        "Kunde inte hämta nya uppgifter. Senast uppdaterat 12 juni 2026 kl. 12.00."
    )
    assets_site.put_json("/banner.json", banner_doc(SEVERE, FIRE))
    page.clock.run_for(61_000)
    wait_marks(page, "loaded", 2)
    expect(page.locator(".fb-stale")).to_have_count(0)


def test_host_styles_and_banner_styles_do_not_leak(
    page: Page, assets_site: Site, host_site: Site
) -> None:
    hostile = (
        "<style>*{color:#ff00ff!important;font-size:40px;background:#000}"
        "p,span,strong,button{display:none!important}"
        ".fb,.fb-item,.fb-title{display:none!important}</style>"
    )
    open_banner(page, assets_site, host_site, banner_doc(WARNING), head=hostile)
    expect(page.locator(".fb-title")).to_be_visible()
    expect(page.get_by_role("button", name="Dölj meddelandet: Vattenbrist i Timrå")).to_be_visible()
    color = page.locator(".fb-item").evaluate("e => getComputedStyle(e).color")
    assert color == "rgb(27, 27, 27)"
    # The banner's own classes and rules do not reach the host page.
    assert page.evaluate("getComputedStyle(document.getElementById('content')).display") == "none"


def test_reduced_motion_is_respected(page: Page, assets_site: Site, host_site: Site) -> None:
    page.emulate_media(reduced_motion="no-preference")
    open_banner(page, assets_site, host_site, banner_doc(FIRE))
    lead = page.locator(".fb-live .fb-item")
    assert lead.evaluate("e => getComputedStyle(e).animationName") == "fb-in"
    page.emulate_media(reduced_motion="reduce")
    page.reload()
    wait_marks(page, "loaded")
    assert lead.evaluate("e => getComputedStyle(e).animationName") == "none"


def _dom(page: Page) -> str:
    """The whole DOM, with the banner script's address (which differs per run) neutralised."""
    html = page.evaluate("document.documentElement.outerHTML")
    return re.sub(r'src="http://127\.0\.0\.1:\d+/banner\.js"', 'src="SCRIPT"', html)


def _untouched_dom(page: Page, host_site: Site) -> str:
    """The host page's DOM with banner.js never loaded at all (nothing listens on port 9)."""
    url = host_page(host_site, "http://127.0.0.1:9/banner.js", container=True, path="/ref")
    page.goto(url)
    page.wait_for_load_state("load")
    return _dom(page)


def test_a_dismissal_in_one_tab_reaches_the_others(
    context: BrowserContext, page: Page, assets_site: Site, host_site: Site
) -> None:
    open_banner(page, assets_site, host_site, banner_doc(FIRE))
    other = context.new_page()
    other.goto(page.url)
    wait_marks(other, "loaded")
    expect(other.locator(".fb-live")).to_contain_text(FIRE["title"])
    page.get_by_role("button", name="Dölj meddelandet: Risk för skogsbrand").click()
    expect(other.locator(".fb")).to_have_count(0)


def test_works_styled_under_a_strict_content_security_policy(
    page: Page, assets_site: Site, host_site: Site
) -> None:
    """A host page that allows only our script and our banner.json: no inline styles, no eval.
    The banner is styled all the same (a constructed style sheet), and breaks no rule."""
    assets_site.put_json("/banner.json", banner_doc(SEVERE, FIRE))
    origin = assets_site.origin
    policy = (f"default-src 'none'; script-src {origin}; connect-src {origin}; "
              "style-src 'self'; base-uri 'none'")
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security" in m.text
            else None)
    host_site.put("/csp", (
        '<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
        "<title>Strikt kommun</title>"
        f'<script src="{origin}/banner.js" defer></script></head>'
        "<body><main><h1>Strikt</h1></main></body></html>"
    ), "text/html; charset=utf-8")
    page.goto(host_site.url("/csp"))
    wait_marks(page, "loaded")
    expect(page.locator(".fb-live")).to_contain_text(SEVERE["title"])
    badge = page.locator(".fb-live .fb-level")
    assert badge.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(163, 60, 0)"
    page.get_by_role("button", name="1 till").click()
    expect(page.locator(".fb-list")).to_be_visible()
    assert violations == []


def test_the_container_is_hidden_when_the_last_alert_goes(
    page: Page, assets_site: Site, host_site: Site
) -> None:
    page.clock.install(time=datetime(2026, 6, 12, 10, 0, tzinfo=UTC))
    open_banner(page, assets_site, host_site, banner_doc(WARNING), container=True)
    slot = page.locator("#slot")
    expect(slot.locator(".fb-live")).to_contain_text(WARNING["title"])
    assets_site.put_json("/banner.json", banner_doc())
    page.clock.run_for(61_000)
    wait_marks(page, "loaded", 2)
    expect(slot).to_be_hidden()
    assets_site.put_json("/banner.json", banner_doc(FIRE))
    page.clock.run_for(61_000)
    wait_marks(page, "loaded", 3)
    expect(slot).to_be_visible()
    expect(slot.locator(".fb-live")).to_contain_text(FIRE["title"])


def test_overlapping_reads_end_with_the_newest_state(
    page: Page, assets_site: Site, host_site: Site
) -> None:
    """A read that hangs past the next one: the newer answer wins. (Chromium serialises the
    two on its HTTP cache lock; banner.js also drops an answer overtaken by a newer one.)"""
    page.clock.install(time=datetime(2026, 6, 12, 10, 0, tzinfo=UTC))
    open_banner(page, assets_site, host_site, banner_doc(FIRE))
    assets_site.put_json("/banner.json", banner_doc(SEVERE), delay=2.0)  # the old state, slow
    page.clock.run_for(61_000)  # read 2 starts and hangs
    page.wait_for_timeout(300)
    assets_site.put_json("/banner.json", banner_doc(WARNING))  # the newer state, fast
    page.clock.run_for(61_000)  # read 3
    page.wait_for_timeout(2_500)  # read 2's answer has arrived by now
    wait_marks(page, "loaded", 2)
    assert len(assets_site.seen("/banner.json")) == 3
    expect(page.locator(".fb-live")).to_contain_text(WARNING["title"])
    expect(page.locator(".fb")).not_to_contain_text(SEVERE["title"])


def test_live_regions_persist_so_changes_are_announced(
    page: Page, assets_site: Site, host_site: Site
) -> None:
    """Screen readers announce changes inside a live region that already exists; a region
    inserted together with its content is often missed. Both regions persist."""
    page.clock.install(time=datetime(2026, 6, 12, 10, 0, tzinfo=UTC))
    open_banner(page, assets_site, host_site, banner_doc(FIRE))
    page.evaluate(
        "() => { const r = document.body.firstElementChild.shadowRoot;"
        " r.querySelector('[role=status]').dataset.probe = 's';"
        " r.querySelector('[role=alert]').dataset.probe = 'a'; }"
    )
    expect(page.locator("[role=alert]")).to_be_empty()
    assets_site.put_json("/banner.json", banner_doc(WARNING))
    page.clock.run_for(61_000)
    wait_marks(page, "loaded", 2)
    expect(page.locator("[role=status][data-probe=s]")).to_contain_text(WARNING["title"])
    assets_site.put_json("/banner.json", banner_doc(SEVERE, WARNING))
    page.clock.run_for(61_000)
    wait_marks(page, "loaded", 3)
    expect(page.locator("[role=alert][data-probe=a]")).to_contain_text(SEVERE["title"])
    expect(page.locator("[role=status]")).to_be_empty()
