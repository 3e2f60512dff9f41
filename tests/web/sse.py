"""A small Server-Sent Events client for the tests (a plain module): it reads the stream as a
browser's EventSource does (fields, blank-line dispatch, ``retry``), but also returns the
empty events (heartbeats) and says when the stream ends."""

from __future__ import annotations

import http.client
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Event:
    type: str
    data: str
    id: str | None
    retry: int | None


class EventStream:
    """``GET path`` on ``host:port``, then one event at a time (:meth:`next`)."""

    def __init__(self, host: str, port: int, path: str = "/banner/events",
                 headers: dict[str, str] | None = None, timeout: float = 10.0) -> None:
        self.conn = http.client.HTTPConnection(host, port, timeout=timeout)
        self.conn.request("GET", path, headers=headers or {})
        self.response = self.conn.getresponse()
        self.ended = False

    @property
    def status(self) -> int:
        return self.response.status

    def header(self, name: str) -> str | None:
        return self.response.getheader(name)

    def next(self, timeout: float = 5.0) -> Event | None:
        """The next event; None when the stream has ended; TimeoutError when none came in
        ``timeout`` seconds."""
        sock = self.conn.sock
        if sock is not None:
            sock.settimeout(timeout)
        kind, data, event_id, retry = "", [], None, None
        while True:
            try:
                raw = self.response.readline()
            except TimeoutError:
                raise TimeoutError(f"no event within {timeout} s") from None
            except (http.client.IncompleteRead, ConnectionError):
                raw = b""
            if not raw:
                self.ended = True
                return None
            line = raw.decode("utf-8").rstrip("\r\n")
            if not line:
                if data or kind:
                    return Event(kind or "message", "\n".join(data), event_id, retry)
                continue
            if line.startswith(":"):
                continue
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if name == "data":
                data.append(value)
            elif name == "event":
                kind = value
            elif name == "id":
                event_id = value
            elif name == "retry" and value.isdigit():
                retry = int(value)

    def banner(self, timeout: float = 5.0) -> Event:
        """The next event ``banner``, skipping heartbeats."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no banner event within {timeout} s")
            event = self.next(left)
            if event is None:
                raise AssertionError("the stream ended before a banner event")
            if event.type == "banner":
                return event

    def events_for(self, seconds: float) -> list[Event]:
        """Every event that arrives in the next ``seconds`` (stops early when the stream ends)."""
        out: list[Event] = []
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                event = self.next(left)
            except TimeoutError:
                break
            if event is None:
                break
            out.append(event)
        return out

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> EventStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
