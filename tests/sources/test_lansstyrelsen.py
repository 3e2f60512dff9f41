"""Länsstyrelsen news polls over loopback HTTP: the real Fetcher, a real SQLite store, poll_source.

The fake site (``NewsSite`` in news_support.py) serves the fixtures with lansstyrelsen.se's
origin replaced by the test server's. Only two of the list's eight articles have fixtures; where
a test needs every listed article to succeed, the list is trimmed to those two.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from feeder.ladder import Level
from feeder.model import Item
from feeder.sources.lansstyrelsen import needs_fetch
from feeder.sources.news_entries import ListEntry, credit_for
from feeder.text import plain_text
from feeder.topics import topics_for
from tests.sources.news_support import (
    KRAFTSAMLING,
    LIST_PATH,
    LISTED,
    NOW,
    STRANDSKYDD,
    NewsSite,
    article_path,
    fixture,
    seed_paragraphs,
    trim_list,
    utc,
    without_canonical,
)

BOTH = [KRAFTSAMLING, STRANDSKYDD]


@pytest.fixture
def site(tmp_path: Path, httpserver: HTTPServer) -> Iterator[NewsSite]:
    s = NewsSite(tmp_path, httpserver)
    yield s
    s.close()


def make_site(tmp_path: Path, httpserver: HTTPServer, **source: object) -> NewsSite:
    return NewsSite(tmp_path / "other", httpserver, **source)


# --------------------------------------------------------------------------- the full list


def test_full_list_stores_the_articles_and_skips_the_missing_ones(site: NewsSite) -> None:
    site.serve_list()
    site.serve_articles(missing=404)
    outcome = site.poll()
    assert outcome.ok, outcome.error
    assert sorted(outcome.inserted) == sorted(site.id(article_path(s)) for s in BOTH)
    # the list page, then every listed article once, in list order, without query or fragment
    assert site.paths() == [LIST_PATH, *(article_path(s) for s in LISTED)]
    assert all(not r.query_string for r in site.requests)
    missing = [s for s in LISTED if s not in BOTH]
    assert len(outcome.warnings) == len(missing)
    for slug, warning in zip(missing, outcome.warnings, strict=True):
        assert warning == f"article {site.url(article_path(slug))} skipped: HTTP 404 Not Found"
    # polite: a pause between article fetches (none before the first)
    assert site.sleeps == [0.25] * (len(LISTED) - 1)
    state = site.store.source_state("lansstyrelsen")
    assert state.state == "ok" and state.last_error is None


def test_seed_article_stored_with_its_full_text_and_without_the_banner(site: NewsSite) -> None:
    site.serve_list()
    site.serve_articles()
    site.poll()
    item = site.item(KRAFTSAMLING)
    assert item.id == site.id(article_path(KRAFTSAMLING))
    assert item.url == site.url(article_path(KRAFTSAMLING))
    assert item.title == "Kraftsamling mot våldet i Västernorrland"
    assert item.source == "lansstyrelsen" and item.level is Level.INFO
    assert item.source_name == "Länsstyrelsen Västernorrland"
    assert item.published == utc("2022-03-21T13:45:00+01:00")  # <time datetime> only
    assert item.updated == utc("2022-03-21T15:02:00+01:00")
    assert item.summary.startswith("Alla kommuner, regionen, länsstyrelsen")
    text = plain_text(item.body)
    at = 0
    for paragraph in seed_paragraphs():
        at = text.index(paragraph, at) + len(paragraph)
    for chrome in ("Risk för skogsbrand", "Läs mer på SMHI:s webbplats", "Publiceringsdatum",
                   "Senast uppdaterad", "Startsida", "Brödsmulor", "871 86 Härnösand"):
        assert chrome not in text and chrome not in item.summary
    assert item.ended is None and item.expires is None and not item.is_alert


def test_visible_swedish_dates_and_absolute_links(site: NewsSite) -> None:
    site.serve_list()
    site.serve_articles()
    site.poll()
    item = site.item(STRANDSKYDD)
    assert item.title == "Nya regler för strandskydd"
    assert item.published == utc("2022-03-10T09:30:00+01:00")
    assert item.updated == utc("2022-03-31T08:40:00+02:00")
    link = f'<a href="{site.origin}/vasternorrland/natur-och-landskap/strandskydd.html"'
    assert link in item.body
    assert "Foto:" not in item.body


def test_hex_character_references_are_decoded(site: NewsSite) -> None:
    site.serve_list()
    site.serve_articles()
    site.poll()
    for item in site.items().values():
        for text in (item.title, item.summary, item.body):
            assert "&#x" not in text and "&#X" not in text
        assert "Västernorrland" in item.body


def test_topic_rules_tag_the_seed_article(site: NewsSite) -> None:
    site.serve_list()
    site.serve_articles()
    site.poll()
    topics = site.config.topics
    assert [t.id for t in topics] == ["handlingsplan-mot-vald"]
    assert topics_for(site.item(KRAFTSAMLING), topics) == ("handlingsplan-mot-vald",)
    assert topics_for(site.item(STRANDSKYDD), topics) == ()


# --------------------------------------------------------------------------- unchanged polls


def test_an_unchanged_poll_fetches_only_the_list_page(site: NewsSite) -> None:
    site.serve_list(trim_list(fixture("news_list.html"), BOTH), etag='"v1"')
    site.serve_articles()
    first = site.poll()
    assert first.ok and len(first.inserted) == 2 and first.warnings == []
    assert site.store.source_state("lansstyrelsen").etag == '"v1"'
    site.forget_requests()
    second = site.poll(NOW + timedelta(minutes=15))
    assert second.ok and second.not_modified and not second.changed
    assert site.paths() == [LIST_PATH]
    assert site.requests[0].headers.get("If-None-Match") == '"v1"'


def test_an_unchanged_list_without_validators_fetches_no_article(site: NewsSite) -> None:
    site.serve_list(trim_list(fixture("news_list.html"), BOTH))
    site.serve_articles()
    assert len(site.poll().inserted) == 2
    site.forget_requests()
    again = site.poll(NOW + timedelta(minutes=15))
    assert again.ok and not again.not_modified and not again.changed
    assert site.paths() == [LIST_PATH]


# --------------------------------------------------------------------------- politeness


def test_at_most_max_articles_per_poll_and_the_rest_next_time(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    site = make_site(tmp_path, httpserver, max_articles=1)
    try:
        site.serve_list(trim_list(fixture("news_list.html"), BOTH), etag='"v1"')
        site.serve_articles()
        first = site.poll()
        assert first.inserted == [site.id(article_path(KRAFTSAMLING))]
        assert site.paths() == [LIST_PATH, article_path(KRAFTSAMLING)]
        assert first.warnings == ["1 more articles left for the next poll (at most 1 per poll)"]
        # validators are not kept while articles are pending: no 304 can hide them
        assert site.store.source_state("lansstyrelsen").etag is None
        site.forget_requests()
        second = site.poll(NOW + timedelta(minutes=15))
        assert second.inserted == [site.id(article_path(STRANDSKYDD))]
        assert site.paths() == [LIST_PATH, article_path(STRANDSKYDD)]
        assert "If-None-Match" not in site.requests[0].headers
        assert site.store.source_state("lansstyrelsen").etag == '"v1"'
        site.forget_requests()
        third = site.poll(NOW + timedelta(minutes=30))
        assert third.not_modified and site.paths() == [LIST_PATH]
        assert site.sleeps == []  # one article per poll: never a pause
    finally:
        site.close()


def test_the_cap_counts_article_fetches_on_the_full_list(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    site = make_site(tmp_path, httpserver, max_articles=3, article_delay=1.5)
    try:
        site.serve_list()
        site.serve_articles()
        outcome = site.poll()
        assert site.paths() == [LIST_PATH, *(article_path(s) for s in LISTED[:3])]
        assert outcome.inserted == [site.id(article_path(KRAFTSAMLING))]
        assert site.sleeps == [1.5, 1.5]
        assert "5 more articles left for the next poll (at most 3 per poll)" in outcome.warnings
    finally:
        site.close()


# --------------------------------------------------------------------------- single failures


@pytest.mark.parametrize("status", [404, 500])
def test_one_failing_article_does_not_block_the_other(site: NewsSite, status: int) -> None:
    site.serve_list(trim_list(fixture("news_list.html"), BOTH), etag='"v1"')
    site.serve_articles()
    site.serve(article_path(KRAFTSAMLING), b"<h1>Fel</h1>", status=status)
    outcome = site.poll()
    assert outcome.ok
    assert outcome.inserted == [site.id(article_path(STRANDSKYDD))]
    assert len(outcome.warnings) == 1
    assert outcome.warnings[0].startswith(f"article {site.url(article_path(KRAFTSAMLING))}"
                                          f" skipped: HTTP {status} ")
    assert site.store.source_state("lansstyrelsen").etag is None  # retried at the next poll
    # the article comes back: the next poll fetches the list in full and only that article
    site.serve(article_path(KRAFTSAMLING), "article_kraftsamling.html")
    site.forget_requests()
    again = site.poll(NOW + timedelta(minutes=15))
    assert again.inserted == [site.id(article_path(KRAFTSAMLING))] and again.warnings == []
    assert site.paths() == [LIST_PATH, article_path(KRAFTSAMLING)]


def test_an_article_that_is_no_page_we_understand_is_skipped(site: NewsSite) -> None:
    site.serve_list(trim_list(fixture("news_list.html"), BOTH))
    site.serve_articles()
    site.serve(article_path(KRAFTSAMLING),
               b"<html><head><title>Laddar</title></head><body><div id=app></div></body></html>")
    site.serve(article_path(STRANDSKYDD), b"%PDF-1.4 ...", content_type="application/pdf")
    site.serve(LIST_PATH, trim_list(fixture("news_list.html"), [*BOTH, LISTED[0]]))
    # an article, at least (another one: without the canonical link that names Strandskydd)
    site.serve(article_path(LISTED[0]), without_canonical(fixture("article_strandskydd.html")))
    outcome = site.poll()
    assert outcome.ok and outcome.inserted == [site.id(article_path(LISTED[0]))]
    assert sorted(outcome.warnings) == sorted([
        f"article {site.url(article_path(KRAFTSAMLING))} skipped: layout changed: article"
        f" {site.url(article_path(KRAFTSAMLING))} has no headline and no text",
        f"article {site.url(article_path(STRANDSKYDD))} skipped: not an HTML page"
        " (application/pdf)",
    ])


def test_every_article_failing_fails_the_poll_and_stores_nothing(site: NewsSite) -> None:
    site.serve_list(trim_list(fixture("news_list.html"), BOTH))
    site.serve(article_path(KRAFTSAMLING), b"busy", status=503)
    site.serve(article_path(STRANDSKYDD), b"gone", status=404)
    outcome = site.poll()
    assert not outcome.ok
    assert outcome.error is not None
    assert outcome.error.startswith(f"all 2 articles failed (first: "
                                    f"{site.url(article_path(KRAFTSAMLING))}): HTTP 503")
    assert "HTTP 404 Not Found" in outcome.error
    assert site.items() == {}
    state = site.store.source_state("lansstyrelsen")
    assert state.state == "failing" and state.last_error == outcome.error


def test_pages_missing_upstream_do_not_fail_a_source_whose_list_is_stored(site: NewsSite) -> None:
    site.serve_list()
    site.serve_articles(missing=404)
    assert len(site.poll().inserted) == 2
    site.forget_requests()
    # the six listed pages still answer 404: warned about again, but the list is readable and
    # its other articles are stored, so the source is not failing
    again = site.poll(NOW + timedelta(minutes=15))
    assert again.ok and len(again.warnings) == 6 and not again.changed
    assert site.paths() == [LIST_PATH, *(article_path(s) for s in LISTED if s not in BOTH)]
    assert site.store.source_state("lansstyrelsen").state == "ok"
    # a server error on them is not "missing": that fails the poll (and is retried)
    site.serve_articles(missing=502)
    third = site.poll(NOW + timedelta(minutes=30))
    assert not third.ok and third.error is not None and "HTTP 502 Bad Gateway" in third.error


# --------------------------------------------------------------------------- layout changes


def test_changed_layout_without_article_links_is_a_layout_change(site: NewsSite) -> None:
    # the redesign also moved the articles: no link follows .../nyheter---<county>/DATE-slug.html
    page = fixture("news_list_changed_layout.html").replace(
        b"nyheter---vasternorrland/2022-", b"nyhet/2022-")
    site.serve_list(page)
    outcome = site.poll()
    assert not outcome.ok
    assert outcome.error is not None and outcome.error.startswith(
        f"layout changed: the news list page {site.url(LIST_PATH)} (Nyheter Eldningsförbud")
    assert "no li.sv-channel-item and no link matching" in outcome.error
    assert site.paths() == [LIST_PATH]  # nothing else fetched (no /fake.html from the script)
    assert site.items() == {}
    assert site.store.source_state("lansstyrelsen").last_error == outcome.error


def test_changed_layout_page_whose_articles_fail_is_a_layout_change(site: NewsSite) -> None:
    site.serve_list("news_list_changed_layout.html")
    outcome = site.poll()  # its two article links (found by URL pattern) answer 404
    assert not outcome.ok
    assert outcome.error is not None and outcome.error.startswith(
        "layout changed: all 2 articles failed")
    eld = article_path("2022-04-05-eldningsforbud-i-hela-lanet")
    fisk = article_path("2022-04-04-fiskeregler-i-indalsalven")
    assert site.paths() == [LIST_PATH, eld, fisk]  # the duplicate card fetched once
    assert site.items() == {}


def test_changed_layout_page_still_reaches_readable_articles(site: NewsSite) -> None:
    # resilience: with the list markup gone, articles found by URL pattern are still read
    site.serve_list("news_list_changed_layout.html")
    eld = article_path("2022-04-05-eldningsforbud-i-hela-lanet")
    site.serve(eld, without_canonical(fixture("article_strandskydd.html")))
    outcome = site.poll()
    assert outcome.ok and outcome.inserted == [site.id(eld)]
    assert outcome.warnings[0].startswith("layout changed? the news list page has no"
                                          " li.sv-channel-item; 2 articles found")
    stored = site.items()[site.id(eld)]
    assert stored.title and stored.url == site.url(eld)


def test_a_failing_poll_keeps_what_was_stored(site: NewsSite) -> None:
    site.serve_list()
    site.serve_articles()
    assert len(site.poll().inserted) == 2
    before = site.items()
    site.serve_list(b"<html><body><h1>Underh\xc3\xa5ll</h1></body></html>")
    outcome = site.poll(NOW + timedelta(minutes=15))
    assert not outcome.ok and outcome.error is not None
    assert outcome.error.startswith("layout changed: the news list page")
    assert "(Underhåll)" in outcome.error
    assert site.items() == before


# --------------------------------------------------------------------------- changes upstream


def test_a_changed_article_updates_the_same_item(site: NewsSite) -> None:
    site.serve_list(trim_list(fixture("news_list.html"), BOTH))
    site.serve_articles()
    site.poll()
    old = site.item(KRAFTSAMLING)
    new_title = "Handlingsplan mot våld undertecknad"
    listed = trim_list(fixture("news_list.html"), BOTH).replace(
        b"Kraftsamling mot v&#xE5;ldet i V&#xE4;sternorrland</a>",
        f"{new_title}</a>".encode())
    old_h1 = b">Kraftsamling mot v&#xE5;ldet i V&#xE4;sternorrland</h1>"
    article = fixture("article_kraftsamling.html")
    assert article.count(old_h1) == 1
    article = article.replace(old_h1, f">{new_title}</h1>".encode()).replace(
        b'datetime="2022-03-21T15:02:00+01:00"', b'datetime="2022-03-22T12:00:00+01:00"')
    site.serve_list(listed)
    site.serve(article_path(KRAFTSAMLING), article)
    site.forget_requests()
    outcome = site.poll(NOW + timedelta(minutes=15))
    assert outcome.ok and outcome.inserted == []
    assert outcome.updated == [old.id]
    assert site.paths() == [LIST_PATH, article_path(KRAFTSAMLING)]  # not the unchanged one
    new = site.item(KRAFTSAMLING)
    assert new.id == old.id and new.title == new_title
    assert new.updated == utc("2022-03-22T12:00:00+01:00") and new.published == old.published
    assert new.content_hash() != old.content_hash()
    assert len(site.items()) == 2


def test_a_later_date_in_the_list_refetches_the_article_once(site: NewsSite) -> None:
    site.serve_list(trim_list(fixture("news_list.html"), BOTH))
    site.serve_articles()
    site.poll()
    old = site.item(KRAFTSAMLING)
    listed = trim_list(fixture("news_list.html"), BOTH).replace(
        b'datetime="2022-03-21T13:45:00+01:00">21 mars',
        b'datetime="2022-03-23T08:00:00+01:00">23 mars',
    )
    site.serve_list(listed)
    site.forget_requests()
    outcome = site.poll(NOW + timedelta(minutes=15))
    assert site.paths() == [LIST_PATH, article_path(KRAFTSAMLING)]
    # the page is the same, but the list re-dated it: updated follows the list, once
    assert outcome.ok and outcome.updated == [old.id]
    new = site.item(KRAFTSAMLING)
    assert new.updated == utc("2022-03-23T08:00:00+01:00") and new.body == old.body
    site.forget_requests()
    again = site.poll(NOW + timedelta(minutes=30))
    assert again.ok and not again.changed and site.paths() == [LIST_PATH]


def test_articles_gone_from_the_list_are_kept(site: NewsSite) -> None:
    site.serve_list(trim_list(fixture("news_list.html"), BOTH))
    site.serve_articles()
    site.poll()
    site.serve_list(trim_list(fixture("news_list.html"), [STRANDSKYDD]))
    outcome = site.poll(NOW + timedelta(minutes=15))
    assert outcome.ok and outcome.ended == []
    assert site.item(KRAFTSAMLING).ended is None and len(site.items()) == 2


# --------------------------------------------------------------------------- feed discovery


def with_feed(page: bytes, href: str) -> bytes:
    link = f'<link rel="alternate" type="application/rss+xml" title="Nyheter" href="{href}">'
    return page.replace(b"</head>", link.encode() + b"\n</head>", 1)


def test_an_advertised_rss_feed_is_used_for_discovery(site: NewsSite) -> None:
    feed_path = "/4.3a1b2c3d17a0b4e5f6a1b2c9/12.3a1b2c3d17a0b4e5f6a1b2d2.portlet"
    site.serve_list(with_feed(fixture("news_list.html"), feed_path + "?state=rss"))
    site.serve(feed_path, "rss_sitevision_example.xml", content_type="application/rss+xml")
    site.serve_articles()
    outcome = site.poll()
    jarv = "2022-03-17-inventering-av-jarv-i-lanet-klar"
    # the feed's two articles, not the list page's eight
    assert site.paths() == [LIST_PATH, feed_path, article_path(KRAFTSAMLING), article_path(jarv)]
    assert site.requests[1].query_string == b"state=rss"
    assert "rss+xml" in site.requests[1].headers["Accept"]
    assert outcome.ok and outcome.inserted == [site.id(article_path(KRAFTSAMLING))]
    assert outcome.warnings == [f"article {site.url(article_path(jarv))} skipped: HTTP 404"
                                " Not Found"]
    assert site.item(KRAFTSAMLING).title == "Kraftsamling mot våldet i Västernorrland"


def test_a_failing_feed_falls_back_to_the_list_page(site: NewsSite) -> None:
    site.serve_list(with_feed(trim_list(fixture("news_list.html"), BOTH), "/rss.xml"))
    site.serve("/rss.xml", b"oops", status=500)
    site.serve_articles()
    outcome = site.poll()
    assert outcome.ok and len(outcome.inserted) == 2
    assert outcome.warnings == [f"feed {site.url('/rss.xml')} advertised by the list page"
                                " failed: HTTP 500 Internal Server Error; using the list page"]


# --------------------------------------------------------------------------- small parts


@pytest.mark.parametrize(
    ("region", "credit"),
    [
        ("Västernorrlands län", "Länsstyrelsen Västernorrland"),
        ("Skåne län", "Länsstyrelsen Skåne"),
        ("Västra Götalands län", "Länsstyrelsen Västra Götaland"),
        ("Gotland", "Länsstyrelsen Gotland"),
    ],
)
def test_credit_for(region: str, credit: str) -> None:
    assert credit_for(region) == credit


def stored(title: str, updated: str) -> Item:
    return Item(id="https://x.se/a.html", source="lansstyrelsen", level=Level.INFO, title=title,
                body="", published=utc("2022-03-21T13:45:00+01:00"), updated=utc(updated))


@pytest.mark.parametrize(
    ("listed_title", "listed_date", "stored_title", "stored_updated", "fetch"),
    [
        ("Kraftsamling", "2022-03-21T13:45:00+01:00", "Kraftsamling", "2022-03-21T15:02:00+01:00",
         False),
        ("Kraftsamling!", "2022-03-21T16:00:00+01:00", "kraftsamling", "2022-03-21T15:02:00+01:00",
         False),  # same day, same words
        ("Kraftsamling", "2022-03-22T08:00:00+01:00", "Kraftsamling", "2022-03-21T15:02:00+01:00",
         True),  # a later day
        ("Nya regler för strandskydd & dispenser", None, "Nya regler för strandskydd",
         "2022-03-31T08:40:00+02:00", False),  # the list abbreviates or extends
        ("Ny rubrik", None, "Kraftsamling", "2022-03-21T15:02:00+01:00", True),
    ],
)
def test_needs_fetch(listed_title: str, listed_date: str | None, stored_title: str,
                     stored_updated: str, fetch: bool) -> None:
    date = utc(listed_date) if listed_date else None
    entry = ListEntry("https://x.se/a.html", listed_title, date)
    assert needs_fetch(entry, stored(stored_title, stored_updated)) is fetch
    assert needs_fetch(entry, None) is True
