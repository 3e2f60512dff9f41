"""``feeder run`` under a connection flood, as a real subprocess with the file limit of a
default shell (128 here, as in the report): idle connections beyond what it can hold are refused,
and polls and publishes go on meanwhile."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.daemon_support import (
    FIRE_TITLE,
    Daemon,
    Upstream,
    alert_titles,
    fire_warning,
    write_config,
)


@pytest.fixture
def upstream(httpserver: HTTPServer) -> Iterator[Upstream]:
    up = Upstream(httpserver)
    yield up
    up.hang.set()


@pytest.fixture
def daemons() -> Iterator[Callable[..., Daemon]]:
    started: list[Daemon] = []

    def start(config_path: Path, **kwargs: int) -> Daemon:
        started.append(Daemon(config_path, **kwargs))
        return started[-1]

    yield start
    for d in started:
        d.stop()


def test_130_idle_connections_do_not_take_polls_and_publishes_down(
    tmp_path: Path, upstream: Upstream, daemons: Callable[..., Daemon]
) -> None:
    daemon = daemons(write_config(tmp_path, upstream, interval=1), nofile=128)
    daemon.wait_until(lambda: daemon.get("/banner.json")[0] == 200)
    port = int(daemon.base.rsplit(":", 1)[1])
    held: list[socket.socket] = []
    try:
        for _ in range(130):
            held.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        time.sleep(0.5)
        refused = 0
        for sock in held:
            sock.settimeout(0.05)
            try:
                data = sock.recv(1024)
            except TimeoutError:
                continue
            refused += data.startswith(b"HTTP/1.1 503") or data == b""
        assert refused >= 130 - 64, refused  # the cap: 128 - 64 kept for everything else
        # Polls and publishes go on while the connections are held.
        polls = upstream.requests
        now = datetime.now(UTC)
        upstream.body = fire_warning(start=now - timedelta(hours=1), end=now + timedelta(days=1),
                                     published=now - timedelta(minutes=5))
        banner = tmp_path / "var" / "public" / "banner.json"
        deadline = time.monotonic() + 15
        while FIRE_TITLE not in banner.read_text(encoding="utf-8"):
            assert time.monotonic() < deadline, daemon.output()
            time.sleep(0.2)
        assert upstream.requests > polls
    finally:
        for sock in held:
            sock.close()
    # The held connections gone, everything is served again.
    daemon.wait_until(lambda: alert_titles(daemon.banner()) == [FIRE_TITLE])
    assert daemon.get("/healthz")[0] == 200
    assert "Too many open files" not in daemon.output()
    assert "refused" in daemon.output()  # the refusals were logged (once per 10 s at most)
