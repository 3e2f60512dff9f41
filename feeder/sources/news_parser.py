"""The county news pages (lansstyrelsen.se, a Sitevision site), parsed with Beautiful Soup.

The only module that imports Beautiful Soup; every function is pure (bytes and a
:class:`~feeder.sources.base.ParseContext` in, our dataclasses out): :func:`parse` reads a news
list page, :func:`parse_feed` a feed the list page advertises, :func:`parse_article` one article.

The site's real markup is not known in detail (``tests/fixtures/lansstyrelsen/README.md``), so
nothing depends on its own class names. Relied on: Sitevision's ``li.sv-channel-item``, else
links following the county's article pattern ``.../nyheter---<county>/YYYY-MM-DD-slug.html``; an
article's headline is its ``h1`` (else ``og:title``) and its text is the block content after the
headline inside ``<article>``/``<main>``, so the site-wide alert banner, breadcrumbs and the empty
date labels above it are never included. Dates: see :mod:`feeder.sources.news_dates`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Literal
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString

from ..errors import LayoutChangedError
from ..model import Item
from ..text import clean_text, plain_text, sanitize_html, shorten
from ..timeutil import OutOfRange
from . import news_dates as dates
from .base import ParseContext, Parsed
from .news_article import ArticlePage, build_article
from .news_dates import When, slug_date
from .news_decode import decode_page
from .news_entries import (
    PATTERN_TEXT,
    BrokenArticle,
    ListEntry,
    ListPage,
    article_pattern,
    canonical_url,
    dedupe,
    link_url,
    next_page_url,
    same_site,
    says_next,
)

__all__ = ["SOURCE", "parse", "parse_article", "parse_feed"]

SOURCE = "lansstyrelsen"

FEED_TYPES = ("application/rss+xml", "application/atom+xml")
BLOCK_TAGS = ("p", "ul", "ol", "h2", "h3", "h4", "h5", "h6", "blockquote", "dl", "pre")
CHROME_TAGS = ("header", "footer", "nav", "aside")
NEVER_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed", "form",
              "svg", "button", "select", "textarea")
CHROME_ROLES = ("banner", "navigation", "contentinfo", "search", "alert", "status")

_SPACE = re.compile(r"\s+")


# --------------------------------------------------------------------------------- text


def _soup(body: bytes, ctx: ParseContext, warnings: list[str],
          features: str = "lxml") -> BeautifulSoup:
    """The page's markup, from its text decoded as it really is and cleaned (the hygiene step,
    :func:`.news_decode.decode_page`); a page that is not what it declares is a warning."""
    decoded = decode_page(body, ctx.encoding)
    if decoded.note:
        warnings.append(f"{ctx.url or 'page'}: {decoded.note}")
    return BeautifulSoup(decoded.text, features)


def _text(node: Tag | NavigableString | None) -> str:
    """Plain text of a node: markup dropped, references decoded (once), white space folded,
    cleaned (a reference such as ``&#11;`` decodes to a control character)."""
    if node is None:
        return ""
    raw = node.get_text(" ") if isinstance(node, Tag) else str(node)
    return _SPACE.sub(" ", clean_text(raw)).strip()


def _inside(node: Tag, container: Tag) -> bool:
    """``node`` is a descendant of ``container`` (by identity: bs4's ``==`` compares markup)."""
    return any(parent is container for parent in node.parents)


def _attr(tag: Tag, name: str) -> str:
    value = tag.get(name)
    if isinstance(value, list):
        value = " ".join(value)
    return clean_text(value or "").strip()


def _metas(soup: BeautifulSoup) -> dict[str, str]:
    """``<meta property|name=... content=...>`` by key (the first non-empty one wins)."""
    out: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        key = (_attr(tag, "property") or _attr(tag, "name")).lower()
        content = _SPACE.sub(" ", _attr(tag, "content")).strip()
        if key and content:
            out.setdefault(key, content)
    return out


# --------------------------------------------------------------------------------- dates


def _label_of(time_tag: Tag) -> Literal["published", "updated", ""]:
    """Whether a ``<time>`` is labelled as the publication or the update date.

    The label is the text just before the element ("Publiceringsdatum:", "Senast uppdaterad:"),
    among its earlier siblings, or its parent's when it has none (``<dt>`` / ``<dd>``).
    """
    node: Tag | None = time_tag
    for _ in range(3):
        if node is None:
            break
        before: list[str] = []
        for sibling in node.previous_siblings:
            if isinstance(sibling, Tag):
                if sibling.name == "time" or sibling.find("time") is not None:
                    break
                before.append(_text(sibling))
            else:
                before.append(str(sibling))
        text = _SPACE.sub(" ", " ".join(reversed(before))).strip()
        if text:
            return dates.label_kind(text)
        node = node.parent if isinstance(node.parent, Tag) else None
    return ""


def _time_dates(scope: Tag, *, attribute: bool) -> tuple[When | None, When | None]:
    """Dates from ``<time>`` elements: their ``datetime`` attribute, or their visible text."""
    labelled: dict[str, When] = {}
    unlabelled: list[When] = []
    for tag in scope.find_all("time"):
        if tag.find_parent("li", class_="sv-channel-item") is not None:
            continue  # a list of other news inside the page
        if attribute:
            when = dates.machine_date(_attr(tag, "datetime"))
        else:
            when = dates.visible_date(_text(tag))
        if when is None:
            continue
        label = _label_of(tag)
        if label and label not in labelled:
            labelled[label] = when
        elif not label:
            unlabelled.append(when)
    return dates.pick(labelled, unlabelled)


# --------------------------------------------------------------------------------- list page


def parse(body: bytes, ctx: ParseContext) -> ListPage:
    """The article entries of a news list page at ``ctx.url``, in page order, de-duplicated by
    canonical URL, with how they were found and the feed the page advertises.

    ``li.sv-channel-item`` first; when the page has none with a usable link, links whose path
    matches the county's article pattern (with a warning). Every entry has a title and an
    http(s) URL on the list page's site; an entry dated outside the years 1970–2999 is left out
    with a warning. No entries means the page is not a news list we understand (``method ==
    "none"``); that is for the caller to judge, since an advertised feed may still list the
    articles. ``next_url`` is the list's next page, when it links one.
    """
    warnings: list[str] = []
    soup = _soup(body, ctx, warnings)
    headings = [shorten(_text(h), 80) for h in soup.find_all("h1") if _text(h)]
    feed = _feed_link(soup, ctx.url)
    following = _next_page(soup, ctx.url)
    entries = dedupe(_channel_entries(soup, ctx.url, warnings))
    if entries:
        return ListPage(entries, warnings, next_url=following, method="channel", feed_url=feed,
                        headings=headings)
    entries = dedupe(_pattern_entries(soup, ctx.url, warnings))
    if not entries:
        return ListPage([], warnings, method="none", feed_url=feed, headings=headings)
    warnings.append(f"layout changed? the news list page has no li.sv-channel-item;"
                    f" {len(entries)} articles found by their URL pattern {PATTERN_TEXT}")
    return ListPage(entries, warnings, next_url=following, method="pattern", feed_url=feed,
                    headings=headings)


def _next_page(soup: BeautifulSoup, base_url: str) -> str | None:
    """The list's next page (:func:`~.news_entries.next_page_url`): ``rel=next`` links first,
    then links whose text says next or more."""
    declared = [_attr(tag, "href") for tag in soup.find_all(["link", "a"], href=True)
                if "next" in _attr(tag, "rel").lower().split()]
    labelled = [_attr(a, "href") for a in soup.find_all("a", href=True)
                if says_next(_text(a) or _attr(a, "aria-label") or _attr(a, "title"))]
    return next_page_url(declared, labelled, base_url)


def _feed_link(soup: BeautifulSoup, base_url: str) -> str | None:
    for link in soup.find_all("link", href=True):
        rels = _attr(link, "rel").lower().split()
        kind = _attr(link, "type").lower().split(";")[0].strip()
        if "alternate" in rels and kind in FEED_TYPES:
            href = _attr(link, "href")
            absolute = urljoin(base_url, href) if base_url else href
            if urlsplit(absolute).scheme in ("http", "https"):
                return absolute
    return None


def _title_node(link: Tag) -> Tag:
    """The element holding an entry's title: a heading inside its link, or the link."""
    heading = link.find(re.compile(r"^h[1-6]$"))
    return heading if isinstance(heading, Tag) else link


def _link_title(link: Tag) -> str:
    return _text(_title_node(link)) or _text(link) or _attr(link, "title")


def _entry_date(scope: Tag, url: str) -> datetime | None:
    """A list entry's date: ``<time>`` (attribute, then text), a labelled date ("Publicerad
    2022-04-05 09:12"), the URL slug, and only then any date in the entry's text."""
    for tag in scope.find_all("time"):
        when = dates.machine_date(_attr(tag, "datetime")) or dates.visible_date(_text(tag))
        if when:
            return when.value
    text = _text(scope)
    labelled = dates.label_dates(text)[0]
    if labelled:
        return labelled.value
    from_url = slug_date(url)
    if from_url:
        return from_url
    when = dates.visible_date(text)
    return when.value if when else None


def _entry_lead(scope: Tag, title_node: Tag, title: str) -> str:
    """The first paragraph of an entry that is neither its title nor a date line."""
    for para in scope.find_all("p"):
        if para is title_node or _inside(para, title_node) or _inside(title_node, para):
            continue
        text = _text(para)
        if text and text != title and not dates.is_date_line(text):
            return text
    return ""


def _entry(scope: Tag, link: Tag, url: str, warnings: list[str]) -> ListEntry | None:
    """The entry a link makes, or None (with a warning) when its date lies outside the years
    1970–2999."""
    title = _link_title(link)
    try:
        return ListEntry(url, title, _entry_date(scope, url),
                         _entry_lead(scope, _title_node(link), title))
    except OutOfRange as exc:
        warnings.append(f"list entry {url} skipped: its date cannot be used ({exc})")
        return None


def _channel_entries(soup: BeautifulSoup, base_url: str,
                     warnings: list[str]) -> Iterator[ListEntry]:
    for item in soup.select("li.sv-channel-item"):
        links = [a for a in item.find_all("a", href=True)]
        in_heading = [a for a in links if a.find_parent(re.compile(r"^h[1-6]$"))]
        for link in [*in_heading, *links]:
            url = link_url(_attr(link, "href"), base_url)
            if url is not None and same_site(url, base_url) and _link_title(link):
                entry = _entry(item, link, url, warnings)
                if entry is not None:
                    yield entry
                break


def _pattern_entries(soup: BeautifulSoup, base_url: str,
                     warnings: list[str]) -> Iterator[ListEntry]:
    pattern = article_pattern(base_url)
    for link in soup.find_all("a", href=True):
        url = link_url(_attr(link, "href"), base_url)
        if (url is not None and same_site(url, base_url)
                and pattern.search(urlsplit(url).path) and _link_title(link)):
            entry = _entry(link, link, url, warnings)
            if entry is not None:
                yield entry


# --------------------------------------------------------------------------------- feed


def parse_feed(body: bytes, ctx: ParseContext) -> Parsed[ListEntry]:
    """The entries of an RSS 2.0 or Atom feed, as list entries (for article discovery).

    ``ctx.url`` is the list page that advertised the feed: only entries with a title and an
    http(s) link on its site are kept; ids are the canonical article URLs, as for the list page.
    """
    base_url = ctx.url
    warnings: list[str] = []
    soup = _soup(body, ctx, warnings, "xml")
    out: list[ListEntry] = []
    for node in soup.find_all(["item", "entry"]):
        title = _feed_text(node.find("title"))
        href = _feed_href(node)
        url = link_url(href, base_url) if href else None
        if not title or url is None or not same_site(url, base_url):
            continue
        try:
            date = _feed_date(node)
        except OutOfRange as exc:
            warnings.append(f"feed entry {url} skipped: its date cannot be used ({exc})")
            continue
        lead_node = node.find(["description", "summary"])
        out.append(ListEntry(url, title, date, _feed_text(lead_node)))
    return Parsed(dedupe(out), warnings)


def _feed_text(node: Tag | None) -> str:
    """Feed text, plain: escaped HTML in the XML text loses its markup; ``<Höga kusten>`` (or
    ``&lt;Höga kusten&gt;`` in the XML) stays as it is, decoded once, never twice."""
    if node is None:
        return ""
    return plain_text(node.get_text())


def _feed_href(node: Tag) -> str:
    for link in node.find_all("link"):
        if link.get("href"):  # Atom
            if (_attr(link, "rel") or "alternate") == "alternate":
                return _attr(link, "href")
        elif link.get_text().strip():  # RSS
            return link.get_text().strip()
    guid = node.find("guid")
    if isinstance(guid, Tag) and _attr(guid, "isPermaLink").lower() != "false":
        return guid.get_text().strip()
    return ""


def _feed_date(node: Tag) -> datetime | None:
    for name in ("pubDate", "published", "updated", "date"):
        tag = node.find(name)
        value = dates.feed_date(tag.get_text()) if isinstance(tag, Tag) else None
        if value is not None:
            return value
    return None


# --------------------------------------------------------------------------------- article


def parse_article(
    body: bytes, ctx: ParseContext, list_entry: ListEntry | None = None
) -> Parsed[Item]:
    """One article page (fetched from ``ctx.url``) as an :class:`Item` and its warnings: read
    by :func:`read_article`, made an item by :func:`.news_article.build_article`."""
    return build_article(read_article(body, ctx, list_entry), ctx, list_entry)


def read_article(body: bytes, ctx: ParseContext, list_entry: ListEntry | None) -> ArticlePage:
    """What an article page says (:class:`~.news_article.ArticlePage`). Its address is the list
    entry's, else ``ctx.url``; relative links are resolved against ``ctx.url`` (after redirects).
    The entry supplies fallbacks for title, lead and date; ``ctx.now`` is the last resort for
    the publication date. Raises :class:`LayoutChangedError` for a page that is no article we
    understand (no title; no headline nor text), :class:`BrokenArticle` for a date outside
    1970–2999."""
    url = list_entry.url if list_entry is not None else (link_url(ctx.url, ctx.url) or ctx.url)
    if canonical_url(url) is None:
        raise LayoutChangedError(SOURCE, f"not an http(s) article URL: {url!r}")
    warnings: list[str] = []
    soup = _soup(body, ctx, warnings)
    h1 = _headline(soup)
    meta = _metas(soup)
    og_title = meta.get("og:title", "")
    title = _text(h1) or og_title or (list_entry.title if list_entry else "")
    if not title:
        raise LayoutChangedError(
            SOURCE, f"layout changed: article {url} has no title (no h1, no og:title)"
        )
    try:
        published, updated = _article_dates(soup, meta, url, list_entry, ctx.now)
    except OutOfRange as exc:
        raise BrokenArticle(SOURCE, f"a date on the page cannot be used ({exc})") from exc
    canonical = _canonical_link(soup, ctx.url or url)
    scope = _scope(soup, h1)
    _strip_chrome(scope, h1)
    blocks = _blocks(scope, h1)
    if not blocks and h1 is None and not og_title:
        raise LayoutChangedError(
            SOURCE, f"layout changed: article {url} has no headline and no text"
        )
    lead = next((_text(b) for b in blocks if b.name == "p" and _text(b)), "")
    return ArticlePage(
        url=url,
        canonical=canonical,
        title=title,
        body=_body_html(blocks, ctx.url or url),
        summary=(lead or meta.get("og:description") or meta.get("description")
                 or (list_entry.lead if list_entry else "")),
        published=published,
        updated=updated,
        warnings=warnings,
    )


def _canonical_link(soup: BeautifulSoup, page_url: str) -> str | None:
    """The page's ``<link rel="canonical">`` in canonical form, when it is on its own site."""
    tag = next((t for t in soup.find_all("link", href=True)
                if "canonical" in _attr(t, "rel").lower().split()), None)
    absolute = link_url(_attr(tag, "href"), page_url) if tag is not None else None
    return canonical_url(absolute) if absolute and same_site(absolute, page_url) else None


def _headline(soup: BeautifulSoup) -> Tag | None:
    """The article's ``h1``: the first non-empty one in the main content, else outside chrome."""
    mains = [*soup.find_all(["article", "main"]), *soup.find_all(None, {"role": "main"})]
    for main in mains:
        for h1 in main.find_all("h1"):
            if _text(h1):
                return h1
    for h1 in soup.find_all("h1"):
        if _text(h1) and h1.find_parent(["header", "footer", "nav"]) is None:
            return h1
    return None


def _scope(soup: BeautifulSoup, h1: Tag | None) -> Tag:
    """The article's container: the ``article``/``main`` around the headline, else the body."""
    if h1 is not None:
        found = h1.find_parent(["article", "main"]) or h1.find_parent(attrs={"role": "main"})
    else:
        found = soup.find(["article", "main"])
    return found if isinstance(found, Tag) else (soup.body or soup)


def _is_chrome(tag: Tag) -> bool:
    if tag.name in NEVER_TAGS or tag.name in CHROME_TAGS or tag.name in ("figure", "figcaption"):
        return True
    if _attr(tag, "role").lower() in CHROME_ROLES or tag.has_attr("aria-live"):
        return True
    return "sv-image-portlet" in (tag.get("class") or ())


def _strip_chrome(scope: Tag, keep: Tag | None) -> None:
    """Remove what is never article text: scripts, forms, navigation, banners, alerts, images."""
    for tag in [t for t in scope.find_all(True) if _is_chrome(t)]:
        if keep is not None and (tag is keep or _inside(keep, tag)):
            continue  # an <article><header><h1> keeps its headline
        if not tag.decomposed:
            tag.decompose()


def _blocks(scope: Tag, h1: Tag | None) -> list[Tag]:
    """The article's text blocks in order: top-level paragraphs, lists, sub-headings after h1."""
    candidates = h1.find_all_next(BLOCK_TAGS) if h1 is not None else scope.find_all(BLOCK_TAGS)
    chosen: list[Tag] = []
    taken: set[int] = set()
    for block in candidates:
        if h1 is not None and not _inside(block, scope):
            continue
        if any(id(parent) in taken for parent in block.parents):
            continue
        text = _text(block)
        if not text:
            continue
        if block.name == "p" and dates.is_date_line(text) and len(text) < 80:
            continue  # "Publiceringsdatum: 21 mars 2022" under the headline
        taken.add(id(block))
        chosen.append(block)
    return chosen


def _body_html(blocks: list[Tag], page_url: str) -> str:
    """The blocks as sanitised HTML, relative links made absolute against the page's URL."""
    return sanitize_html("\n".join(str(b) for b in blocks), page_url or None)


def _article_dates(
    soup: BeautifulSoup,
    meta: dict[str, str],
    url: str,
    entry: ListEntry | None,
    now: datetime,
) -> tuple[datetime, datetime | None]:
    """(published, updated). The publication date is never unknown: ``now`` is the last resort."""
    root = soup.body or soup
    t_pub, t_upd = _time_dates(root, attribute=True)
    v_pub, v_upd = dates.label_dates(_text(root))
    if v_pub is None and v_upd is None:
        v_pub, v_upd = _time_dates(root, attribute=False)
    m_pub = dates.machine_date(meta.get("article:published_time", ""))
    m_upd = dates.machine_date(meta.get("article:modified_time", ""))
    listed = dates.as_when(entry.date) if entry else None
    from_url = dates.as_when(slug_date(url))
    published = dates.chain([t_pub, v_pub, m_pub, listed, from_url, dates.as_when(now)])
    updated = dates.chain([t_upd, v_upd, m_upd])
    return published or now, updated
