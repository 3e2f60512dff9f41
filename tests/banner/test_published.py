"""The banner, the iframe fragment and the feeds' pages as the real publisher writes them:
``publish()`` from a real SQLite store into output_dir, that folder served as a plain web server
would (nginx), and the embedding page on another origin."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from feeder.ladder import Level
from tests.banner.axe import axe_violations
from tests.banner.documents import TOPIC, alert_item, alerts_scenario, real_now
from tests.banner.site import Published, Site, host_page, wait_marks


def test_publisher_writes_the_banner_and_a_page_per_feed_and_no_stylesheet(
    published: Published
) -> None:
    published.out.mkdir(parents=True)
    (published.out / "feed.xsl").write_bytes(b"<xsl:stylesheet/>")  # an older feeder's
    (published.out / "feed.xsl.gz").write_bytes(b"old")
    published.publish(alerts_scenario(real_now()), real_now())
    pages = ["feed.html", "alerts.html", f"topics/{TOPIC['id']}.html"]
    for name in ("banner.js", "banner.json", "banner.html", "index.html", *pages):
        assert (published.out / name).is_file(), name
    assert not (published.out / "feed.xsl").exists()
    assert not (published.out / "feed.xsl.gz").exists()
    for name in ("feed.atom", "feed.rss", f"topics/{TOPIC['id']}.rss"):
        assert b"xml-stylesheet" not in (published.out / name).read_bytes(), name


def test_published_banner_for_a_municipality(
    page: Page, published: Published, host_site: Site
) -> None:
    now = real_now()
    published.publish(alerts_scenario(now), now)
    doc = json.loads((published.out / "banner.json").read_bytes())
    assert [a["id"] for a in doc["alerts"]] == [
        "notice:harnosand", "notice:sundsvall", "smhi:100-22"
    ]
    url = host_page(host_site, published.site.url("/banner.js"), attrs=' data-kommun="2281"')
    page.goto(url)
    wait_marks(page, "loaded")
    live = page.locator(".fb-live")
    expect(live).to_have_attribute("role", "status")
    expect(live).to_contain_text("Gul varning")
    expect(live).to_contain_text("Kokningsrekommendation i Sundsvall")
    expect(live).to_contain_text("Koka vattnet före användning.")
    page.get_by_role("button", name="1 till").click()
    expect(page.locator(".fb-list")).to_contain_text("Risk för skogsbrand")
    assert "Härnösand" not in page.locator(".fb").inner_text()
    # An editor withdraws the Sundsvall notice; the next publish reaches the page on reload.
    later = now + timedelta(seconds=5)
    withdrawn = alerts_scenario(now)[1].evolve(withdrawn=True, updated=later)
    published.publish([withdrawn], later)
    page.reload()
    wait_marks(page, "loaded")
    expect(live).to_contain_text("Risk för skogsbrand i Västernorrlands län")
    expect(page.locator(".fb-toggle")).to_have_count(0)


def test_iframe_fragment_without_javascript(
    browser: Browser, published: Published, host_site: Site
) -> None:
    now = real_now()
    published.publish(alerts_scenario(now), now)
    ctx = browser.new_context(java_script_enabled=False)
    try:
        page = ctx.new_page()
        host_site.put("/iframe", (
            '<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>Timrå kommun'
            "</title></head><body><main><h1>Timrå kommun</h1>"
            f'<iframe src="{published.site.url("/banner.html")}" title="Varningar och '
            'meddelanden från Länsstyrelsen" style="width:100%;height:12rem;border:0"></iframe>'
            "</main></body></html>"
        ), "text/html; charset=utf-8")
        page.goto(host_site.url("/iframe"))
        frame = page.frame_locator("iframe")
        first = frame.locator("article.alert").first
        expect(first).to_have_attribute("data-level", "4")
        expect(first.locator(".level")).to_have_text("Orange varning")
        expect(first).to_contain_text("Vattenläcka i Härnösand")
        expect(first).to_contain_text("Gäller: Härnösand, till")
        # The other two behind a native disclosure that works without script.
        summary = frame.locator("summary.n")
        expect(summary).to_have_text("2 till")
        expect(frame.locator(".others article").first).to_be_hidden()
        summary.click()
        expect(frame.locator(".others article")).to_have_count(2)
        expect(frame.locator(".others article").nth(1)).to_be_visible()
        link = frame.get_by_role("link", name="Läs mer på SMHI:s webbplats om Risk för skogsbrand")
        expect(link).to_have_attribute("target", "_top")
        # "Visa mer" opens the rest of the text, also without script.
        fire = frame.locator(".others article").nth(1)
        fire.locator("summary").click()
        expect(fire.locator(".body")).to_contain_text("Det är mycket torrt i skog och mark.")
        expect(fire.locator(".lead")).to_be_hidden()
        # Empty state: everything withdrawn.
        later = now + timedelta(seconds=5)
        gone = [i.evolve(withdrawn=True, updated=later) for i in alerts_scenario(now)[:3]]
        published.publish(gone, later)
        page.reload()
        expect(page.frame_locator("iframe").locator("body")).to_contain_text(
            "Inga aktuella varningar eller meddelanden för Västernorrlands län."
        )
    finally:
        ctx.close()


@pytest.mark.parametrize("name", ["feed.html", "alerts.html", f"topics/{TOPIC['id']}.html"])
def test_each_feed_has_a_readable_page(page: Page, published: Published, name: str) -> None:
    now = datetime(2026, 6, 12, 10, 0, tzinfo=UTC)  # summer: Stockholm is UTC+2
    published.publish(alerts_scenario(now), now)
    page.goto(published.site.url("/" + name))
    expect(page.locator("h1")).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "sv"
    text = page.locator("main").inner_text()
    assert "Det här är ett nyhetsflöde" in text
    assert "Så här prenumererar du" in text
    base = published.site.url("/" + name.removesuffix(".html"))
    expect(page.get_by_label("Flödets adress")).to_have_value(base + ".rss")
    if name != "alerts.html":
        assert "Kraftsamling mot våldet i Västernorrland" in text
        assert "Länsstyrelsen antar en handlingsplan mot våld i nära relationer." in text
        assert "12 juni 2026 kl. 10.00" in text  # published 08:00 UTC, in Stockholm time
        assert "Nivå 1 – Information" in text
    if not name.startswith("topics/"):
        assert "Kokningsrekommendation i Sundsvall" in text
        assert "Gäller: Sundsvall" in text
    expect(page.get_by_role("link", name="JSON Feed")).to_have_attribute("href", base + ".json")
    expect(page.get_by_role("link", name="Atom", exact=True)).to_have_attribute(
        "href", base + ".atom")


# -- axe-core ----------------------------------------------------------------------------------

def test_axe_finds_nothing_serious_in_the_banner(
    page: Page, published: Published, host_site: Site
) -> None:
    now = real_now()
    vma = alert_item("vma:1", Level.CRITICAL, "Viktigt meddelande till allmänheten", now,
                url="https://www.krisinformation.se/vma", source="vma")
    items = [*alerts_scenario(now), vma]
    published.publish(items, now)
    page.goto(host_page(host_site, published.site.url("/banner.js")))
    wait_marks(page, "loaded")
    assert axe_violations(page) == []
    page.get_by_role("button", name="3 till").click()  # every level on screen
    assert axe_violations(page) == []
    page.goto(published.site.url("/banner.html"))
    page.locator("summary.n").click()
    for more in page.locator("article summary").all():
        more.click()  # every "Visa mer" open
    assert axe_violations(page) == []


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("name", ["index.html", "banner.html", "feed.html", "alerts.html",
                                  f"topics/{TOPIC['id']}.html"])
def test_axe_finds_nothing_serious_in_the_published_pages(
    page: Page, published: Published, name: str, width: int
) -> None:
    now = real_now()
    vma = alert_item("vma:1", Level.CRITICAL, "Viktigt meddelande till allmänheten", now,
                     url="https://www.krisinformation.se/vma", source="vma", areas=("2281",))
    published.publish([*alerts_scenario(now), vma], now)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(published.site.url("/" + name))
    assert axe_violations(page) == []


def test_the_axe_scan_reaches_into_the_banner(
    page: Page, published: Published, host_site: Site
) -> None:
    """The scan is not blind to the shadow root: spoil the contrast there and axe says so."""
    published.publish(alerts_scenario(real_now()), real_now())
    page.goto(host_page(host_site, published.site.url("/banner.js")))
    wait_marks(page, "loaded")
    page.evaluate(
        "() => { const s = document.createElement('style');"
        " s.textContent = '.fb-lead{color:#c8c8c8 !important}';"
        " document.body.firstElementChild.shadowRoot.appendChild(s); }"
    )
    found = axe_violations(page)
    assert [v["id"] for v in found] == ["color-contrast"]
    assert any("fb-lead" in node for node in found[0]["nodes"])
