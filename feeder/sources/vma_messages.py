"""Reading VMA messages: the two upstream shapes into one :class:`Message` each.

Sveriges Radio's CAP-like alerts and Krisinformation's ``/v3/vmas`` entries become the same
:class:`Message` (identifier, ``Alert``/``Update``/``Cancel``, references, times, and the text
and places as :class:`Content`). What to publish from them is decided in :mod:`.vma`.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..text import body_html, first_sentence, paragraphs, plain_text, sanitize_html, shorten
from . import areas as area_rules
from .areas import AreaRef
from .jsonapi import BrokenTime, fill_placeholders, http_url, links_html, read_time, time_of, truthy

CREDIT_SR = "Sveriges Radio / VMA"
CREDIT_KRISINFORMATION = "Krisinformation / VMA"
DEFAULT_TITLE = "Viktigt meddelande till allmänheten"
SUMMARY_LIMIT = 300
TITLE_LIMIT = 200
KRISINFORMATION_SITE = "https://www.krisinformation.se/"
"""The base of relative links in Krisinformation's texts (``/nyheter/...``)."""

ALERT, UPDATE, CANCEL = "Alert", "Update", "Cancel"


class Skip(Exception):
    """An entry that cannot be read: skipped with a warning."""


class Ignored(Exception):
    """A message that is not for the public (test, exercise, draft, ack): dropped quietly."""


@dataclass
class Content:
    title: str
    body: str
    summary: str
    url: str | None
    onset: datetime | None
    """CAP's ``onset`` when the message gives one (when the event begins); None: begun."""
    expires: datetime | None
    places: list[AreaRef]
    credit: str


@dataclass
class Message:
    identifier: str
    kind: str
    """``Alert``, ``Update`` or ``Cancel``."""
    refs: list[str]
    """Identifiers of the earlier messages referenced, oldest first."""
    sent: datetime | None
    first: datetime | None
    """When the message (its first version) was published, if the upstream says so."""
    order: int
    """Position in the list (the later wins a tie)."""
    content: Content | None = None
    problems: list[str] = field(default_factory=list)
    """Problems that did not stop the message from being read (warnings)."""


def read(raw: Any, index: int) -> Message:
    """One list entry as a :class:`Message`; :class:`Skip` or :class:`Ignored` otherwise."""
    if not isinstance(raw, dict):
        raise Skip(f"message {index} is not an object")
    if "identifier" in raw or "info" in raw or "msgType" in raw:
        return _read_cap(raw, index)
    if "Identifier" in raw or "Headline" in raw:
        return _read_krisinformation(raw, index)
    raise Skip(f"message {index} has neither 'identifier' (Sveriges Radio) nor 'Identifier'"
               " (Krisinformation)")


def _time(raw: Mapping[str, Any], key: str, identifier: str) -> datetime | None:
    """A time of the message (None when absent); a broken one skips the message."""
    try:
        return read_time(raw, key)
    except BrokenTime as exc:
        raise Skip(f"message {identifier}: {exc}; skipped") from exc


def title_of(headline: object, description: str, *fallbacks: object) -> str:
    """A VMA's title, plain text, at most :data:`TITLE_LIMIT` characters: its headline; without
    one (Sveriges Radio's messages have none) the first sentence of its ``description`` (plain
    text, entities already decoded), which names the place ("Viktigt meddelande till
    allmänheten i Sundsvall i Västernorrlands län"); then the fallbacks (the event's name), then
    :data:`DEFAULT_TITLE`."""
    candidates = [plain_text(str(headline or "")), " ".join(first_sentence(description).split())]
    candidates += [plain_text(str(value or "")) for value in fallbacks]
    title = next((c for c in candidates if c), DEFAULT_TITLE)
    return shorten(title, TITLE_LIMIT)


def _decoded(value: object) -> str:
    """A text field of Sveriges Radio's as plain text: SR sends its texts HTML-escaped (its
    ``web`` arrives as ``...&amp;artikel=``), so entities are decoded, exactly once."""
    return html.unescape(str(value or ""))


def _identifier(value: object, index: int, name: str) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise Skip(f"message {index}: '{name}' is missing or empty")
    return value.strip()


def _kind(value: object, index: int, name: str) -> str:
    if value is None:
        return ALERT
    text = str(value).strip().lower()
    for kind in (ALERT, UPDATE, CANCEL):
        if text == kind.lower():
            return kind
    if text in ("ack", "error"):
        raise Ignored
    if "test" in text or "exercise" in text or "övning" in text:
        raise Ignored
    raise Skip(f"message {index}: unknown '{name}' {value!r}")


def _not_for_public(raw: Mapping[str, Any]) -> bool:
    """Test, exercise, draft or restricted: never published."""
    if any(truthy(raw.get(k)) for k in ("IsTest", "isTest", "isExercise", "IsExercise")):
        return True
    scope = raw.get("scope", raw.get("Scope"))
    return scope is not None and str(scope).strip().lower() != "public"


# Sveriges Radio (CAP-like) ------------------------------------------------------------------


def _read_cap(raw: Mapping[str, Any], index: int) -> Message:
    identifier = _identifier(raw.get("identifier"), index, "identifier")
    status = raw.get("status")
    if status is None:  # not trusted as real, and not quietly taken for a test either
        raise Skip(f"message {identifier}: no 'status' (published only when 'Actual')")
    if str(status).strip().lower() != "actual" or _not_for_public(raw):
        raise Ignored
    kind = _kind(raw.get("msgType"), index, "msgType")
    sent = _time(raw, "sent", identifier)
    message = Message(identifier, kind, _references(raw.get("references")), sent, None, index)
    if kind != CANCEL:
        message.content = _cap_content(raw.get("info"), message)
    return message


def _references(value: object) -> list[str]:
    """CAP ``references``: ``"sender,identifier,sent sender,identifier,sent"`` (oldest first),
    a plain identifier, or a list of those or of ``{"identifier": ...}`` objects."""
    pieces: list[tuple[datetime | None, int, str]] = []
    tokens: list[object]
    if value is None:
        return []
    if isinstance(value, str):
        tokens = list(value.split())
    elif isinstance(value, list):
        tokens = list(value)
    else:
        tokens = [value]
    for position, token in enumerate(tokens):
        ident: str | None = None
        sent: datetime | None = None
        if isinstance(token, dict):
            raw_id = token.get("identifier", token.get("Identifier"))
            ident = str(raw_id).strip() if raw_id is not None else None
            sent = time_of(token.get("sent"))
        elif isinstance(token, str):
            parts = token.strip().split(",")
            if len(parts) >= 3:
                ident, sent = parts[1].strip(), time_of(",".join(parts[2:]))
            elif len(parts) == 2:
                ident = parts[1].strip()
            else:
                ident = parts[0].strip()
        if ident:
            pieces.append((sent, position, ident))
    # Oldest first: messages with a time in time order, then the others in their given order.
    pieces.sort(key=lambda p: (p[0] is None, p[0] or datetime.min, p[1]))
    out: list[str] = []
    for _, _, ident in pieces:
        if ident not in out:
            out.append(ident)
    return out


def _cap_content(info: object, message: Message) -> Content | None:
    blocks = [b for b in (info if isinstance(info, list) else [info]) if isinstance(b, dict)]
    if not blocks:
        message.problems.append(f"message {message.identifier}: no 'info' block")
        return None
    swedish = [b for b in blocks if str(b.get("language") or "").lower().startswith("sv")]
    block = swedish[0] if swedish else blocks[0]

    description = _decoded(block.get("description"))
    instruction = _decoded(block.get("instruction"))
    title = title_of(block.get("headline"), description, block.get("event"))
    body = sanitize_html(paragraphs(description) + paragraphs(instruction))
    places = _cap_places(block.get("area"))
    if not places:  # the Swedish block names no area: take any other language's
        for other in blocks:
            places.extend(_cap_places(other.get("area")))
    expires = _time(block, "expires", message.identifier)
    onset = _time(block, "onset", message.identifier)
    _time(block, "effective", message.identifier)  # checked: a broken time is a broken message
    return Content(
        title=title,
        body=body,
        summary=_summary(description or instruction),
        url=_web(block.get("web")),
        onset=onset,
        expires=expires,
        places=places,
        credit=CREDIT_SR,
    )


def _web(value: object) -> str | None:
    """Sveriges Radio's ``web`` link: HTML-escaped as sent (``...programid=183&amp;artikel=``),
    so its entities are decoded exactly once."""
    return http_url(html.unescape(value)) if isinstance(value, str) else None


def _cap_places(value: object) -> list[AreaRef]:
    areas = value if isinstance(value, list) else [value]
    out: list[AreaRef] = []
    for area in areas:
        if not isinstance(area, dict):
            continue
        found: list[AreaRef] = []
        geocodes = area.get("geocode", area.get("geocodes"))
        for code in geocodes if isinstance(geocodes, list) else [geocodes]:
            ref: AreaRef | None
            if isinstance(code, dict):
                ref = area_rules.from_code(code.get("value"), str(code.get("valueName") or ""))
            else:
                ref = area_rules.from_code(code)
            if ref is not None:
                found.append(ref)
        if not found:
            name_ref = area_rules.from_name(area.get("areaDesc"))
            if name_ref is not None:
                found.append(name_ref)
        out.extend(found)
    return out


# Krisinformation /v3/vmas ------------------------------------------------------------------


def _read_krisinformation(raw: Mapping[str, Any], index: int) -> Message:
    identifier = _identifier(raw.get("Identifier"), index, "Identifier")
    status = raw.get("Status", raw.get("status"))
    if (status is not None and str(status).strip().lower() != "actual") or _not_for_public(raw):
        raise Ignored
    kind_field = raw.get("MsgType", raw.get("msgType"))
    if kind_field is None and str(raw.get("Event") or "").strip().lower() in ("update", "cancel"):
        kind_field = raw.get("Event")
    kind = _kind(kind_field, index, "MsgType")
    published = _time(raw, "Published", identifier)
    sent = _time(raw, "Updated", identifier) or published
    expires = _time(raw, "Expires", identifier)
    refs = _references(raw.get("References", raw.get("references")))
    message = Message(identifier, kind, refs, sent, published, index)
    if kind == CANCEL:
        return message

    links = raw.get("BodyLinks")
    headline, _ = fill_placeholders(str(raw.get("Headline") or ""), links, markup=False,
                                    base_url=KRISINFORMATION_SITE)
    preamble_raw, _ = fill_placeholders(str(raw.get("Preamble") or ""), links, markup=False,
                                        base_url=KRISINFORMATION_SITE)
    preamble = plain_text(preamble_raw)
    body_text, used = fill_placeholders(str(raw.get("BodyText") or ""), links, markup=True,
                                        base_url=KRISINFORMATION_SITE)
    parts = [paragraphs(preamble)] if preamble else []
    if body_text.strip():
        parts.append(body_html(body_text))
    parts.append(links_html(links, KRISINFORMATION_SITE, skip=used))
    places = area_rules.from_named_areas(raw.get("Area"))
    message.content = Content(
        title=title_of(headline, "", raw.get("PushMessage")),
        body=sanitize_html("".join(parts), KRISINFORMATION_SITE),
        summary=_summary(preamble or plain_text(body_text)),
        url=http_url(raw.get("Web"), KRISINFORMATION_SITE),
        onset=None,
        expires=expires,
        places=places,
        credit=CREDIT_KRISINFORMATION,
    )
    return message



def _summary(text: str) -> str:
    return shorten(plain_text(html.escape(text)), SUMMARY_LIMIT)
