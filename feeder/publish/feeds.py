"""RSS 2.0 and Atom 1.0 of one feed of the plan (a :class:`FeedSpec`); part of step 3 of a
publish (load → select → **render** → write). The only module that imports feedgen.

feedgen 1.0.0 traps handled here (DEVELOPERS.md): the ``self`` link is added first and the
``alternate`` link last (RSS takes the channel link from the last one added); ``updated`` comes
from the data and never defaults to the clock, for the feed and for every entry; HTML goes
through ``content(html, type='html')``; every Atom entry has an author (the source, e.g. SMHI),
and RSS items credit it with ``dc:creator``; entries are added with ``order='append'`` after
sorting; ids are the item's URL only when that URL is its identity, else a real ``urn:uuid:``,
and the RSS ``guid`` is ``isPermaLink="true"`` only when it is the item's URL.

With a WebSub hub (``feeds.websub_hub``) every feed names it next to its self link: Atom
``<link rel="hub">`` between ``self`` and ``alternate``; RSS ``<atom:link rel="hub">`` right
after the channel's self link (feedgen writes no other ``atom:link`` in RSS, so it is put in
here, :func:`_rss_hub`).

Plain-text elements (titles, the Atom subtitle, author names) carry ``&`` and ``<`` as
hexadecimal character references (``&#x26;``, ``&#x3C;``), as the RSS Best Practices Profile
asks: a title such as ``<Höga kusten>`` or one holding a literal ``&amp;`` is then read as text,
not as markup, by every reader (and the W3C validator does not warn).
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from xml.sax.saxutils import quoteattr

from feedgen.feed import FeedGenerator

from .. import __version__
from .entry import Entry
from .spec import FeedSpec

LANGUAGE = "sv"


def distinct(moment: datetime, key: str) -> datetime:
    """``moment`` (whole seconds) with a sub-second part fixed by ``key`` (the item id).

    SMHI issues several warning areas in the same second; Atom entries with equal ``updated``
    values draw the validator's DuplicateUpdated warning and confuse some readers. The second
    stays the true one, and the same item always gets the same value in every feed.
    """
    micro = int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % 1_000_000
    return moment.replace(microsecond=micro)


def _generator(spec: FeedSpec) -> FeedGenerator:
    fg = FeedGenerator()
    fg.load_extension("dc", atom=False, rss=True)
    fg.id(spec.id)
    fg.title(spec.title)
    fg.subtitle(spec.description)
    fg.language(LANGUAGE)
    fg.generator("feeder", version=__version__)
    # From data, never the clock; not older than any entry's (sub-second) updated.
    fg.updated(max([spec.updated, *(distinct(e.updated, e.item.id) for e in spec.entries)]))
    for entry in spec.entries:  # already in feed order
        _add(fg, entry, spec)
    return fg


def _links(fg: FeedGenerator, spec: FeedSpec, fmt: str) -> None:
    mime = "application/rss+xml" if fmt == "rss" else "application/atom+xml"
    links = [{"href": spec.url(fmt), "rel": "self", "type": mime}]  # first: the self link
    if spec.hub is not None and fmt == "atom":  # RSS: see _rss_hub
        links.append({"href": spec.hub, "rel": "hub"})
    links.append({"href": spec.base_url, "rel": "alternate", "type": "text/html"})  # last
    fg.link(links, replace=True)


_RSS_SELF = re.compile(rb'\n( *)<atom:link href="[^"]*" rel="self"[^>]*/>')


def _rss_hub(xml: bytes, hub: str) -> bytes:
    """The WebSub hub as ``<atom:link rel="hub">`` right after the RSS channel's self link
    (feedgen writes only the self link of its list in RSS)."""
    found = _RSS_SELF.search(xml)
    if found is None:  # feedgen always writes the self link: a changed feedgen
        raise ValueError("no atom:link rel=self in the RSS channel to put the hub beside")
    link = b'\n' + found.group(1) + b'<atom:link href=' + quoteattr(hub).encode() \
        + b' rel="hub"/>'
    return xml[:found.end()] + link + xml[found.end():]


def _add(fg: FeedGenerator, entry: Entry, spec: FeedSpec) -> None:
    fe = fg.add_entry(order="append")
    fe.guid(entry.id, permalink=entry.permalink)
    fe.title(entry.title)
    fe.author({"name": entry.source})
    fe.dc.dc_creator(entry.source)
    fe.content(entry.content, type="html")
    if entry.url is not None:
        fe.link(href=entry.url, rel="alternate", type="text/html")
    level = entry.item.level
    fe.category({"term": level.label, "label": entry.level_text})
    for topic in entry.topics:
        fe.category({"term": topic, "label": spec.topic_titles.get(topic, topic)})
    for name in entry.area_names:  # the municipalities it concerns, by name
        fe.category({"term": name, "label": name})
    fe.published(entry.published)
    fe.updated(distinct(entry.updated, entry.item.id))


_PLAIN = re.compile(rb"(<(title|subtitle|name|dc:creator)(?: type=\"text\")?>)([^<]*)(</\2>)")


def _hex_refs(match: re.Match[bytes]) -> bytes:
    text = match.group(3).replace(b"&amp;", b"&#x26;").replace(b"&lt;", b"&#x3C;")
    return match.group(1) + text + match.group(4)


def plain_refs(xml: bytes) -> bytes:
    """``&`` and ``<`` in plain-text elements as hexadecimal character references."""
    return _PLAIN.sub(_hex_refs, xml)


def _rss(fg: FeedGenerator, spec: FeedSpec) -> bytes:
    _links(fg, spec, "rss")
    xml = plain_refs(bytes(fg.rss_str(pretty=True)))
    return xml if spec.hub is None else _rss_hub(xml, spec.hub)


def _atom(fg: FeedGenerator, spec: FeedSpec) -> bytes:
    _links(fg, spec, "atom")
    return plain_refs(bytes(fg.atom_str(pretty=True)))


def render(spec: FeedSpec) -> tuple[bytes, bytes]:
    """(RSS 2.0, Atom 1.0) of one feed, from one feedgen generator."""
    fg = _generator(spec)
    return _rss(fg, spec), _atom(fg, spec)
