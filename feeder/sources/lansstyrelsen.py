"""County administrative board news (lansstyrelsen.se): poll the list page, fetch new articles.

One poll:

1. GET the news list page, conditionally (ETag / Last-Modified): a 304 is "not modified".
2. Find the entries: from the RSS/Atom feed the page advertises, if any; else from the page
   itself (``li.sv-channel-item``, else links following the article URL pattern). A 200 page that
   yields no entry is a :class:`LayoutChangedError`: the county always has news, so an empty
   list means we no longer understand the page, not that there is nothing to say.
3. Fetch the articles not stored yet, or whose list entry shows a change (a later date, another
   title); at most ``max_articles`` per poll, ``article_delay`` seconds apart. One article that
   fails (HTTP error, not a page we understand) is a warning and does not block the others. If
   every article fetched fails, the poll fails, with one exception: pages that are missing
   upstream (404/410) while other entries of the same list are stored. A listed page that stays
   missing then repeats a warning at each poll instead of marking a readable source as failing.

News is history: the result is never ``complete``, so an article gone from the list is kept.
The list page's validators are handed back only when every listed article is stored, so that a
capped or partly failed poll is followed by a full list fetch, not a 304 that hides the rest.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ..errors import HTTPStatusError, LayoutChangedError, SourceError
from ..model import Item
from ..timeutil import STOCKHOLM
from .base import ParseContext, PollContext, PollResult, Setting, SourceBase, SourceSpec
from .news_entries import PATTERN_TEXT, ListEntry
from .news_parser import parse, parse_article, parse_feed

__all__ = ["ARTICLE_DELAY", "MAX_ARTICLES", "SPEC", "LansstyrelsenSource", "needs_fetch"]

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
    check=lambda v: None if v > 0 else f"must be greater than 0, got {v}",
)
ARTICLE_DELAY = Setting(
    key="article_delay",
    kind=float,
    default=1.0,
    doc="pause between two article fetches",
    check=lambda v: None if v >= 0 else f"must be 0 or more, got {v}",
)
SPEC = SourceSpec(
    name=NAME,
    title="the county administrative board's news",
    display_name="Länsstyrelsen",
    url="https://www.lansstyrelsen.se/vasternorrland/om-oss/nyheter-och-press/"
        "nyheter---vasternorrland.html",
    interval=900,
    enabled_by_default=True,
    settings=(MAX_ARTICLES, ARTICLE_DELAY),
)


def _normal_title(title: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", title.casefold()).split())


def needs_fetch(entry: ListEntry, known: Item | None) -> bool:
    """Whether a list entry's article must be fetched: new, or changed according to the list.

    Changed means the list shows a later day than the stored version's last update, or a title
    that is neither the stored one nor a shortening or extension of it (lists often abbreviate
    headlines: "Nya regler för strandskydd & dispenser" lists the article "Nya regler för
    strandskydd"). Day granularity and the tolerance for abbreviations keep an unchanged article
    from being fetched again at every poll.
    """
    if known is None:
        return True
    if entry.date is not None:
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


def _discover(ctx: PollContext, body: bytes, page: ParseContext,
              warnings: list[str]) -> tuple[list[ListEntry], str]:
    """The list's entries and how they were found: ``feed``, ``channel`` or ``pattern``."""
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
    return listed.items, listed.method


def _fetch_article(ctx: PollContext, entry: ListEntry) -> Item:
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
        entries, method = _discover(ctx, response.body, page, warnings)
        todo = [e for e in entries if needs_fetch(e, ctx.known.get(e.url))]
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
                items.append(_fetch_article(ctx, entry))
            except SourceError as exc:  # LayoutChangedError included
                failures.append(_Failure.of(entry, exc))
            except Exception as exc:  # a parser bug on one page must not block the others
                log.exception("article %s could not be parsed", entry.url)
                failures.append(
                    _Failure(entry, f"internal error: {type(exc).__name__}: {exc}", "error"))
        if failures and not items:
            stored = any(entry.url in ctx.known for entry in entries)
            if not (stored and all(failure.kind == "missing" for failure in failures)):
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
