"""The Starlette app of ``feeder run``.

A published file is answered first, from memory, before any middleware (:mod:`.static`); every
other request goes through Starlette: its error middleware, :class:`ForwardedHeaders`, the
exception handlers of :mod:`feeder.web.errors`, then the router: ``/healthz``, the routes other
modules contribute, and a JSON 404 for everything else.

The app is a client of :class:`~feeder.app.Feeder`: routes reach it as
``feeder.web.context(request).feeder`` and call its operations (notices, editors, publishing).
Adding routes from another module: write ``routes(ctx: WebContext) -> Sequence[BaseRoute]`` in it
and add its dotted name to :data:`ROUTE_MODULES` (or pass ``extra_routes`` to :func:`create_app`).
Raise ``FeederError`` children and the one error handler answers them (:mod:`.errors`).
A module needing its own middleware (sessions, security headers) wraps its routes in a ``Mount``
with ``middleware=[...]`` so the static path stays lean.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send

from ..app import Feeder
from .cache import Entry, OutputCache
from .context import Service, WebContext
from .errors import exception_handlers
from .events import ADVERTISE, EVENTS_PATH, BannerEvents
from .health import healthz
from .negotiate import choose
from .proxy import ForwardedHeaders
from .static import raw_response, respond

log = logging.getLogger("feeder.web")

ROUTE_MODULES: tuple[str, ...] = ("feeder.editors.routes",)
"""Modules contributing routes, each with ``routes(ctx: WebContext) -> Sequence[BaseRoute]``
(``feeder.editors.routes`` adds ``/api/notices`` and ``/admin/``)."""


class FeederApp(Starlette):
    """Starlette with the published files answered ahead of its middleware stack."""

    def __init__(self, cache: OutputCache, events: BannerEvents | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cache = cache
        self.events = events

    def limit_streams(self, most: int) -> None:
        """The web server holds at most ``most`` streams open at once beside its other
        connections: the live banner keeps to it."""
        if self.events is not None and self.events.limit > most:
            log.warning("server.event_clients lowered from %d to %d: half of the %d connections"
                        " the file limit allows (raise LimitNOFILE to allow more)",
                        self.events.limit, most, 2 * most)
            self.events.limit = most

    def on_server_stop(self) -> None:
        """The server is stopping (called on the event loop before it waits for open
        responses): end the streams of the live banner, which would otherwise never end."""
        if self.events is not None:
            self.events.close()

    def published(self, path: str, headers: Iterable[tuple[bytes, bytes]]) -> Entry | None:
        """The published file that answers a request for ``path``: a browser asking for a
        feed's address gets the feed's page (:func:`.negotiate.choose`), or the feed itself
        while no page is published; None when ``path`` is no published file."""
        chosen = choose(path, headers)
        entry = self.cache.lookup(chosen)
        if entry is None and chosen != path:
            entry = self.cache.lookup(path)
        return entry

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            entry = self.published(scope["path"], scope["headers"])
            if entry is not None:
                await respond(entry, scope, send)
                return
        await super().__call__(scope, receive, send)

    def fast_answer(self, method: bytes, path: str, headers: list[tuple[bytes, bytes]]
                    ) -> tuple[bytes, bytes] | None:
        """A GET or HEAD of a published file answered below ASGI (the server's fast path,
        :mod:`feeder.server.protocol`): (status line and headers, body), the same answer as the ASGI
        path gives (the same :meth:`published` choice); None for anything else, which then
        goes through ASGI."""
        entry = self.published(path, headers)
        if entry is None:
            return None
        return raw_response(entry, method, headers)


def create_app(
    feeder: Feeder,
    *,
    service: Service | None = None,
    cache: OutputCache | None = None,
    event_clients: int | None = None,
    route_modules: Iterable[str] | None = None,
    extra_routes: Sequence[BaseRoute] = (),
) -> FeederApp:
    """The web app of ``feeder``. ``service`` (the scheduler) is started and stopped by the app's
    lifespan; every publish of ``feeder`` refreshes the output cache and tells the live banner's
    clients (:mod:`.events`; at most ``event_clients`` of them, by default
    ``server.event_clients``; 0: no ``/banner/events``)."""
    cache = cache or OutputCache.for_config(feeder.config)
    if event_clients is None:
        event_clients = feeder.config.server.event_clients
    events = BannerEvents(cache, event_clients) if event_clients > 0 else None
    if events is not None:  # banner.js follows the events only where the server offers them
        cache.add_headers("banner.json", ADVERTISE)

    def refresh(result: object) -> None:
        cache.refresh()
        if events is not None:
            events.published()

    feeder.on_published(refresh)
    ctx = WebContext(feeder=feeder, cache=cache, service=service)

    routes: list[BaseRoute] = [Route("/healthz", healthz, methods=["GET"], name="healthz")]
    if events is not None:
        routes.append(Route(EVENTS_PATH, events, methods=["GET"], name="banner-events"))
    for module_name in ROUTE_MODULES if route_modules is None else route_modules:
        module = importlib.import_module(module_name)
        routes.extend(module.routes(ctx))
    routes.extend(extra_routes)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        loaded = cache.refresh()
        log.info("serving %d published files from %s", len(loaded), cache.root)
        if events is not None:
            events.start()
        if service is not None:
            service.start()
        try:
            yield
        finally:
            if events is not None:
                events.close()
            if service is not None:
                # Joins running polls and publishes; off the event loop so it can finish.
                await anyio.to_thread.run_sync(service.stop)

    app = FeederApp(
        cache,
        events,
        routes=routes,
        middleware=[Middleware(ForwardedHeaders)],
        exception_handlers=dict(exception_handlers()),
        lifespan=lifespan,
    )
    app.state.context = ctx
    return app
