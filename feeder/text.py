"""Text hygiene: clean characters, plain-text titles and sanitised HTML bodies (nh3 lives here
only).

:func:`clean_text` is the one hygiene step every text passes where it enters feeder (a source's
parser, the CLI, the API, the web form, standing notices in config.yaml): characters that no feed,
page or XML parser can carry are removed, Word's line and page breaks become line breaks, and the
text is normalised to NFC. :func:`plain_text` and :func:`sanitize_html` apply it to what they
return too (an entity such as ``&#11;`` decodes to a control character), so whatever is stored is
clean and no output step has to guess.
"""

from __future__ import annotations

import html
import re
import unicodedata

import nh3

_BREAKS = re.compile("[\x0b\x0c\x85\u2028\u2029]")
"""Line and page breaks that are not LF: VT and FF (what a line break pasted from Word becomes),
NEL, and the Unicode line and paragraph separators. Each becomes a line break."""
_UNSAFE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
"""C0 controls but TAB, LF and CR; DEL and the C1 controls; lone surrogates; and the Unicode
noncharacters of the first plane (U+FDD0..U+FDEF, U+FFFE, U+FFFF). None is allowed in XML 1.0
or has any meaning in a public notice."""
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
"""Characters beyond the first plane, whose noncharacters (U+1FFFE, U+1FFFF, ... U+10FFFF) go too.
(One range: a class listing those 32 characters is slow to search in long texts.)"""
_SUSPECT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff"
                      "\ufdd0-\ufdef\ufffe\uffff\U00010000-\U0010ffff]")
"""Anything :func:`clean_text` may change besides the normalisation (a quick test first)."""

ALLOWED_TAGS = {
    "p", "br", "ul", "ol", "li", "a", "strong", "b", "em", "i", "blockquote",
    "h2", "h3", "h4", "abbr", "code", "pre", "dl", "dt", "dd", "sup", "sub",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

_BLOCK = re.compile(
    r"<\s*/?\s*(?:p|br|div|li|ul|ol|h[1-6]|tr|td|th|blockquote|section|article|dd|dt|hr|pre)"
    r"\b[^<>]*>",
    re.IGNORECASE,
)
_SPACE = re.compile(r"\s+")

HTML_ELEMENTS = frozenset({
    "a", "abbr", "acronym", "address", "applet", "area", "article", "aside", "audio", "b", "base",
    "basefont", "bdi", "bdo", "bgsound", "big", "blink", "blockquote", "body", "br", "button",
    "canvas", "caption", "center", "cite", "code", "col", "colgroup", "data", "datalist", "dd",
    "del", "details", "dfn", "dialog", "dir", "div", "dl", "dt", "em", "embed", "fieldset",
    "figcaption", "figure", "font", "footer", "form", "frame", "frameset", "h1", "h2", "h3", "h4",
    "h5", "h6", "head", "header", "hgroup", "hr", "html", "i", "iframe", "image", "img", "input",
    "ins", "isindex", "kbd", "keygen", "label", "legend", "li", "link", "listing", "main", "map",
    "mark", "marquee", "math", "menu", "menuitem", "meta", "meter", "multicol", "nav", "nextid",
    "nobr", "noembed", "noframes", "noscript", "object", "ol", "optgroup", "option", "output",
    "p", "param", "picture", "plaintext", "portal", "pre", "progress", "q", "rb", "rp", "rt",
    "rtc", "ruby", "s", "samp", "script", "search", "section", "select", "slot", "small",
    "source", "spacer", "span", "strike", "strong", "style", "sub", "summary", "sup", "svg",
    "table", "tbody", "td", "template", "textarea", "tfoot", "th", "thead", "time", "title", "tr",
    "track", "tt", "u", "ul", "var", "video", "wbr", "xmp",
})
"""Every element name HTML has (or had): what :func:`plain_text` treats as markup."""
_NOT_MARKUP = re.compile(r"<(?!/?\s*(?:[a-z][a-z0-9]*-[\w.-]*|[a-z][a-z0-9]*)(?=[\s/>]|$)|!|\?)",
                         re.IGNORECASE)


def clean_text(text: str) -> str:
    """``text`` without the characters no output can carry, line breaks unified, in NFC."""
    if text.isascii() and text.isprintable():  # the common case, without a regex
        return text
    if _SUSPECT.search(text) is None and unicodedata.is_normalized("NFC", text):
        return text
    text = _BREAKS.sub("\n", text)
    text = _UNSAFE.sub("", text)
    if _ASTRAL.search(text) is not None:
        text = _ASTRAL.sub(_astral, text)
    return unicodedata.normalize("NFC", text)


def _astral(match: re.Match[str]) -> str:
    """A character beyond the first plane, unless it is a noncharacter (U+nFFFE, U+nFFFF)."""
    char = match.group(0)
    return "" if ord(char) & 0xFFFE == 0xFFFE else char


def sanitize_html(raw: str, base_url: str | None = None) -> str:
    """HTML safe to put in any feed or page: a small allow-list, links only to http(s)/mailto/tel.

    Script, style and their content, event handlers, ``javascript:`` URLs and iframes are removed.
    With ``base_url``, relative links (``/nyheter/...``) are made absolute against it, so that a
    feed reader or an embedding page opens the right address.
    """
    cleaned = nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        clean_content_tags={"script", "style", "iframe", "object", "embed", "template"},
        link_rel="noopener noreferrer",
        url_relative=("rewrite_with_base", base_url) if base_url else None,
    )
    return clean_text(cleaned).strip()


def plain_text(raw: str) -> str:
    """Markup stripped (not escaped), entities decoded once, white space folded.

    Block elements (paragraphs, line breaks, list items, ...) become spaces so that sentences do
    not run together; inline elements vanish without a trace. Only HTML's own elements (and
    custom ones, ``<x-y>``) count as markup: ``<Höga kusten>`` or ``a <3`` is text and stays
    (``&lt;Höga kusten&gt;`` gives ``<Höga kusten>`` too, decoded exactly once).
    """
    spaced = _BLOCK.sub(" ", _escape_non_markup(raw))
    stripped = nh3.clean(spaced, tags=set(), clean_content_tags={"script", "style"})
    return " ".join(clean_text(html.unescape(stripped)).split())


def _escape_non_markup(raw: str) -> str:
    """``raw`` with every ``<`` that opens no HTML element (nor a comment) escaped as ``&lt;``."""
    if "<" not in raw:
        return raw

    def keep_if_element(match: re.Match[str]) -> str:
        name = match.group(1).lower()
        if name in HTML_ELEMENTS or "-" in name:
            return match.group(0)
        return "&lt;" + match.group(0)[1:]

    return _TAG_START.sub(keep_if_element, _NOT_MARKUP.sub("&lt;", raw))


_TAG_START = re.compile(r"<\s*/?\s*([a-z][a-z0-9]*(?:-[\w.-]*)?)", re.IGNORECASE)


def first_sentence(text: str) -> str:
    """The first sentence of plain text: up to the first line break, or the first ``.``, ``!``
    or ``?`` followed by a space and a capital letter; without its final full stop."""
    text = text.strip()
    line = re.split(r"\s*[\r\n]+\s*", text, maxsplit=1)[0] if text else ""
    parts = re.split(r"(?<=[.!?])\s+(?=[A-ZÅÄÖÉÜ\"'«»])", line, maxsplit=1)
    sentence = parts[0].strip() if parts else ""
    return sentence[:-1].rstrip() if sentence.endswith(".") else sentence


def paragraphs(text: str) -> str:
    """Plain text (blank-line separated) as escaped HTML paragraphs."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
    return "".join(
        "<p>" + html.escape(b).replace("\r\n", "<br>").replace("\n", "<br>") + "</p>"
        for b in blocks
    )


def looks_like_html(text: str) -> bool:
    return bool(re.search(r"<[a-zA-Z/!][^<>]*>", text))


def body_html(raw: str) -> str:
    """An editor's or source's body as sanitised HTML, whether it came as HTML or plain text."""
    return sanitize_html(raw if looks_like_html(raw) else paragraphs(raw))


def shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"
