"""Errors to HTTP responses, in one place.

An error response is JSON ``{"error": message, "field": name or null}`` (``field`` names the
input field at fault), except for a browser: a request whose ``Accept`` ranks ``text/html``
above JSON (:func:`wants_html`) outside ``/api/`` gets a short Swedish HTML page with the same
status and headers (:func:`html_page`; ``/admin/`` has its own pages). Route code simply raises
:class:`~feeder.errors.FeederError` children (or Starlette's ``HTTPException``); the handlers
installed by :func:`exception_handlers` answer them, and code that catches errors itself (the
editors' routes, their security middleware) answers with :func:`error_response`. Each error
carries its own status (:mod:`feeder.errors`); nothing here reads message text:

=====================  ==========================================================
InputError             its ``status`` (400 unless the raiser chose 409, 413, 415 …)
AuthError              its ``status``: 401 (with ``WWW-Authenticate: Bearer``), 403
                       (``RoleError``: ``field`` is ``level``), 429 (``Retry-After``)
NotFoundError          404
StoreBusyError         503 with ``Retry-After``: the database is locked; try again
StoreError             503 (the database cannot be used right now)
PublishError           503 with ``Retry-After`` and ``id``: the change is saved, not published
SourceError            502
ConfigError, other     500, no details to the client
HTTPException          its status (404 for unknown paths, 405 …)
any other exception    500, logged with its traceback, no details to the client
=====================  ==========================================================
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Awaitable, Callable, Mapping
from http import HTTPStatus
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Scope, Send

from ..errors import AuthError, FeederError, PublishError, StoreError

log = logging.getLogger("feeder.web")

ERROR_HEADERS = {"Cache-Control": "no-store"}
RETRY_AFTER_PUBLISH = 60
"""Seconds a client is told to wait after a change was saved but not published."""


def status_for(exc: BaseException) -> int:
    """The HTTP status for an exception: the one a FeederError carries."""
    if isinstance(exc, FeederError):
        return exc.status
    if isinstance(exc, HTTPException):
        return exc.status_code
    return 500


def body_for(exc: BaseException) -> dict[str, Any]:
    """The JSON body for an exception: never a traceback, never internals of a 500."""
    if isinstance(exc, HTTPException):
        return {"error": exc.detail, "field": None}
    status = status_for(exc)
    if isinstance(exc, FeederError) and status != 500:
        body: dict[str, Any] = {
            "error": exc.detail if exc.field else str(exc),
            "field": exc.field,
        }
        if isinstance(exc, PublishError):
            body["id"] = exc.item_id
        return body
    return {"error": HTTPStatus(status).phrase.lower(), "field": None}


def retry_after(exc: BaseException) -> int | None:
    """Seconds to wait before the same request may succeed, for errors that know: a busy
    database, a throttled address, a change saved but not yet published."""
    if isinstance(exc, PublishError):
        return RETRY_AFTER_PUBLISH
    if isinstance(exc, FeederError) and exc.status in (429, 503):
        hint = getattr(exc, "retry_after", None)  # StoreBusyError, Throttled
        if isinstance(hint, int | float):
            return max(1, math.ceil(hint))
    return None


def headers_for(exc: BaseException) -> dict[str, str]:
    headers = dict(ERROR_HEADERS)
    if isinstance(exc, AuthError) and exc.status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="feeder"'
    wait = retry_after(exc)
    if wait is not None:
        headers["Retry-After"] = str(wait)
    if isinstance(exc, HTTPException) and exc.headers:
        headers.update(exc.headers)
    return headers


def error_response(exc: BaseException) -> JSONResponse:
    """The response for an exception (the one mapping; also for code that catches errors)."""
    status = status_for(exc)
    if isinstance(exc, StoreError):
        log.warning("answered %d: %s", status, exc)
    elif status == 500:
        log.error("internal error: %s", exc, exc_info=exc)
    return JSONResponse(body_for(exc), status_code=status, headers=headers_for(exc))


SWEDISH = {
    400: ("Felaktig begäran", "Adressen eller det som skickades går inte att läsa."),
    401: ("Inloggning krävs", "Logga in för att fortsätta."),
    403: ("Åtkomst nekad", "Du har inte behörighet till det här."),
    404: ("Sidan finns inte", "Adressen leder inte till något här. Kontrollera stavningen."),
    405: ("Metoden stöds inte", "Den här adressen kan bara läsas."),
    413: ("För stort", "Det som skickades är för stort."),
    429: ("För många förfrågningar", "Försök igen om en stund."),
    431: ("För stora huvuden", "Förfrågan hade för stora huvuden."),
    500: ("Något gick fel", "Ett internt fel uppstod. Försök igen senare."),
    502: ("Källan svarar inte", "En källa svarade inte som väntat. Försök igen senare."),
    503: ("Tillfälligt otillgänglig", "Tjänsten är tillfälligt otillgänglig. Försök igen om"
          " en stund."),
}


def _q(params: list[str]) -> float:
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                return float(value.strip())
            except ValueError:
                return 0.0
    return 1.0


def wants_html(accept: str) -> bool:
    """Whether ``Accept`` ranks an HTML page above JSON (a browser, not an API client)."""
    if len(accept) > 2000:  # no browser sends more; parse nothing unusual
        return False
    html = json_q = 0.0
    for part in accept.split(","):
        kind, *params = part.split(";")
        kind = kind.strip().lower()
        if kind in ("text/html", "application/xhtml+xml"):
            html = max(html, _q(params))
        elif kind in ("application/json", "application/problem+json"):
            json_q = max(json_q, _q(params))
    return html > 0 and html > json_q


def html_page(status: int) -> bytes:
    """A short Swedish page for ``status`` (no details of the error: they are logged)."""
    title, text = SWEDISH.get(status, (HTTPStatus(status).phrase, ""))
    return (
        '<!DOCTYPE html>\n<html lang="sv">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="robots" content="noindex">\n'
        f"<title>{title}</title>\n</head>\n<body>\n<main>\n<h1>{title}</h1>\n"
        f"<p>{text}</p>\n<p><a href=\"/\">Till startsidan</a></p>\n</main>\n</body>\n</html>\n"
    ).encode()


def for_browser(path: str, accept: str | None) -> bool:
    return accept is not None and not path.startswith("/api/") and wants_html(accept)


async def _handle(request: Request, exc: Exception) -> Response:
    response = error_response(exc)
    if for_browser(request.url.path, request.headers.get("accept")):
        headers = {k: v for k, v in response.headers.items()
                   if k.lower() not in ("content-type", "content-length")}
        return Response(html_page(response.status_code), status_code=response.status_code,
                        headers=headers, media_type="text/html; charset=utf-8")
    return response


Handler = Callable[[Request, Exception], Awaitable[Response]]


def exception_handlers() -> Mapping[Any, Handler]:
    """For ``Starlette(exception_handlers=...)``: every error answered by :func:`error_response`."""
    return {FeederError: _handle, HTTPException: _handle, Exception: _handle}


async def send_error(
    send: Send, status: int, message: str, headers: Mapping[str, str] | None = None,
    *, scope: Scope | None = None,
) -> None:
    """Answer at the ASGI level (the static fast path) with the same JSON shape, or the same
    Swedish page a browser gets elsewhere (``scope`` given: its path and ``Accept``)."""
    accept = None
    if scope is not None:
        accept = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"accept"),
                      None)
    browser = scope is not None and for_browser(scope["path"], accept)
    if browser:
        body, ctype = html_page(status), b"text/html; charset=utf-8"
    else:
        body, ctype = json.dumps({"error": message, "field": None}).encode(), b"application/json"
    extra = {**ERROR_HEADERS, **(headers or {})}
    raw = [
        (b"content-type", ctype),
        (b"content-length", str(len(body)).encode()),
        *((k.lower().encode(), v.encode()) for k, v in extra.items()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})
