"""Which file answers a request for a feed's address: the feed, or the feed's HTML page.

A feed reader asks for ``/feed.atom`` and gets the Atom feed; a browser (its ``Accept`` prefers
``text/html``, :func:`feeder.web.static.prefers_html`) asking for the same address gets the
feed's page (``/feed.html``: what the feed is, how to subscribe, its items), rendered by the
publisher (no XSLT: browsers are removing it). Both answers carry ``Vary: Accept``. Only the RSS
and Atom addresses of the feeds (``feed``, ``alerts``, ``topics/<id>``) are negotiated; every
other address is its own file. docs/nginx-feeder.conf does the same with a ``map``.

Pure: :func:`choose` looks at the path and the request headers only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .static import prefers_html

FEED_ADDRESS = re.compile(r"/(?P<base>feed|alerts|topics/[A-Za-z0-9][A-Za-z0-9_-]*)\.(?:rss|atom)")


def page_of(path: str) -> str | None:
    """The address of a feed's page (``/topics/x.atom`` → ``/topics/x.html``), or None when
    ``path`` is not the RSS or Atom address of a feed."""
    found = FEED_ADDRESS.fullmatch(path)
    return f"/{found['base']}.html" if found is not None else None


def choose(path: str, headers: Iterable[tuple[bytes, bytes]]) -> str:
    """The path whose file answers a request for ``path`` with these (ASGI) headers: the
    feed's page for a browser, else ``path`` itself."""
    if not path.endswith(("s", "m")):  # neither .rss nor .atom: the common case, at once
        return path
    page = page_of(path)
    if page is None:
        return path
    for name, value in headers:
        if name == b"accept":
            return page if prefers_html(value) else path
    return path
