"""What banner.js says, held to what the publisher says: times (Europe/Stockholm, "kl. 21.28",
the weekday), where and when an alert applies, the collapsed alert and "Visa mer", the source
named once; and ``data-kommun`` given as a code, a name, or something unknown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from feeder.ladder import Level
from feeder.model import Item
from feeder.publish import banner, entry, views
from feeder.timeutil import swedish
from tests.banner.documents import FIRE, MUNICIPALITIES, alert, banner_doc
from tests.banner.site import Site, host_page, wait_marks

CLOCK = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

# UTC instants around both summer-time changes, a leap day, the turn of a year and later years.
MOMENTS = [
    datetime(2026, 3, 29, 0, 59, tzinfo=UTC), datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
    datetime(2026, 10, 25, 0, 59, tzinfo=UTC), datetime(2026, 10, 25, 1, 0, tzinfo=UTC),
    datetime(2028, 2, 29, 23, 30, tzinfo=UTC), datetime(2026, 12, 31, 23, 5, tzinfo=UTC),
    datetime(2027, 3, 28, 1, 0, tzinfo=UTC), datetime(2030, 10, 27, 0, 30, tzinfo=UTC),
    datetime(2026, 6, 12, 10, 0, 3, tzinfo=UTC), datetime(2035, 1, 1, 0, 0, tzinfo=UTC),
    datetime(2026, 12, 2, 8, 21, tzinfo=UTC), datetime(2026, 7, 4, 21, 59, tzinfo=UTC),
]

SMHI_BODY = (
    "<h3>Händelsebeskrivning</h3><p>Skogsbrandsrisken är stor till mycket stor i stora delar"
    " av länet.</p><h3>Vad ska jag tänka på?</h3><p>Var mycket försiktig vid eldning eller"
    " arbete med stora maskiner utomhus.</p><ul><li>Grilla bara på anvisade platser.</li>"
    "<li>Ha vatten till hands.</li></ul><p>Giltighetstid (ungefärlig): från 11 juni 2026 kl."
    " 00.00 till 15 juni 2026 kl. 00.00.</p><p>Källa: <a href=\"https://www.smhi.se/vader/"
    "varningar-och-brandrisk/varningar-och-meddelanden\">SMHI</a></p>"
)


def open_banner(page: Page, assets_site: Site, host_site: Site, doc: dict[str, Any],
                attrs: str = "", path: str = "/") -> None:
    assets_site.put_json("/banner.json", doc)
    page.goto(host_page(host_site, assets_site.url("/banner.js"), attrs=attrs, path=path))
    wait_marks(page, "loaded")


def published(items: list[Item], now: datetime) -> tuple[list[entry.Entry], dict[str, Any]]:
    """The entries the publisher builds, and banner.json holding them (in the given order)."""
    shown = [entry.build(item, now, (), MUNICIPALITIES) for item in items]
    return shown, banner_doc(*(banner.alert(e, now) for e in shown))


def item(n: int, **fields: Any) -> Item:
    values: dict[str, Any] = {"source": "smhi", "level": Level.WARNING, "title": f"Varning {n}",
                              "body": "<p>Kort.</p>", "published": CLOCK - timedelta(hours=1),
                              "updated": CLOCK - timedelta(hours=1)}
    values.update(fields)
    return Item(id=f"smhi:{n}-22", **values)


def when_texts(page: Page, count: int) -> list[str]:
    """The "when" line of every alert on screen, in order ("" where there is none)."""
    if count > 1:
        page.get_by_role("button", name=f"{count - 1} till").click()
    return [str(t) for t in page.evaluate(
        "() => [...document.body.firstElementChild.shadowRoot.querySelectorAll('.fb-item')]"
        ".map(i => { const w = i.querySelector('.fb-when'); return w ? w.textContent : ''; })")]


def test_times_are_written_as_the_server_writes_them(
    page: Page, assets_site: Site, host_site: Site
) -> None:
    page.clock.install(time=CLOCK)
    items = [item(n, expires=moment) for n, moment in enumerate(MOMENTS)]
    shown, doc = published(items, CLOCK)
    open_banner(page, assets_site, host_site, doc)
    expected = [f"Gäller till {swedish(m, weekday=True, reference=CLOCK)}" for m in MOMENTS]
    assert when_texts(page, len(MOMENTS)) == expected
    assert expected[-1] == "Gäller till lördag 4 juli kl. 23.59"  # this year: no year
    assert expected[-2] == "Gäller till onsdag 2 december kl. 09.21"
    assert expected[9] == "Gäller till måndag 1 januari 2035 kl. 01.00"  # another year
    assert expected[1] == "Gäller till söndag 29 mars kl. 03.00"  # summer time from 02.00
    assert [views.applies(e, CLOCK) for e in shown] == expected


def test_the_time_of_a_stale_note_is_the_servers(
    page: Page, assets_site: Site, host_site: Site
) -> None:
    page.clock.install(time=CLOCK)
    for n, moment in enumerate(MOMENTS[:4]):
        sources = {"smhi": {"state": "stale", "banner": True, "ok": False, "stale": True,
                            "since": "2026-03-01T11:00:00Z",
                            "last_success": moment.strftime("%Y-%m-%dT%H:%M:%SZ")}}
        doc = banner_doc(FIRE, stale=True, sources=sources)
        open_banner(page, assets_site, host_site, doc, path=f"/{n}")
        expect(page.locator(".fb-stale")).to_have_text(
            f"Inga nya uppgifter från SMHI sedan {swedish(moment)}. "
            "Se SMHI:s varningar och meddelanden.")


def test_where_and_when_are_the_servers_words(
    page: Page, assets_site: Site, host_site: Site
) -> None:
    page.clock.install(time=CLOCK)
    later, end = CLOCK + timedelta(hours=30), CLOCK + timedelta(hours=40)
    items = [
        item(1, expires=end),
        item(2, expires=end, areas=("2281", "2262")),
        item(3, onset=later, expires=end),
        item(4, onset=later, expires=end, areas=("2284",)),
        item(5, onset=later),
        item(6, areas=("2280",)),
        item(7),
    ]
    shown, doc = published(items, CLOCK)
    expected = [views.applies(e, CLOCK) for e in shown]
    assert expected == [
        "Gäller till tisdag 3 mars kl. 05.00",
        "Gäller: Sundsvall, Timrå, till tisdag 3 mars kl. 05.00",
        "Från måndag 2 mars kl. 19.00 till tisdag 3 mars kl. 05.00",
        "Gäller: Örnsköldsvik, från måndag 2 mars kl. 19.00 till tisdag 3 mars kl. 05.00",
        "Från måndag 2 mars kl. 19.00",
        "Gäller: Härnösand",
        "",
    ]
    open_banner(page, assets_site, host_site, doc)
    assert when_texts(page, len(items)) == expected
    # An older banner.json without area_names: the names from "municipalities".
    for raw in doc["alerts"]:
        del raw["area_names"]
    open_banner(page, assets_site, host_site, doc, path="/old")
    assert when_texts(page, len(items)) == expected


def test_collapsed_one_line_then_the_rest_with_its_structure(
    page: Page, assets_site: Site, host_site: Site
) -> None:
    page.clock.install(time=CLOCK)
    fire = item(1, level=Level.NOTICE, title="Risk för skogsbrand i Västernorrlands län",
                body=SMHI_BODY, url="https://www.smhi.se/vader/varningar-och-brandrisk/"
                "varningar-och-meddelanden", expires=CLOCK + timedelta(days=2))
    _, doc = published([fire], CLOCK)
    open_banner(page, assets_site, host_site, doc)
    live = page.locator(".fb-live")
    lead = live.locator(".fb-lead")
    expect(lead).to_have_text(
        "Skogsbrandsrisken är stor till mycket stor i stora delar av länet.")  # SMHI's words
    assert lead.evaluate("e => getComputedStyle(e).whiteSpace") == "nowrap"  # one line
    body = live.locator(".fb-body")
    expect(body).to_be_hidden()
    text = live.inner_text()
    assert text.count("SMHI") == 2  # "Läs mer på SMHI:s webbplats" and "Källa: SMHI", once each
    assert "Källa: SMHI" in text
    expect(live.get_by_role("link", name="Läs mer på SMHI:s webbplats om Risk för skogsbrand")
           ).to_have_attribute("href", fire.url or "")
    expect(live.locator(".fb-when")).to_have_text("Gäller till tisdag 3 mars kl. 13.00")
    more = live.get_by_role("button", name="Visa mer om Risk för skogsbrand")
    expect(more).to_have_attribute("aria-expanded", "false")
    more.click()
    expect(body).to_be_visible()
    expect(lead).to_be_hidden()
    expect(body.locator("h3")).to_have_text(["Händelsebeskrivning", "Vad ska jag tänka på?"])
    expect(body.locator("li")).to_have_text(["Grilla bara på anvisade platser.",
                                            "Ha vatten till hands."])
    expect(body.locator("p").first).to_have_text(
        "Skogsbrandsrisken är stor till mycket stor i stora delar av länet.")
    assert "Källa" not in body.inner_text()  # the source is named once, below
    assert live.inner_text().count("Källa: SMHI") == 1
    expect(live.get_by_role("button", name="Visa mindre")).to_have_attribute(
        "aria-expanded", "true")
    # It stays open when banner.json is read again with nothing new.
    page.clock.run_for(61_000)
    wait_marks(page, "loaded", 2)
    expect(body).to_be_visible()


def test_visa_mer_where_the_server_offers_it(
    page: Page, assets_site: Site, host_site: Site
) -> None:
    page.clock.install(time=CLOCK)
    end = CLOCK + timedelta(hours=40)
    items = [
        item(1, expires=end),  # one short line: nothing to show more of
        item(2, expires=end, title="Kokningsrekommendation för hela Sundsvalls tätort"),
        item(3, expires=end, areas=("2281", "2262", "2280", "2282", "2283", "2284")),
        item(4, expires=end, url="https://www.en-mycket-lang-kommunadress.se/"),
        item(5, expires=end, body="<p>Kort.</p><p>Mer.</p>"),
        item(6, url="https://www.smhi.se/"),
    ]
    shown, doc = published(items, CLOCK)
    open_banner(page, assets_site, host_site, doc)
    page.get_by_role("button", name="5 till").click()
    offered = page.evaluate(
        "() => [...document.body.firstElementChild.shadowRoot.querySelectorAll('.fb-item')]"
        ".map(i => i.querySelector('.fb-x') !== null)")
    assert offered == [views.has_more(e, CLOCK) for e in shown]
    assert offered == [False, True, True, True, True, False]


def test_a_short_single_line_has_no_visa_mer(
    page: Page, assets_site: Site, host_site: Site
) -> None:
    short = alert("notice:k", 3, "Kokningsrekommendation", text="Koka vattnet.")
    open_banner(page, assets_site, host_site, banner_doc(short))
    expect(page.locator(".fb-live .fb-lead")).to_have_text("Koka vattnet.")
    expect(page.get_by_role("button", name="Visa mer")).to_have_count(0)


# -- data-kommun --------------------------------------------------------------------------------

SUNDSVALL = alert("notice:s", 3, "Kokningsrekommendation i Sundsvall", areas=("2281",))
HARNOSAND = alert("notice:h", 3, "Vattenläcka i Härnösand", areas=("2280",))
OVIK = alert("notice:o", 3, "Vattenläcka i Örnsköldsvik", areas=("2284",))
BOTH = alert("notice:b", 2, "Vägarbete Sundsvall–Timrå", areas=("2262", "2281"))
DOC = banner_doc(SUNDSVALL, HARNOSAND, FIRE, BOTH, OVIK)


def titles(page: Page) -> list[str]:
    toggle = page.locator(".fb-toggle")
    if toggle.count():
        toggle.click()
    return [str(t) for t in page.locator(".fb-title").all_text_contents()]


def test_data_kommun_shows_county_wide_alerts_and_its_own(
    page: Page, assets_site: Site, host_site: Site
) -> None:
    open_banner(page, assets_site, host_site, DOC, attrs=' data-kommun="2281"')
    assert titles(page) == [SUNDSVALL["title"], FIRE["title"], BOTH["title"]]
    expect(page.locator(".fb-live")).to_contain_text("Gäller: Sundsvall")
    open_banner(page, assets_site, host_site, DOC, attrs=' data-kommun="2280"', path="/h")
    assert titles(page) == [HARNOSAND["title"], FIRE["title"]]
    open_banner(page, assets_site, host_site, DOC, path="/all")  # no data-kommun: everything
    assert len(titles(page)) == 5


@pytest.mark.parametrize("value", ["Sundsvall", "sundsvall", " SUNDSVALL ", "Sundsvalls kommun",
                                   "sundsvall kommun"])
def test_data_kommun_by_name(page: Page, assets_site: Site, host_site: Site, value: str) -> None:
    warnings: list[str] = []
    page.on("console", lambda m: warnings.append(m.text) if m.type == "warning" else None)
    open_banner(page, assets_site, host_site, DOC, attrs=f' data-kommun="{value}"')
    assert titles(page) == [SUNDSVALL["title"], FIRE["title"], BOTH["title"]]
    assert warnings == []


@pytest.mark.parametrize("value", ["Örnsköldsvik", "ornskoldsvik", "ÖRNSKÖLDSVIKS KOMMUN", "2284"])
def test_data_kommun_with_a_o_and_without(
    page: Page, assets_site: Site, host_site: Site, value: str
) -> None:
    open_banner(page, assets_site, host_site, DOC, attrs=f' data-kommun="{value}"')
    assert titles(page) == [OVIK["title"], FIRE["title"]]


@pytest.mark.parametrize("value", ["Stockholm", "1480", "Sunds vall"])
def test_an_unknown_data_kommun_warns_and_shows_every_alert(
    page: Page, assets_site: Site, host_site: Site, value: str
) -> None:
    warnings: list[str] = []
    page.on("console", lambda m: warnings.append(m.text) if m.type == "warning" else None)
    open_banner(page, assets_site, host_site, DOC, attrs=f' data-kommun="{value}"')
    assert len(titles(page)) == 5  # never silently hidden
    assert len(warnings) == 1 and f'data-kommun="{value}"' in warnings[0]
    assert "alla varningar visas" in warnings[0]


def test_an_older_banner_json_without_municipalities_still_takes_a_code(
    page: Page, assets_site: Site, host_site: Site
) -> None:
    old = banner_doc(SUNDSVALL, HARNOSAND, FIRE, municipalities=None)
    open_banner(page, assets_site, host_site, old, attrs=' data-kommun="2281"')
    assert titles(page) == [SUNDSVALL["title"], FIRE["title"]]
