"""Reading SMHI's warnings leniently: what an item needs, what may fall back, what is broken.

Real warning areas come without ``created``, without ``areaName``, without English texts or
descriptions. :func:`read_warning` requires only what truthful publishing needs and lets the
rest fall back, with a note:

required (else the area is *broken*: skipped, its last stored version kept)
    the warning's ``id``, the area's ``id``, readable ``affectedAreas``, ``warningLevel.code``,
    an event code (``eventDescription.code`` or the warning's ``event.code``), and a start or a
    publication time (``approximateStart``, ``published`` or ``created``). A time that is given
    but unreadable or outside the years 1970–2999 is broken too.
optional (a note in the poll's warnings where a fallback is used)
    ``created`` → ``published``; ``published`` → ``created`` (else the stored version's time,
    else the start, never after the poll); ``areaName`` → the county's name; Swedish event names
    → the event code; ``descriptions`` (a malformed section is left out).

Whether an area concerns the county is read from ``affectedAreas[].id`` only (never names or
geometry). A warning or area whose ids cannot be read cannot be told apart from ours: it is
reported, and the stored items it might be are kept (``still_listed``), never ended.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..model import Item
from .jsonapi import BrokenTime, read_time

__all__ = ["Area", "Broken", "Reading", "read_warning"]

SOURCE = "smhi"


class Broken(ValueError):
    """An area of the county that cannot be published truthfully (an essential field)."""


@dataclass(frozen=True)
class Area:
    """One warning area of the county, read: every field an item is built from."""

    item_id: str
    level_code: str
    level_sv: str
    event_code: str
    event_sv: str
    kind_code: str
    kind_sv: str
    area_name: str
    starts: datetime | None
    ends: datetime | None
    published: datetime | None
    """SMHI's ``published`` (this version's publication), else ``created``."""
    created: datetime | None
    sections: list[tuple[str, str, str]]
    """``(title.code, title.sv, text.sv)`` of the area's descriptions, then the warning's."""


@dataclass
class Reading:
    """What one poll has read so far (shared by every warning of the list)."""

    county: int
    known: Mapping[str, Item]
    notes: list[str] = field(default_factory=list)
    still_listed: set[str] = field(default_factory=set)
    """Stored ids that a broken (or unidentifiable) warning area may be: not to be ended."""

    def keep(self, prefix: str, why: str, *, exact: bool = False) -> None:
        """Keep every stored, running item whose id starts with ``prefix`` (is ``prefix``, when
        ``exact``), and say why."""
        kept = sorted(i for i, item in self.known.items()
                      if (i == prefix if exact else i.startswith(prefix))
                      and item.ended is None)
        self.still_listed.update(kept)
        if kept:
            why += f"; kept as stored: {', '.join(kept)}"
        self.notes.append(why)


def read_warning(raw: object, index: int, reading: Reading) -> list[Area]:
    """The areas of one warning that concern the county (skipping the broken ones, with notes)."""
    where = f"warning [{index}]"
    if not isinstance(raw, dict):
        reading.keep(f"{SOURCE}:", f"{where} is {_kind(raw)}, not a warning: cannot tell"
                                   " whether it concerns the county; skipped")
        return []
    wid = _ident(raw.get("id"))
    if wid is not None:
        where += f" (id {wid})"
    prefix = f"{SOURCE}:{wid}-" if wid is not None else f"{SOURCE}:"
    areas = raw.get("warningAreas")
    if not isinstance(areas, list):
        reading.keep(prefix, f"{where}: warningAreas is {_kind(areas)}, expected an array:"
                             " cannot tell whether it concerns the county; skipped")
        return []
    ours: list[tuple[str, dict[str, Any]]] = []
    for a_index, area in enumerate(areas):
        here = f"{where}.warningAreas[{a_index}]"
        concerns = _concerns(area, reading.county)
        if concerns is None:
            aid = _ident(area.get("id")) if isinstance(area, dict) else None
            known_area = wid is not None and aid is not None
            reading.keep(f"{prefix}{aid}" if known_area else prefix,
                         f"{here}: affectedAreas cannot be read: cannot tell whether it"
                         " concerns the county; skipped", exact=known_area)
        elif concerns:
            ours.append((here, area))
    if not ours:
        return []
    if wid is None:
        reading.keep(prefix, f"{where}: the warning's id is missing or not a number;"
                             " its areas for the county are skipped")
        return []
    event: dict[str, Any] = raw["event"] if isinstance(raw.get("event"), dict) else {}
    shared = _sections(raw.get("descriptions"), f"{where}.descriptions", reading.notes,
                       optional=True)
    out: list[Area] = []
    for here, area in ours:
        aid = _ident(area.get("id"))
        if aid is None:
            reading.keep(prefix, f"{here}: the area's id is missing or not a number; skipped")
            continue
        item_id = f"{SOURCE}:{wid}-{aid}"
        try:
            out.append(_area(item_id, here, area, event, shared, reading.notes))
        except (Broken, BrokenTime) as exc:
            reading.keep(item_id, f"{item_id} ({here}) skipped: {exc}", exact=True)
            reading.still_listed.add(item_id)
    return out


def _area(
    item_id: str,
    where: str,
    area: dict[str, Any],
    event: dict[str, Any],
    shared: list[tuple[str, str, str]],
    notes: list[str],
) -> Area:
    level = area.get("warningLevel")
    level_code = _text(level.get("code")) if isinstance(level, dict) else ""
    if not level_code:
        raise Broken("warningLevel.code is missing")
    kind: dict[str, Any] = (area["eventDescription"]
                            if isinstance(area.get("eventDescription"), dict) else {})
    kind_code, event_code = _text(kind.get("code")), _text(event.get("code"))
    if not kind_code and not event_code:
        raise Broken("no event code (eventDescription.code nor event.code)")
    starts = read_time(area, "approximateStart")
    ends = read_time(area, "approximateEnd")
    published = read_time(area, "published")
    created = read_time(area, "created")
    if starts is None and published is None and created is None:
        raise Broken("no start and no publication time (approximateStart, published, created)")
    if created is None:
        notes.append(f"{item_id}: no 'created'; its first publication is taken from"
                     " 'published'")
    if published is None and created is not None:
        notes.append(f"{item_id}: no 'published'; 'created' is its publication time")
        published = created
    if starts is None:
        notes.append(f"{item_id}: no 'approximateStart'; in force from its publication")
    name = area.get("areaName")
    area_name = _text(name.get("sv")) if isinstance(name, dict) else ""
    if not area_name:
        notes.append(f"{item_id}: no 'areaName'; the county's name is used")
    sections = _sections(area.get("descriptions"), f"{item_id} descriptions", notes,
                         optional=True)
    have = {code for code, _, _ in sections}
    return Area(
        item_id=item_id,
        level_code=level_code,
        level_sv=_text(level.get("sv")) if isinstance(level, dict) else "",
        event_code=event_code,
        event_sv=_text(event.get("sv")),
        kind_code=kind_code,
        kind_sv=_text(kind.get("sv")),
        area_name=area_name,
        starts=_second(starts),
        ends=_second(ends),
        published=_second(published),
        created=_second(created),
        sections=sections + [s for s in shared if s[0] not in have],
    )


def _concerns(area: object, county: int) -> bool | None:
    """Whether the area's ``affectedAreas`` hold the county; None when that cannot be told (no
    readable list, or an unreadable id among ids that are not the county)."""
    if not isinstance(area, dict) or not isinstance(area.get("affectedAreas"), list):
        return None
    unreadable = False
    for affected in area["affectedAreas"]:
        value = _ident(affected.get("id")) if isinstance(affected, dict) else None
        if value is None:
            unreadable = True
        elif value == county:
            return True
    return None if unreadable else False


def _sections(
    raw: object, where: str, notes: list[str], *, optional: bool
) -> list[tuple[str, str, str]]:
    """``(title.code, title.sv, text.sv)`` of each readable description, in SMHI's order; a
    malformed one is left out with a note."""
    if raw is None and optional:
        return []
    if not isinstance(raw, list):
        notes.append(f"{where}: {_kind(raw)}, expected an array; no description texts")
        return []
    out: list[tuple[str, str, str]] = []
    for index, entry in enumerate(raw):
        title = entry.get("title") if isinstance(entry, dict) else None
        text = entry.get("text") if isinstance(entry, dict) else None
        body = _text(text.get("sv")) if isinstance(text, dict) else ""
        if not isinstance(title, dict) or not isinstance(text, dict):
            notes.append(f"{where}[{index}]: no title or text object; left out")
            continue
        if body.strip():
            out.append((_text(title.get("code")), _text(title.get("sv")), body))
    return out


def _ident(value: object) -> int | None:
    """An SMHI id: an integer (or a string of digits, as a lax encoder may write it)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _second(value: datetime | None) -> datetime | None:
    return value.replace(microsecond=0) if value is not None else None


def _kind(value: object) -> str:
    return {
        dict: "an object", list: "an array", str: "a string", int: "a number",
        float: "a number", bool: "a boolean", type(None): "null",
    }.get(type(value), type(value).__name__)
