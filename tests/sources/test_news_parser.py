"""The news parser (pure: bytes and a context in, entries or items out): the cases in
tests/sources/cases/lansstyrelsen (each input with its whole expected output) and the fixtures of
tests/fixtures/lansstyrelsen.

The fixtures are parsed as served by lansstyrelsen.se (their own absolute URLs); the polls over
HTTP are in test_lansstyrelsen.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from feeder.config import Region
from feeder.errors import LayoutChangedError
from feeder.ladder import Level
from feeder.model import Item
from feeder.sources import news_dates, news_parser
from feeder.sources.base import ParseContext
from feeder.sources.news_entries import ListEntry, article_pattern, canonical_url, link_url
from feeder.text import plain_text
from tests.sources.news_support import (
    ARTICLES,
    KRAFTSAMLING,
    NOW,
    REAL_LIST_URL,
    REAL_ORIGIN,
    STRANDSKYDD,
    fixture,
    seed_paragraphs,
    utc,
)
from tests.sources.parse_cases import Case, cases, expected_result, run

BASE = REAL_ORIGIN + ARTICLES
REGION = Region("Västernorrlands län", 22, {})


def url(slug: str) -> str:
    return f"{BASE}{slug}.html"


def article(body: bytes, context: ParseContext, entry: ListEntry | None = None) -> Item:
    """The one item :func:`news_parser.parse_article` gives."""
    [item] = news_parser.parse_article(body, context, entry).items
    return item


def ctx(address: str, now: datetime = NOW) -> ParseContext:
    """The context of a page fetched from ``address`` in a poll at ``now``."""
    return ParseContext(REGION, now, address)


@pytest.mark.parametrize("case", cases("lansstyrelsen"), ids=lambda case: case.id)
def test_case(case: Case) -> None:
    """Each input in tests/sources/cases/lansstyrelsen gives exactly its expected output."""
    assert run(case) == expected_result(case.load())


# --------------------------------------------------------------------------- list pages

LIST_CASES: dict[str, dict[str, Any]] = {
    "news_list.html": {
        "method": "channel",
        "entries": [
            # (slug, title, date, lead)
            ("2022-03-25-ansok-om-bidrag-till-lokala-naturvardsprojekt",
             "Ansök om bidrag till lokala naturvårdsprojekt", "2022-03-25T09:00:00+01:00",
             "Föreningar och kommuner i länet kan nu söka bidrag för lokala naturvårdsprojekt."),
            ("2022-03-23-samrad-om-vattenforvaltning-i-bottenhavets-distrikt",
             "Samråd om vattenförvaltning i Bottenhavets distrikt", "2022-03-23T10:30:00+01:00",
             "Nu kan du lämna synpunkter på förslagen till förvaltningsplan och åtgärdsprogram."),
            (KRAFTSAMLING, "Kraftsamling mot våldet i Västernorrland",
             "2022-03-21T13:45:00+01:00",
             "Alla kommuner, regionen, länsstyrelsen och en rad myndigheter i länet skriver i"
             " morgon under en handlingsplan mot våld."),
            ("2022-03-17-inventering-av-jarv-i-lanet-klar", "Inventering av järv i länet klar",
             "2022-03-17T08:15:00+01:00",
             "Vinterns inventering visar på ett stabilt antal föryngringar i länet."),
            ("2022-03-14-krisberedskap-ovning-med-lanets-kommuner",
             "Övning i krisberedskap med länets kommuner", "2022-03-14T14:00:00+01:00",
             "Länsstyrelsen övar tillsammans med Härnösand, Kramfors, Sollefteå, Sundsvall,"
             " Timrå, Ånge och Örnsköldsvik."),
            # no <time>: the date comes from the URL slug (midnight in Sweden)
            (STRANDSKYDD, "Nya regler för strandskydd & dispenser", "2022-03-10T00:00:00+01:00",
             "Från den 1 april gäller nya regler. Här är vad som ändras."),
            # absolute URL with ?utm_source=lista#start: the id has neither
            ("2022-03-08-stod-till-ukrainska-flyktingar",
             "Stöd till personer på flykt från Ukraina", "2022-03-08T16:20:00+01:00",
             "Länsstyrelsen samordnar arbetet med mottagandet i länet."),
            # no lead
            ("2022-03-02-jaktkort-och-licensjakt-efter-lo", "Licensjakt efter lo avslutad",
             "2022-03-02T11:05:00+01:00", ""),
        ],
    },
    "news_list_changed_layout.html": {
        # no sv-channel-item: the URL-pattern fallback; the duplicate card counted once, the
        # card without a link, the banner's link, the link in the script and the related
        # Krisinformation link are not entries
        "method": "pattern",
        "entries": [
            ("2022-04-05-eldningsforbud-i-hela-lanet", "Eldningsförbud i hela länet",
             "2022-04-05T09:12:00+02:00",
             "Risken för brand i skog och mark är stor & förbudet gäller tills vidare."),
            # "&aring" without ';' decoded; "Publicerad igår" is no date: the slug's is used
            ("2022-04-04-fiskeregler-i-indalsalven", "Nya fiskeregler i Indalsålven",
             "2022-04-04T00:00:00+02:00", ""),
        ],
    },
}


@pytest.mark.parametrize("name", sorted(LIST_CASES))
def test_list_page_entries(name: str) -> None:
    case = LIST_CASES[name]
    page = news_parser.parse(fixture(name), ctx(REAL_LIST_URL))
    assert page.method == case["method"]
    got = [(e.url, e.title, e.date, e.lead) for e in page.items]
    want = [(url(slug), title, utc(date), lead) for slug, title, date, lead in case["entries"]]
    assert got == want


@pytest.mark.parametrize("name", sorted(LIST_CASES))
def test_list_entries_are_whole_and_clean(name: str) -> None:
    entries = news_parser.parse(fixture(name), ctx(REAL_LIST_URL)).items
    assert entries
    for entry in entries:
        assert entry.title.strip() and entry.url.startswith("https://www.lansstyrelsen.se/")
        assert "?" not in entry.url and "#" not in entry.url
        for text in (entry.title, entry.lead):
            assert "&#" not in text and "<" not in text and "&aring" not in text
    assert len({e.url for e in entries}) == len(entries)
    assert not any("fake" in e.url or "krisinformation" in e.url for e in entries)


def test_list_resolves_relative_links_against_the_page() -> None:
    entries = news_parser.parse(fixture("news_list.html"), ctx("http://127.0.0.1:9/x/y.html")).items
    # the one absolute link to www.lansstyrelsen.se is another site from 127.0.0.1: dropped
    assert len(entries) == 7
    assert all(e.url.startswith("http://127.0.0.1:9/vasternorrland/") for e in entries)


def test_a_page_that_is_no_news_list_yields_nothing() -> None:
    page = news_parser.parse(fixture("article_strandskydd.html"), ctx(REAL_LIST_URL))
    assert page.items == [] and page.method == "none"
    assert page.headings == ["Nya regler för strandskydd"]


def test_no_feed_advertised_by_the_fixtures() -> None:
    for name in LIST_CASES:
        assert news_parser.parse(fixture(name), ctx(REAL_LIST_URL)).feed_url is None


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ('<link rel="alternate" type="application/rss+xml" href="/4.1/12.2.portlet?state=rss">',
         REAL_ORIGIN + "/4.1/12.2.portlet?state=rss"),
        ('<link rel="alternate" type="application/atom+xml" href="https://x.se/feed.atom">',
         "https://x.se/feed.atom"),
        ('<link rel="ALTERNATE stylesheet" type="application/rss+xml; charset=utf-8"'
         ' href="rss.xml">', REAL_ORIGIN + "/vasternorrland/om-oss/nyheter-och-press/rss.xml"),
        ('<link rel="alternate" hreflang="en" href="/en.html">', None),
        ('<link rel="stylesheet" type="application/rss+xml" href="/x.xml">', None),
        ('<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">', None),
    ],
)
def test_feed_link(link: str, expected: str | None) -> None:
    page = f"<html><head>{link}</head><body></body></html>".encode()
    assert news_parser.parse(page, ctx(REAL_LIST_URL)).feed_url == expected


# --------------------------------------------------------------------------- feeds


def test_sitevision_rss_feed_entries() -> None:
    feed = fixture("rss_sitevision_example.xml")
    entries = news_parser.parse_feed(feed, ctx(REAL_LIST_URL)).items
    assert entries == [
        ListEntry(url(KRAFTSAMLING), "Kraftsamling mot våldet i Västernorrland",
                  utc("2022-03-21T13:45:00+01:00"),
                  "Alla kommuner, regionen, länsstyrelsen och en rad myndigheter i länet"
                  " skriver i morgon under en handlingsplan mot våld."),
        ListEntry(url("2022-03-17-inventering-av-jarv-i-lanet-klar"),
                  "Inventering av järv i länet klar", utc("2022-03-17T08:15:00+01:00"),
                  "Vinterns inventering visar på ett stabilt antal föryngringar i länet."),
    ]


def test_atom_feed_entries() -> None:
    atom = f"""<?xml version="1.0" encoding="utf-8"?>
    <feed xmlns="http://www.w3.org/2005/Atom"><title>Nyheter</title>
      <entry><title type="html">Ny &lt;b&gt;plan&lt;/b&gt;</title>
        <link rel="alternate" href="{url(KRAFTSAMLING)}?a=1"/>
        <updated>2022-03-21T15:02:00+01:00</updated><published>2022-03-21T13:45:00+01:00</published>
        <summary>Kort</summary></entry>
      <entry><title>Utan länk</title><updated>2022-03-21T15:02:00Z</updated></entry>
      <entry><title>Annan webbplats</title><link href="https://example.org/a.html"/></entry>
    </feed>""".encode()
    assert news_parser.parse_feed(atom, ctx(REAL_LIST_URL)).items == [
        ListEntry(url(KRAFTSAMLING), "Ny plan", utc("2022-03-21T13:45:00+01:00"), "Kort")
    ]


def test_a_broken_feed_yields_nothing() -> None:
    assert news_parser.parse_feed(b"<html><body>Not a feed", ctx(REAL_LIST_URL)).items == []


# --------------------------------------------------------------------------- articles

LIST_ENTRIES = {
    e.url: e for e in news_parser.parse(fixture("news_list.html"), ctx(REAL_LIST_URL)).items
}

ARTICLE_CASES: dict[str, dict[str, Any]] = {
    # dates only in <time datetime> (the seed page's labels show no visible value)
    "article_kraftsamling.html": {
        "slug": KRAFTSAMLING,
        "title": "Kraftsamling mot våldet i Västernorrland",
        "published": "2022-03-21T13:45:00+01:00",
        "updated": "2022-03-21T15:02:00+01:00",
        "summary_starts": "Alla kommuner, regionen, länsstyrelsen och en rad myndigheter",
        "html_has": ["<ul>", "<li>Örnsköldsvik kommun</li>", "<h2>Kontakt</h2>",
                     '<a href="tel:+46102250000"'],
        "text_has": seed_paragraphs(),
        "text_lacks": ["Risk för skogsbrand", "SMHI", "Publiceringsdatum", "Senast uppdaterad",
                       "Startsida", "Nyheter och press", "871 86", "Kraftsamling mot våldet i"
                       " Västernorrland Alla"],
    },
    # dates as visible Swedish text ("10 mars 2022", "31 mars 2022 kl. 08.40") and in meta tags:
    # the visible day, refined by the meta tag's time on that day
    "article_strandskydd.html": {
        "slug": STRANDSKYDD,
        "title": "Nya regler för strandskydd",  # the h1, not the list's longer title
        "published": "2022-03-10T09:30:00+01:00",
        "updated": "2022-03-31T08:40:00+02:00",
        "summary_starts": "Från den 1 april gäller nya regler för strandskydd i hela landet.",
        "html_has": [
            '<a href="https://www.lansstyrelsen.se/vasternorrland/natur-och-landskap/'
            'strandskydd.html" rel="noopener noreferrer">strandskydd i länet</a>',
            "<li>Länsstyrelsen överprövar beslut inom tre veckor.</li>",
        ],
        "text_has": ["Det här ändras:", "Kommunerna i Härnösand, Kramfors, Sollefteå"],
        "text_lacks": ["Foto:", "Publiceringsdatum", "10 mars 2022", "Länsstyrelsen"
                       " Västernorrland Nya"],
    },
}


def parse_case(name: str) -> Any:
    case = ARTICLE_CASES[name]
    address = url(case["slug"])
    return article(fixture(name), ctx(address), LIST_ENTRIES[address])


@pytest.mark.parametrize("name", sorted(ARTICLE_CASES))
def test_article(name: str) -> None:
    case = ARTICLE_CASES[name]
    item = parse_case(name)
    assert item.id == canonical_url(url(case["slug"]))  # https, no www.
    assert item.url == url(case["slug"])  # the link as listed
    assert item.source == "lansstyrelsen" and item.level is Level.INFO
    assert item.level_reason == "news article → info"
    assert item.credit == item.source_name == "Länsstyrelsen Västernorrland"
    assert item.title == case["title"]
    assert item.published == utc(case["published"])
    assert item.updated == utc(case["updated"])
    assert item.summary.startswith(case["summary_starts"])
    assert "<" not in item.summary and "&#" not in item.summary
    for fragment in case["html_has"]:
        assert fragment in item.body
    text = plain_text(item.body)
    for phrase in case["text_has"]:
        assert phrase in text
    for phrase in case["text_lacks"]:
        assert phrase not in text
    assert "&#x" not in item.body and "&#" not in item.title
    assert "class=" not in item.body and "<div" not in item.body and "<img" not in item.body


def test_seed_article_is_the_seed_text_in_order() -> None:
    text = plain_text(parse_case("article_kraftsamling.html").body)
    at = 0
    for paragraph in seed_paragraphs():  # each one after the one before
        at = text.index(paragraph, at) + len(paragraph)
    # the seed ends with the heading "Kontakt"; the page adds the contact under it
    assert text.endswith("Kontakt Emma Wik, utvecklingsledare, 010-225 00 00")


def test_article_is_deterministic() -> None:
    assert parse_case("article_kraftsamling.html") == parse_case("article_kraftsamling.html")


def test_article_without_h1_takes_og_title_then_the_list_title() -> None:
    page = fixture("article_strandskydd.html")
    no_h1 = page.replace(b'<h1 class="heading" id="h-Nyareglerforstrandskydd">Nya regler f&#xF6;r'
                         b" strandskydd</h1>", b"")
    assert b"<h1" not in no_h1
    entry = LIST_ENTRIES[url(STRANDSKYDD)]
    assert article(no_h1, ctx(url(STRANDSKYDD)), entry).title == (
        "Nya regler för strandskydd")  # og:title
    neither = no_h1.replace(b'<meta property="og:title" content="Nya regler f&#xF6;r strandskydd">',
                            b"")
    item = article(neither, ctx(url(STRANDSKYDD)), entry)
    assert item.title == "Nya regler för strandskydd & dispenser"  # the list's
    assert "Det här ändras:" in plain_text(item.body)


@pytest.mark.parametrize(
    ("page", "entry", "message"),
    [
        # a shell page (script-rendered, say): no headline, no text, and no list title
        (b"<html><head><title>Laddar</title></head><body><div id=app></div></body></html>",
         None, "has no title"),
        # the same with a list title: still no article we can read
        (b"<html><head><title>Laddar</title></head><body><div id=app></div></body></html>",
         ListEntry(url(KRAFTSAMLING), "Kraftsamling"), "has no headline and no text"),
        (b"", None, "has no title"),
        (b"\x00\xff\xfe binary", None, "has no title"),
    ],
)
def test_article_layout_changed(page: bytes, entry: ListEntry | None, message: str) -> None:
    with pytest.raises(LayoutChangedError) as caught:
        article(page, ctx(url(KRAFTSAMLING)), entry)
    assert caught.value.source == "lansstyrelsen"
    assert caught.value.reason.startswith("layout changed: article ")
    assert message in caught.value.reason


def test_article_dates_fall_back_to_the_list_then_the_slug() -> None:
    page = b"<html><body><main><h1>Rubrik</h1><p>Text.</p></main></body></html>"
    listed = ListEntry(url(KRAFTSAMLING), "Rubrik", utc("2022-03-21T13:45:00+01:00"))
    item = article(page, ctx(url(KRAFTSAMLING)), listed)
    assert item.published == item.updated == utc("2022-03-21T13:45:00+01:00")
    item = article(page, ctx(url(KRAFTSAMLING)))
    assert item.published == utc("2022-03-21T00:00:00+01:00")
    seen = utc("2026-06-12T10:00:00Z")
    item = article(page, ctx("https://www.lansstyrelsen.se/a.html", seen))
    assert item.published == seen  # nothing dates the page: the time it was first seen


def test_article_drops_chrome_and_script_inside_the_content() -> None:
    page = """<html><body><main><nav>Brödsmulor</nav><h1>Rubrik</h1>
      <p>Publicerad: 5 april 2022 kl. 09.12</p>
      <div role="alert"><p>Risk för skogsbrand</p></div>
      <p>Första stycket <a href="../x.html" onclick="evil()">länk</a>.</p>
      <script>document.write('<p>injected</p>')</script>
      <figure><img src=a.jpg><figcaption>Foto: X</figcaption></figure>
      <aside><p>Relaterat</p></aside><p>Andra <b>stycket</b>.</p></main>
      <footer><p>Sidfot</p></footer></body></html>""".encode()
    item = article(page, ctx(f"{BASE}2022-04-05-x.html?utm=1"))
    assert item.id == canonical_url(f"{BASE}2022-04-05-x.html")
    assert item.url == f"{BASE}2022-04-05-x.html"
    assert item.published == utc("2022-04-05T09:12:00+02:00")
    assert item.body == (
        f'<p>Första stycket <a href="{REAL_ORIGIN}/vasternorrland/om-oss/nyheter-och-press/x.html"'
        ' rel="noopener noreferrer">länk</a>.</p>\n<p>Andra <b>stycket</b>.</p>'
    )
    assert item.summary == "Första stycket länk ."


# --------------------------------------------------------------------------- small parts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("21 mars 2022", "2022-03-21T00:00:00+01:00"),
        ("31 mars 2022 kl. 08.40", "2022-03-31T08:40:00+02:00"),
        ("Publicerad 2 mars 2022, kl 11:05", "2022-03-02T11:05:00+01:00"),
        ("1 okt. 2023", "2023-10-01T00:00:00+02:00"),
        ("Publicerad 2022-04-05 09:12", "2022-04-05T09:12:00+02:00"),
        ("Publicerad igår", None),
        ("31 februari 2022", None),
        ("den 1 april gäller", None),
    ],
)
def test_visible_dates(text: str, expected: str | None) -> None:
    when = news_dates.visible_date(text)
    assert (when.value if when else None) == (utc(expected) if expected else None)


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("/a/b.html?x=1#y", "https://www.lansstyrelsen.se/a/b.html"),
        ("HTTPS://WWW.Lansstyrelsen.SE/a/B.html", "https://www.lansstyrelsen.se/a/B.html"),
        ("c.html", "https://www.lansstyrelsen.se/vasternorrland/om-oss/nyheter-och-press/c.html"),
        ("  /d.html  ", "https://www.lansstyrelsen.se/d.html"),
        ("mailto:a@b.se", None),
        ("javascript:void(0)", None),
        ("ftp://x.se/a", None),
        ("http://[broken/a", None),
    ],
)
def test_link_url(href: str, expected: str | None) -> None:
    assert link_url(href, REAL_LIST_URL) == expected


def test_article_pattern_is_the_lists_county() -> None:
    pattern = article_pattern(REAL_LIST_URL)
    assert pattern.search(f"/x/nyheter---vasternorrland/{KRAFTSAMLING}.html")
    assert not pattern.search(f"/x/nyheter---jamtland/{KRAFTSAMLING}.html")
    assert not pattern.search("/x/nyheter---vasternorrland/kraftsamling.html")
    assert article_pattern("https://x.se/news.html").search(f"/nyheter---jamtland/{KRAFTSAMLING}.html")


def test_slug_date() -> None:
    assert news_dates.slug_date(url(KRAFTSAMLING)) == datetime.fromisoformat(
        "2022-03-20T23:00:00+00:00")
    assert news_dates.slug_date(REAL_LIST_URL) is None
    assert news_dates.slug_date(f"{BASE}2022-02-30-x.html") is None
