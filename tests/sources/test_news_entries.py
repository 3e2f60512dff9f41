"""One id per news article: the canonical URL, the stored ids it maps to, the list's next page."""

from __future__ import annotations

from datetime import timedelta

import pytest

from feeder.ladder import Level
from feeder.model import Item
from feeder.sources.news_entries import (
    ListEntry,
    StoredIds,
    canonical_url,
    dedupe,
    next_page_url,
    says_next,
)
from tests.common import NOW

ARTICLE = "https://lansstyrelsen.se/vasternorrland/nyheter/2022-03-21-v%C3%A5ld.html"


@pytest.mark.parametrize(
    "url",
    [
        "https://www.lansstyrelsen.se/vasternorrland/nyheter/2022-03-21-våld.html",
        "http://lansstyrelsen.se/vasternorrland/nyheter/2022-03-21-v%c3%a5ld.html",
        "HTTPS://WWW.LANSSTYRELSEN.SE:443/vasternorrland/nyheter/2022-03-21-v%C3%A5ld.html#top",
        "https://lansstyrelsen.se/vasternorrland/nyheter/2022-03-21-va%CC%8Ald.html?utm=x",
        "https://lansstyrelsen.se/vasternorrland/./gammalt/../nyheter/2022-03-21-v\u00e5ld.html",
        "https://lansstyrelsen.se/vasternorrland/nyheter/2022-03-21-%76%C3%A5ld.html",
        "  https://www.lansstyrelsen.se/vasternorrland/nyheter/2022-03-21-va\u030ald.html  ",
    ],
)
def test_every_form_of_an_address_has_one_canonical_url(url: str) -> None:
    assert canonical_url(url) == ARTICLE


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("https://lansstyrelsen.se", "https://lansstyrelsen.se/"),
        ("http://127.0.0.1:8080/a b", "https://127.0.0.1:8080/a%20b"),
        ("https://x.se/a%2fb/c", "https://x.se/a%2Fb/c"),  # an encoded slash stays encoded
        ("https://x.se/(1)/100%", "https://x.se/(1)/100%25"),
        ("https://x.se/%ff", "https://x.se/%FF"),  # not UTF-8: its byte, encoded
        ("https://x.se/~a_b-c.d", "https://x.se/~a_b-c.d"),
        ("https://wwwx.se/a", "https://wwwx.se/a"),
        ("ftp://x.se/a", None),
        ("mailto:a@b.se", None),
        ("https://[broken/a", None),
        ("/relative", None),
    ],
)
def test_canonical_url(url: str, canonical: str | None) -> None:
    assert canonical_url(url) == canonical


def _news(item_id: str, url: str | None = None, published_days_ago: int = 1) -> Item:
    when = NOW - timedelta(days=published_days_ago)
    return Item(id=item_id, source="lansstyrelsen", level=Level.INFO, title="x", body="",
                published=when, updated=when, url=url or item_id)


def test_stored_ids_map_any_form_to_the_stored_item() -> None:
    old = _news("https://www.lansstyrelsen.se/vasternorrland/nyheter/2022-03-21-våld.html")
    aliased = _news("https://lansstyrelsen.se/a/canonical.html",
                    url="https://www.lansstyrelsen.se/a/listed.html")
    ids = StoredIds({item.id: item for item in (old, aliased)})
    assert len(ids) == 3  # two ids, one of them with a link of its own
    assert ids.find(ARTICLE) is old
    assert ids.id_for(ARTICLE) == old.id  # the stored id, not the canonical URL
    assert ids.find("https://lansstyrelsen.se/a/listed.html") is aliased  # by its link
    assert ids.find(None, "https://lansstyrelsen.se/other.html") is None
    assert ids.id_for(None, "https://lansstyrelsen.se/new.html") == (
        "https://lansstyrelsen.se/new.html")


def test_two_stored_forms_of_one_address_the_earliest_wins() -> None:
    first = _news("https://www.lansstyrelsen.se/a.html", published_days_ago=5)
    second = _news("https://lansstyrelsen.se/a.html", published_days_ago=2)
    ids = StoredIds({second.id: second, first.id: first})
    assert ids.find("https://lansstyrelsen.se/a.html") is first


def test_list_entries_are_one_per_canonical_url() -> None:
    entries = [ListEntry("https://www.lansstyrelsen.se/a.html", "A"),
               ListEntry("http://lansstyrelsen.se/a.html", "A igen"),
               ListEntry("https://www.lansstyrelsen.se/b.html", "B")]
    assert [e.title for e in dedupe(entries)] == ["A", "B"]
    assert entries[1].key == "https://lansstyrelsen.se/a.html"


LIST = "https://www.lansstyrelsen.se/nyheter.html"


@pytest.mark.parametrize(
    ("declared", "labelled", "expected"),
    [
        (["/nyheter/sida-2.html"], [], "https://www.lansstyrelsen.se/nyheter/sida-2.html"),
        ([], ["?page=2#lista"], f"{LIST}?page=2"),
        ([], ["/annat.html"], None),  # "next" text, but not this list
        (["https://annan.se/nyheter.html?page=2"], [], None),  # another site
        ([LIST], [LIST + "#x"], None),  # this very page
        ([], [], None),
    ],
)
def test_next_page_url(declared: list[str], labelled: list[str], expected: str | None) -> None:
    assert next_page_url(declared, labelled, LIST) == expected


@pytest.mark.parametrize(("label", "says"), [
    ("Nästa sida", True), ("Visa fler nyheter", True), ("»", True), ("Fler", True),
    ("Äldre nyheter", True), ("Nyheter", False), ("Läs mer om fler saker", False),
])
def test_says_next(label: str, says: bool) -> None:
    assert says_next(label) is says
