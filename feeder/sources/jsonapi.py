"""Small helpers shared by the JSON sources (VMA, Krisinformation): decoding, query, times."""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..errors import SourceError
from ..text import plain_text
from ..timeutil import parse_iso


def decode(body: bytes, source: str) -> Any:
    """The JSON document in ``body``; :class:`SourceError` naming ``source`` if it is not JSON."""
    if not body.strip():
        raise SourceError(source, "empty response body, expected JSON")
    try:
        return json.loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise SourceError(source, f"response is not UTF-8 text: {exc.reason}") from exc
    except ValueError as exc:
        start = body.lstrip()[:40].decode("utf-8", "replace")
        raise SourceError(
            source, f"response is not JSON ({exc}); it starts with {start!r}"
        ) from exc


def with_query(url: str, params: Mapping[str, str]) -> str:
    """``url`` with ``params`` added; parameters already in the configured URL win."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    present = {key for key, _ in query}
    query += [(k, v) for k, v in params.items() if k not in present]
    return urlunsplit(parts._replace(query=urlencode(query)))


def time_of(value: object) -> datetime | None:
    """An aware UTC time from an ISO 8601 string, or None when missing or unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return parse_iso(value)
    except ValueError:
        return None


def http_url(value: object) -> str | None:
    """``value`` if it is an absolute http(s) URL, else None."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    parts = urlsplit(text)
    return text if parts.scheme in ("http", "https") and parts.netloc else None


def truthy(value: object) -> bool:
    """A JSON flag that may come as a boolean, a number or a string (``"true"``)."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "ja")
    return bool(value)


def links_html(value: object) -> str:
    """A list of ``{"Text", "Url"}`` links (Krisinformation's ``Links`` / ``BodyLinks``) as an
    HTML list; links that are not http(s) are left out."""
    links = [
        (plain_text(str(link.get("Text") or "")), http_url(link.get("Url")))
        for link in (value if isinstance(value, list) else [])
        if isinstance(link, dict)
    ]
    rows = [
        f'<li><a href="{html.escape(url)}">{html.escape(text or url)}</a></li>'
        for text, url in links
        if url
    ]
    return f"<ul>{''.join(rows)}</ul>" if rows else ""
