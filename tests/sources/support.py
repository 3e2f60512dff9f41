"""Helpers for the SMHI and polling tests (a plain module: import it, not conftest): a real
upstream on 127.0.0.1 (pytest-httpserver), the real Fetcher and a real SQLite store in tmp_path,
driven through :func:`feeder.poll.poll_source`.

Imported by tests/sources/test_smhi*.py, tests/test_poll.py and tests/test_fetch.py.
"""

from __future__ import annotations

import gzip
import json
import socket
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from pytest_httpserver import HTTPServer

from feeder.config import Config
from feeder.fetch import Fetcher
from feeder.model import Item
from feeder.poll import PollOutcome, poll_source
from feeder.sources import Source, build_sources
from feeder.store import Store
from tests.common import FIXTURES, NOW, make_config

SMHI_FIXTURES = FIXTURES / "smhi"
SMHI_PATH = "/ibww/api/version/1/warning.json"
WARNING_FILES = sorted(
    p.name for p in SMHI_FIXTURES.glob("ibww_*.json") if "metadata" not in p.name
)


def fixture_bytes(name: str) -> bytes:
    return (SMHI_FIXTURES / name).read_bytes()


def fixture_json(name: str) -> Any:
    return json.loads(fixture_bytes(name))


class SmhiEnv:
    """One county's feeder against one fake SMHI: ``serve`` a body, then ``poll``."""

    def __init__(
        self,
        tmp_path: Path,
        server: HTTPServer,
        *,
        region: dict[str, object] | None = None,
        http: dict[str, object] | None = None,
        interval: int = 60,
        stale_after: int = 600,
        url: str | None = None,
    ) -> None:
        self.server = server
        self.config: Config = make_config(
            tmp_path,
            region=region or {"name": "Västernorrlands län", "county_id": 22},
            sources={
                "smhi": {"url": url or server.url_for(SMHI_PATH), "interval": interval,
                         "stale_after": stale_after},
                "lansstyrelsen": {"enabled": False},
            },
            http={"connect_timeout": 1.0, "read_timeout": 0.5, "max_bytes": 100_000,
                  "backoff_max": 900, **(http or {})},
        )
        self.store = Store(self.config.storage.database)
        self.fetcher = Fetcher(self.config.http)
        self.source: Source = build_sources(self.config)["smhi"]

    def close(self) -> None:
        self.fetcher.close()
        self.store.close()

    def restart(self) -> None:
        """A new process: a new source, which has not seen any body yet."""
        self.source = build_sources(self.config)["smhi"]

    # ------------------------------------------------------------------ upstream

    def serve(
        self,
        body: bytes | str,
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
        content_type: str = "application/json",
        expect_headers: dict[str, str] | None = None,
        gzipped: bool = False,
    ) -> None:
        """Answer the next request (exactly one) with ``body`` (a fixture name or bytes)."""
        data = fixture_bytes(body) if isinstance(body, str) else body
        headers = dict(headers or {})
        if gzipped:
            data = gzip.compress(data)
            headers["Content-Encoding"] = "gzip"
        self.server.expect_oneshot_request(
            SMHI_PATH, method="GET", headers=expect_headers
        ).respond_with_data(data, status=status, headers=headers, content_type=content_type)

    def requests_made(self) -> int:
        return len(self.server.log)

    # ------------------------------------------------------------------ feeder

    def poll(self, now: datetime = NOW, **kwargs: Any) -> PollOutcome:
        return poll_source(self.source, self.store, self.config, self.fetcher, now=now, **kwargs)

    def items(self) -> dict[str, Item]:
        return {item.id: item for item in self.store.items("smhi")}


class RawServer:
    """Answers every connection with fixed bytes (after an optional delay), then closes it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.payload = b""
        self.delay = 0.0
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/data.json"

    def _run(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                try:
                    conn.recv(65536)
                    if self.delay:
                        time.sleep(self.delay)
                    conn.sendall(self.payload)
                except OSError:
                    pass

    def close(self) -> None:
        self.sock.close()


__all__ = [
    "NOW", "SMHI_PATH", "WARNING_FILES", "RawServer", "SmhiEnv", "fixture_bytes", "fixture_json",
]
