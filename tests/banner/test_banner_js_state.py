"""banner.js and what banner.json says beyond the alerts: upcoming alerts ("Från ..." until they
begin, with no new read), and sources without current data (unknown, stale): nothing on an
empty banner by default, the note with ``data-status="visa"``, the note beside alerts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from playwright.sync_api import Page, expect

from tests.banner.documents import FIRE, alert, banner_doc
from tests.banner.site import Site, host_page, wait_marks

CLOCK = datetime(2026, 6, 12, 10, 0, tzinfo=UTC)  # a Friday
SMHI_PAGE = "https://www.smhi.se/vader/varningar-och-brandrisk/varningar-och-meddelanden"


def with_state(doc: dict[str, Any], state: str, **sources: dict[str, Any]) -> dict[str, Any]:
    doc = dict(doc, state=state, stale=state == "stale")
    doc["sources"] = sources
    return doc


def source(state: str, *, banner: bool = True, since: str | None = None,
           last_success: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"state": state, "banner": banner, "ok": state == "ok",
                           "stale": state == "stale", "since": since}
    if state == "stale":
        out["last_success"] = last_success
    return out


OK = source("ok", since="2026-06-12T09:58:00Z")
NEVER = source("unknown", since="2026-06-12T09:40:00Z")
UNREAD = source("unknown")
STALE = source("stale", since="2026-06-12T09:00:00Z", last_success="2026-06-12T08:50:00Z")


def open_banner(page: Page, assets_site: Site, host_site: Site, doc: dict[str, Any],
                attrs: str = "", path: str = "/") -> None:
    assets_site.put_json("/banner.json", doc)
    page.goto(host_page(host_site, assets_site.url("/banner.js"), attrs=attrs, path=path))
    wait_marks(page, "loaded")


def test_an_upcoming_alert_says_from_when_until_it_begins(
    page: Page, assets_site: Site, host_site: Site
) -> None:
    page.clock.install(time=CLOCK)
    storm = dict(alert("smhi:7-22", 3, "Gul varning för kraftig vind", source="SMHI"),
                 starts="2026-06-13T16:00:00Z", upcoming=True)
    soon = dict(alert("smhi:8-22", 2, "Risk för gräsbrand", source="SMHI"),
                starts="2026-06-12T10:30:00Z", upcoming=True)
    open_banner(page, assets_site, host_site,
                with_state(banner_doc(storm, soon), "ok", smhi=OK))
    live = page.locator(".fb-live")
    expect(live.locator(".fb-when")).to_have_text("Från lördag 13 juni kl. 18.00")
    page.get_by_role("button", name="1 till").click()
    second = page.locator(".fb-list .fb-when")
    expect(second).to_have_text("Från fredag 12 juni kl. 12.30")
    # At its start it becomes active on screen, without a new read of banner.json (every read
    # fails from now on: what changes comes from the page's own timer).
    assets_site.put("/banner.json", "down", "text/plain", status=503)
    page.clock.run_for(29 * 60 * 1000)
    expect(second).to_have_text("Från fredag 12 juni kl. 12.30")
    page.clock.run_for(61_000)
    expect(second).to_have_count(0)
    expect(page.locator(".fb-list")).to_contain_text("Risk för gräsbrand")
    expect(live.locator(".fb-when")).to_have_text("Från lördag 13 juni kl. 18.00")
    assert page.evaluate("window.__feederReads.loaded") == 1


def test_a_started_alert_marked_upcoming_is_shown_as_begun(
    page: Page, assets_site: Site, host_site: Site
) -> None:
    page.clock.install(time=CLOCK)
    late = dict(FIRE, starts="2026-06-12T09:00:00Z", upcoming=True)  # an old banner.json
    open_banner(page, assets_site, host_site, with_state(banner_doc(late), "ok", smhi=OK))
    expect(page.locator(".fb-live")).to_contain_text(FIRE["title"])
    expect(page.locator(".fb-when")).to_have_count(0)


def test_an_unknown_empty_banner_shows_nothing_by_default(
    page: Page, assets_site: Site, host_site: Site
) -> None:
    page.clock.install(time=CLOCK)
    doc = with_state(banner_doc(), "unknown", smhi=NEVER)
    open_banner(page, assets_site, host_site, doc)
    expect(page.locator(".fb")).to_have_count(0)
    assert page.evaluate("document.body.firstElementChild.tagName") == "HEADER"
    stale = with_state(banner_doc(), "stale", smhi=STALE)
    open_banner(page, assets_site, host_site, stale, attrs=' data-status="nej"', path="/2")
    expect(page.locator(".fb")).to_have_count(0)


def test_data_status_visa_says_which_source_has_no_data_since_when(
    page: Page, assets_site: Site, host_site: Site
) -> None:
    page.clock.install(time=CLOCK)
    doc = with_state(banner_doc(), "unknown", smhi=NEVER, krisinformation=UNREAD,
                     lansstyrelsen=source("unknown", banner=False))
    open_banner(page, assets_site, host_site, doc, attrs=' data-status="visa"')
    box = page.locator(".fb-unknown")
    expect(box).to_be_visible()
    expect(page.locator(".fb-live")).to_have_attribute("role", "status")
    expect(box.locator(".fb-lead")).to_have_text(
        "Just nu går det inte att säga om det finns varningar för Västernorrlands län.")
    gaps = box.locator(".fb-gap")
    expect(gaps).to_have_text([
        "Inga uppgifter från SMHI har kunnat hämtas sedan 12 juni 2026 kl. 11.40. "
        "Se SMHI:s varningar och meddelanden.",
        "Inga uppgifter från Krisinformation har hämtats än. Se krisinformation.se.",
    ])
    link = box.get_by_role("link", name="SMHI:s varningar och meddelanden")
    expect(link).to_have_attribute("href", SMHI_PAGE)
    assert "Länsstyrelsen" not in box.inner_text()  # its news never reach the banner
    assert "inga varningar" not in page.locator("body").inner_text().lower()
    # The sources answer: the note goes, and an empty banner is hidden again.
    assets_site.put_json("/banner.json", with_state(banner_doc(), "ok", smhi=OK))
    page.clock.run_for(61_000)
    wait_marks(page, "loaded", 2)
    expect(box).to_have_count(0)


def test_alerts_beside_a_stale_source_carry_the_note(
    page: Page, assets_site: Site, host_site: Site
) -> None:
    page.clock.install(time=CLOCK)
    vma = source("stale", since="2026-06-12T09:00:00Z", last_success="2026-06-12T08:50:00Z")
    doc = with_state(banner_doc(FIRE), "stale", smhi=OK, vma=vma)
    open_banner(page, assets_site, host_site, doc)
    expect(page.locator(".fb-live")).to_contain_text(FIRE["title"])
    note = page.locator(".fb-stale")
    expect(note).to_have_text("Inga nya uppgifter från Sveriges Radio (VMA) sedan 12 juni 2026 "
                              "kl. 10.50. Se krisinformation.se.")
    expect(note.get_by_role("link")).to_have_attribute("href", "https://www.krisinformation.se/")
