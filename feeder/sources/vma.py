"""VMA ("Viktigt meddelande till allmänheten"): the critical tier, from Sveriges Radio's VMA API.

Two shapes are read, told apart by their shape and not by the URL:

- Sveriges Radio's VMA API (``https://vmaapi.sr.se/api/v3/alerts``): ``{"alerts": [...]}`` of
  CAP-like messages (``identifier``, ``status``, ``msgType``, ``references``, ``sent``,
  ``info[]`` per language with ``headline``, ``description``, ``instruction``, ``web``, times
  and ``area[]`` with geocodes);
- Krisinformation's ``/v3/vmas``: a JSON array of ``{"Identifier", "Headline", "Preamble",
  "BodyText", "Area": [{"Type", "Description"}], "Web", "Published", "Updated", "IsTest"}``.

Rules (fixtures and notes: ``tests/fixtures/krisinformation/README.md``):

- Only real messages: ``status`` must be ``Actual``, ``scope`` (when given) ``Public``;
  ``IsTest``/``isTest`` true, ``Ack`` and ``Error`` messages are dropped. Test and exercise
  messages are never published.
- Kept when an area names the configured county (code or NUTS3), one of its municipalities or
  all of Sweden (see :mod:`feeder.sources.areas`); ``areas`` are the county's municipality
  codes named, ``()`` when only the county as a whole or all of Sweden is named.
- ``Update`` replaces the alert it references: the item keeps the original's id
  ``vma:<identifier of the first message>`` and takes the update's text and times.
  ``Cancel`` ends the referenced alert at once: nothing is emitted for it, and since the VMA list
  is complete, :func:`feeder.poll.poll_source` ends the stored item at this poll.
- An empty list is the normal "no VMA" state: every running VMA item is ended.
- Not JSON, or not one of the two shapes: :class:`SourceError` naming the source ``vma``. Entries
  that cannot be read (no identifier, no ``status``, no text, no readable area) are skipped with
  a warning, and then the list proves nothing about the VMAs it does not list: running ones are
  kept, not ended (cancels still apply). If none of a non-empty list can be read, the poll fails
  (the layout changed) and stored VMAs stay as they are.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ..config import Region
from ..errors import LayoutChangedError
from ..ladder import for_vma
from ..model import Item
from ..text import body_html, paragraphs, plain_text, sanitize_html, shorten
from . import areas as area_rules
from .areas import AreaRef
from .base import PollContext, PollResult
from .jsonapi import decode, http_url, links_html, time_of, truthy, with_query

SOURCE = "vma"
CREDIT_SR = "Sveriges Radio / VMA"
CREDIT_KRISINFORMATION = "Krisinformation / VMA"
DEFAULT_TITLE = "Viktigt meddelande till allmänheten"
SUMMARY_LIMIT = 300

ALERT, UPDATE, CANCEL = "Alert", "Update", "Cancel"
_NEVER = datetime.min.replace(tzinfo=UTC)
_KIND_RANK = {ALERT: 0, UPDATE: 1}


class _Skip(Exception):
    """An entry that cannot be read: skipped with a warning."""


class _Ignored(Exception):
    """A message that is not for the public (test, exercise, draft, ack): dropped quietly."""


@dataclass
class _Content:
    title: str
    html: str
    summary: str
    url: str | None
    starts: datetime | None
    expires: datetime | None
    places: list[AreaRef]
    credit: str


@dataclass
class _Message:
    identifier: str
    kind: str
    refs: list[str]
    sent: datetime | None
    first: datetime | None
    """When the message (its first version) was published, if the upstream says so."""
    order: int
    content: _Content | None = None
    problems: list[str] = field(default_factory=list)


# ------------------------------------------------------------------------------------ parsing


def parse(
    body: bytes,
    region: Region,
    now: datetime,
    *,
    known: Mapping[str, Item] | None = None,
    warnings: list[str] | None = None,
) -> list[Item]:
    """The VMAs in ``body`` that concern ``region``, as items (sorted by id).

    ``known`` (the stored VMA items by id) keeps an item's first publication time when only an
    update is still listed, and resolves updates whose original is no longer listed. ``now`` is
    used only when a message carries no readable time at all. Problems that do not fail the poll
    are appended to ``warnings``.
    """
    known = known or {}
    warnings = warnings if warnings is not None else []
    entries = _entries(decode(body, SOURCE))

    messages: list[_Message] = []
    skipped: list[str] = []
    for index, raw in enumerate(entries):
        try:
            messages.append(_message(raw, index))
        except _Ignored:
            continue
        except _Skip as exc:
            skipped.append(str(exc))
    warnings.extend(skipped)
    if entries and skipped and len(skipped) == len(entries):
        raise LayoutChangedError(
            SOURCE, f"none of the {len(entries)} messages could be read: {skipped[0]}"
        )
    for message in messages:
        warnings.extend(message.problems)
    return _resolve(messages, region, now, known, warnings, partial=bool(skipped))


def _entries(data: Any) -> list[Any]:
    if isinstance(data, dict):
        alerts = data.get("alerts", data.get("Alerts"))
        if not isinstance(alerts, list):
            keys = ", ".join(sorted(map(str, data))[:8]) or "none"
            raise LayoutChangedError(
                SOURCE,
                f'expected {{"alerts": [...]}} or a JSON array, got an object with keys {keys}',
            )
        return alerts
    if isinstance(data, list):
        return data
    raise LayoutChangedError(
        SOURCE, f'expected {{"alerts": [...]}} or a JSON array, got {type(data).__name__}'
    )


def _message(raw: Any, index: int) -> _Message:
    if not isinstance(raw, dict):
        raise _Skip(f"message {index} is not an object")
    if "identifier" in raw or "info" in raw or "msgType" in raw:
        return _cap_message(raw, index)
    if "Identifier" in raw or "Headline" in raw:
        return _krisinformation_message(raw, index)
    raise _Skip(f"message {index} has neither 'identifier' (Sveriges Radio) nor 'Identifier'"
                " (Krisinformation)")


def _identifier(value: object, index: int, name: str) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise _Skip(f"message {index}: '{name}' is missing or empty")
    return value.strip()


def _kind(value: object, index: int, name: str) -> str:
    if value is None:
        return ALERT
    text = str(value).strip().lower()
    for kind in (ALERT, UPDATE, CANCEL):
        if text == kind.lower():
            return kind
    if text in ("ack", "error"):
        raise _Ignored
    if "test" in text or "exercise" in text or "övning" in text:
        raise _Ignored
    raise _Skip(f"message {index}: unknown '{name}' {value!r}")


def _not_for_public(raw: Mapping[str, Any]) -> bool:
    """Test, exercise, draft or restricted: never published."""
    if any(truthy(raw.get(k)) for k in ("IsTest", "isTest", "isExercise", "IsExercise")):
        return True
    scope = raw.get("scope", raw.get("Scope"))
    return scope is not None and str(scope).strip().lower() != "public"


# Sveriges Radio (CAP-like) ------------------------------------------------------------------


def _cap_message(raw: Mapping[str, Any], index: int) -> _Message:
    identifier = _identifier(raw.get("identifier"), index, "identifier")
    status = raw.get("status")
    if status is None:  # not trusted as real, and not quietly taken for a test either
        raise _Skip(f"message {identifier}: no 'status' (published only when 'Actual')")
    if str(status).strip().lower() != "actual" or _not_for_public(raw):
        raise _Ignored
    kind = _kind(raw.get("msgType"), index, "msgType")
    sent = time_of(raw.get("sent"))
    message = _Message(identifier, kind, _references(raw.get("references")), sent, None, index)
    if raw.get("sent") is not None and sent is None:
        message.problems.append(f"message {identifier}: unreadable 'sent' {raw.get('sent')!r}")
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


def _cap_content(info: object, message: _Message) -> _Content | None:
    blocks = [b for b in (info if isinstance(info, list) else [info]) if isinstance(b, dict)]
    if not blocks:
        message.problems.append(f"message {message.identifier}: no 'info' block")
        return None
    swedish = [b for b in blocks if str(b.get("language") or "").lower().startswith("sv")]
    block = swedish[0] if swedish else blocks[0]

    title = plain_text(str(block.get("headline") or "")) or plain_text(
        str(block.get("event") or "")
    ) or DEFAULT_TITLE
    description = str(block.get("description") or "")
    instruction = str(block.get("instruction") or "")
    body = sanitize_html(paragraphs(description) + paragraphs(instruction))
    places = _cap_places(block.get("area"))
    if not places:  # the Swedish block names no area: take any other language's
        for other in blocks:
            places.extend(_cap_places(other.get("area")))
    expires = time_of(block.get("expires"))
    if block.get("expires") and expires is None:
        message.problems.append(
            f"message {message.identifier}: unreadable 'expires' {block.get('expires')!r}"
        )
    starts = time_of(block.get("onset")) or time_of(block.get("effective")) or message.sent
    return _Content(
        title=title,
        html=body,
        summary=_summary(description or instruction),
        url=http_url(block.get("web")),
        starts=starts,
        expires=expires,
        places=places,
        credit=CREDIT_SR,
    )


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


def _krisinformation_message(raw: Mapping[str, Any], index: int) -> _Message:
    identifier = _identifier(raw.get("Identifier"), index, "Identifier")
    status = raw.get("Status", raw.get("status"))
    if (status is not None and str(status).strip().lower() != "actual") or _not_for_public(raw):
        raise _Ignored
    kind_field = raw.get("MsgType", raw.get("msgType"))
    if kind_field is None and str(raw.get("Event") or "").strip().lower() in ("update", "cancel"):
        kind_field = raw.get("Event")
    kind = _kind(kind_field, index, "MsgType")
    published = time_of(raw.get("Published"))
    sent = time_of(raw.get("Updated")) or published
    refs = _references(raw.get("References", raw.get("references")))
    message = _Message(identifier, kind, refs, sent, published, index)
    if kind == CANCEL:
        return message

    title = plain_text(str(raw.get("Headline") or "")) or plain_text(
        str(raw.get("PushMessage") or "")
    ) or DEFAULT_TITLE
    preamble = plain_text(str(raw.get("Preamble") or ""))
    body_text = str(raw.get("BodyText") or "")
    parts = [paragraphs(preamble)] if preamble else []
    if body_text.strip():
        parts.append(body_html(body_text))
    parts.append(links_html(raw.get("BodyLinks")))
    places = [
        ref
        for area in (raw.get("Area") if isinstance(raw.get("Area"), list) else [])
        if isinstance(area, dict)
        for ref in [area_rules.from_name(area.get("Description"), area.get("Type"))]
        if ref is not None
    ]
    message.content = _Content(
        title=title,
        html=sanitize_html("".join(parts)),
        summary=_summary(preamble or plain_text(body_text)),
        url=http_url(raw.get("Web")),
        starts=published or sent,
        expires=time_of(raw.get("Expires")),
        places=places,
        credit=CREDIT_KRISINFORMATION,
    )
    return message



def _summary(text: str) -> str:
    return shorten(plain_text(html.escape(text)), SUMMARY_LIMIT)


# ------------------------------------------------------------------------------ resolution


def _resolve(
    messages: list[_Message],
    region: Region,
    now: datetime,
    known: Mapping[str, Item],
    warnings: list[str],
    *,
    partial: bool,
) -> list[Item]:
    """Apply updates and cancels, pick the messages for the region, build the items.

    ``partial``: some entries of the list could not be read. The list is then no proof that a
    running VMA is over, so stored running VMAs that the readable part neither lists nor
    cancels are carried over unchanged (the poll stays complete: cancels still end items).
    """
    by_id: dict[str, _Message] = {}
    for message in messages:  # a repeated identifier: the later one (by sent, then order) wins
        old = by_id.get(message.identifier)
        if old is None or _key(message) >= _key(old):
            by_id[message.identifier] = message

    def root_of(identifier: str, seen: frozenset[str] = frozenset()) -> str:
        message = by_id.get(identifier)
        if message is None or message.kind == ALERT or not message.refs or identifier in seen:
            return identifier
        seen = seen | {identifier}
        for ref in message.refs:
            if ref in by_id and ref not in seen:
                return root_of(ref, seen)
        for ref in message.refs:
            if f"{SOURCE}:{ref}" in known:
                return ref
        return message.refs[0]

    cancelled = {root_of(m.identifier) for m in by_id.values() if m.kind == CANCEL}
    groups: dict[str, list[_Message]] = {}
    for message in by_id.values():
        if message.kind != CANCEL:
            groups.setdefault(root_of(message.identifier), []).append(message)

    items: list[Item] = []
    unusable: set[str] = set()
    for root, group in sorted(groups.items()):
        if root in cancelled:
            continue
        stored = known.get(f"{SOURCE}:{root}")
        with_text = [m for m in group if m.content is not None]
        newest = max(with_text, key=_key).content if with_text else None
        if newest is None and stored is not None:
            items.append(stored)  # an update without text: the stored version stays
        elif newest is None:
            warnings.append(f"message {max(group, key=_key).identifier}: no text to publish")
            unusable.add(root)
        elif not newest.places:
            warnings.append(f"message {root}: no area that can be read; not published")
            unusable.add(root)
        else:
            item = _item(root, group, region, now, stored)
            if item is not None:
                items.append(item)

    partial = partial or bool(unusable)
    if partial:
        usable = len(groups) - len(unusable) + sum(m.kind == CANCEL for m in by_id.values())
        if usable == 0:
            first = warnings[0] if warnings else "unknown problem"
            raise LayoutChangedError(SOURCE, f"no message in the list could be used: {first}")
        accounted = {f"{SOURCE}:{root}" for root in (*groups, *cancelled) if root not in unusable}
        kept = [
            item for item_id, item in sorted(known.items())
            if item_id not in accounted and item.ended is None and not item.withdrawn
        ]
        if kept:
            warnings.append(
                f"the list was partly unreadable: {len(kept)} running VMA(s) kept as they were"
            )
            items.extend(kept)
        items.sort(key=lambda item: item.id)
    return items


def _key(message: _Message) -> tuple[datetime, int, int]:
    """Which of two messages is the later: by ``sent``, an update after an alert, list order."""
    return (message.sent or _NEVER, _KIND_RANK.get(message.kind, 0), message.order)


def _item(
    root: str,
    group: list[_Message],
    region: Region,
    now: datetime,
    stored: Item | None,
) -> Item | None:
    """The item for one alert and its updates (``group``), or None if it is not for ``region``."""
    group = sorted(group, key=_key)
    latest = group[-1]
    with_text = [m for m in group if m.content is not None]
    content = with_text[-1].content
    assert content is not None
    where = area_rules.match(content.places, region)
    if not where.concerns:
        return None
    ranking = for_vma()
    firsts = [t for m in group for t in (m.first, m.sent) if t is not None]
    if stored is not None:
        firsts.append(stored.published)
    published = min(firsts) if firsts else now
    updated = latest.sent or (stored.updated if stored is not None else None) or published
    return Item(
        id=f"{SOURCE}:{root}",
        source=SOURCE,
        level=ranking.level,
        level_reason=ranking.reason,
        title=content.title,
        html=content.html,
        summary=content.summary,
        url=content.url,
        credit=content.credit,
        published=published,
        updated=max(updated, published),
        starts=content.starts or published,
        expires=content.expires,
        areas=where.areas,
    )


# ------------------------------------------------------------------------------------ polling


def request_url(url: str) -> str:
    """Krisinformation's ``/vmas`` gets ``language=sv``; Sveriges Radio's API is asked for all
    of Sweden (no geocode filter), so that a nationwide VMA is never lost to a server-side
    filter: the county is picked out here."""
    if url.rstrip("/").endswith("/vmas"):
        return with_query(url, {"language": "sv"})
    return url


def poll(ctx: PollContext) -> PollResult:
    response = ctx.fetcher.get(
        request_url(ctx.source.url),
        source=SOURCE,
        etag=ctx.state.etag,
        last_modified=ctx.state.last_modified,
        accept="application/json",
    )
    if response.not_modified:
        # 304: nothing to store; the stored validators stay (a 304 need not repeat them).
        return PollResult([], complete=True, not_modified=True)
    warnings: list[str] = []
    items = parse(response.body, ctx.config.region, ctx.now, known=ctx.known, warnings=warnings)
    return PollResult(items, complete=True, etag=response.etag,
                      last_modified=response.last_modified, warnings=warnings)
