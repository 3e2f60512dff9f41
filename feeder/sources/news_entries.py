"""What the county's news list gives: entries, their canonical URLs (the item ids), the pattern.

Plain data and string functions; no markup, no I/O (the parsing is in ``news_parser``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal
from urllib.parse import urljoin, urlsplit, urlunsplit

from .base import Parsed

__all__ = [
    "DEFAULT_CREDIT", "PATTERN_TEXT", "ListEntry", "ListPage", "article_pattern", "canonical_url",
    "credit_for", "dedupe", "same_site",
]

DEFAULT_CREDIT = "Länsstyrelsen Västernorrland"
PATTERN_TEXT = ".../nyheter---<county>/YYYY-MM-DD-slug.html"
"""The county's article URL pattern, as error messages show it."""

_COUNTY_LIST = re.compile(r"/nyheter---([a-z0-9-]+?)(?:\.html?|/)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ListEntry:
    """One article as the list page (or the feed) shows it. ``url`` is canonical: the item id."""

    url: str
    title: str
    date: datetime | None = None
    """Aware UTC, or None when the list shows no date and the URL has none."""
    lead: str = ""


@dataclass(frozen=True)
class ListPage(Parsed[ListEntry]):
    """What a list page gives: its entries (``items``), how they were found, an advertised feed.

    ``warnings`` says when the entries were found only by their URL pattern.
    """

    method: Literal["channel", "pattern", "none"] = "none"
    """``channel``: Sitevision ``li.sv-channel-item``; ``pattern``: links matching the county's
    article URL pattern (the list markup is no longer what we know); ``none``: nothing found."""
    feed_url: str | None = None
    headings: list[str] = field(default_factory=list)
    """The page's ``h1`` texts, to name the page in a layout-change error."""


def credit_for(region_name: str) -> str:
    """The board's name: "Västernorrlands län" gives "Länsstyrelsen Västernorrland"."""
    name = region_name.strip()
    if name.endswith(" län"):
        name = name[: -len(" län")]
        if name.endswith("s"):
            name = name[:-1]
    return f"Länsstyrelsen {name}" if name else DEFAULT_CREDIT


def dedupe(entries: Iterable[ListEntry]) -> list[ListEntry]:
    """The entries in order, each canonical URL once (the first occurrence wins)."""
    seen: set[str] = set()
    out: list[ListEntry] = []
    for entry in entries:
        if entry.url not in seen:
            seen.add(entry.url)
            out.append(entry)
    return out


def canonical_url(href: str, base_url: str) -> str | None:
    """``href`` resolved against ``base_url``, without query and fragment; None unless http(s).

    Scheme and host are lower-cased; the path is kept as written. This is a news item's id.
    """
    href = href.strip()
    if not href or href.startswith(("javascript:", "mailto:", "tel:", "data:")):
        return None
    try:
        parts = urlsplit(urljoin(base_url, href))
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", "", ""))


def _site(url: str) -> str:
    host = (urlsplit(url).netloc or "").lower()
    return host[4:] if host.startswith("www.") else host


def same_site(url: str, base_url: str) -> bool:
    """True when ``url`` is on the list page's site (with or without ``www.``)."""
    return _site(url) == _site(base_url)


def article_pattern(base_url: str) -> re.Pattern[str]:
    """The path pattern of the county's articles, from the list page URL.

    The list ``.../nyheter---vasternorrland.html`` has its articles at
    ``.../nyheter---vasternorrland/YYYY-MM-DD-slug.html``; a list URL of another shape accepts
    any ``nyheter---<county>/``.
    """
    match = _COUNTY_LIST.search(urlsplit(base_url).path)
    county = re.escape(match.group(1).lower()) if match else r"[a-z0-9-]+"
    return re.compile(
        rf"/nyheter---{county}/(?:19|20)\d\d-[01]\d-[0-3]\d-[^/]+\.html?$", re.IGNORECASE
    )
