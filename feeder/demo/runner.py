"""``feeder demo``: the whole product, offline, on bundled sample data, until SIGTERM or Ctrl-C.

1. The port is checked first: a taken one fails at once with a clear message (nothing started,
   nothing written).
2. A temporary folder (``feeder-demo-*`` under the system's temporary directory) holds
   everything the demo writes: its ``config.yaml``, the database and the published outputs.
   Nothing in ``var/`` or the current folder is touched; the folder is removed when the demo
   stops.
3. The loopback upstream (:mod:`.upstream`) starts on a free port and serves the sample data
   (:mod:`.sample`) moved to now; the config points every source at it, with short intervals, so
   the real services are never contacted.
4. A demo editor (role ``publisher``) is created with a random password, and the session key
   of the editors' form is a random key held in this process's environment only.
5. The normal daemon runs (:func:`feeder.daemon.run`: scheduler, publishing, server), with the
   sample municipal page as an extra route. Once it answers, the addresses are printed, then
   how long it took until every source was read and published; with ``--scenario`` the
   timeline (:mod:`.scenario`) starts.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

from .. import config as config_mod
from .. import daemon
from ..app import Feeder
from ..config import Config
from ..errors import FeederError, InputError
from ..model import Role
from ..timeutil import STOCKHOLM
from . import pages
from .sample import PATHS, Sample
from .scenario import SCENARIO_START, START, Timeline, serve_state
from .upstream import Upstream

__all__ = ["EDITOR", "INTERVALS", "Options", "demo_config", "run_demo"]

log = logging.getLogger("feeder.demo")

EDITOR = "demo"
"""The demo editor's name (its password is random, printed at start)."""
INTERVALS = {"smhi": 2, "lansstyrelsen": 60, "vma": 2, "krisinformation": 60}
"""Poll intervals (s): the alert sources often, so every scenario step shows within seconds."""
TOPIC = {
    "id": "handlingsplan-mot-vald",
    "title": "Handlingsplan mot våld",
    "match": ["handlingsplan mot våld", "mäns våld mot kvinnor", "våld i nära relationer",
              "våld mot kvinnor"],
}
"""The action plan's topic, as the shipped config.yaml has it."""
READY_TIMEOUT = 60.0
SECRET_ENV = "FEEDER_SECRET_KEY"


@dataclass(frozen=True)
class Options:
    host: str = "127.0.0.1"
    port: int = 8080
    scenario: bool = False
    step_seconds: float = 10.0


class _Stopped(Exception):
    """SIGTERM or SIGINT arrived while the demo was setting up or cleaning up."""


# --------------------------------------------------------------------------------- config


def local_url(host: str, port: int) -> str:
    """The address to open for a server on ``host``: loopback for a wildcard host."""
    if host in ("", "0.0.0.0"):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/"


def demo_config(folder: Path, upstream: Upstream, options: Options) -> dict[str, Any]:
    """The demo's config.yaml: storage in ``folder``, every source on ``upstream``."""
    sources: dict[str, dict[str, Any]] = {}
    for name, path in PATHS.items():
        interval = INTERVALS[name]
        sources[name] = {"url": upstream.url(path), "interval": interval,
                         "stale_after": max(600, interval * 10)}
    sources["lansstyrelsen"].update({"article_delay": 0, "max_articles": 10})
    return {
        "region": {"name": "Västernorrlands län", "county_id": 22},
        "storage": {"database": str(folder / "feeder.sqlite3"),
                    "output_dir": str(folder / "public")},
        "server": {"host": options.host, "port": options.port,
                   "public_url": local_url(options.host, options.port)},
        "banner": {"min_level": "notice", "lookahead": 86400},
        "http": {"connect_timeout": 2, "read_timeout": 10, "total_timeout": 20},
        "sources": sources,
        "topics": [TOPIC],
    }


def write_config(folder: Path, data: dict[str, Any]) -> Config:
    """Write ``config.yaml`` (JSON is YAML) into ``folder`` and load it as ``feeder`` would."""
    path = folder / "config.yaml"
    text = "# feeder demo: written for this run, removed when it stops\n"
    path.write_text(text + json.dumps(data, ensure_ascii=False, indent=2) + "\n",
                    encoding="utf-8")
    return config_mod.load(path)


# --------------------------------------------------------------------------------- checks


def check_port(host: str, port: int) -> None:
    """Fail at once, with a clear message, when ``host:port`` cannot be listened on."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                   flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise InputError(f"cannot listen on {host!r}: {exc.strerror}", "--host") from exc
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as exc:
            raise FeederError(
                f"cannot serve on {host}:{port}: {exc.strerror or exc}"
                " (another program is using that port? choose another with --port)"
            ) from exc


# --------------------------------------------------------------------------------- signals


def _raise_stopped(signum: int, frame: FrameType | None) -> None:
    raise _Stopped(signal.Signals(signum).name)


STOPS = (signal.SIGTERM, signal.SIGINT)


@contextmanager
def _on_stop(handler: Callable[[int, FrameType | None], Any] | int) -> Iterator[None]:
    """SIGTERM and SIGINT handled by ``handler`` inside the block (in the main thread; signals
    reach no other), the previous handlers after it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, handler) for sig in STOPS}
    try:
        yield
    finally:
        for sig, handler_before in previous.items():
            signal.signal(sig, handler_before)


def _stoppable() -> AbstractContextManager[None]:
    """SIGTERM and SIGINT end the setup with :class:`_Stopped` (so the folder is removed);
    while the server runs, :func:`feeder.server.serve` has its own handlers."""
    return _on_stop(_raise_stopped)


def _uninterrupted() -> AbstractContextManager[None]:
    """No stop signal breaks the clean-up (it takes a moment)."""
    return _on_stop(signal.SIG_IGN)


@contextmanager
def _deferred_signals() -> Iterator[None]:
    """Stop signals wait (blocked, not lost) until the block is done."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOPS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextmanager
def _secret_key() -> Iterator[None]:
    """A random session key for the editors' form, in this process's environment only."""
    old = os.environ.get(SECRET_ENV)
    os.environ[SECRET_ENV] = secrets.token_hex(32)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(SECRET_ENV, None)
        else:
            os.environ[SECRET_ENV] = old


# --------------------------------------------------------------------------------- the run


def _now_text() -> str:
    return datetime.now(STOCKHOLM).strftime("%H:%M:%S")


def run_demo(options: Options, out: TextIO | None = None) -> int:
    """Run the demo until SIGTERM/SIGINT; 0 after a clean stop (the temporary folder gone)."""
    out = out or sys.stdout
    check_port(options.host, options.port)
    started = time.monotonic()
    with _stoppable():
        folder: Path | None = None
        upstream: Upstream | None = None
        announcer: _Announcer | None = None
        try:
            with _deferred_signals():  # the folder is known before a signal can stop us
                folder = Path(tempfile.mkdtemp(prefix="feeder-demo-"))
            upstream = Upstream().start()
            sample = Sample()
            serve_state(upstream, sample, SCENARIO_START if options.scenario else START)
            config = write_config(folder, demo_config(folder, upstream, options))
            with _secret_key():
                password = secrets.token_urlsafe(12)
                with Feeder(config) as feeder:
                    feeder.add_editor(EDITOR, role=Role.PUBLISHER, password=password,
                                      actor="feeder demo")
                timeline = (Timeline(upstream, sample, step_seconds=options.step_seconds,
                                     out=out, clock_text=_now_text)
                            if options.scenario else None)
                announcer = _Announcer(config, upstream, password, out, started, timeline)
                announcer.start()
                public = config.server.public_url
                return daemon.run(config, extra_routes=pages.routes(
                    public, scenario=options.scenario))
        except _Stopped as exc:
            log.info("stopped on %s while starting", exc)
            return 0
        finally:
            while True:  # a signal landing before the clean-up ignores signals: clean up again
                try:
                    with _uninterrupted():
                        _clean_up(folder, upstream, announcer, out)
                    break
                except _Stopped:
                    continue


def _clean_up(folder: Path | None, upstream: Upstream | None, announcer: _Announcer | None,
              out: TextIO) -> None:
    """Stop the threads and the upstream, remove the folder (each step may be repeated)."""
    if announcer is not None:
        announcer.stop()
    if upstream is not None:
        upstream.stop()
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
        if folder.exists():
            print(f"feeder demo: could not remove {folder}", file=sys.stderr)
        else:
            print(f"{_now_text()}  demo stopped; {folder} removed", file=out, flush=True)


class _Announcer:
    """Once the server answers: print the addresses, start the scenario, then say when every
    source has been read and published."""

    def __init__(self, config: Config, upstream: Upstream, password: str, out: TextIO,
                 started: float, timeline: Timeline | None) -> None:
        self.config = config
        self.upstream = upstream
        self.password = password
        self.out = out
        self.started = started
        self.timeline = timeline
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name="feeder-demo-announcer")

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(5)
        if self.timeline is not None:
            self.timeline.stop()

    def _get(self, path: str) -> int | None:
        base = local_url(self.config.server.host, self.config.server.port)
        try:
            with urllib.request.urlopen(base + path.lstrip("/"), timeout=2) as response:
                return int(response.status)
        except urllib.error.HTTPError as exc:
            return exc.code
        except (OSError, ValueError):
            return None

    def _wait(self, path: str, want: int) -> bool:
        deadline = time.monotonic() + READY_TIMEOUT
        while not self._stop.is_set() and time.monotonic() < deadline:
            if self._get(path) == want:
                return True
            self._stop.wait(0.1)
        return False

    def _run(self) -> None:
        if not self._wait(pages.KOMMUN_PATH, 200):
            return
        print(addresses(self.config, self.upstream, self.password), file=self.out, flush=True)
        if self.timeline is not None:
            self.timeline.start()
        if self._wait("/healthz", 200):
            took = time.monotonic() - self.started
            print(f"{_now_text()}  every source read and published, {took:.1f} s after start",
                  file=self.out, flush=True)
        elif not self._stop.is_set():
            print(f"{_now_text()}  not every source has been read yet: see /healthz",
                  file=self.out, flush=True)


def addresses(config: Config, upstream: Upstream, password: str) -> str:
    """What ``feeder demo`` prints once it serves: what to open, and how to sign in."""
    base = local_url(config.server.host, config.server.port)
    folder = config.storage.database.parent
    rows = [
        ("index page", base, ""),
        ("municipal page", base + pages.KOMMUN_PATH.lstrip("/"),
         "(sample: the banner by <script> and by <iframe>)"),
        ("banner", base + "banner.json", ""),
        ("", base + "banner.js", ""),
        ("", base + "banner.html", ""),
        ("feeds", base + "feed.atom", "(everything; also feed.rss, feed.json)"),
        ("", base + "alerts.atom", "(alerts only)"),
    ]
    rows += [("", base + f"topics/{topic.id}.atom", f"({topic.title})")
             for topic in config.topics]
    rows += [
        ("health", base + "healthz", ""),
        ("editors' form", base + "admin/", f"name: {EDITOR}  password: {password}"),
    ]
    lines = [
        "",
        "feeder demo: the whole product on sample data, offline",
        f"  sample SMHI, Länsstyrelsen, VMA and Krisinformation: {upstream.base_url}/"
        " (in this process)",
        f"  database, outputs and config in {folder} (removed when the demo stops)",
        "",
        "Open:",
        *(f"  {label:<15} {url}  {note}".rstrip() for label, url, note in rows),
        "",
        "Add a notice from another terminal (it is published at once):",
        f"  feeder --config {folder / 'config.yaml'} notice add --title 'Prov' --body 'Hej'"
        " --level warning",
        "Stop with Ctrl-C.",
        "",
    ]
    return "\n".join(lines)
