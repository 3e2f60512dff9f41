"""Helpers for the Länsstyrelsen news tests (a plain module: import it, not conftest).

``NewsSite`` is a fake lansstyrelsen.se on 127.0.0.1 (pytest-httpserver) serving the fixtures of
``tests/fixtures/lansstyrelsen`` with the site's origin rewritten to the test server's, so that
the absolute links in the fixtures lead back to it and no test touches the internet. The polls
run the real Fetcher and a real SQLite store through :func:`feeder.poll.poll_source`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from feeder.config import Config
from feeder.fetch import Fetcher
from feeder.model import Item
from feeder.poll import PollOutcome, poll_source
from feeder.sources import Source, build_sources
from feeder.sources.news_entries import canonical_url
from feeder.store import Store
from tests.common import FIXTURES, NOW, make_config

NEWS_FIXTURES = FIXTURES / "lansstyrelsen"
SEED = FIXTURES / "seed.txt"
REAL_ORIGIN = "https://www.lansstyrelsen.se"
LIST_PATH = "/vasternorrland/om-oss/nyheter-och-press/nyheter---vasternorrland.html"
ARTICLES = LIST_PATH.removesuffix(".html") + "/"
REAL_LIST_URL = REAL_ORIGIN + LIST_PATH

KRAFTSAMLING = "2022-03-21-kraftsamling-mot-valdet-i-vasternorrland"
STRANDSKYDD = "2022-03-10-nya-regler-for-strandskydd"
LISTED = [  # the eight entries of news_list.html, in page order
    "2022-03-25-ansok-om-bidrag-till-lokala-naturvardsprojekt",
    "2022-03-23-samrad-om-vattenforvaltning-i-bottenhavets-distrikt",
    KRAFTSAMLING,
    "2022-03-17-inventering-av-jarv-i-lanet-klar",
    "2022-03-14-krisberedskap-ovning-med-lanets-kommuner",
    STRANDSKYDD,
    "2022-03-08-stod-till-ukrainska-flyktingar",
    "2022-03-02-jaktkort-och-licensjakt-efter-lo",
]
ARTICLE_FIXTURES = {
    KRAFTSAMLING: "article_kraftsamling.html",
    STRANDSKYDD: "article_strandskydd.html",
}


def fixture(name: str) -> bytes:
    return (NEWS_FIXTURES / name).read_bytes()


def article_path(slug: str) -> str:
    return f"{ARTICLES}{slug}.html"


def trim_list(body: bytes, keep: list[str]) -> bytes:
    """The list page with only the ``li.sv-channel-item`` entries linking to the ``keep`` slugs
    (the fixtures hold two of the eight articles; a poll test that must see every article
    succeed lists only those)."""
    def choose(match: re.Match[bytes]) -> bytes:
        return match[0] if any(slug.encode() in match[0] for slug in keep) else b""

    return re.sub(rb'<li class="sv-channel-item[^"]*">.*?</li>', choose, body, flags=re.S)


def without_canonical(body: bytes) -> bytes:
    """An article fixture without its ``<link rel="canonical">``, to serve it as another
    article (with the link, its id would be the fixture's own article's)."""
    return re.sub(rb'<link rel="canonical"[^>]*>', b"", body)


def seed_paragraphs() -> list[str]:
    """The seed article's own text: the paragraphs after its headline (banner and labels cut)."""
    lines = [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line]
    start = lines.index("Kraftsamling mot våldet i Västernorrland") + 1
    return lines[start:]


@dataclass
class Route:
    status: int
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    etag: str | None = None


class NewsSite:
    """A fake county web site plus one feeder configured to poll it."""

    def __init__(self, tmp_path: Path, server: HTTPServer, **source: Any) -> None:
        self.server = server
        self.origin = server.url_for("/").rstrip("/")
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        server.expect_request(re.compile(r"^/.*")).respond_with_handler(self._answer)
        self.sleeps: list[float] = []
        self.config: Config = make_config(
            tmp_path,
            sources={
                "smhi": {"enabled": False},
                "lansstyrelsen": {"url": self.url(LIST_PATH), "article_delay": 0.25, **source},
            },
            http={"connect_timeout": 2.0, "read_timeout": 2.0, "max_bytes": 1_000_000,
                  "backoff_max": 900},
        )
        self.store = Store(self.config.storage.database)
        self.fetcher = Fetcher(self.config.http)
        self.source: Source = build_sources(self.config)["lansstyrelsen"]

    def close(self) -> None:
        self.fetcher.close()
        self.store.close()

    # ------------------------------------------------------------------ upstream

    def url(self, path: str) -> str:
        return self.origin + path

    def id(self, path: str) -> str:
        """The item id of the article at ``path``: its canonical URL (https, no ``www.``)."""
        key = canonical_url(self.url(path))
        assert key is not None
        return key

    def local(self, body: bytes) -> bytes:
        """A fixture body with lansstyrelsen.se's origin replaced by the test server's."""
        return body.replace(REAL_ORIGIN.encode(), self.origin.encode())

    def serve(self, path: str, body: bytes | str, *, status: int = 200,
              content_type: str = "text/html; charset=utf-8", etag: str | None = None) -> None:
        """Answer GETs of ``path`` (with its query, if it has one: a route with the query wins
        over the bare path) with ``body`` (a fixture name or bytes)."""
        data = fixture(body) if isinstance(body, str) else body
        self.routes[path] = Route(status, self.local(data), content_type, etag)

    def serve_list(self, body: bytes | str = "news_list.html", *, etag: str | None = None) -> None:
        self.serve(LIST_PATH, body, etag=etag)

    def serve_articles(self, *, missing: int = 404) -> None:
        """Every listed article: the two with fixtures as they are, the others ``missing``."""
        for slug in LISTED:
            if slug in ARTICLE_FIXTURES:
                self.serve(article_path(slug), ARTICLE_FIXTURES[slug])
            else:
                self.serve(article_path(slug), b"<h1>Sidan finns inte</h1>", status=missing)

    def _answer(self, request: Request) -> Response:
        self.requests.append(request)
        query = request.query_string.decode()
        route = self.routes.get(f"{request.path}?{query}") if query else None
        route = route or self.routes.get(request.path)
        if route is None:
            return Response(b"<h1>Sidan finns inte</h1>", status=404, content_type="text/html")
        headers = {"ETag": route.etag} if route.etag else {}
        if route.etag and request.headers.get("If-None-Match") == route.etag:
            return Response(status=304, headers=headers)
        return Response(route.body, status=route.status, headers=headers,
                        content_type=route.content_type)

    def paths(self) -> list[str]:
        """The paths requested so far, in order."""
        return [r.path for r in self.requests]

    def forget_requests(self) -> None:
        self.requests.clear()

    # ------------------------------------------------------------------ feeder

    def poll(self, now: datetime = NOW) -> PollOutcome:
        return poll_source(self.source, self.store, self.config, self.fetcher, now=now,
                           sleep=self.sleeps.append)

    def items(self) -> dict[str, Item]:
        return {item.id: item for item in self.store.items("lansstyrelsen")}

    def item(self, slug: str) -> Item:
        return self.store.get(self.id(article_path(slug)))


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


__all__ = [
    "ARTICLES", "ARTICLE_FIXTURES", "KRAFTSAMLING", "LISTED", "LIST_PATH", "NEWS_FIXTURES", "NOW",
    "REAL_LIST_URL", "REAL_ORIGIN", "STRANDSKYDD", "NewsSite", "article_path", "fixture",
    "seed_paragraphs", "trim_list", "utc", "without_canonical",
]
