"""Helpers shared by the JSON sources (SMHI, VMA, Krisinformation): decoding with the hygiene
step, query strings, times that are checked, links and Krisinformation's ``{n}`` placeholders.

Every string of a decoded JSON document passes :func:`feeder.text.clean_text` in
:func:`clean_tree` before any parser looks at it (keys too): control characters, noncharacters
and lone surrogates (``"\\ud800"``) are gone, VT/FF are line breaks, the text is NFC. Control
characters inside JSON strings are accepted on reading (``strict=False``) so that one stray
character cannot fail a whole list; the cleaning then removes them.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from ..errors import SourceError
from ..text import clean_text, plain_text
from ..timeutil import parse_iso

__all__ = [
    "BrokenTime", "clean_tree", "decode", "fill_placeholders", "http_url", "links_html",
    "loads", "read_time", "time_of", "truthy", "with_query",
]


_DIRTY_ESCAPE = re.compile(r"\\[bfu]")
"""JSON escapes that can decode to a character the hygiene step changes (``\b``, ``\f``,
``\u0001``, ``\ud800``, a decomposed letter ...)."""


def loads(text: str) -> Any:
    """``json.loads`` that accepts control characters inside strings, then :func:`clean_tree`.

    When the text itself is clean and holds no escape that could decode to anything the hygiene
    step changes, no decoded string can need it either, and the tree is not walked (SMHI's list
    is megabytes of coordinates)."""
    data = json.loads(text, strict=False)
    if _DIRTY_ESCAPE.search(text) is None and clean_text(text) == text:
        return data
    return clean_tree(data)


_SCALARS = (int, float, bool, type(None))


def clean_tree(value: Any) -> Any:
    """The decoded JSON ``value`` with every string (keys included) through ``clean_text``.
    (Numbers are passed over without a call: SMHI's geometry holds hundreds of thousands.)"""
    kind = type(value)
    if kind is str:
        return clean_text(value)
    if kind is list:
        return [v if type(v) in _SCALARS else clean_tree(v) for v in value]
    if kind is dict:
        out: dict[str, Any] = {}
        for key, v in value.items():
            out.setdefault(clean_text(key), v if type(v) in _SCALARS else clean_tree(v))
        return out
    return value


def decode(body: bytes, source: str) -> Any:
    """The JSON document in ``body``, cleaned (:func:`clean_tree`); :class:`SourceError` naming
    ``source`` if it is not JSON."""
    if not body.strip():
        raise SourceError(source, "empty response body, expected JSON")
    try:
        return loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise SourceError(source, f"response is not UTF-8 text: {exc.reason}") from exc
    except RecursionError as exc:
        raise SourceError(source, "response JSON is nested too deeply") from exc
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


# ------------------------------------------------------------------------------------ times


class BrokenTime(ValueError):
    """A time that is given but cannot be used: unreadable, or outside the years 1970–2999.
    The entry carrying it is skipped with a warning (its last good version stays)."""

    def __init__(self, key: str, value: object, why: str) -> None:
        shown = value[:40] if isinstance(value, str) else value
        super().__init__(f"'{key}' {shown!r} {why}")
        self.key = key


def read_time(obj: Mapping[str, Any], key: str) -> datetime | None:
    """The time at ``obj[key]`` (aware UTC), or None when it is absent (missing, null, empty).

    Raises :class:`BrokenTime` when it is given but unreadable or outside 1970–2999.
    """
    value = obj.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise BrokenTime(key, value, "is not a time")
    try:
        return parse_iso(value)
    except ValueError as exc:
        raise BrokenTime(key, value, f"cannot be used: {exc}") from exc


def time_of(value: object) -> datetime | None:
    """An aware UTC time from an ISO 8601 string, or None when missing, unreadable or out of
    range (for times that are only hints, such as those inside ``references``)."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return parse_iso(value)
    except ValueError:
        return None


# ------------------------------------------------------------------------------------ links


def http_url(value: object, base_url: str | None = None) -> str | None:
    """``value`` if it is an absolute http(s) URL (a relative one resolved against
    ``base_url`` when given), else None."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if base_url and text:
        try:
            text = urljoin(base_url, text)
        except ValueError:
            return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    return text if parts.scheme in ("http", "https") and parts.netloc else None


def truthy(value: object) -> bool:
    """A JSON flag that may come as a boolean, a number or a string (``"true"``)."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "ja")
    return bool(value)


def _links(value: object, base_url: str | None) -> list[tuple[str, str | None]]:
    """``(text, url)`` of each ``{"Text", "Url"}`` link (url None when not http(s))."""
    return [
        (plain_text(str(link.get("Text") or "")), http_url(link.get("Url"), base_url))
        for link in (value if isinstance(value, list) else [])
        if isinstance(link, dict)
    ]


def links_html(value: object, base_url: str | None = None, skip: Iterable[int] = ()) -> str:
    """A list of ``{"Text", "Url"}`` links (Krisinformation's ``Links`` / ``BodyLinks``) as an
    HTML list; links that are not http(s), and those at the indexes ``skip``, are left out."""
    left_out = set(skip)
    rows = [
        f'<li><a href="{html.escape(url)}">{html.escape(text or url)}</a></li>'
        for index, (text, url) in enumerate(_links(value, base_url))
        if url and index not in left_out
    ]
    return f"<ul>{''.join(rows)}</ul>" if rows else ""


_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{(\d{1,3})\}")
_TAG = re.compile(r"<[^<>]*>")


def fill_placeholders(
    text: str, links: object, *, markup: bool, base_url: str | None = None
) -> tuple[str, set[int]]:
    """Krisinformation's ``{0}``, ``{1}`` ... filled from ``links`` (``BodyLinks``), and the
    indexes used.

    With ``markup`` (``BodyText``, HTML) a placeholder in the text becomes ``<a href=URL>text
    </a>`` and one inside a tag (``<a href="{0}">``) the URL; without (a headline, a preamble)
    it becomes the link's text. A placeholder whose link is missing or unusable is dropped (its
    text kept, if any): no ``{n}`` is ever published. ``{{`` and ``}}`` are literal braces.
    """
    found = _links(links, base_url)
    used: set[int] = set()

    def fill(in_tag: bool) -> Callable[[re.Match[str]], str]:
        def one(match: re.Match[str]) -> str:
            token = match.group(0)
            if token in ("{{", "}}"):
                return token[0]
            index = int(match.group(1))
            link_text, url = found[index] if index < len(found) else ("", None)
            if index < len(found):
                used.add(index)
            if not markup:
                return link_text or url or ""
            if in_tag:
                return html.escape(url or "")
            if url is None:
                return html.escape(link_text)
            return f'<a href="{html.escape(url)}">{html.escape(link_text or url)}</a>'
        return one

    if "{" not in text and "}" not in text:
        return text, used
    if not markup:
        return _PLACEHOLDER.sub(fill(False), text), used
    pieces: list[str] = []
    last = 0
    for tag in _TAG.finditer(text):
        pieces.append(_PLACEHOLDER.sub(fill(False), text[last:tag.start()]))
        pieces.append(_PLACEHOLDER.sub(fill(True), tag.group(0)))
        last = tag.end()
    pieces.append(_PLACEHOLDER.sub(fill(False), text[last:]))
    return "".join(pieces), used
