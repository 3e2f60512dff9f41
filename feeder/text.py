"""Text hygiene: plain-text titles and sanitised HTML bodies (nh3 lives here only)."""

from __future__ import annotations

import html
import re

import nh3

ALLOWED_TAGS = {
    "p", "br", "ul", "ol", "li", "a", "strong", "b", "em", "i", "blockquote",
    "h2", "h3", "h4", "abbr", "code", "pre", "dl", "dt", "dd", "sup", "sub",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

_BLOCK = re.compile(
    r"<\s*/?\s*(?:p|br|div|li|ul|ol|h[1-6]|tr|td|th|blockquote|section|article|dd|dt|hr|pre)"
    r"\b[^>]*>",
    re.IGNORECASE,
)
_SPACE = re.compile(r"\s+")


def sanitize_html(raw: str) -> str:
    """HTML safe to put in any feed or page: a small allow-list, links only to http(s)/mailto/tel.

    Script, style and their content, event handlers, ``javascript:`` URLs and iframes are removed.
    """
    cleaned = nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        clean_content_tags={"script", "style", "iframe", "object", "embed", "template"},
        link_rel="noopener noreferrer",
    )
    return cleaned.strip()


def plain_text(raw: str) -> str:
    """Markup stripped (not escaped), entities decoded, white space folded.

    Block elements (paragraphs, line breaks, list items, ...) become spaces so that sentences do
    not run together; inline elements vanish without a trace.
    """
    spaced = _BLOCK.sub(" ", raw)
    stripped = nh3.clean(spaced, tags=set(), clean_content_tags={"script", "style"})
    return _SPACE.sub(" ", html.unescape(stripped)).strip()


def paragraphs(text: str) -> str:
    """Plain text (blank-line separated) as escaped HTML paragraphs."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
    return "".join(
        "<p>" + html.escape(b).replace("\r\n", "<br>").replace("\n", "<br>") + "</p>"
        for b in blocks
    )


def looks_like_html(text: str) -> bool:
    return bool(re.search(r"<[a-zA-Z/!][^>]*>", text))


def body_html(raw: str) -> str:
    """An editor's or source's body as sanitised HTML, whether it came as HTML or plain text."""
    return sanitize_html(raw if looks_like_html(raw) else paragraphs(raw))


def shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"
