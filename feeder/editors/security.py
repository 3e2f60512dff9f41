"""Cross-origin request refusal and security headers for ``/api/`` and ``/admin/``.

Cross-origin protection follows Go's ``net/http.CrossOriginProtection``: safe methods (GET,
HEAD, OPTIONS) always pass; a state-changing request passes when ``Sec-Fetch-Site`` is
``same-origin`` or ``none`` (typed by the user); any other ``Sec-Fetch-Site`` (``cross-site``,
``same-site``) is refused; without ``Sec-Fetch-Site`` (older browsers), an ``Origin`` whose host
differs from ``Host`` is refused; with neither header the request is not from a browser (curl, a
script with an API token) and passes. SameSite=Strict session cookies are a second line.

Every response gets a strict Content-Security-Policy (no inline script or style, nothing from
other origins, no framing), ``X-Frame-Options: DENY``, ``Referrer-Policy: same-origin`` (keeps
``Origin`` on same-origin posts), ``X-Content-Type-Options: nosniff`` and, unless the route set
its own, ``Cache-Control: no-store``. Errors escaping the routes are answered here too, so that
they carry the headers as well: by ``error_page`` when one is given (the admin form's Swedish
pages), else with the app's JSON error shape.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import AuthError
from ..web.errors import error_response

log = logging.getLogger("feeder.editors")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
    " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"x-content-type-options", b"nosniff"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
)


def _default_port(scheme: str) -> str:
    return "443" if scheme == "https" else "80"


def _host_port(host: str, scheme: str) -> tuple[str, str]:
    parts = urlsplit(f"//{host}")
    try:
        port = parts.port
    except ValueError:
        return host.lower(), ""
    return (parts.hostname or "").lower(), str(port) if port else _default_port(scheme)


def cross_origin_refusal(method: str, headers: Headers, scheme: str) -> str | None:
    """Why a request must be refused as cross-origin, or None when it may proceed."""
    if method in SAFE_METHODS:
        return None
    site = headers.get("sec-fetch-site")
    if site is not None:
        if site in ("same-origin", "none"):
            return None
        return f"Sec-Fetch-Site is {site!r}"
    origin = headers.get("origin")
    if origin is None:
        return None  # not a browser
    host = headers.get("host")
    if origin == "null" or host is None:
        return f"Origin {origin!r} does not match Host {host!r}"
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"Origin {origin!r} is not a web origin"
    if _host_port(parts.netloc, parts.scheme) != _host_port(host, parts.scheme):
        return f"Origin {origin!r} does not match Host {host!r}"
    return None


ErrorPage = Callable[[Scope, BaseException], Response]
"""Answers an error for a request (its scope): the admin form's Swedish page, for example."""


class SecurityMiddleware:
    """ASGI middleware for the editors' routes: refuse cross-origin changes; add the headers."""

    def __init__(self, app: ASGIApp, error_page: ErrorPage | None = None) -> None:
        self.app = app
        self.error_page = error_page

    def _answer(self, scope: Scope, exc: BaseException) -> Response:
        if self.error_page is not None:
            return self.error_page(scope, exc)
        return error_response(exc)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                headers.extend(h for h in HEADERS if h[0] not in names)
                if b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        headers = Headers(scope=scope)
        reason = cross_origin_refusal(scope["method"], headers, scope.get("scheme", "http"))
        if reason is not None:
            client = scope.get("client") or ("?", 0)
            log.warning("refused cross-origin %s %s from %s: %s",
                        scope["method"], scope["path"], client[0], reason)
            refusal = AuthError(f"cross-origin request refused: {reason}", status=403)
            await self._answer(scope, refusal)(scope, receive, send_with_headers)
            return
        try:
            await self.app(scope, receive, send_with_headers)
        except Exception as exc:
            if started:
                raise
            await self._answer(scope, exc)(scope, receive, send_with_headers)
