"""A county news article as an item: its id, its link and its dates, from what its page says.

:mod:`feeder.sources.news_parser` reads a page into an :class:`ArticlePage` (Beautiful Soup lives
there); :func:`build_article` applies the rules, purely:

- **id**: the page's same-site ``rel=canonical`` when it has one, else the address as listed, in
  canonical form (:func:`~.news_entries.canonical_url`); an article already stored under another
  form of the same address keeps its stored id (:class:`~.news_entries.StoredIds`: ids are
  stable). The same article linked two ways is one item.
- **link**: the address as listed (a stored article keeps its stored link).
- **dates**: a publication date in the future is clamped to when the article was first seen
  (its stored ``published``, else the poll's ``now``) with a warning; a future update date is
  ignored with a warning, and so is a future date in the list. ``updated`` is never before
  ``published`` nor before the date the list shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ..ladder import for_news
from ..model import Item
from ..timeutil import iso_z
from .base import ParseContext, Parsed
from .news_entries import ListEntry, StoredIds, canonical_url, credit_for

__all__ = ["SOURCE", "ArticlePage", "build_article"]

SOURCE = "lansstyrelsen"


@dataclass(frozen=True)
class ArticlePage:
    """What one article page says, read (text clean, body sanitised)."""

    url: str
    """The address as listed (or fetched, without a list entry)."""
    canonical: str | None
    """The page's same-site ``rel=canonical``, in canonical form; None without one."""
    title: str
    body: str
    summary: str
    published: datetime
    updated: datetime | None
    warnings: list[str] = field(default_factory=list)


def build_article(page: ArticlePage, ctx: ParseContext,
                  list_entry: ListEntry | None = None) -> Parsed[Item]:
    """The item for an article page (see the module docstring), with the page's warnings and
    those of its dates."""
    warnings = list(page.warnings)
    known = StoredIds(ctx.known).find(page.canonical, canonical_url(page.url))
    item_id = known.id if known is not None else (page.canonical or canonical_url(page.url))
    assert item_id is not None  # the parser refuses an address that is not http(s)
    published, updated = page.published, page.updated
    if published > ctx.now:
        first_seen = min(known.published, ctx.now) if known is not None else ctx.now
        warnings.append(f"article {page.url}: publication date {iso_z(published)} is in the"
                        f" future; {iso_z(first_seen)} (when it was first seen) is used")
        published = first_seen
    if updated is not None and updated > ctx.now:
        warnings.append(f"article {page.url}: update date {iso_z(updated)} is in the future;"
                        " ignored")
        updated = None
    # The list showing a later date than the page's own is a change we know of: never older.
    listed = list_entry.date if list_entry is not None else None
    if listed is not None and listed > ctx.now:
        listed = None
    ranking = for_news()
    item = Item(
        id=item_id,
        source=SOURCE,
        level=ranking.level,
        level_reason=ranking.reason,
        title=page.title,
        body=page.body,
        summary=page.summary,
        url=known.url if known is not None and known.url else page.url,
        credit=credit_for(ctx.region.name),
        published=published,
        updated=max(updated or published, published, listed or published),
    )
    return Parsed([item], warnings)
