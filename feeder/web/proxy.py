"""Client address and scheme from a reverse proxy on this host (nginx on loopback).

Applied to the dynamic routes only (the static path needs neither). ``X-Forwarded-Proto`` and
the last ``X-Forwarded-For`` hop are trusted only when the connection comes from loopback, and
only here: the rest of feeder reads the request's ``scheme`` and ``client`` as this middleware
left them (the session cookie's ``Secure`` flag, the login throttle, the cross-origin check),
never the headers themselves.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

TRUSTED = frozenset({"127.0.0.1", "::1"})


class ForwardedHeaders:
    def __init__(self, app: ASGIApp, trusted: frozenset[str] = TRUSTED) -> None:
        self.app = app
        self.trusted = trusted

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if scope["type"] in ("http", "websocket") and client and client[0] in self.trusted:
            headers = dict(scope["headers"])
            proto = headers.get(b"x-forwarded-proto", b"").decode("latin-1").strip().lower()
            forwarded_for = headers.get(b"x-forwarded-for", b"").decode("latin-1")
            if proto in ("http", "https") or forwarded_for:
                scope = dict(scope)
                if proto in ("http", "https"):
                    scope["scheme"] = proto if scope["type"] == "http" else (
                        "wss" if proto == "https" else "ws")
                hop = forwarded_for.rsplit(",", 1)[-1].strip()
                if hop:
                    scope["client"] = (hop, 0)
        await self.app(scope, receive, send)
