"""The editors' part of ``feeder run``: ``/api/notices`` and ``/admin/``, each mounted behind
:class:`~feeder.editors.security.SecurityMiddleware`.

Errors no route answered are JSON under ``/api`` and a Swedish page under ``/admin`` (but
``/admin/preview``, which admin.js reads as JSON).

Registered in :data:`feeder.web.app.ROUTE_MODULES` as ``feeder.editors.routes``. Building the
routes checks the session key: with editors in the database and no key, it raises a
:class:`~feeder.errors.ConfigError` naming ``FEEDER_SECRET_KEY``, so ``feeder run`` stops at start
with that message.
"""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount

from ..web import WebContext
from . import admin, sessions
from .api import NoticeAPI
from .context import EditorsWeb
from .security import SecurityMiddleware
from .throttle import Throttle


def routes(ctx: WebContext) -> list[BaseRoute]:
    secret = sessions.require_key(ctx.feeder)
    web = EditorsWeb(ctx, sessions.Signer(secret) if secret else None, Throttle())
    pages = admin.AdminPages(web)
    return [
        Mount("/api", routes=NoticeAPI(web).routes(), middleware=[Middleware(SecurityMiddleware)]),
        Mount("/admin", routes=pages.routes(),
              middleware=[Middleware(SecurityMiddleware, error_page=pages.escaped_error)]),
    ]
