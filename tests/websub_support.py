"""Helpers of the WebSub tests (a plain module; the ``hub`` fixture is in conftest.py): a hub on
loopback that records what it is told and answers as the test scripts it, and a fake clock for
the notifier's retries."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import feedparser
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

HUB_PATH = "/hub"


@dataclass
class Answer:
    """How the hub answers one request: a status, headers, and a wait first (``hold``: until
    :meth:`Hub.release`)."""

    status: int = 204
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    hold: bool = False


class Hub:
    """A WebSub hub: every POST's form is recorded; the answers come from :attr:`script` in
    order, then 204. :meth:`notified` is what it accepted."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.script: list[Answer] = []
        self.requests: list[tuple[dict[str, str], int]] = []
        """(form, status answered), in the order the answers were sent."""
        self.received: list[dict[str, str]] = []
        """Every form, as soon as it arrived (before its answer)."""
        self._cond = threading.Condition()
        self._released = threading.Event()
        server.expect_request(HUB_PATH, method="POST").respond_with_handler(self._handle)

    @property
    def url(self) -> str:
        return self.server.url_for(HUB_PATH)

    def answer(self, *answers: Answer) -> None:
        with self._cond:
            self.script.extend(answers)

    def release(self) -> None:
        """Let every held answer go."""
        self._released.set()

    def _handle(self, request: Request) -> Response:
        form = {k: v for k, v in request.form.items()}
        with self._cond:
            self.received.append(form)
            answer = self.script.pop(0) if self.script else Answer()
            self._cond.notify_all()
        if answer.hold:
            self._released.wait(20)
        time.sleep(answer.delay)
        with self._cond:
            self.requests.append((form, answer.status))
            self._cond.notify_all()
        return Response(b"", status=answer.status, headers=answer.headers)

    def notified(self) -> list[str]:
        """The ``hub.url`` of every notification accepted (2xx), in order."""
        with self._cond:
            return [form["hub.url"] for form, status in self.requests if 200 <= status < 300]

    def wait_for(self, check: Callable[[Hub], bool], timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        with self._cond:
            while not check(self):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"hub: condition not met in {timeout} s; "
                                         f"requests: {self.requests}")
                self._cond.wait(min(left, 0.1))

    def wait_notified(self, count: int, timeout: float = 10) -> list[str]:
        self.wait_for(lambda hub: len(hub.notified()) >= count, timeout)
        return self.notified()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class FakeTime:
    """The notifier's clock and its waits: a wait for a due notification moves the clock there
    at once (recorded in :attr:`waits`); with nothing queued it really waits a little."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.waits: list[float] = []

    def clock(self) -> float:
        return self.now

    def wait(self, cond: threading.Condition, timeout: float | None) -> None:
        if timeout is None:
            cond.wait(0.05)
            return
        if timeout > 0:
            self.waits.append(timeout)
            self.now += timeout
        cond.wait(0)


def self_links(output_dir: Path, hub: str) -> dict[str, str]:
    """Every published file that names ``hub``, with the self link it carries (RSS and Atom:
    ``rel="self"``, JSON Feed: ``feed_url``), by path relative to ``output_dir``."""
    found: dict[str, str] = {}
    for path in sorted(output_dir.rglob("*")):
        name = str(path.relative_to(output_dir))
        if not path.is_file() or name.endswith(".gz") or name.startswith("."):
            continue
        data = path.read_bytes()
        if hub.encode() not in data:
            continue
        if name.endswith(".json"):
            doc = json.loads(data)
            assert doc["hubs"] == [{"type": "WebSub", "url": hub}], name
            found[name] = doc["feed_url"]
        else:
            links = feedparser.parse(data).feed.links
            assert [ln.href for ln in links if ln.rel == "hub"] == [hub], name
            [self_link] = [ln.href for ln in links if ln.rel == "self"]
            found[name] = self_link
    return found
