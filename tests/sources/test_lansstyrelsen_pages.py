"""The county's news as its pages really are (issue 13), polled over loopback HTTP: one id per
article however it is linked, stored ids kept, pages that are not the UTF-8 they declare, dates in
the future, and articles pushed off the first list page between two polls."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from feeder.publish import publish
from feeder.sources.news_entries import canonical_url
from tests.sources.news_support import (
    ARTICLES,
    KRAFTSAMLING,
    LIST_PATH,
    LISTED,
    NOW,
    STRANDSKYDD,
    NewsSite,
    article_path,
    fixture,
    trim_list,
    without_canonical,
)


@pytest.fixture
def site(tmp_path: Path, httpserver: HTTPServer) -> Iterator[NewsSite]:
    s = NewsSite(tmp_path, httpserver)
    yield s
    s.close()


def other_article(title: str) -> bytes:
    """An article page of its own (the Strandskydd fixture retitled, without its canonical)."""
    page = without_canonical(fixture("article_strandskydd.html"))
    return page.replace(b">Nya regler f&#xF6;r strandskydd</h1>", f">{title}</h1>".encode())


def list_of(slugs: list[str], *, next_page: str | None = "?page=2") -> bytes:
    """The fixture list with only these entries; its "Visa fler" link to ``next_page`` (none:
    the link removed)."""
    page = trim_list(fixture("news_list.html"), slugs)
    if next_page is None:
        return re.sub(rb'<div class="lst-pagination">.*?</div>', b"", page, flags=re.S)
    return page.replace(b".html?page=2", f".html{next_page}".encode())


def full_paths(site: NewsSite) -> list[str]:
    return [r.full_path.rstrip("?") for r in site.requests]


def page(entries: list[tuple[str, str]], *, head: str = "") -> bytes:
    """A list page of ``(href, title)`` entries (Sitevision's markup)."""
    items = "".join(f'<li class="sv-channel-item"><h2><a href="{href}">{title}</a></h2></li>'
                    for href, title in entries)
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8">{head}</head><body><main>'
            f'<h1>Nyheter</h1><ul class="sv-channel">{items}</ul></main></body></html>').encode()


# --------------------------------------------------------------------------- one id per article


def test_one_article_linked_several_ways_is_one_item(site: NewsSite) -> None:
    path = f"{ARTICLES}2022-05-02-älgjakt.html"
    url = site.url(path)
    www = url.replace("://localhost", "://www.localhost")
    encoded = site.url(f"{ARTICLES}2022-05-02-%c3%a4lgjakt.html")
    decomposed = site.url(f"{ARTICLES}2022-05-02-a%CC%88lgjakt.html")
    site.serve_list(page([(url, "Älgjakt"), (www + "#mer", "Älgjakt igen"),
                          (encoded, "Älgjakt (3)"), (decomposed, "Älgjakt (4)")]))
    site.serve(path, other_article("Älgjakt"))
    outcome = site.poll()
    assert outcome.ok and outcome.warnings == []
    assert outcome.inserted == [canonical_url(url)]
    assert outcome.inserted[0].startswith("https://localhost:")  # https, no www., NFC, %C3%A4
    assert "%C3%A4lgjakt" in outcome.inserted[0]
    assert site.paths() == [LIST_PATH, path]  # fetched once
    assert site.items()[outcome.inserted[0]].url == site.url(
        f"{ARTICLES}2022-05-02-%C3%A4lgjakt.html")  # the link as listed, encoded for a URL


def test_an_article_stored_under_its_old_id_keeps_it(site: NewsSite) -> None:
    """Ids stored before one id per article (the link as listed: http, www., ...) are kept: a
    poll maps the article to the stored item instead of starting a second one."""
    site.serve_list(trim_list(fixture("news_list.html"), [KRAFTSAMLING]))
    site.serve_articles()
    assert site.poll().inserted == [site.id(article_path(KRAFTSAMLING))]
    old_id = site.url(article_path(KRAFTSAMLING))  # what feeder stored before this change
    stored = site.item(KRAFTSAMLING)
    with site.store._write() as db:  # the row as an older feeder wrote it
        db.execute("UPDATE items SET id = ?, url = ? WHERE id = ?", (old_id, old_id, stored.id))
    site.forget_requests()
    again = site.poll(NOW + timedelta(minutes=15))
    assert again.ok and not again.changed and site.paths() == [LIST_PATH]
    # Changed upstream (the list retitles it, the page has new text): fetched again and stored
    # under the old id, with its old link (no second item).
    listed = trim_list(fixture("news_list.html"), [KRAFTSAMLING])
    site.serve_list(listed.replace(b"Kraftsamling mot", b"Ny rubrik: Kraftsamling mot"))
    site.serve(article_path(KRAFTSAMLING), fixture("article_kraftsamling.html").replace(
        b"</h1>", b"</h1><p>Ett nytt stycke.</p>", 1))
    changed = site.poll(NOW + timedelta(minutes=30))
    assert changed.updated == [old_id] and changed.inserted == []
    assert list(site.items()) == [old_id] and site.items()[old_id].url == old_id
    assert "Ett nytt stycke." in site.items()[old_id].body


def test_the_pages_rel_canonical_names_the_article(site: NewsSite) -> None:
    alias = f"{ARTICLES}kraftsamling.html"  # the same page under a second address
    site.serve_list(page([(site.url(article_path(KRAFTSAMLING)), "Kraftsamling"),
                          (site.url(alias), "Kraftsamling (kort adress)")]))
    site.serve(article_path(KRAFTSAMLING), "article_kraftsamling.html")
    site.serve(alias, "article_kraftsamling.html")
    outcome = site.poll()
    assert outcome.ok and outcome.inserted == [site.id(article_path(KRAFTSAMLING))]
    assert len(site.items()) == 1
    again = site.poll(NOW + timedelta(minutes=15))
    assert again.ok and not again.changed and len(site.items()) == 1


# --------------------------------------------------------------------------- pages as they are


def test_a_windows_1252_page_that_declares_utf8_is_read_as_windows_1252(site: NewsSite) -> None:
    site.serve_list(trim_list(fixture("news_list.html"), [STRANDSKYDD]))
    body = other_article("Älgjakt i Västernorrland – “nya” regler").decode("utf-8")
    site.serve(article_path(STRANDSKYDD), body.encode("cp1252"),
               content_type="text/html; charset=utf-8")
    outcome = site.poll()
    assert outcome.ok and len(outcome.inserted) == 1
    assert any("read as windows-1252" in w for w in outcome.warnings)
    item = site.item(STRANDSKYDD)
    assert item.title == "Älgjakt i Västernorrland – “nya” regler"
    assert "\ufffd" not in item.title + item.body + item.summary
    publish(site.store, site.config, NOW)
    for name in ("feed.atom", "feed.rss", "feed.json", "index.html"):
        text = (site.config.storage.output_dir / name).read_text(encoding="utf-8")
        assert "\ufffd" not in text and "Älgjakt i Västernorrland" in text, name


def test_a_date_in_the_future_is_when_the_article_was_first_seen(site: NewsSite) -> None:
    site.serve_list(trim_list(fixture("news_list.html"), [KRAFTSAMLING]))
    future = fixture("article_kraftsamling.html").replace(
        b'datetime="2022-03-21T13:45:00+01:00"', b'datetime="2031-03-21T13:45:00+01:00"')
    site.serve(article_path(KRAFTSAMLING), future)
    outcome = site.poll()
    assert outcome.ok
    assert any("2031-03-21T12:45:00Z is in the future" in w for w in outcome.warnings)
    assert site.item(KRAFTSAMLING).published == NOW
    # Fetched again later (the list retitles it): still first seen at NOW, not the later poll.
    listed = trim_list(fixture("news_list.html"), [KRAFTSAMLING])
    site.serve_list(listed.replace(b"Kraftsamling mot", b"Uppdaterat: Kraftsamling mot"))
    site.forget_requests()
    later = site.poll(NOW + timedelta(days=1))
    assert later.ok and later.inserted == [] and article_path(KRAFTSAMLING) in site.paths()
    assert site.item(KRAFTSAMLING).published == NOW


def test_a_future_date_in_the_list_does_not_fetch_at_every_poll(site: NewsSite) -> None:
    listed = trim_list(fixture("news_list.html"), [KRAFTSAMLING]).replace(
        b"2022-03-21T13:45:00+01:00", b"2031-03-21T13:45:00+01:00")
    site.serve_list(listed)
    site.serve_articles()
    assert site.poll().inserted == [site.id(article_path(KRAFTSAMLING))]
    site.forget_requests()
    assert not site.poll(NOW + timedelta(hours=1)).changed
    assert site.paths() == [LIST_PATH]


# --------------------------------------------------------------------------- pushed off page 1


def _serve_pages(site: NewsSite, pages: list[list[str]]) -> None:
    """List pages 1, 2, ... (``?page=N``), each linking the next; every article servable."""
    for number, slugs in enumerate(pages, start=1):
        following = f"?page={number + 1}" if number < len(pages) else None
        body = list_of(slugs, next_page=following)
        site.serve(LIST_PATH if number == 1 else f"{LIST_PATH}?page={number}", body)
        for slug in slugs:
            site.serve(article_path(slug), other_article(f"Nyhet {slug[:10]}"))


def test_when_page_one_is_all_new_the_next_pages_are_read(site: NewsSite) -> None:
    _serve_pages(site, [[LISTED[7]]])
    assert len(site.poll().inserted) == 1  # something is stored: a later gap can be lost
    _serve_pages(site, [[LISTED[0], LISTED[1]], [LISTED[2], LISTED[3]], [LISTED[4], LISTED[7]],
                        [LISTED[5]]])
    site.forget_requests()
    outcome = site.poll(NOW + timedelta(minutes=15))
    assert outcome.ok
    assert full_paths(site)[:3] == [LIST_PATH, f"{LIST_PATH}?page=2", f"{LIST_PATH}?page=3"]
    assert f"{LIST_PATH}?page=4" not in full_paths(site)  # page 3 holds a stored article
    # the later pages' articles first: older ones before they fall off the list for good
    assert outcome.inserted == [site.id(article_path(s)) for s in LISTED[4:5] + LISTED[2:4]
                                + LISTED[0:2]]
    assert "every article on the list's first page was new: 3 list pages read" in outcome.warnings


def test_at_most_max_pages_and_the_rest_at_the_next_poll(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    site = NewsSite(tmp_path / "other", httpserver, max_pages=2, max_articles=3)
    try:
        _serve_pages(site, [[LISTED[7]]])
        site.poll()
        _serve_pages(site, [[LISTED[0], LISTED[1]], [LISTED[2], LISTED[3]], [LISTED[4]]])
        site.forget_requests()
        first = site.poll(NOW + timedelta(minutes=15))
        assert f"{LIST_PATH}?page=3" not in full_paths(site)  # max_pages 2
        assert first.inserted == [site.id(article_path(s)) for s in LISTED[2:4] + LISTED[0:1]]
        assert "1 more articles left for the next poll (at most 3 per poll)" in first.warnings
        # The rest is on page 1, which holds a stored article now: one page is enough.
        site.forget_requests()
        second = site.poll(NOW + timedelta(minutes=30))
        assert f"{LIST_PATH}?page=2" not in full_paths(site)
        assert second.inserted == [site.id(article_path(LISTED[1]))]
    finally:
        site.close()


def test_a_first_poll_and_a_page_with_stored_articles_read_one_page(site: NewsSite) -> None:
    _serve_pages(site, [[LISTED[0]], [LISTED[1]]])
    assert site.poll().inserted == [site.id(article_path(LISTED[0]))]  # nothing stored yet
    assert f"{LIST_PATH}?page=2" not in full_paths(site)
    site.forget_requests()
    _serve_pages(site, [[LISTED[2], LISTED[0]], [LISTED[1]]])
    assert site.poll(NOW + timedelta(minutes=15)).inserted == [site.id(article_path(LISTED[2]))]
    assert f"{LIST_PATH}?page=2" not in full_paths(site)


def test_a_next_page_that_fails_is_a_warning(site: NewsSite) -> None:
    _serve_pages(site, [[LISTED[7]]])
    site.poll()
    _serve_pages(site, [[LISTED[0]], [LISTED[1]]])
    site.serve(f"{LIST_PATH}?page=2", b"<h1>Fel</h1>", status=500)
    outcome = site.poll(NOW + timedelta(minutes=15))
    assert outcome.ok and outcome.inserted == [site.id(article_path(LISTED[0]))]
    assert any(w.startswith(f"list page {site.url(LIST_PATH)}?page=2 failed: HTTP 500")
               for w in outcome.warnings), outcome.warnings
