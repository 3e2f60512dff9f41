"""SMHI impact-based warnings (IBWW): every warning area that concerns the county, as items.

Upstream: ``GET .../ibww/api/version/1/warning.json``, a bare JSON array of every current warning
in Sweden (format notes: ``tests/fixtures/smhi/README.md``). :func:`parse` is pure
(bytes and a :class:`~feeder.sources.base.ParseContext` in, items and warnings out);
:class:`SmhiSource` polls through the shared :class:`~feeder.fetch.Fetcher`.

What becomes an item
    One item per *warning area* whose ``affectedAreas[].id`` equals ``region.county_id``. Names and
    geometry are never used: sea district 43 (Norra Bottenhavet) overlaps Västernorrland's polygon
    but is not the county. Id ``smhi:<warningId>-<warningAreaId>``, stable across updates.
    A warning area already past its ``approximateEnd`` at the context's ``now`` is left out (it
    is over; the store does not end an item that simply expired).

Fields
    level        ``warningLevel.code`` through :func:`feeder.ladder.for_smhi`; an unknown code is
                 kept at ``warning`` and reported as a poll warning (logged), never dropped.
    title        fire risk (event ``FIRE``, or sub-type ``FOREST_FIRE`` / ``GRASS_FIRE``):
                 ``eventDescription.sv + " i " + region.name`` ("Risk för skogsbrand i
                 Västernorrlands län"); anything else: ``"<level>: <eventDescription.sv> –
                 <areaName.sv>"`` ("Orange varning: Vind – Västernorrlands län, kustland"), where
                 level is Meddelande / Gul varning / Orange varning / Röd varning. Plain text.
    body         SMHI's description texts, unaltered, one section each in SMHI's order, headed by
                 their Swedish title (sections are identified by ``title.code``, which is stable
                 where the wording is not; warning-wide descriptions whose code the area does not
                 already have follow). Then the approximate validity in Swedish time, then
                 "Källa: SMHI" linking SMHI's warnings page.
    summary      the ``INCIDENT`` text (else the first section's), unaltered.
    url          https://www.smhi.se/vader/varningar-och-brandrisk/varningar-och-meddelanden
    credit       "SMHI" (SMHI's terms: texts unchanged, SMHI named as source).
    starts       ``approximateStart``;  expires: ``approximateEnd`` (absent or null = open-ended).
    updated      ``published`` (changes on every upstream update);  published: ``created``.
    areas        ``[]``: the whole county (SMHI names counties, not municipalities).

Bad input (decided here)
    A body that is not a JSON array of warnings (empty, an HTML "service window" page served with
    status 200, non-UTF-8, invalid or truncated JSON, an object instead of an array) is a
    :class:`~feeder.errors.SourceError` naming the problem: the poll fails, nothing is stored,
    ended or rewritten. An empty array ``[]`` is a good answer (no warnings anywhere in Sweden):
    every running SMHI item is ended.

    A malformed warning inside an otherwise good array:

    * a warning whose ``warningAreas[].affectedAreas[].id`` can be read and do not include the
      county is none of our business and is not validated further (we do not fail Västernorrland
      because of a typo in Skåne's warning);
    * if it concerns the county, or if we cannot tell whether it does (no readable
      ``warningAreas`` / ``affectedAreas``), the **whole poll fails** with a SourceError naming
      the warning, the area and the field.

    Rationale: skipping such a warning while marking the list complete would *end* its previous
    version although SMHI still publishes it; marking the result incomplete instead would keep
    the source "ok" forever while we silently ignore what SMHI says about the county (a format
    change would never show up as a failure, nor turn the source stale). Failing keeps every
    stored item as it was (the banner keeps its alert until its own end time), records the
    reason, and after ``stale_after`` marks the source stale in every output.

    Two areas with the same ids: the one published last is kept, with a poll warning.

Unchanged polls
    ``304 Not Modified`` → ``PollResult(not_modified=True)``. A 200 whose body is byte-identical
    to the last one parsed by this process (same URL and region) is also reported as not
    modified, without parsing, provided the store still holds exactly the items that body gave
    (checked by content hash against ``ctx.known``, so a different database or an edit cannot be
    masked). The memo belongs to the :class:`SmhiSource` instance (one per configured source,
    so one per process in ``feeder run``) and holds one entry per (URL, region): the last body
    itself (compared byte for byte) and its items' content hashes.
"""

from __future__ import annotations

import html
import json
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..errors import SourceError
from ..ladder import for_smhi
from ..lifecycle import state_of
from ..model import Item
from ..text import paragraphs, plain_text, sanitize_html
from ..timeutil import parse_iso, swedish
from .base import ParseContext, Parsed, PollContext, PollResult, SourceBase, SourceSpec

if TYPE_CHECKING:
    from ..config import Region, SourceConfig

__all__ = ["SPEC", "WARNINGS_PAGE", "SmhiSource", "parse"]

SOURCE = "smhi"
CREDIT = "SMHI"
WARNINGS_PAGE = "https://www.smhi.se/vader/varningar-och-brandrisk/varningar-och-meddelanden"
FIRE_EVENT = "FIRE"
FIRE_KINDS = frozenset({"FOREST_FIRE", "GRASS_FIRE"})
LEVEL_PREFIX = {
    "MESSAGE": "Meddelande",
    "YELLOW": "Gul varning",
    "ORANGE": "Orange varning",
    "RED": "Röd varning",
}
SUMMARY_CODE = "INCIDENT"

SPEC = SourceSpec(
    name=SOURCE,
    title="SMHI impact-based warnings (IBWW)",
    display_name=CREDIT,
    url="https://opendata-download-warnings.smhi.se/ibww/api/version/1/warning.json",
    interval=120,
    enabled_by_default=True,
)


# --------------------------------------------------------------------------------- parsing


def parse(body: bytes, ctx: ParseContext) -> Parsed[Item]:
    """The county's current warning areas as items, and the problems that did not fail the parse
    (see the module docstring). Uses ``ctx.region`` and ``ctx.now``.

    Raises :class:`SourceError` for a body that cannot be trusted.
    """
    region, now = ctx.region, ctx.now
    data = _decode(body)
    if not isinstance(data, list):
        raise SourceError(SOURCE, f"expected a JSON array of warnings, got {_kind(data)}")
    warnings: list[str] = []
    found: dict[str, Item] = {}
    for index, raw in enumerate(data):
        try:
            items = _warning_items(raw, region, now, warnings)
        except _Malformed as exc:
            raise SourceError(SOURCE, f"{_where(raw, index)}: {exc}") from exc
        for item in items:
            old = found.get(item.id)
            if old is not None:
                warnings.append(f"{item.id} appears twice; kept the one published last")
                if old.updated > item.updated:
                    continue
            found[item.id] = item
    return Parsed(items=[found[k] for k in sorted(found)], warnings=warnings)


class _Malformed(ValueError):
    """A warning that concerns (or may concern) the county has the wrong shape."""


def _decode(body: bytes) -> Any:
    text = body.lstrip()
    if not text:
        raise SourceError(SOURCE, "empty response (expected a JSON array of warnings)")
    if text[:1] == b"<":
        title = re.search(rb"<title[^>]*>(.*?)</title>", text[:20_000], re.I | re.S)
        named = ""
        if title:
            named = " ".join(html.unescape(title.group(1).decode("utf-8", "replace")).split())
            named = f" ({named[:100]!r})" if named else ""
        raise SourceError(
            SOURCE, f"got an HTML page{named} instead of JSON: SMHI may be in a service window"
        )
    try:
        return json.loads(body)
    except UnicodeDecodeError as exc:
        raise SourceError(SOURCE, f"response is not UTF-8 text (byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        if exc.pos >= len(exc.doc.rstrip()):
            raise SourceError(
                SOURCE, f"truncated JSON: the document stops after {len(exc.doc)} characters"
                " before it is complete"
            ) from exc
        raise SourceError(
            SOURCE, f"response is not valid JSON: {exc.msg} at line {exc.lineno}"
            f" column {exc.colno}"
        ) from exc
    except RecursionError as exc:
        raise SourceError(SOURCE, "response JSON is nested too deeply") from exc


def _where(raw: object, index: int) -> str:
    wid = raw.get("id") if isinstance(raw, dict) else None
    return f"warning [{index}]" + (f" (id {wid})" if isinstance(wid, int | str) else "")


def _warning_items(
    raw: object, region: Region, now: datetime, warnings: list[str]
) -> list[Item]:
    warning = _object(raw, "")
    areas = _get(warning, "warningAreas", list, "")
    # First find the areas that concern the county; a shape error here means "cannot tell".
    ours: list[tuple[int, dict[str, Any]]] = []
    for a_index, raw_area in enumerate(areas):
        where = f"warningAreas[{a_index}]"
        area = _object(raw_area, where)
        affected = _get(area, "affectedAreas", list, where)
        ids = set()
        for f_index, raw_affected in enumerate(affected):
            fwhere = f"{where}.affectedAreas[{f_index}]"
            ids.add(_get(_object(raw_affected, fwhere), "id", int, fwhere))
        if region.county_id in ids:
            ours.append((a_index, area))
    if not ours:
        return []
    wid = _get(warning, "id", int, "")
    event = _object(_get(warning, "event", dict, ""), "event")
    event_code = _get(event, "code", str, "event")
    event_sv = event["sv"] if isinstance(event.get("sv"), str) else ""
    shared = _descriptions(warning.get("descriptions") or [], "descriptions")
    items: list[Item] = []
    for a_index, area in ours:
        item = _area_item(wid, (event_code, event_sv), shared, area,
                          f"warningAreas[{a_index}]", region, warnings)
        if item.expires is not None and item.expires <= now:
            continue
        items.append(item)
    return items


def _area_item(
    wid: int,
    event: tuple[str, str],
    shared: list[tuple[str, str, str]],
    area: dict[str, Any],
    where: str,
    region: Region,
    warnings: list[str],
) -> Item:
    aid = _get(area, "id", int, where)
    item_id = f"smhi:{wid}-{aid}"
    level_obj = _get(area, "warningLevel", dict, where)
    level_code = _get(level_obj, "code", str, f"{where}.warningLevel")
    ranking = for_smhi(level_code)
    if level_code.upper() not in LEVEL_PREFIX:
        warnings.append(f"{item_id}: {ranking.reason}")
    kind_obj = _get(area, "eventDescription", dict, where)
    kind_sv = _get(kind_obj, "sv", str, f"{where}.eventDescription")
    kind_code = _get(kind_obj, "code", str, f"{where}.eventDescription")
    area_name = _get(_get(area, "areaName", dict, where), "sv", str, f"{where}.areaName")
    starts = _time(area, "approximateStart", where)
    expires = _optional_time(area, "approximateEnd", where)
    updated = _time(area, "published", where)
    published = _time(area, "created", where)
    sections = _descriptions(_get(area, "descriptions", list, where), f"{where}.descriptions")
    have = {code for code, _, _ in sections}
    sections += [s for s in shared if s[0] not in have]

    event_code, event_sv = event
    kind = plain_text(kind_sv) or plain_text(event_sv) or kind_code  # never an empty title
    fire = event_code.upper() == FIRE_EVENT or kind_code.upper() in FIRE_KINDS
    if fire:
        if kind_code.upper() not in FIRE_KINDS:
            warnings.append(f"{item_id}: fire-risk sub-type {kind_code!r} is unknown;"
                            " titled from its Swedish name")
        title = f"{kind} i {region.name}"
    else:
        level_sv = level_obj.get("sv") if isinstance(level_obj.get("sv"), str) else ""
        prefix = LEVEL_PREFIX.get(level_code.upper()) or plain_text(level_sv) or "Varning"
        place = plain_text(area_name) or region.name
        title = f"{prefix}: {kind} – {place}"

    summary = next((text for code, _, text in sections if code == SUMMARY_CODE), "")
    if not summary and sections:
        summary = sections[0][2]
    return Item(
        id=item_id,
        source=SOURCE,
        level=ranking.level,
        level_reason=ranking.reason,
        title=title,
        body=_body(sections, starts, expires),
        summary=summary.strip(),
        url=WARNINGS_PAGE,
        credit=CREDIT,
        published=published,
        updated=updated,
        onset=starts,
        expires=expires,
        areas=(),
    )


def _descriptions(raw: object, where: str) -> list[tuple[str, str, str]]:
    """``(title.code, title.sv, text.sv)`` for each description, in SMHI's order."""
    if not isinstance(raw, list):
        raise _Malformed(f"{where}: expected a list, got {_kind(raw)}")
    out: list[tuple[str, str, str]] = []
    for index, entry in enumerate(raw):
        here = f"{where}[{index}]"
        obj = _object(entry, here)
        title = _get(obj, "title", dict, here)
        code = _get(title, "code", str, f"{here}.title")
        heading = _get(title, "sv", str, f"{here}.title")
        text = _get(_get(obj, "text", dict, here), "sv", str, f"{here}.text")
        if text.strip():
            out.append((code, heading, text))
    return out


def _body(
    sections: list[tuple[str, str, str]], starts: datetime, expires: datetime | None
) -> str:
    parts = [
        f"<h3>{html.escape(plain_text(heading), quote=False)}</h3>{paragraphs(text)}"
        for _, heading, text in sections
    ]
    until = f"till {swedish(expires)}" if expires is not None else "tills vidare"
    parts.append(f"<p>Giltighetstid (ungefärlig): från {swedish(starts)} {until}.</p>")
    parts.append(f'<p>Källa: <a href="{WARNINGS_PAGE}">SMHI</a></p>')
    return sanitize_html("".join(parts))


# --------------------------------------------------------------------------------- shape checks


def _object(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Malformed(f"{where or 'warning'}: expected an object, got {_kind(value)}")
    return value


def _get(obj: dict[str, Any], key: str, kind: type, where: str) -> Any:
    path = f"{where}.{key}" if where else key
    if key not in obj or obj[key] is None:
        raise _Malformed(f"{path}: missing")
    value = obj[key]
    if isinstance(value, bool) or not isinstance(value, kind):
        raise _Malformed(f"{path}: expected {_kind_name(kind)}, got {_kind(value)}")
    return value


def _time(obj: dict[str, Any], key: str, where: str) -> datetime:
    value = _get(obj, key, str, where)
    try:
        return parse_iso(value).replace(microsecond=0)
    except ValueError as exc:
        raise _Malformed(f"{where}.{key}: not an ISO 8601 time: {value[:40]!r}") from exc


def _optional_time(obj: dict[str, Any], key: str, where: str) -> datetime | None:
    """A time that may be absent or null (``approximateEnd`` of an open-ended message)."""
    return None if obj.get(key) is None else _time(obj, key, where)


def _kind(value: object) -> str:
    return {
        dict: "an object", list: "an array", str: "a string", int: "a number",
        float: "a number", bool: "a boolean", type(None): "null",
    }.get(type(value), type(value).__name__)


def _kind_name(kind: type) -> str:
    return {dict: "an object", list: "an array", str: "a string", int: "an integer"}.get(
        kind, kind.__name__
    )


# --------------------------------------------------------------------------------- polling


@dataclass(frozen=True)
class _Seen:
    body: bytes
    """The last body parsed (compared byte for byte: faster than hashing it, and exact)."""
    hashes: dict[str, str]
    """id → content hash of the items it gave."""
    warnings: list[str]


class SmhiSource(SourceBase):
    """The SMHI warnings source. Remembers the last body it parsed (see "Unchanged polls")."""

    spec = SPEC

    def __init__(self, config: SourceConfig) -> None:
        super().__init__(config)
        self._memo: dict[tuple[str, int, str], _Seen] = {}
        self._lock = threading.Lock()

    def poll(self, ctx: PollContext) -> PollResult:
        """Fetch the warning list (conditionally) and parse it. The list is always complete."""
        response = ctx.conditional_get(ctx.source.url, accept="application/json")
        if response.not_modified:
            return PollResult(items=[], complete=True, not_modified=True)
        region = ctx.config.region
        key = (ctx.source.url, region.county_id, region.name)
        with self._lock:
            seen = self._memo.get(key)
        if (seen is not None and seen.body == response.body
                and _still_stored(seen, ctx.known, ctx.now)):
            return PollResult(
                items=[], complete=True, not_modified=True,
                etag=response.etag, last_modified=response.last_modified,
                warnings=list(seen.warnings),
            )
        parsed = parse(response.body, ctx.parse_context(response.url))
        with self._lock:
            self._memo[key] = _Seen(response.body,
                                    {i.id: i.content_hash() for i in parsed.items},
                                    list(parsed.warnings))
        return PollResult(
            items=parsed.items,
            complete=True,
            etag=response.etag,
            last_modified=response.last_modified,
            warnings=list(parsed.warnings),
        )


def _still_stored(seen: _Seen, known: Mapping[str, Item], now: datetime) -> bool:
    """The store holds exactly what the remembered body gave: a re-poll would change nothing."""
    for item_id, digest in seen.hashes.items():
        item = known.get(item_id)
        if item is None or item.ended is not None or item.withdrawn:
            return False
        if item.content_hash() != digest:
            return False
    for item in known.values():
        if item.id not in seen.hashes and not state_of(item, now).over:
            return False  # a full poll would end it
    return True
