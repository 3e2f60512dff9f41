"""``feeder run``'s web app serving a real publisher's output_dir, for the live banner's tests
in Chromium (a plain module; the fixture is in conftest.py): banner.js, banner.json with its
``Link`` to ``/banner/events``, and the events themselves."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from feeder.app import Feeder
from feeder.model import Item
from feeder.server import BackgroundServer
from feeder.web import create_app
from feeder.web.app import FeederApp
from tests.banner.documents import make_config
from tests.common import wait_until


class LiveSite:
    """The web app of ``feeder run`` on a loopback port, restartable on the same port."""

    def __init__(self, tmp_path: Path, *, event_clients: int | None = None) -> None:
        self.config = make_config(tmp_path, "http://127.0.0.1/")
        self.feeder = Feeder(self.config)
        self.event_clients = event_clients
        self.port = 0
        self.app, self.server = self._start()

    def _start(self) -> tuple[FeederApp, BackgroundServer]:
        app = create_app(self.feeder, event_clients=self.event_clients)
        server = BackgroundServer(app, port=self.port).start()
        self.port = server.port
        return app, server

    @property
    def origin(self) -> str:
        return self.server.url

    def url(self, path: str) -> str:
        return self.origin + path

    def publish(self, items: list[Item], now: datetime) -> None:
        """Store ``items``, every source just answered, and publish through the app's feeder
        (which tells the event clients)."""
        self.feeder.store.upsert(items, now)
        for name in self.config.enabled_sources:
            self.feeder.store.record_success(name, now)
        self.feeder.publish(now)

    def clients(self) -> int:
        events = self.app.events
        return events.clients if events is not None else 0

    def wait_for_clients(self, count: int, timeout: float = 10.0) -> None:
        """Until ``count`` pages follow the events."""
        wait_until(lambda: self.clients() == count, timeout, f"{count} event clients")

    def stop(self) -> None:
        self.server.stop()

    def restart(self) -> None:
        """A new app and server on the same port (the stopped one is gone)."""
        self.app, self.server = self._start()

    def close(self) -> None:
        self.server.stop()
        self.feeder.close()
