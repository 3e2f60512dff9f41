"""What the editors' routes share: the app's context, the session signer, the throttle, and
finding out who is asking (API token or session)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse

from ..errors import AuthError, FeederError
from ..web import WebContext
from ..web.errors import body_for, headers_for, status_for
from . import accounts, actions, sessions
from .throttle import Throttle, Throttled

MAX_BODY = 64 * 1024
"""Largest request body the API and the form accept (413 beyond; checked while reading)."""


@dataclass
class EditorsWeb:
    ctx: WebContext
    signer: sessions.Signer | None
    """None when no session key is set (possible only while no editor exists)."""
    throttle: Throttle

    def publish(self) -> object:
        return self.ctx.publish_now()

    def session_editor(self, conn: HTTPConnection) -> accounts.Editor | None:
        return sessions.current_editor(conn, self.signer, self.ctx.store, time.time())

    def api_editor(self, conn: HTTPConnection) -> accounts.Editor:
        """The editor behind ``Authorization: Bearer <token>``, else behind the session cookie.

        Raises AuthError 401 without valid credentials, and 429 (:class:`Throttled`) for an
        address with too many recent failures. Blocking (database): call from a worker thread.
        """
        header = conn.headers.get("authorization")
        if header is not None:
            address = client_address(conn)
            self.throttle.check(address)
            scheme, _, token = header.strip().partition(" ")
            editor = (
                accounts.by_token(self.ctx.store, token.strip())
                if scheme.lower() == "bearer" else None
            )
            if editor is None:
                self.throttle.fail(address, "bad API token")
                raise AuthError("invalid, rotated or revoked API token")
            return editor
        editor = self.session_editor(conn)
        if editor is None:
            raise AuthError(
                "authentication required: 'Authorization: Bearer <token>' (from `feeder editor"
                " add`) or a signed-in /admin/ session"
            )
        return editor


def failure(exc: FeederError) -> JSONResponse:
    """The app's error answer (:mod:`feeder.web.errors`), always with a ``field``: null when no
    one field is at fault, ``level`` when the role may not publish at that level; and
    ``Retry-After`` when throttled. A change saved but not published is a 503 naming it."""
    if isinstance(exc, actions.PublishFailed):
        return JSONResponse(
            {"error": str(exc), "field": None, "id": exc.item.id.removeprefix("notice:")},
            status_code=503, headers={"Cache-Control": "no-store", "Retry-After": "60"},
        )
    body = body_for(exc)
    if isinstance(exc, accounts.RoleError):
        body["field"] = "level"
    body.setdefault("field", None)
    headers = headers_for(exc)
    if isinstance(exc, Throttled):
        headers["Retry-After"] = str(exc.retry_after)
    return JSONResponse(body, status_code=status_for(exc), headers=headers)


def client_address(conn: HTTPConnection) -> str:
    return conn.client.host if conn.client is not None else "unknown"
