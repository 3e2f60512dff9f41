"""The county's pages as text: their bytes decoded the way they really are, then cleaned.

Pages declare a character set (the HTTP ``Content-Type``, a byte order mark, ``<meta charset>``
or an XML declaration), and some declare UTF-8 while being windows-1252 (a CMS that pastes old
text). :func:`decode_page` reads UTF-8 wherever the bytes are UTF-8 and every byte that is not
as windows-1252, so such a page never shows U+FFFD (nor mojibake in its UTF-8 parts). A page that
declares a single-byte set is read with it (ISO-8859-1 as windows-1252, as browsers do). The
text then passes :func:`feeder.text.clean_text` (the hygiene step) before any parser sees it.

Pure functions; no markup library (the news parser hands the text to Beautiful Soup).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from ..text import clean_text

__all__ = ["Decoded", "declared_charset", "decode_page"]

_HANDLER = "feeder-cp1252-fallback"
_SURROGATE = re.compile(rb"\xed[\xa0-\xbf][\x80-\xbf]")
_META = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_XML = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)["']""", re.IGNORECASE)
_UTF8_NAMES = frozenset({"utf-8", "utf8", "unicode-1-1-utf-8", "x-unicode20utf8"})
_AS_WINDOWS_1252 = frozenset({"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1",
                              "us-ascii", "ascii", "cp1252", "windows-1252", "x-cp1252"})


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    """A ``codecs`` error handler: the bytes that are not UTF-8, read as windows-1252 (its five
    unassigned bytes as the C1 controls of ISO-8859-1, which the hygiene step removes); an
    encoded surrogate (``ED A0 80``: a lone surrogate written by a broken encoder) is dropped."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    if _SURROGATE.match(exc.object, exc.start):
        return "", exc.start + 3
    chunk = exc.object[exc.start:exc.end]
    return "".join(_cp1252_char(b) for b in chunk), exc.end


def _cp1252_char(byte: int) -> str:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(byte)


codecs.register_error(_HANDLER, _cp1252_fallback)


@dataclass(frozen=True, slots=True)
class Decoded:
    """The decoded, cleaned text of a page."""

    text: str
    note: str = ""
    """Says when the bytes were not what the page declared (a warning for the poll)."""


def declared_charset(body: bytes, http_charset: str | None) -> str | None:
    """The character set a page declares: the HTTP header's, else its BOM, else its ``<meta>``
    (or XML declaration) within the first 4 KB; None when it declares none."""
    if http_charset:
        return http_charset.strip().strip("\"'").lower()
    if body.startswith(codecs.BOM_UTF8):
        return "utf-8"
    head = body[:4096]
    found = _XML.search(head) or _META.search(head)
    return found.group(1).decode("ascii", "replace").lower() if found else None


def decode_page(body: bytes, http_charset: str | None = None) -> Decoded:
    """``body`` as text (see the module docstring), cleaned."""
    declared = declared_charset(body, http_charset)
    if body.startswith(codecs.BOM_UTF8):
        body = body[len(codecs.BOM_UTF8):]
    if declared in _AS_WINDOWS_1252:
        return Decoded(clean_text(body.decode("cp1252", _HANDLER)))
    if declared is not None and declared not in _UTF8_NAMES:
        try:
            return Decoded(clean_text(body.decode(declared)))
        except LookupError:
            pass  # an unknown name: read as UTF-8 below
        except UnicodeDecodeError:
            return _as_utf8(body, f"the page is not {declared} as it declares")
    return _as_utf8(body, "the page declares UTF-8" if declared else "")


def _as_utf8(body: bytes, claim: str) -> Decoded:
    try:
        return Decoded(clean_text(body.decode("utf-8")))
    except UnicodeDecodeError as exc:
        where = exc.start
    text = clean_text(body.decode("utf-8", _HANDLER))
    what = claim or "the page declares no character set"
    return Decoded(text, f"{what} but has bytes that are not UTF-8 (the first at byte {where});"
                         " read as windows-1252")
