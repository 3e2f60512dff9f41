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
- An ended VMA stays ended (``SPEC.reopen`` is :attr:`~feeder.model.Reopen.NEWER`): when a
  lagging cache lists the cancelled (or vanished) message again with the same or an older
  ``sent``, the store keeps it ended; only a newer message (an Update or Alert with a later
  ``sent``, so a later ``updated``) re-opens it.
- Times (CAP's): *effective* is the first message's ``sent`` (never later than the poll that
  saw it); *onset* is the info block's ``onset`` when given (else None: it has begun);
  ``expires`` the info block's. A time that is given but unreadable or outside the years
  1970–2999 makes the message unreadable (skipped with a warning, see below).
- Title: the ``headline``; Sveriges Radio's real messages have none, so the first sentence of
  the ``description`` (it names the place), plain text, at most 200 characters; then the event
  name. ``web`` arrives HTML-escaped (``&amp;``) and is decoded exactly once.
- Krisinformation's ``{0}``, ``{1}`` ... are filled from ``BodyLinks`` and relative links made
  absolute (as for its news, :mod:`feeder.sources.krisinformation`).
- An empty list is the normal "no VMA" state: every running VMA item is ended.
- Not JSON, or not one of the two shapes: :class:`SourceError` naming the source ``vma``. Entries
  that cannot be read (no identifier, no ``status``, no text, no readable area) are skipped with
  a warning, and then the list proves nothing about the VMAs it does not list: running ones are
  kept, not ended (cancels still apply). If none of a non-empty list can be read, the poll fails
  (the layout changed) and stored VMAs stay as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ..errors import LayoutChangedError
from ..ladder import for_vma
from ..model import Item, Reopen
from . import areas as area_rules
from .base import ParseContext, Parsed, PollContext, PollResult, SourceBase, SourceSpec
from .jsonapi import decode, with_query
from .vma_messages import ALERT, CANCEL, UPDATE, Ignored, Message, Skip, read

if TYPE_CHECKING:
    from ..config import Region

__all__ = ["SPEC", "VmaSource", "parse", "request_url"]

SOURCE = "vma"
SPEC = SourceSpec(
    name=SOURCE,
    title='VMA, "Viktigt meddelande till allmänheten" (Sveriges Radio\'s VMA API)',
    display_name="Sveriges Radio (VMA)",
    url="https://vmaapi.sr.se/api/v3/alerts",
    interval=60,
    reopen=Reopen.NEWER,
)
_NEVER = datetime.min.replace(tzinfo=UTC)
_KIND_RANK = {ALERT: 0, UPDATE: 1}


# ------------------------------------------------------------------------------------ parsing


def parse(body: bytes, ctx: ParseContext) -> Parsed[Item]:
    """The VMAs in ``body`` that concern ``ctx.region``, as items (sorted by id), and the
    problems that did not fail the parse.

    ``ctx.known`` (the stored VMA items by id) keeps an item's first publication time when only
    an update is still listed, and resolves updates whose original is no longer listed.
    ``ctx.now`` is used only when a message carries no readable time at all.
    """
    warnings: list[str] = []
    entries = _entries(decode(body, SOURCE))

    messages: list[Message] = []
    skipped: list[str] = []
    for index, raw in enumerate(entries):
        try:
            messages.append(read(raw, index))
        except Ignored:
            continue
        except Skip as exc:
            skipped.append(str(exc))
    warnings.extend(skipped)
    if entries and skipped and len(skipped) == len(entries):
        raise LayoutChangedError(
            SOURCE, f"none of the {len(entries)} messages could be read: {skipped[0]}"
        )
    for message in messages:
        warnings.extend(message.problems)
    items = _resolve(messages, ctx.region, ctx.now, ctx.known, warnings, partial=bool(skipped))
    return Parsed(items, warnings)


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


# ------------------------------------------------------------------------------ resolution


def _resolve(
    messages: list[Message],
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
    by_id: dict[str, Message] = {}
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
    groups: dict[str, list[Message]] = {}
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


def _key(message: Message) -> tuple[datetime, int, int]:
    """Which of two messages is the later: by ``sent``, an update after an alert, list order."""
    return (message.sent or _NEVER, _KIND_RANK.get(message.kind, 0), message.order)


def _item(
    root: str,
    group: list[Message],
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
    # CAP's effective is the first message's `sent`: published at once, never hidden later by
    # a clock ahead of ours or by an update.
    effective = min(published, now)
    if stored is not None and stored.effective is not None:
        effective = min(effective, stored.effective)
    return Item(
        id=f"{SOURCE}:{root}",
        source=SOURCE,
        level=ranking.level,
        level_reason=ranking.reason,
        title=content.title,
        body=content.body,
        summary=content.summary,
        url=content.url,
        credit=content.credit,
        published=published,
        updated=max(updated, published),
        effective=effective,
        onset=content.onset,
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


class VmaSource(SourceBase):
    """VMAs for the county. The list is complete: a VMA no longer listed has ended."""

    spec = SPEC

    def poll(self, ctx: PollContext) -> PollResult:
        response = ctx.conditional_get(request_url(ctx.source.url), accept="application/json")
        if response.not_modified:
            # 304: nothing to store; the stored validators stay (a 304 need not repeat them).
            return PollResult([], complete=True, not_modified=True)
        parsed = parse(response.body, ctx.parse_context(response.url))
        return PollResult(parsed.items, complete=True, etag=response.etag,
                          last_modified=response.last_modified, warnings=parsed.warnings)
