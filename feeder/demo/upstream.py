"""The demo's upstream: one loopback HTTP server in the process answering like SMHI, the county
board's web site, Sveriges Radio's VMA API and Krisinformation (the standard library's
``ThreadingHTTPServer``; nothing of the tests').

It serves the documents it is given (:meth:`Upstream.put`) at their paths, ignoring the query
(the sources add theirs), with an ``ETag`` and a ``304`` to a matching ``If-None-Match`` as the
real services do, and ``404`` for anything else. Each path counts the versions put and which
version was last served, so the scenario can wait until the daemon has read a change
(:meth:`Upstream.wait_served`).
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

__all__ = ["Upstream"]


@dataclass
class _Document:
    body: bytes
    content_type: str
    etag: str
    version: int
    served: int = 0
    """The last version answered with its body (or a 304)."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    upstream: Upstream


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "feeder-demo-upstream"
    sys_version = ""

    def do_GET(self) -> None:
        self._answer(with_body=True)

    def do_HEAD(self) -> None:
        self._answer(with_body=False)

    def _answer(self, *, with_body: bool) -> None:
        path = urlsplit(self.path).path
        found = self.server.upstream.lookup(path)
        if found is None:
            self._send(404, b"not part of the demo\n", "text/plain; charset=utf-8", None,
                       with_body)
            return
        if found.etag in _tags(self.headers.get("If-None-Match")):
            self._send(304, b"", None, found.etag, False)
            return
        self._send(200, found.body, found.content_type, found.etag, with_body)

    def _send(self, status: int, body: bytes, content_type: str | None, etag: str | None,
              with_body: bool) -> None:
        self.send_response(status)
        if content_type is not None:
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
        if etag is not None:
            self.send_header("ETag", etag)
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the daemon logs its polls."""


def _tags(header: str | None) -> set[str]:
    return {tag.strip() for tag in (header or "").split(",") if tag.strip()}


class Upstream:
    """The loopback server (a free port on ``host``), serving what it was given."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self._documents: dict[str, _Document] = {}
        self._changed = threading.Condition()
        self._server = _Server((host, 0), _Handler)
        self._server.upstream = self
        address = self._server.server_address
        self.host, self.port = str(address[0]), int(address[1])
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.2}, daemon=True,
                                        name="feeder-demo-upstream")

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def start(self) -> Upstream:
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
        self._server.server_close()

    # ------------------------------------------------------------------------- documents

    def put(self, path: str, body: bytes, content_type: str) -> bool:
        """Serve ``body`` at ``path`` from now on; whether that changed what ``path`` serves."""
        with self._changed:
            old = self._documents.get(path)
            if old is not None and old.body == body and old.content_type == content_type:
                return False
            etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
            version = old.version + 1 if old is not None else 1
            self._documents[path] = _Document(body, content_type, etag, version)
            return True

    def lookup(self, path: str) -> _Document | None:
        """The document at ``path`` (marking its version as served), or None."""
        with self._changed:
            found = self._documents.get(path)
            if found is not None:
                found.served = found.version
                self._changed.notify_all()
            return found

    def wait_served(self, paths: list[str], timeout: float, stop: threading.Event) -> bool:
        """Wait until the current version of every path was served; False on timeout or stop."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not all(self._documents[p].served == self._documents[p].version for p in paths):
                if stop.is_set() or time.monotonic() >= deadline:
                    return False
                self._changed.wait(0.1)
            return True
