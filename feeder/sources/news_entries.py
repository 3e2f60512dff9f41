"""What the county's news list gives: entries, their canonical URLs (the item ids), the pattern.

Plain data and string functions; no markup, no I/O (the parsing is in ``news_parser``).

One id per article
    An article's id comes from its canonical URL (:func:`canonical_url`): https, the host in
    lower case without ``www.``, no query and no fragment, dot segments resolved, and the path's
    percent-encoding and Unicode normalised (NFC; unreserved characters decoded; everything
    else that needs it percent-encoded in upper case, reserved characters that were encoded
    left encoded). The article page's own ``<link rel="canonical">`` wins when it is on the same
    site. So ``https://www.lansstyrelsen.se/.../nyheter/2022-03-21-vald.html``,
    ``http://lansstyrelsen.se/.../nyheter/2022-03-21-vald.html#x`` and the same address with
    ``ä`` raw or percent-encoded are one item.

Stable ids (why stored ids are not rewritten)
    Ids are a promise to feed readers (RSS guid, Atom id): an article already stored keeps its
    id. Before this rule, an id was the link as listed (scheme and host lower-cased, path as
    written: ``https://www.lansstyrelsen.se/...``). Such ids are not renamed; instead
    :class:`StoredIds` maps a canonical URL to the stored item whose id (or link) has the same
    canonical form, and only an article never seen before gets the canonical URL itself as its
    id. Migration 6 (``feeder/store/migrations.py``) merged the duplicates that the old rule
    had stored, keeping the first one's id and ``published``, so that the mapping is one to one.
"""

from __future__ import annotations

import contextlib
import re
import string
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from ..errors import SourceError
from ..model import Item
from .base import Parsed

__all__ = [
    "DEFAULT_CREDIT", "PATTERN_TEXT", "BrokenArticle", "ListEntry", "ListPage", "StoredIds",
    "article_pattern", "canonical_url", "credit_for", "dedupe", "link_url", "next_page_url",
    "same_site", "says_next",
]

DEFAULT_CREDIT = "Länsstyrelsen Västernorrland"
PATTERN_TEXT = ".../nyheter---<county>/YYYY-MM-DD-slug.html"
"""The county's article URL pattern, as error messages show it."""

_COUNTY_LIST = re.compile(r"/nyheter---([a-z0-9-]+?)(?:\.html?|/)", re.IGNORECASE)


class BrokenArticle(SourceError):
    """An article page that was read but whose data cannot be published (a date outside the
    years 1970–2999): skipped with a warning, not a failure of the source."""


@dataclass(frozen=True, slots=True)
class ListEntry:
    """One article as the list page (or the feed) shows it. ``url`` is its address as linked
    (absolute, without query and fragment: what is fetched); ``key`` its canonical URL."""

    url: str
    title: str
    date: datetime | None = None
    """Aware UTC, or None when the list shows no date and the URL has none."""
    lead: str = ""

    @property
    def key(self) -> str:
        """The canonical URL (:func:`canonical_url`): what tells two entries apart."""
        return canonical_url(self.url) or self.url


@dataclass(frozen=True)
class ListPage(Parsed[ListEntry]):
    """What a list page gives: its entries (``items``), how they were found, an advertised feed.

    ``warnings`` says when the entries were found only by their URL pattern.
    """

    next_url: str | None = None
    """The list's next page (``rel=next``, or a "next"/"more" link to the same list), if any."""
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
        if entry.key not in seen:
            seen.add(entry.key)
            out.append(entry)
    return out


def link_url(href: str, base_url: str) -> str | None:
    """``href`` resolved against ``base_url``, without query and fragment; None unless http(s).

    Scheme and host are lower-cased; the path is kept as written: the address to fetch and link
    to. (Before one id per article, this was the id; ids stored then are kept, see
    :class:`StoredIds`.)
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
    path = quote(parts.path or "/", safe="/%!$&'()*+,;=:@~")  # raw spaces, ä, ... encoded
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, "", ""))


_UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")
_PATH_LITERAL = _UNRESERVED | frozenset("!$&'()*+,;=:@")
"""What a path segment may hold unencoded."""
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_DEFAULT_PORTS = frozenset({80, 443})


def canonical_url(url: str) -> str | None:
    """The canonical form of an absolute http(s) URL (see the module docstring); None when it is
    not one."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    host = unicodedata.normalize("NFC", host).rstrip(".")
    with contextlib.suppress(UnicodeError):
        host = host.encode("idna").decode("ascii")
    host = host.lower()
    if host.startswith("www."):
        host = host[4:]
    netloc = host if port is None or port in _DEFAULT_PORTS else f"{host}:{port}"
    segments: list[str] = []
    raw_segments = parts.path.split("/")[1:] if parts.path.startswith("/") else (
        parts.path.split("/") if parts.path else [""])
    for index, raw in enumerate(raw_segments):
        segment = _normal_segment(raw)
        last = index == len(raw_segments) - 1
        if segment == ".":
            if last:
                segments.append("")
        elif segment == "..":
            if segments:
                segments.pop()
            if last:
                segments.append("")
        else:
            segments.append(segment)
    return urlunsplit(("https", netloc, "/" + "/".join(segments), "", ""))


def _normal_segment(segment: str) -> str:
    """One path segment: escapes of unreserved characters and of UTF-8 text decoded, NFC, then
    everything that needs it encoded again in upper case; escaped reserved characters stay
    escaped (``%2F`` is not ``/``)."""
    pieces: list[bytes | str] = []
    buffer = bytearray()
    position = 0
    for match in _ESCAPE.finditer(segment):
        buffer += segment[position:match.start()].encode("utf-8", "surrogatepass")
        byte = int(match.group(1), 16)
        if byte < 0x80 and chr(byte) not in _UNRESERVED:
            pieces += [bytes(buffer), f"%{byte:02X}"]
            buffer = bytearray()
        else:
            buffer.append(byte)
        position = match.end()
    buffer += segment[position:].encode("utf-8", "surrogatepass")
    pieces.append(bytes(buffer))
    out: list[str] = []
    for piece in pieces:
        if isinstance(piece, str):
            out.append(piece)
            continue
        try:
            data = unicodedata.normalize("NFC", piece.decode("utf-8")).encode("utf-8")
        except UnicodeError:
            data = piece  # not UTF-8 text: its bytes, encoded as they are
        out.append("".join(chr(b) if chr(b) in _PATH_LITERAL else f"%{b:02X}" for b in data))
    return "".join(out)


class StoredIds:
    """The stored articles by canonical URL: which id an article has (see "Stable ids")."""

    def __init__(self, known: Mapping[str, Item]) -> None:
        self._items: dict[str, Item] = {}
        # The canonical form of an id first, then of a link; the earliest published wins a tie.
        for item in sorted(known.values(), key=lambda i: (i.published, i.id)):
            for address in (item.id, item.url):
                key = canonical_url(address) if address else None
                if key is not None:
                    self._items.setdefault(key, item)

    def __len__(self) -> int:
        return len(self._items)

    def find(self, *keys: str | None) -> Item | None:
        """The stored article with one of these canonical URLs (the first that matches)."""
        for key in keys:
            if key is not None and key in self._items:
                return self._items[key]
        return None

    def id_for(self, *keys: str | None) -> str | None:
        """The id of the stored article with one of ``keys``; else the first key (a new id)."""
        found = self.find(*keys)
        if found is not None:
            return found.id
        return next((key for key in keys if key is not None), None)


NEXT_WORDS = re.compile(r"^\W*(?:nästa|next|fler|visa fler|äldre|more|older)\b|^\W*[›»>]+\W*$",
                        re.IGNORECASE)
"""The text of a link to a list's next page ("Nästa sida", "Visa fler nyheter", "»")."""


def says_next(label: str) -> bool:
    """Whether a link's text says "next page" or "more"."""
    return bool(NEXT_WORDS.search(label))


def next_page_url(declared: Iterable[str], labelled: Iterable[str], base_url: str) -> str | None:
    """The list's next page: the first ``declared`` one (``rel=next``) on the list's site, else
    the first ``labelled`` one (a link whose text says next or more) that is the list's own path
    with another query (``?page=2``); without fragment. None when there is none."""
    if not base_url:
        return None
    here = urlsplit(base_url)
    for href, same_path in [*((h, False) for h in declared), *((h, True) for h in labelled)]:
        try:
            target = urlsplit(urljoin(base_url, href))
        except ValueError:
            continue
        if target.scheme not in ("http", "https") or not same_site(target.geturl(), base_url):
            continue
        if (target.path, target.query) == (here.path, here.query):
            continue
        if not same_path or target.path == here.path:
            return target._replace(fragment="").geturl()
    return None


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
