"""Running the web app: this package alone imports uvicorn and httptools (:mod:`.protocol`).

One process, one worker, one event loop (uvloop, httptools): the scheduler lives in this process,
so a multi-worker server would poll once per worker. :func:`serve` runs in the foreground until
SIGTERM/SIGINT; :class:`BackgroundServer` runs in a thread (tests, benchmarks).

The protocol that faces the internet (the connection cap, timeouts, size limits, the fast
path of published files) is :mod:`.protocol`.

Uvicorn re-raises the signal that stopped it once its own shutdown (including the app's lifespan,
which joins the scheduler) is done, so that the default handler would kill the process with it.
:func:`serve` keeps its own handlers in place around uvicorn, which uvicorn restores before
re-raising: the signal is then just recorded, and the process exits 0 after a clean stop.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import socket
import threading
import time
from collections.abc import Callable
from types import FrameType
from typing import Any

import uvicorn
from starlette.types import ASGIApp

from .protocol import (
    FD_RESERVE,
    KEEP_ALIVE,
    MAX_CONNECTIONS,
    SWEEP_EVERY,
    GuardedProtocol,
    connection_cap,
)

__all__ = ["FD_RESERVE", "MAX_CONNECTIONS", "BackgroundServer", "bind", "connection_cap", "serve"]

log = logging.getLogger("feeder.server")

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
GRACEFUL_SHUTDOWN_SECONDS = 10
"""How long open connections may take to finish after a stop signal."""


def _protocol_for(app: ASGIApp) -> type[GuardedProtocol]:
    cap = connection_cap()
    limit_streams = getattr(app, "limit_streams", None)
    if limit_streams is not None:  # streams (the live banner) may hold half the connections
        limit_streams(cap // 2)
    return type("FeederProtocol", (GuardedProtocol,), {
        "fast": app if hasattr(app, "fast_answer") else None,
        "cap": cap,
        "refused": [0, -1e9],
    })


class _Server(uvicorn.Server):
    """uvicorn's server, checking every connection's timeouts once a second, and telling the
    app when it stops (``on_server_stop``: the app ends its streams, which would otherwise
    hold the stop up for ``GRACEFUL_SHUTDOWN_SECONDS``)."""

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        on_stop = getattr(self.config.app, "on_server_stop", None)
        if on_stop is not None:
            try:
                on_stop()
            except Exception:
                log.exception("the app failed to prepare for the stop")
        await super().shutdown(sockets)

    async def on_tick(self, counter: int) -> bool:
        if counter % SWEEP_EVERY == 0:
            now = asyncio.get_running_loop().time()
            for conn in list(self.server_state.connections):
                if isinstance(conn, GuardedProtocol):
                    conn.sweep(now)
        return await super().on_tick(counter)


def _config(app: ASGIApp, host: str, port: int) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=_protocol_for(app),
        loop="auto",  # uvloop when installed (a dependency, except on Windows)
        ws="none",  # no WebSocket route; an upgrade request is answered as plain HTTP
        lifespan="on",
        log_config=None,  # our logging setup (stderr, journald) applies
        access_log=False,  # nginx in front logs requests; one line per poll is ours
        server_header=False,
        proxy_headers=False,  # feeder.web.proxy, for the dynamic routes only
        timeout_keep_alive=int(KEEP_ALIVE),
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
    )


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (``OSError`` when the port is taken): bound
    before anything else starts, so that a taken port ends ``feeder run`` before it polls."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        sock.bind(address)
        sock.listen(2048)
        sock.set_inheritable(True)
    except OSError:
        sock.close()
        raise
    return sock


def serve(app: ASGIApp, host: str, port: int, sock: socket.socket | None = None) -> int:
    """Serve until SIGTERM/SIGINT; the exit status (0 after a clean stop, non-zero if the
    server could not start, e.g. the port is taken). ``sock``: already bound by :func:`bind`."""
    server = _Server(_config(app, host, port))
    received: list[int] = []

    def remember(signum: int, frame: FrameType | None) -> None:
        received.append(signum)

    previous: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():
        previous = {sig: signal.signal(sig, remember) for sig in STOP_SIGNALS}
    try:
        server.run(sockets=[sock] if sock is not None else None)
    except SystemExit as exc:  # uvicorn exits 1 when it cannot bind, 3 when startup failed
        code = exc.code if isinstance(exc.code, int) else 1
        log.error("web server stopped with status %d", code)
        return code or 1
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if not server.started:
        return 1
    if received:
        log.info("stopped cleanly on %s", signal.Signals(received[-1]).name)
    return 0


class BackgroundServer:
    """The app on uvicorn in a thread, on an already bound socket (port 0 = any free port)."""

    def __init__(self, app: ASGIApp, host: str = "127.0.0.1", port: int = 0) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, port))
        self.host, self.port = self.sock.getsockname()[:2]
        self.server = _Server(_config(app, self.host, self.port))
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True,
            name="feeder-web",
        )

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 10.0) -> BackgroundServer:
        self.thread.start()
        _wait(lambda: self.server.started or not self.thread.is_alive(), timeout)
        if not self.server.started:
            raise RuntimeError("web server did not start")
        return self

    def stop(self, timeout: float = 30.0) -> None:
        self.server.should_exit = True
        self.thread.join(timeout)
        self.sock.close()

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _wait(done: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not done() and time.monotonic() < deadline:
        time.sleep(0.01)
