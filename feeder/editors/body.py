"""Reading request bodies safely: content type first (415), size before and while reading (413),
then strict JSON or a URL-encoded form (400). Errors are :class:`InputError`; the ``field`` is
None when the fault is the request as a whole."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request

from ..errors import InputError
from .context import MAX_BODY

MAX_FORM_FIELDS = 200


def media_type(request: Request) -> tuple[str, dict[str, str]]:
    raw = request.headers.get("content-type", "")
    kind, *params = raw.split(";")
    parsed: dict[str, str] = {}
    for param in params:
        name, _, value = param.partition("=")
        parsed[name.strip().lower()] = value.strip().strip('"').lower()
    return kind.strip().lower(), parsed


def require_type(request: Request, expected: str) -> None:
    kind, params = media_type(request)
    if kind != expected:
        got = kind or "none"
        raise InputError(f"Content-Type must be {expected}, got {got}", None, status=415)
    charset = params.get("charset")
    if charset is not None and charset not in ("utf-8", "utf8"):
        raise InputError(f"charset must be utf-8, got {charset}", None, status=415)


def _too_large(size: int | None = None) -> InputError:
    got = f" ({size} bytes)" if size is not None else ""
    return InputError(f"request body is too large{got}: at most {MAX_BODY} bytes", None,
                      status=413)


async def read_limited(request: Request, limit: int = MAX_BODY) -> bytes:
    """The body, refusing one over ``limit`` from its Content-Length or while it streams in."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            size = int(declared)
        except ValueError as exc:
            raise InputError("Content-Length is not a number", None) from exc
        if size > limit:
            raise _too_large(size)
    chunks: list[bytes] = []
    total = 0
    async for chunk in request.stream():
        total += len(chunk)
        if total > limit:
            raise _too_large()
        chunks.append(chunk)
    return b"".join(chunks)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise InputError("appears twice in the JSON object", key)
        out[key] = value
    return out


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_json_object(raw: bytes) -> dict[str, Any]:
    """A JSON object from UTF-8 bytes: no duplicate keys, no NaN/Infinity."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"body is not UTF-8: {exc.reason} at byte {exc.start}", None) from exc
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"malformed JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})", None
        ) from exc
    except (ValueError, RecursionError) as exc:
        raise InputError(f"malformed JSON: {exc}", None) from exc
    if not isinstance(data, dict):
        raise InputError(f"the body must be a JSON object, got {type(data).__name__}", None)
    return data


async def json_object(request: Request) -> dict[str, Any]:
    require_type(request, "application/json")
    return parse_json_object(await read_limited(request))


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def parse_form(raw: bytes) -> dict[str, list[str]]:
    """A URL-encoded form as name -> values. Bytes that are not UTF-8 are an error naming the
    field they are in (a browser never sends them; a hand-made request may)."""
    try:
        pairs = parse_qsl(
            raw.decode("utf-8", "surrogateescape"), keep_blank_values=True,
            strict_parsing=False, max_num_fields=MAX_FORM_FIELDS, errors="surrogateescape",
        )
    except ValueError as exc:
        raise InputError(f"unreadable form: {exc}", None, code="unreadable") from exc
    out: dict[str, list[str]] = {}
    for name, value in pairs:
        if not _utf8(name):
            raise InputError("a field name is not UTF-8 text", None, code="unreadable")
        if not _utf8(value):
            raise InputError("is not UTF-8 text", name, code="not-utf8")
        out.setdefault(name, []).append(value)
    return out


async def form_data(request: Request) -> dict[str, list[str]]:
    """A URL-encoded form (what the admin pages post) as name -> values."""
    require_type(request, "application/x-www-form-urlencoded")
    return parse_form(await read_limited(request))
