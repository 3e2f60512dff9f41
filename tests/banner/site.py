"""Two loopback HTTP servers for the banner tests, i.e. two origins: one serves ``banner.js`` and
``banner.json`` (with CORS, ETags and 304s, like ``feeder run``), the other the municipal web page
that embeds the banner; and the helpers that drive a page through them. A plain module: the
fixtures in ``conftest.py`` build on it."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

from feeder.config import Config
from feeder.model import Item
from feeder.publish import publish
from feeder.store import Store

TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
}


@dataclass
class Reply:
    body: bytes
    content_type: str
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    """Seconds to hold the answer (a slow network)."""


@dataclass(frozen=True)
class Seen:
    path: str
    headers: dict[str, str]
    status: int


class Site:
    """A threaded HTTP server on 127.0.0.1 serving what the test puts, recording every request.

    Every 200 carries a strong ETag; a matching ``If-None-Match`` gets a 304, as from feeder.
    """

    def __init__(self, *, cors: bool) -> None:
        self.cors = cors
        self.routes: dict[str, Reply] = {}
        self.folder: Path | None = None
        self.requests: list[Seen] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.site = self  # type: ignore[attr-defined]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.origin + path

    def put(self, path: str, body: bytes | str, content_type: str | None = None,
            status: int = 200, delay: float = 0.0, **headers: str) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        kind = content_type or TYPES.get(Path(path).suffix, "application/octet-stream")
        with self.lock:
            self.routes[path] = Reply(data, kind, status, dict(headers), delay)
        return self.url(path)

    def put_json(self, path: str, value: Any, delay: float = 0.0) -> str:
        return self.put(path, json.dumps(value, ensure_ascii=False, indent=1), delay=delay,
                        cache_control="public, max-age=60")

    def seen(self, path: str) -> list[Seen]:
        with self.lock:
            return [s for s in self.requests if s.path == path]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class _Handler(BaseHTTPRequestHandler):
    server_version = "banner-test"
    protocol_version = "HTTP/1.1"  # Chromium uses an ETag as a validator only from HTTP/1.1

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        site: Site = self.server.site  # type: ignore[attr-defined]
        path = self.path.split("?", 1)[0]
        with site.lock:
            reply = site.routes.get(path)
        if reply is None and site.folder is not None:
            file = (site.folder / path.lstrip("/")).resolve()
            if file.is_file() and site.folder.resolve() in file.parents:
                reply = Reply(file.read_bytes(), TYPES.get(file.suffix, "text/plain"))
        if reply is None:
            reply = Reply(b"not found", "text/plain", 404)
        if reply.delay:
            time.sleep(reply.delay)
        etag = '"' + hashlib.sha256(reply.body).hexdigest()[:16] + '"'
        status = reply.status
        if status == 200 and self.headers.get("If-None-Match") == etag:
            status = 304
        with site.lock:
            site.requests.append(Seen(path, {k.lower(): v for k, v in self.headers.items()},
                                      status))
        self.send_response(status)
        self.send_header("Content-Type", reply.content_type)
        if site.cors:
            self.send_header("Access-Control-Allow-Origin", "*")
        if reply.status == 200:
            self.send_header("ETag", etag)
        for name, value in reply.headers.items():
            self.send_header(name.replace("_", "-"), value)
        body = b"" if status == 304 else reply.body
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)



COUNT_READS = """
window.__feederReads = {loaded: 0, failed: 0};
document.addEventListener('feeder-banner', function (e) {
  window.__feederReads[e.detail.ok ? 'loaded' : 'failed'] += 1;
});
"""
"""Counts banner.js's ``feeder-banner`` events (one per read of banner.json)."""


def host_page(
    host: Site,
    script_url: str,
    *,
    attrs: str = "",
    container: bool = False,
    head: str = "",
    path: str = "/",
) -> str:
    """A small, accessible municipal page embedding the banner as webmasters are told to."""
    slot = '<div data-feeder-banner id="slot"></div>' if container else ""
    html = f"""<!DOCTYPE html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sundsvalls kommun</title>
<script src="{script_url}" defer{attrs}></script>
{head}
</head>
<body>
<header><p id="site">Sundsvalls kommun</p></header>
<main>
<h1>Välkommen till Sundsvall</h1>
{slot}
<p id="content">Här finns information om kommunens service.</p>
</main>
</body>
</html>
"""
    return host.put(path, html, "text/html; charset=utf-8")


def wait_marks(page: Page, name: str, count: int = 1) -> None:
    """Wait until banner.js has read banner.json ``count`` times with outcome ``name``
    (``loaded``: read and rendered; ``failed``)."""
    page.wait_for_function(
        "([n, c]) => window.__feederReads && window.__feederReads[n] >= c",
        arg=[name, count],
    )


class Published:
    """The real publisher writing into output_dir, that folder served by ``site`` (static, as
    nginx serves it)."""

    def __init__(self, site: Site, config: Config) -> None:
        self.site = site
        self.config = config
        self.out = config.storage.output_dir

    def publish(self, items: list[Item], now: datetime, *, answered: bool = True) -> None:
        """Store ``items`` and publish; ``answered``: every source has just been read."""
        with Store(self.config.storage.database) as store:
            store.upsert(items, now)
            if answered:
                for name in self.config.enabled_sources:
                    store.record_success(name, now)
            publish(store, self.config, now)
