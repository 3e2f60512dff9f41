"""Errors to HTTP statuses, in one place.

Every error response of the web layer is JSON ``{"error": message}``, plus ``"field"`` when an
input field is at fault. Route code simply raises :class:`~feeder.errors.FeederError` children
(or Starlette's ``HTTPException``); the handlers installed by :func:`exception_handlers` answer:

=====================  ==========================================================
InputError             its ``status`` (400 unless the raiser chose 413, 415, 422…)
AuthError              its ``status``: 401 (with ``WWW-Authenticate: Bearer``) or 403
NotFoundError          404
StoreError             503 (the database cannot be used right now)
SourceError            502
ConfigError, other     500
HTTPException          its status (404 for unknown paths, 405 …)
any other exception    500, logged with its traceback, no details to the client
=====================  ==========================================================
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from http import HTTPStatus
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Send

from ..errors import (
    AuthError,
    FeederError,
    InputError,
    NotFoundError,
    SourceError,
    StoreError,
)

log = logging.getLogger("feeder.web")

ERROR_HEADERS = {"Cache-Control": "no-store"}


def status_for(exc: BaseException) -> int:
    """The HTTP status for an exception."""
    if isinstance(exc, InputError):
        return exc.status
    if isinstance(exc, AuthError):
        return exc.status
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, StoreError):
        return 503
    if isinstance(exc, SourceError):
        return 502
    if isinstance(exc, HTTPException):
        return exc.status_code
    return 500


def body_for(exc: BaseException) -> dict[str, Any]:
    """The JSON body for an exception: never a traceback, never internals of a 500."""
    if isinstance(exc, InputError):
        return {"error": exc.detail, "field": exc.field}
    if isinstance(exc, HTTPException):
        return {"error": exc.detail}
    status = status_for(exc)
    if isinstance(exc, FeederError) and status < 500:
        return {"error": str(exc)}
    if isinstance(exc, (StoreError, SourceError)):
        return {"error": str(exc)}
    return {"error": HTTPStatus(status).phrase.lower()}


def headers_for(exc: BaseException) -> dict[str, str]:
    headers = dict(ERROR_HEADERS)
    if isinstance(exc, AuthError) and exc.status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="feeder"'
    if isinstance(exc, HTTPException) and exc.headers:
        headers.update(exc.headers)
    return headers


def error_response(exc: BaseException) -> JSONResponse:
    """The response for an exception (for code that catches errors itself)."""
    status = status_for(exc)
    if status >= 500 and not isinstance(exc, (StoreError, SourceError)):
        log.error("internal error: %s", exc, exc_info=exc)
    return JSONResponse(body_for(exc), status_code=status, headers=headers_for(exc))


async def _handle(request: Request, exc: Exception) -> Response:
    return error_response(exc)


Handler = Callable[[Request, Exception], Awaitable[Response]]


def exception_handlers() -> Mapping[Any, Handler]:
    """For ``Starlette(exception_handlers=...)``: every error answered by :func:`error_response`."""
    return {FeederError: _handle, HTTPException: _handle, Exception: _handle}


async def send_error(
    send: Send, status: int, message: str, headers: Mapping[str, str] | None = None
) -> None:
    """Answer at the ASGI level (the static fast path) with the same JSON shape."""
    body = json.dumps({"error": message}).encode()
    extra = {**ERROR_HEADERS, **(headers or {})}
    raw = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *((k.lower().encode(), v.encode()) for k, v in extra.items()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})
