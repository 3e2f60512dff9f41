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
from datetime import datetime

from ..errors import LayoutChangedError, SourceError
from ..model import Item
from ..timeutil import STOCKHOLM
from .base import PollContext, PollResult
from .news_entries import ListEntry
from .news_parser import DEFAULT_CREDIT, parse_article, parse_feed, parse_list_page

__all__ = ["NAME", "credit_for", "needs_fetch", "parse", "poll"]

NAME = "lansstyrelsen"
HTML_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
FEED_ACCEPT = "application/rss+xml,application/atom+xml;q=0.9,application/xml;q=0.8,*/*;q=0.1"
PATTERN_TEXT = ".../nyheter---<county>/YYYY-MM-DD-slug.html"

log = logging.getLogger("feeder.sources.lansstyrelsen")


def credit_for(region_name: str) -> str:
    """The board's name: "Västernorrlands län" gives "Länsstyrelsen Västernorrland"."""
    name = region_name.strip()
    if name.endswith(" län"):
        name = name[: -len(" län")]
        if name.endswith("s"):
            name = name[:-1]
    return f"Länsstyrelsen {name}" if name else DEFAULT_CREDIT


def parse(
    body: bytes, url: str, entry: ListEntry | None = None, *, credit: str = DEFAULT_CREDIT
) -> Item:
    """Pure: one article page as an item (see :func:`news_parser.parse_article`)."""
    return parse_article(body, url, entry, credit=credit)


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


def _discover(ctx: PollContext, body: bytes, url: str, content_type: str,
              warnings: list[str]) -> tuple[list[ListEntry], str]:
    """The list's entries and how they were found: ``feed``, ``channel`` or ``pattern``."""
    page = parse_list_page(body, url, encoding=_charset(content_type))
    if page.feed_url:
        try:
            feed = ctx.fetcher.get(page.feed_url, source=NAME, accept=FEED_ACCEPT)
            entries = parse_feed(feed.body, url)
        except SourceError as exc:
            warnings.append(f"feed {page.feed_url} advertised by the list page failed:"
                            f" {exc.reason}; using the list page")
        else:
            if entries:
                return entries, "feed"
            warnings.append(f"feed {page.feed_url} advertised by the list page has no"
                            " articles; using the list page")
    if not page.entries:
        what = f" ({'; '.join(page.headings)})" if page.headings else ""
        raise LayoutChangedError(
            NAME,
            f"layout changed: the news list page {url}{what} has no li.sv-channel-item and no"
            f" link matching {PATTERN_TEXT}" + "".join(f"; {w}" for w in warnings),
        )
    if page.method == "pattern":
        warnings.append(
            f"layout changed? the news list page has no li.sv-channel-item; {len(page.entries)}"
            f" articles found by their URL pattern {PATTERN_TEXT}"
        )
    return page.entries, page.method


def _fetch_article(ctx: PollContext, entry: ListEntry, credit: str, now: datetime) -> Item:
    response = ctx.fetcher.get(entry.url, source=NAME, accept=HTML_ACCEPT)
    if not _is_html(response.content_type):
        raise SourceError(NAME, f"not an HTML page ({response.content_type})")
    return parse_article(
        response.body, entry.url, entry, credit=credit,
        encoding=_charset(response.content_type), seen=now, page_url=response.url,
    )


Failure = tuple[ListEntry, str, str]
"""An article that could not be read: its entry, the reason, and ``layout``, ``missing`` (HTTP
404/410) or ``error``."""


def _kind(exc: SourceError) -> str:
    if isinstance(exc, LayoutChangedError):
        return "layout"
    return "missing" if exc.reason.startswith(("HTTP 404 ", "HTTP 410 ")) else "error"


def _all_failed(failures: Sequence[Failure], method: str) -> SourceError:
    """The poll's error when no article could be read; a layout change when that is the cause."""
    first_url = failures[0][0].url
    reasons = "; ".join(dict.fromkeys(reason for _, reason, _ in failures))
    message = f"all {len(failures)} articles failed (first: {first_url}): {reasons}"
    if method == "pattern" or all(kind == "layout" for _, _, kind in failures):
        prefix = "" if message.startswith("layout changed") else "layout changed: "
        return LayoutChangedError(NAME, prefix + message)
    return SourceError(NAME, message)


def poll(ctx: PollContext) -> PollResult:
    src = ctx.source
    response = ctx.conditional_get(src.url, accept=HTML_ACCEPT)
    if response.not_modified:
        return PollResult([], complete=False, not_modified=True)
    warnings: list[str] = []
    entries, method = _discover(ctx, response.body, response.url, response.content_type, warnings)
    todo = [e for e in entries if needs_fetch(e, ctx.known.get(e.url))]
    batch = todo[: src.max_articles]
    if len(todo) > len(batch):
        warnings.append(f"{len(todo) - len(batch)} more articles left for the next poll"
                        f" (at most {src.max_articles} per poll)")
    credit = credit_for(ctx.config.region.name)
    items: list[Item] = []
    failures: list[Failure] = []
    for index, entry in enumerate(batch):
        if index:
            ctx.sleep(src.article_delay)
        try:
            items.append(_fetch_article(ctx, entry, credit, ctx.now))
        except SourceError as exc:  # LayoutChangedError included
            failures.append((entry, exc.reason, _kind(exc)))
        except Exception as exc:  # a parser bug on one page must not block the others
            log.exception("article %s could not be parsed", entry.url)
            failures.append((entry, f"internal error: {type(exc).__name__}: {exc}", "error"))
    if failures and not items:
        stored = any(entry.url in ctx.known for entry in entries)
        if not (stored and all(kind == "missing" for _, _, kind in failures)):
            raise _all_failed(failures, method)
    for entry, reason, _ in failures:
        warnings.append(f"article {entry.url} skipped: {reason}")
    settled = not failures and len(batch) == len(todo)
    return PollResult(
        items,
        complete=False,
        etag=response.etag if settled else None,
        last_modified=response.last_modified if settled else None,
        warnings=warnings,
    )
