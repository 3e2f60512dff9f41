"""Helpers of the daemon tests (a plain module): an SMHI-like upstream whose answer a test
changes, a config for it, ``feeder run`` as a subprocess, checks of the published folder."""

from __future__ import annotations

import copy
import gzip
import json
import os
import resource
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import feedparser
import yaml
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.common import FIXTURES

FIRE_TITLE = "Risk för skogsbrand i Västernorrlands län"


# ------------------------------------------------------------------------------- upstream


def _stamp(value: datetime) -> str:
    utc = value.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def fire_warning(*, start: datetime, end: datetime | None, published: datetime) -> bytes:
    """SMHI's fire-risk message for county 22 (the shared fixture), moved to the given times."""
    fixture = FIXTURES / "smhi" / "ibww_fire_message_vasternorrland.json"
    warnings = json.loads(fixture.read_bytes())
    fire = copy.deepcopy(next(w for w in warnings if w["event"]["code"] == "FIRE"))
    for area in fire["warningAreas"]:
        area["approximateStart"] = _stamp(start)
        area["published"] = _stamp(published)
        area["created"] = _stamp(published - timedelta(hours=1))
        if end is None:
            area.pop("approximateEnd", None)
        else:
            area["approximateEnd"] = _stamp(end)
    return json.dumps([fire], ensure_ascii=False).encode()


class Upstream:
    """A fake SMHI whose answer the test changes while feeder runs."""

    PATH = "/ibww/api/version/1/warning.json"

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.body = b"[]"
        self.delay = 0.0
        self.hang = threading.Event()
        self.hanging = False
        self.received = threading.Event()
        self.requests = 0
        server.expect_request(self.PATH).respond_with_handler(self._handle)

    @property
    def url(self) -> str:
        return self.server.url_for(self.PATH)

    def _handle(self, request: Request) -> Response:
        self.requests += 1
        self.received.set()
        if self.hanging:
            self.hang.wait(30)
        time.sleep(self.delay)
        return Response(self.body, 200, content_type="application/json")


# ------------------------------------------------------------------------------- the daemon


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def write_config(tmp_path: Path, upstream: Upstream | str, *, interval: int,
                 read_timeout: float = 10, port: int | None = None) -> Path:
    """``upstream``: the fake SMHI, or the URL SMHI is polled at."""
    data = {
        "storage": {"database": "var/feeder.sqlite3", "output_dir": "var/public"},
        "server": {"host": "127.0.0.1", "port": port or free_port()},
        "http": {"connect_timeout": 2, "read_timeout": read_timeout},
        "sources": {
            "smhi": {"url": upstream if isinstance(upstream, str) else upstream.url,
                     "interval": interval, "stale_after": 3600},
            "lansstyrelsen": {"enabled": False},
        },
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


class Daemon:
    """``python -m feeder --config PATH run`` with stderr captured to a file."""

    def __init__(self, config_path: Path, *, nofile: int | None = None) -> None:
        """``nofile``: the process's file limit (``ulimit -n``)."""
        self.config_path = config_path
        data = yaml.safe_load(config_path.read_text(encoding="utf-8"))
        self.base = f"http://127.0.0.1:{data['server']['port']}"
        self.root = config_path.parent
        self.log_path = config_path.parent / f"feeder-{time.monotonic_ns()}.log"
        env = {k: v for k, v in os.environ.items() if k != "JOURNAL_STREAM"}
        env.pop("FEEDER_CONFIG", None)
        self.log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "feeder", "--config", str(config_path), "run"],
            cwd=config_path.parent, stdout=self.log, stderr=subprocess.STDOUT, env=env,
            preexec_fn=None if nofile is None else lambda: resource.setrlimit(
                resource.RLIMIT_NOFILE, (nofile, nofile)),
        )

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        req = urllib.request.Request(self.base + path, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=5) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def wait_until(self, check: Callable[[], bool], timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"feeder run exited early:\n{self.output()}"
            try:
                if check():
                    return
            except (OSError, ValueError, KeyError):
                pass
            time.sleep(0.1)
        raise AssertionError(f"condition not met in {timeout} s; log:\n{self.output()}")

    def banner(self) -> dict[str, Any]:
        status, body = self.get("/banner.json")
        if status != 200:  # not published yet: wait_until tries again
            raise ValueError(f"banner.json: HTTP {status}")
        data: dict[str, Any] = json.loads(body)
        return data

    def terminate(self, timeout: float = 30) -> tuple[int, float]:
        t0 = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout)
        return code, time.monotonic() - t0

    def output(self) -> str:
        self.log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self.log.close()


def alert_titles(banner: dict[str, Any]) -> list[str]:
    return [a["title"] for a in banner["alerts"]]


def assert_outputs_consistent(public: Path) -> None:
    """Complete files only: valid JSON and feeds, every .gz equal to its file, no temp files."""
    banner = json.loads((public / "banner.json").read_bytes())
    assert set(banner) >= {"region", "generated", "alerts", "alert", "sources"}
    for name in ("feed.atom", "feed.rss", "alerts.atom"):
        parsed = feedparser.parse((public / name).read_bytes())
        assert not parsed.bozo, (name, parsed.get("bozo_exception"))
    json.loads((public / "feed.json").read_bytes())
    for gz in public.rglob("*.gz"):
        assert gzip.decompress(gz.read_bytes()) == gz.with_suffix("").read_bytes(), gz
    assert not [p for p in public.rglob("*.tmp")]


def db_items(database: Path) -> list[str]:
    db = sqlite3.connect(database)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return [row[0] for row in db.execute("SELECT id FROM items ORDER BY id")]
    finally:
        db.close()
