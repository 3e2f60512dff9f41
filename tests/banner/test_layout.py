"""How the banner and the pages lie on a phone (375 px) and a desktop (1280 px), in Chromium: the
collapsed banner as short as the seed's (one alert at most 160 px at 375 px), no sideways
scrolling on any published page, and the iframe of docs/embed.md: its documented height holds the
collapsed banner, and its snippet makes the frame follow the banner's height."""

from __future__ import annotations

import math
import re
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from feeder.ladder import Level
from feeder.model import Item
from tests.banner.documents import TOPIC, alerts_scenario, real_now
from tests.banner.site import Published, Site, host_page, wait_marks

WIDTHS = [375, 1280]
EMBED = (Path(__file__).resolve().parents[2] / "docs" / "embed.md").read_text(encoding="utf-8")
PUBLIC = "https://varningar.example.se/"
SMHI_URL = "https://www.smhi.se/vader/varningar-och-brandrisk/varningar-och-meddelanden"
SMHI_BODY = (
    "<h3>Händelsebeskrivning</h3><p>Skogsbrandsrisken är stor till mycket stor i stora delar av"
    " länet.</p><h3>Vad ska jag tänka på?</h3><p>Var mycket försiktig vid eldning eller arbete"
    " med stora maskiner utomhus.</p><p>Giltighetstid (ungefärlig): från 11 juni 2026 kl. 00.00"
    f' till 15 juni 2026 kl. 00.00.</p><p>Källa: <a href="{SMHI_URL}">SMHI</a></p>'
)


def item(item_id: str, now: datetime, **fields: object) -> Item:
    values: dict[str, object] = {
        "source": "smhi", "level": Level.NOTICE, "url": SMHI_URL, "body": SMHI_BODY,
        "title": "Risk för skogsbrand i Västernorrlands län", "published": now - timedelta(hours=2),
        "updated": now - timedelta(hours=2), "expires": now + timedelta(days=3),
    }
    values.update(fields)
    return Item(id=item_id, **values)  # type: ignore[arg-type]


def fire(now: datetime) -> list[Item]:
    """The seed's alert: SMHI's fire-risk message for the whole county."""
    return [item("smhi:1-22", now)]


def long_notice(now: datetime) -> list[Item]:
    """The longest collapsed alert we think of: a long title, three municipalities, an
    upcoming start and end, a long text, a link elsewhere."""
    return [item(
        "notice:lang", now, source="notice", level=Level.WARNING,
        title="Kokningsrekommendation för hela Sundsvalls tätort, Alnön, Njurunda, Matfors och "
              "Stöde efter ett ledningsbrott vid Sidsjön",
        body="<p>" + "Koka vattnet före användning, också till matlagning. " * 8 + "</p>",
        areas=("2281", "2262", "2280"), onset=now + timedelta(hours=5),
        url="https://www.sundsvall.se/vatten-och-avlopp/driftstorningar-och-underhall",
    )]


def vma(now: datetime) -> list[Item]:
    return [item("vma:9", now, source="vma", level=Level.CRITICAL,
                 title="Viktigt meddelande till allmänheten: Brand i industribyggnad i Sundsvall",
                 body="<p>Gå inomhus och stäng dörrar, fönster och ventilation.</p>",
                 url="https://sverigesradio.se/vma", areas=("2281", "2282"))]


def several(now: datetime) -> list[Item]:
    return [*fire(now), *long_notice(now), *vma(now)]


SCENARIOS = {"fire": fire, "long": long_notice, "vma": vma}


def _height(page: Page, selector: str) -> float:
    return float(page.locator(selector).first.evaluate("e => e.getBoundingClientRect().height"))


def _no_overflow(page: Page) -> None:
    width = page.viewport_size["width"]  # type: ignore[index]
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url}: {scroll} px wide at {width} px"


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_one_collapsed_alert_is_at_most_160px_on_a_phone(
    page: Page, published: Published, host_site: Site, scenario: str
) -> None:
    now = real_now()
    published.publish(SCENARIOS[scenario](now), now)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(host_page(host_site, published.site.url("/banner.js")))
    wait_marks(page, "loaded")
    shown = _height(page, ".fb-live .fb-item")
    assert 60 < shown <= 160, f"banner.js: {shown} px"
    expect(page.locator(".fb-live .fb-title")).to_be_visible()
    page.goto(published.site.url("/banner.html"))
    shown = _height(page, "article.alert")
    assert 60 < shown <= 160, f"banner.html: {shown} px"
    # Opened, it shows the rest: taller, with nothing cut.
    page.locator("article summary").first.click()
    assert _height(page, "article.alert") > shown
    _no_overflow(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_no_published_page_scrolls_sideways(
    page: Page, published: Published, host_site: Site, width: int
) -> None:
    now = real_now()
    published.publish([*several(now), *alerts_scenario(now)], now)
    page.set_viewport_size({"width": width, "height": 800})
    for name in ("index.html", "banner.html", "feed.html", "alerts.html",
                 f"topics/{TOPIC['id']}.html"):
        page.goto(published.site.url("/" + name))
        for summary in page.locator("summary").all():
            summary.click()  # everything open
        _no_overflow(page)
    page.goto(host_page(host_site, published.site.url("/banner.js")))
    wait_marks(page, "loaded")
    page.locator(".fb-toggle").click()
    for more in page.locator(".fb-x").all():
        more.click()
    _no_overflow(page)


def _snippets() -> tuple[str, str]:
    """docs/embed.md's iframe (with its documented height) and its resizing snippet."""
    section = EMBED[EMBED.index("## 2. The iframe"):EMBED.index("## 3. ")]
    blocks = re.findall(r"```html\n(.*?)```", section, re.S)
    frame = next(b for b in blocks if "<iframe" in b)
    snippet = next(b for b in blocks if "feederBanner" in b)
    return frame, snippet


def _embed(host_site: Site, published: Published, *, snippet: bool, path: str) -> str:
    frame, script = _snippets()
    body = frame.replace(PUBLIC, published.site.url("/")) + (script if snippet else "")
    return host_site.put(path, (
        '<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Timrå kommun</title></head><body><main><h1>Timrå kommun</h1>{body}"
        "<p>Kommunens nyheter.</p></main></body></html>"
    ), "text/html; charset=utf-8")


def _frame_fits(page: Page) -> tuple[float, float]:
    """(the frame's height, the height of what banner.html shows in it)."""
    frame = page.frame_locator("iframe").locator("html")
    content = float(frame.evaluate("e => e.getBoundingClientRect().height"))
    box = page.locator("iframe").bounding_box()
    assert box is not None
    return box["height"], content


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("scenario", ["fire", "long", "vma", "several"])
def test_the_documented_iframe_height_holds_the_collapsed_banner(
    page: Page, published: Published, host_site: Site, width: int, scenario: str
) -> None:
    now = real_now()
    published.publish({**SCENARIOS, "several": several}[scenario](now), now)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(_embed(host_site, published, snippet=False, path="/plain"))
    frame = page.frame_locator("iframe")
    expect(frame.locator("article.alert").first).to_be_visible()
    height, content = _frame_fits(page)
    assert content <= height, f"{content} px of banner in a {height} px frame"
    source = frame.locator(".src").first
    expect(source).to_be_in_viewport()  # the source and "Läs mer" are not cut off


@pytest.mark.parametrize("width", WIDTHS)
def test_the_snippet_makes_the_frame_follow_the_banner(
    page: Page, published: Published, host_site: Site, width: int
) -> None:
    now = real_now()
    published.publish(several(now), now)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(_embed(host_site, published, snippet=True, path="/snippet"))
    frame = page.frame_locator("iframe")
    expect(frame.locator("article.alert").first).to_be_visible()

    def fitted() -> tuple[float, float]:
        """The frame's and its content's heights, once the frame has followed (the frame is
        another origin: asked through Playwright, not the page)."""
        deadline = time.monotonic() + 5
        while True:
            height, content = _frame_fits(page)
            if abs(height - math.ceil(content)) < 1 or time.monotonic() > deadline:
                return height, content
            page.wait_for_timeout(50)

    height, content = fitted()
    assert abs(height - content) < 1.5  # no gap, nothing cut
    collapsed = height
    frame.locator("summary.n").click()  # "2 till": the frame grows with it
    height, content = fitted()
    assert height > collapsed + 100 and abs(height - content) < 1.5
    frame.locator("summary.n").click()
    height, _ = fitted()
    assert abs(height - collapsed) < 1.5
