"""County administrative board news (lansstyrelsen.se): poll the list page, fetch new articles.

One poll:

1. GET the news list page, conditionally (ETag / Last-Modified): a 304 is "not modified".
2. Find the entries: from the RSS/Atom feed the page advertises, if any; else from the page
   itself (``li.sv-channel-item``, else links following the article URL pattern). A 200 page that
   yields no entry is a :class:`LayoutChangedError`: the county always has news, so an empty
   list means we no longer understand the page, not that there is nothing to say.
   When articles are stored already and *every* entry of the page is new, more may have been
   pushed off it since the last poll: the list's next page is read too (its ``rel=next`` or
   "next"/"more" link), and so on while every entry is new, up to ``max_pages`` pages in all.
   A next page that fails is a warning.
3. Fetch the articles not stored yet, or whose list entry shows a change (a later date, another
   title); at most ``max_articles`` per poll, ``article_delay`` seconds apart, the later pages'
   first (older articles before they fall off the list for good; the first page stays all new
   until it is fetched, so the next poll reads on). An article is known by its canonical URL
   (:mod:`.news_entries`, "One id per article"): linked two ways, it is one item, and an
   article stored under an older form of its address keeps that id. One article that fails
   (HTTP error, not a page we understand) is a warning and does not block the others; one whose
   data cannot be published (a date outside 1970–2999) is skipped with a warning and does not
   count as a failure of the source. If every article fetched fails, the poll fails, with one
   exception: pages that are missing upstream (404/410) while other entries of the same list
   are stored. A listed page that stays missing then repeats a warning at each poll instead of
   marking a readable source as failing.

News is history: the result is never ``complete``, so an article gone from the list is kept.
The list page's validators are handed back only when every listed article is stored, so that a
capped or partly failed poll is followed by a full list fetch, not a 304 that hides the rest.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from ..errors import HTTPStatusError, LayoutChangedError, SourceError
from ..model import Item
from ..timeutil import STOCKHOLM
from .base import (
    ParseContext,
    Parsed,
    PollContext,
    PollResult,
    Setting,
    SourceBase,
    SourceSpec,
)
from .news_entries import PATTERN_TEXT, BrokenArticle, ListEntry, StoredIds, dedupe
from .news_parser import parse, parse_article, parse_feed

__all__ = [
    "ARTICLE_DELAY", "MAX_ARTICLES", "MAX_PAGES", "SPEC", "LansstyrelsenSource", "needs_fetch",
]

NAME = "lansstyrelsen"
HTML_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
FEED_ACCEPT = "application/rss+xml,application/atom+xml;q=0.9,application/xml;q=0.8,*/*;q=0.1"
MISSING = frozenset({404, 410})
"""Upstream answers that mean "this page is not there" (as opposed to "the server failed")."""

log = logging.getLogger("feeder.sources.lansstyrelsen")

MAX_ARTICLES = Setting(
    key="max_articles",
    kind=int,
    default=10,
    doc="the most new articles fetched in one poll (the rest follow at the next polls)",
    check=lambda v: None if 0 < v <= 100 else f"must be greater than 0 and at most 100, got {v}",
)
ARTICLE_DELAY = Setting(
    key="article_delay",
    kind=float,
    default=1.0,
    doc="pause between two article fetches",
    check=lambda v: None if 0 <= v <= 60 else f"must be 0 or more and at most 60 seconds, got {v}",
)
MAX_PAGES = Setting(
    key="max_pages",
    kind=int,
    default=3,
    doc="the most list pages read in one poll: when every article on a page is new, the next"
        " page is read too, so that articles pushed off the first page between two polls are"
        " not lost",
    check=lambda v: None if 0 < v <= 20 else f"must be greater than 0 and at most 20, got {v}",
)
SPEC = SourceSpec(
    name=NAME,
    title="the county administrative board's news",
    display_name="Länsstyrelsen",
    url="https://www.lansstyrelsen.se/vasternorrland/om-oss/nyheter-och-press/"
        "nyheter---vasternorrland.html",
    interval=900,
    enabled_by_default=True,
    settings=(MAX_ARTICLES, ARTICLE_DELAY, MAX_PAGES),
)


def _normal_title(title: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", title.casefold()).split())


def needs_fetch(entry: ListEntry, known: Item | None, now: datetime | None = None) -> bool:
    """Whether a list entry's article must be fetched: new, or changed according to the list.

    Changed means the list shows a later day than the stored version's last update, or a title
    that is neither the stored one nor a shortening or extension of it (lists often abbreviate
    headlines: "Nya regler för strandskydd & dispenser" lists the article "Nya regler för
    strandskydd"). Day granularity and the tolerance for abbreviations keep an unchanged article
    from being fetched again at every poll; a date the list shows in the future (after ``now``)
    says nothing (it would fetch the article at every poll).
    """
    if known is None:
        return True
    if entry.date is not None and (now is None or entry.date <= now):
        listed_day = entry.date.astimezone(STOCKHOLM).date()
        if listed_day > known.updated.astimezone(STOCKHOLM).date():
            return True
    listed, stored = _normal_title(entry.title), _normal_title(known.title)
    return not (listed.startswith(stored) or stored.startswith(listed))


def _charset(content_type: str) -> str | None:
    match = re.search(r"charset\s*=\s*\"?([\w.:-]+)", content_type, re.IGNORECASE)
    return match.group(1) if match else None


def _is_html(content_type: str) -> bool:
    kind = content_type.split(";")[0].strip().lower()
    return not kind or kind in ("text/html", "application/xhtml+xml")


def _discover(ctx: PollContext, body: bytes, page: ParseContext, warnings: list[str],
              max_pages: int) -> tuple[list[ListEntry], str]:
    """The list's entries and how they were found: ``feed``, ``channel`` or ``pattern``. The
    entries of later pages (read while a page's are all new) come first."""
    listed = parse(body, page)
    if listed.feed_url:
        try:
            feed = ctx.fetcher.get(listed.feed_url, source=NAME, accept=FEED_ACCEPT)
            entries = parse_feed(feed.body, page).items
        except SourceError as exc:
            warnings.append(f"feed {listed.feed_url} advertised by the list page failed:"
                            f" {exc.reason}; using the list page")
        else:
            if entries:
                return entries, "feed"
            warnings.append(f"feed {listed.feed_url} advertised by the list page has no"
                            " articles; using the list page")
    if not listed.items:
        what = f" ({'; '.join(listed.headings)})" if listed.headings else ""
        raise LayoutChangedError(
            NAME,
            f"layout changed: the news list page {page.url}{what} has no li.sv-channel-item and"
            f" no link matching {PATTERN_TEXT}" + "".join(f"; {w}" for w in warnings),
        )
    warnings.extend(listed.warnings)
    return _later_pages(ctx, listed.items, listed.next_url, warnings, max_pages), listed.method


def _later_pages(ctx: PollContext, first: list[ListEntry], next_url: str | None,
                 warnings: list[str], max_pages: int) -> list[ListEntry]:
    """The entries of the list's first page, and of its next pages while every entry of the
    page before is new (only once something is stored: a first poll has nothing to lose);
    the later pages' entries first."""
    stored = StoredIds(ctx.known)
    pages = [first]
    seen = {ctx.source.url}
    while (next_url and len(pages) < max_pages and len(stored)
           and not any(stored.find(e.key) for e in pages[-1]) and next_url not in seen):
        seen.add(next_url)
        try:
            response = ctx.fetcher.get(next_url, source=NAME, accept=HTML_ACCEPT)
            listed = parse(response.body,
                           ctx.parse_context(response.url, encoding=_charset(
                               response.content_type)))
        except SourceError as exc:
            warnings.append(f"list page {next_url} failed: {exc.reason}; not read further")
            break
        if not listed.items:
            warnings.append(f"list page {next_url} has no articles; not read further")
            break
        warnings.extend(listed.warnings)
        pages.append(listed.items)
        next_url = listed.next_url
    if len(pages) > 1:
        warnings.append(f"every article on the list's first page was new: {len(pages)} list"
                        " pages read")
    return dedupe(entry for page in reversed(pages) for entry in page)


def _fetch_article(ctx: PollContext, entry: ListEntry) -> Parsed[Item]:
    response = ctx.fetcher.get(entry.url, source=NAME, accept=HTML_ACCEPT)
    if not _is_html(response.content_type):
        raise SourceError(NAME, f"not an HTML page ({response.content_type})")
    page = ctx.parse_context(response.url, encoding=_charset(response.content_type))
    return parse_article(response.body, page, entry)


@dataclass(frozen=True)
class _Failure:
    """An article that could not be read."""

    entry: ListEntry
    reason: str
    kind: Literal["layout", "missing", "error"]
    """``layout``: not a page we understand; ``missing``: HTTP 404/410; ``error``: the rest."""

    @classmethod
    def of(cls, entry: ListEntry, exc: SourceError) -> _Failure:
        if isinstance(exc, LayoutChangedError):
            return cls(entry, exc.reason, "layout")
        if isinstance(exc, HTTPStatusError) and exc.upstream_status in MISSING:
            return cls(entry, exc.reason, "missing")
        return cls(entry, exc.reason, "error")


def _all_failed(failures: Sequence[_Failure], method: str) -> SourceError:
    """The poll's error when no article could be read; a layout change when that is the cause."""
    first_url = failures[0].entry.url
    reasons = "; ".join(dict.fromkeys(failure.reason for failure in failures))
    message = f"all {len(failures)} articles failed (first: {first_url}): {reasons}"
    if method == "pattern" or all(failure.kind == "layout" for failure in failures):
        return LayoutChangedError(NAME, f"layout changed: {message}")
    return SourceError(NAME, message)


class LansstyrelsenSource(SourceBase):
    """The county board's news: the list page, then the articles not stored yet."""

    spec = SPEC

    def poll(self, ctx: PollContext) -> PollResult:
        response = ctx.conditional_get(ctx.source.url, accept=HTML_ACCEPT)
        if response.not_modified:
            return PollResult([], complete=False, not_modified=True)
        warnings: list[str] = []
        page = ctx.parse_context(response.url, encoding=_charset(response.content_type))
        entries, method = _discover(ctx, response.body, page, warnings, self.get(MAX_PAGES))
        stored = StoredIds(ctx.known)
        todo = [e for e in entries if needs_fetch(e, stored.find(e.key), ctx.now)]
        cap = self.get(MAX_ARTICLES)
        batch = todo[:cap]
        if len(todo) > len(batch):
            warnings.append(f"{len(todo) - len(batch)} more articles left for the next poll"
                            f" (at most {cap} per poll)")
        items: list[Item] = []
        failures: list[_Failure] = []
        for index, entry in enumerate(batch):
            if index:
                ctx.sleep(self.get(ARTICLE_DELAY))
            try:
                article = _fetch_article(ctx, entry)
            except BrokenArticle as exc:  # read, but its data cannot be published
                warnings.append(f"article {entry.url} skipped: {exc.reason}")
                continue
            except SourceError as exc:  # LayoutChangedError included
                failures.append(_Failure.of(entry, exc))
            except Exception as exc:  # a parser bug on one page must not block the others
                log.exception("article %s could not be parsed", entry.url)
                failures.append(
                    _Failure(entry, f"internal error: {type(exc).__name__}: {exc}", "error"))
            else:
                # Two addresses of one article (its rel=canonical): the first fetched is kept.
                items.extend(i for i in article.items if all(i.id != o.id for o in items))
                warnings.extend(article.warnings)
        if failures and not items:
            some_stored = any(stored.find(entry.key) for entry in entries)
            if not (some_stored and all(failure.kind == "missing" for failure in failures)):
                raise _all_failed(failures, method)
        for failure in failures:
            warnings.append(f"article {failure.entry.url} skipped: {failure.reason}")
        settled = not failures and len(batch) == len(todo)
        return PollResult(
            items,
            complete=False,
            etag=response.etag if settled else None,
            last_modified=response.last_modified if settled else None,
            warnings=warnings,
        )
