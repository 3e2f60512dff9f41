"""The web side of ``feeder run``: published files from memory, ``/healthz``, and the routes
other modules add (see :mod:`feeder.web.app`)."""

from __future__ import annotations

from .app import ROUTE_MODULES, create_app
from .cache import OutputCache
from .context import Service, WebContext, context

__all__ = ["ROUTE_MODULES", "OutputCache", "Service", "WebContext", "context", "create_app"]
