"""``feeder run``: the scheduler and the web server in one process, until SIGTERM/SIGINT.

``run(config) -> int`` is what the CLI calls. It first binds ``server.host:server.port`` (a taken
port or an address that is not this machine's ends it there, with a message naming the keys,
before any upstream is polled: a restart loop must not hammer SMHI), then builds the
:class:`~feeder.app.Feeder` (the store, the fetcher), checks every published ``.gz`` twin
against its file (a crash between the two writes must not leave nginx serving an old one:
:func:`feeder.publish.repair`), loads the standing notices of config.yaml, takes the feeder's
scheduler (polls, publishes) and the web app (the published files from memory, ``/healthz``, the
routes other modules add) and serves on the bound socket. The web app's lifespan starts the
scheduler and, on a stop signal, joins it before the process exits 0. With
``feeds.websub_hub`` the WebSub notifier (:mod:`feeder.websub`) runs beside them, stopped last.
Errors before anything runs (a database that cannot be opened) propagate as
:class:`~feeder.errors.FeederError` for the CLI to report.
"""

from __future__ import annotations

import errno
import logging
import os
import socket
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from . import __version__, server
from .app import Feeder
from .config import Config
from .errors import ConfigError, FeederError
from .publish import repair
from .scheduler import Scheduler
from .web import OutputCache, create_app

if TYPE_CHECKING:
    from starlette.routing import BaseRoute

log = logging.getLogger("feeder.daemon")


def setup_logging(level: int = logging.INFO) -> None:
    """One line per event on stderr. Under systemd (``$JOURNAL_STREAM``) journald adds the time,
    elsewhere the line carries it. Does nothing to a logging setup the caller already made."""
    root = logging.getLogger()
    if not root.handlers:
        fmt = "%(levelname)s %(name)s: %(message)s"
        if not os.environ.get("JOURNAL_STREAM"):
            fmt = "%(asctime)s " + fmt
        logging.basicConfig(level=level, stream=sys.stderr, format=fmt)


def build(feeder: Feeder) -> tuple[Scheduler, OutputCache]:
    """The scheduler of ``feeder run`` and the output cache the web app serves from (the app
    refreshes it after each publish)."""
    return feeder.scheduler(), OutputCache.for_config(feeder.config)


FIXED_BY_CONFIG = (errno.EADDRNOTAVAIL, errno.EACCES, errno.EAFNOSUPPORT)
"""Errors of binding that will not go away by themselves: a config error (exit 2, which the
systemd unit does not restart on). A taken port may free up: exit 1, restarted."""


def listen(config: Config) -> socket.socket:
    """The listening socket of ``server.host:server.port``, or a clear error naming them."""
    where = f"{config.server.host}:{config.server.port}"
    try:
        return server.bind(config.server.host, config.server.port)
    except socket.gaierror as exc:
        raise ConfigError(f"cannot listen on {where}: {exc.strerror}", "server.host") from exc
    except OSError as exc:
        message = f"cannot listen on {where}: {exc.strerror or exc}"
        if exc.errno in FIXED_BY_CONFIG:
            raise ConfigError(message, "server.host") from exc
        if exc.errno == errno.EADDRINUSE:
            message += " (another process holds server.port)"
        raise FeederError(message) from exc


def run(config: Config, *, extra_routes: Sequence[BaseRoute] = ()) -> int:
    """Poll, publish and serve until SIGTERM/SIGINT; 0 after a clean stop. ``extra_routes``
    are served beside the usual ones (``feeder demo``'s sample page)."""
    setup_logging()
    sock = listen(config)  # before anything touches an upstream
    try:
        return _run(config, sock, extra_routes)
    finally:
        sock.close()


def _run(config: Config, sock: socket.socket, extra_routes: Sequence[BaseRoute]) -> int:
    scheduler: Scheduler | None = None
    with Feeder(config) as feeder:
        notifier = feeder.notifier()  # feeds.websub_hub
        try:
            try:
                repaired = repair(config)
            except FeederError as exc:  # serve what is there; publishing will say more
                log.error("gzip twins not checked at start-up: %s", exc)
            else:
                if repaired:
                    log.warning("gzip twins repaired at start-up: %s", ", ".join(repaired))
            written = feeder.load_standing()
            if written:
                log.info("standing notices from config.yaml written: %s", ", ".join(written))
            scheduler, cache = build(feeder)
            if notifier is not None:
                notifier.start()
            app = create_app(feeder, service=scheduler, cache=cache, extra_routes=extra_routes)
            log.info("feeder %s serving %s on http://%s:%d/", __version__,
                     config.storage.output_dir, config.server.host, config.server.port)
            return server.serve(app, config.server.host, config.server.port, sock=sock)
        finally:
            if scheduler is not None:
                scheduler.stop()  # already joined by the lifespan, unless uvicorn was forced out
            if notifier is not None:
                notifier.stop()  # what is still queued is dropped (logged)
