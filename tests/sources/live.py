"""Every source of one county against one loopback upstream, through the real HTTP path, and the
outputs published from what they stored (a plain module: import it, not conftest).

- :func:`shift_times` is THE helper that moves every ISO 8601 time in a payload by one offset,
  keeping each time's own form (milliseconds, ``Z`` or an offset), so that a real-world case
  taken in the past keeps its shape and its intervals when it is replayed "now".
- :class:`Upstreams` serves bodies at each source's path on a pytest-httpserver (127.0.0.1),
  polls with the real :class:`~feeder.fetch.Fetcher` (``requests``) and
  :func:`feeder.poll.poll_source` into a real SQLite store, and :meth:`Upstreams.publish` runs
  :func:`feeder.publish.publish` and reads every feed back (feedparser) and ``banner.json``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import feedparser
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from feeder.config import Config
from feeder.demo.timeshift import ISO_TIME, shift
from feeder.fetch import Fetcher
from feeder.model import Item
from feeder.poll import PollOutcome, poll_source
from feeder.publish import publish
from feeder.sources import Source, build_sources
from feeder.store import Store
from tests.common import FIXTURES, make_config

REALWORLD = FIXTURES / "realworld"
PATHS = {
    "smhi": "/ibww/api/version/1/warning.json",
    "vma": "/api/v3/alerts",
    "krisinformation": "/v3/news",
    "lansstyrelsen": "/vasternorrland/om-oss/nyheter-och-press/nyheter---vasternorrland.html",
}

shift_times = shift
"""``payload`` with every ISO 8601 date-time in it moved by an offset, each written as it was:
the demo's own :func:`feeder.demo.timeshift.shift` (one helper for both)."""


def times_in(payload: bytes) -> list[datetime]:
    """Every ISO 8601 time in ``payload`` that carries a zone, as aware UTC, in order."""
    found = []
    for match in ISO_TIME.finditer(payload.decode("utf-8")):
        if match["zone"]:
            text = match[0].replace("Z", "+00:00").replace(" ", "T")
            found.append(datetime.fromisoformat(text).astimezone(UTC))
    return found


def realworld(name: str) -> bytes:
    return (REALWORLD / name).read_bytes()


@dataclass
class Outputs:
    """What one publish wrote, read back."""

    folder: Path
    feeds: dict[str, Any]
    """``feed.rss`` ... ``alerts.atom`` parsed by feedparser (each checked: not bozo)."""
    json_feeds: dict[str, Any]
    banner: dict[str, Any]

    def titles(self, name: str = "feed.atom") -> list[str]:
        return [entry.title for entry in self.feeds[name].entries]

    def banner_ids(self) -> list[str]:
        return [alert["id"] for alert in self.banner["alerts"]]


class Upstreams:
    """A county's feeder with every source on one loopback server (see the module docstring)."""

    def __init__(self, tmp_path: Path, server: HTTPServer, *, lookahead: int = 86400,
                 **settings: dict[str, object]) -> None:
        self.server = server
        self.bodies: dict[str, tuple[bytes, str]] = {}
        server.expect_request(re.compile(r"^/.*")).respond_with_handler(self._answer)
        self.config: Config = make_config(
            tmp_path,
            banner={"min_level": "notice", "lookahead": lookahead},
            sources={
                name: {"url": server.url_for(path), "interval": 60, "stale_after": 3600,
                       **({"article_delay": 0} if name == "lansstyrelsen" else {}),
                       **settings.get(name, {})}
                for name, path in PATHS.items()
            },
            http={"connect_timeout": 2.0, "read_timeout": 2.0, "max_bytes": 1_000_000,
                  "backoff_max": 900},
        )
        self.store = Store(self.config.storage.database)
        self.fetcher = Fetcher(self.config.http)
        self.sources: dict[str, Source] = build_sources(self.config)

    def close(self) -> None:
        self.fetcher.close()
        self.store.close()

    # ------------------------------------------------------------------ upstream

    def serve(self, path_or_source: str, body: bytes,
              content_type: str = "application/json") -> None:
        """Answer GETs of a source's path (or of a path) with ``body`` from now on."""
        path = PATHS.get(path_or_source, path_or_source)
        self.bodies[path] = (body, content_type)

    def url(self, path: str) -> str:
        return self.server.url_for(path)

    def _answer(self, request: Request) -> Response:
        found = self.bodies.get(request.path)
        if found is None:
            return Response(b"not here", status=404, content_type="text/plain")
        body, content_type = found
        return Response(body, status=200, content_type=content_type)

    # ------------------------------------------------------------------ feeder

    def poll(self, name: str, now: datetime) -> PollOutcome:
        return poll_source(self.sources[name], self.store, self.config, self.fetcher, now=now,
                           sleep=lambda _: None, respect_backoff=False)

    def items(self, name: str) -> dict[str, Item]:
        return {item.id: item for item in self.store.items(name)}

    def publish(self, now: datetime) -> Outputs:
        """Publish at ``now`` and read every output back: the feeds must parse cleanly."""
        publish(self.store, self.config, now)
        folder = self.config.storage.output_dir
        feeds: dict[str, Any] = {}
        for name in ("feed.rss", "feed.atom", "alerts.rss", "alerts.atom"):
            doc = feedparser.parse((folder / name).read_bytes())
            assert not doc.bozo, (name, doc.get("bozo_exception"))
            feeds[name] = doc
        json_feeds = {name: json.loads((folder / name).read_text(encoding="utf-8"))
                      for name in ("feed.json", "alerts.json")}
        banner = json.loads((folder / "banner.json").read_text(encoding="utf-8"))
        return Outputs(folder, feeds, json_feeds, banner)


__all__ = ["PATHS", "Outputs", "Upstreams", "realworld", "shift_times", "times_in"]
