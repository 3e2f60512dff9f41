"""Helpers for the web tests (a plain module; the fixtures are in conftest.py): stand-in
published files, writing them as the publisher does, and :class:`Site`, the real web app on
uvicorn on a free loopback port.

Requests go through ``http.client`` so that what is on the wire (gzip bytes, header lists, the
raw request path) is what the tests see.
"""

from __future__ import annotations

import gzip
import http.client
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from feeder.app import Feeder
from feeder.config import Config
from feeder.server import BackgroundServer
from tests.common import TOPIC

TOPIC_ID = TOPIC["id"]


def sample_outputs() -> dict[str, bytes]:
    """Stand-ins for the publisher's files: distinct, compressible, UTF-8 (å, ä, ö)."""
    filler = "Risk för skogsbrand i Västernorrlands län. " * 40
    files = {
        "feed.rss": f'<?xml version="1.0" encoding="UTF-8"?><rss><!-- {filler} --></rss>',
        "feed.atom": f'<?xml version="1.0" encoding="UTF-8"?><feed><!-- {filler} --></feed>',
        "feed.json": f'{{"version": "https://jsonfeed.org/version/1.1", "x": "{filler}"}}',
        "alerts.rss": f"<rss><!-- alerts {filler} --></rss>",
        "alerts.atom": f"<feed><!-- alerts {filler} --></feed>",
        "alerts.json": f'{{"alerts": "{filler}"}}',
        f"topics/{TOPIC_ID}.rss": f"<rss><!-- topic {filler} --></rss>",
        f"topics/{TOPIC_ID}.atom": f"<feed><!-- topic {filler} --></feed>",
        f"topics/{TOPIC_ID}.json": f'{{"topic": "{filler}"}}',
        "banner.json": f'{{"region": "Västernorrlands län", "alerts": [], "x": "{filler}"}}',
        "banner.js": f"/* {filler} */ (function () {{}})();",
        "banner.html": f"<!doctype html><p>{filler}</p>",
        "index.html": f"<!doctype html><title>Aktuellt</title><p>{filler}</p>",
        "extra.css": f"/* {filler} */ body {{ margin: 0 }}",
    }
    return {name: text.encode() for name, text in files.items()}


def write_output(root: Path, name: str, data: bytes, *, gz: bytes | bool | None = True) -> None:
    """Replace a published file the way the publisher does (temp file + rename), .gz first."""
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if gz is True:
        gz = gzip.compress(data, mtime=0)
    if isinstance(gz, bytes):
        _atomic(Path(f"{path}.gz"), gz)
    _atomic(path, data)


def _atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        values = [v for k, v in self.headers if k.lower() == name.lower()]
        return ", ".join(values) if values else None


class Site:
    """The app served on a free port; ``request`` speaks raw HTTP/1.1 to it."""

    def __init__(self, feeder: Feeder, server: BackgroundServer) -> None:
        self.feeder = feeder
        self.config: Config = feeder.config
        self.store = feeder.store
        self.server = server
        self.root = self.config.storage.output_dir

    def request(
        self, method: str, path: str, headers: Mapping[str, str] | None = None
    ) -> Reply:
        conn = http.client.HTTPConnection(self.server.host, self.server.port, timeout=10)
        try:
            # skip_accept_encoding: http.client must not add its own Accept-Encoding.
            conn.putrequest(method, path, skip_accept_encoding=True)
            for name, value in (headers or {}).items():
                conn.putheader(name, value)
            conn.endheaders()
            resp = conn.getresponse()
            return Reply(resp.status, resp.getheaders(), resp.read())
        finally:
            conn.close()

    def get(self, path: str, **headers: str) -> Reply:
        return self.request("GET", path, {k.replace("_", "-"): v for k, v in headers.items()})
