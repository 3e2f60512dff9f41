"""What the editors' routes share: the app's context (and through it the
:class:`~feeder.app.Feeder`), the session signer, the throttle, and finding out who is asking
(API token or session)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from starlette.requests import HTTPConnection

from ..app import Feeder
from ..errors import AuthError
from ..model import Editor
from ..web import WebContext
from . import sessions
from .throttle import Throttle

MAX_BODY = 64 * 1024
"""Largest request body the API and the form accept (413 beyond; checked while reading)."""


@dataclass
class EditorsWeb:
    ctx: WebContext
    signer: sessions.Signer | None
    """None when no session key is set (possible only while no editor exists)."""
    throttle: Throttle

    @property
    def feeder(self) -> Feeder:
        return self.ctx.feeder

    def session_editor(self, conn: HTTPConnection) -> Editor | None:
        return sessions.current_editor(conn, self.signer, self.feeder, time.time())

    def api_editor(self, conn: HTTPConnection) -> Editor:
        """The editor behind ``Authorization: Bearer <token>``, else behind the session cookie.

        Raises AuthError 401 without valid credentials, and 429 (:class:`Throttled`) for an
        address with too many recent failures. Blocking (database): call from a worker thread.
        """
        header = conn.headers.get("authorization")
        if header is not None:
            address = client_address(conn)
            self.throttle.check(address)
            scheme, _, token = header.strip().partition(" ")
            editor = self.feeder.by_token(token.strip()) if scheme.lower() == "bearer" else None
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


def client_address(conn: HTTPConnection) -> str:
    return conn.client.host if conn.client is not None else "unknown"
