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
    onset        ``approximateStart`` (CAP's *onset*: when the event begins; absent = in force
                 from its publication);  expires: ``approximateEnd`` (absent or null =
                 open-ended).
    effective    SMHI's ``published`` (CAP's *effective*: SMHI has issued it, so it is in the
                 feeds at once, and in the banner as upcoming before its onset), never later
                 than the poll that saw it (a clock ahead of ours cannot hide it) nor than the
                 stored version's (an update never hides an item already shown).
    updated      ``published`` (changes on every upstream update);  published: ``created``.
    areas        ``[]``: the whole county (SMHI names counties, not municipalities).

Lenient reading (:mod:`feeder.sources.smhi_read`)
    Only what truthful publishing needs is required: the warning's and the area's ids, readable
    ``affectedAreas``, ``warningLevel.code``, an event code and a start or publication time.
    The rest falls back with a note in the poll's warnings (``created`` → ``published``, no
    ``areaName`` → the county's name, no descriptions → no sections). Every string has passed
    the hygiene step (:func:`feeder.sources.jsonapi.clean_tree`) before it is read.

Bad input (decided here)
    A body that is not a JSON array of warnings (empty, an HTML "service window" page served with
    status 200, non-UTF-8, invalid or truncated JSON, an object instead of an array) is a
    :class:`~feeder.errors.SourceError` naming the problem: the poll fails, nothing is stored,
    ended or rewritten. An empty array ``[]`` is a good answer (no warnings anywhere in Sweden):
    every running SMHI item is ended.

    A malformed warning inside an otherwise good array:

    * a warning whose ``warningAreas[].affectedAreas[].id`` can be read and do not include the
      county is none of our business and is not validated further (we do not skip anything of
      Västernorrland's because of a typo in Skåne's warning);
    * a warning area of the county broken in an essential field (a time given but unreadable or
      outside the years 1970–2999 included) is **skipped with a warning**, and the rest of the
      list is stored. Its id goes into ``Parsed.still_listed``, so the poll does not end it:
      the skipped item keeps its last good version (SMHI still lists it; we cannot read this
      version). A warning or area that cannot be identified, or whose ``affectedAreas`` cannot
      be read (we cannot tell whether it is ours), keeps every stored item it might be (those
      of its warning id; all of them without one).

    Rationale: one odd field must never stop the county's other warnings (nor a withdrawal of
    another one) from being published, and a skipped area must never be reported as withdrawn.
    Every skip is a poll warning, logged at each poll while SMHI keeps the broken version.

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
from ..text import clean_text, paragraphs, plain_text, sanitize_html
from ..timeutil import swedish
from .base import ParseContext, Parsed, PollContext, PollResult, SourceBase, SourceSpec
from .jsonapi import loads
from .smhi_read import Area, Reading, read_warning

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
    (see the module docstring). Uses ``ctx.region``, ``ctx.now`` and ``ctx.known`` (the stored
    items keep their first publication and effective times, and a broken area its stored
    version).

    Raises :class:`SourceError` for a body that cannot be trusted as a whole.
    """
    region, now = ctx.region, ctx.now
    data = _decode(body)
    if not isinstance(data, list):
        raise SourceError(SOURCE, f"expected a JSON array of warnings, got {_kind(data)}")
    reading = Reading(region.county_id, ctx.known)
    found: dict[str, Item] = {}
    for index, raw in enumerate(data):
        for area in read_warning(raw, index, reading):
            item = _item(area, region, now, ctx.known.get(area.item_id), reading.notes)
            if item.expires is not None and item.expires <= now:
                continue
            old = found.get(item.id)
            if old is not None:
                reading.notes.append(f"{item.id} appears twice; kept the one published last")
                if old.updated > item.updated:
                    continue
            found[item.id] = item
    still = sorted(reading.still_listed - set(found))
    return Parsed([found[k] for k in sorted(found)], reading.notes, still)


def _decode(body: bytes) -> Any:
    text = body.lstrip()
    if not text:
        raise SourceError(SOURCE, "empty response (expected a JSON array of warnings)")
    if text[:1] == b"<":
        title = re.search(rb"<title[^>]*>(.*?)</title>", text[:20_000], re.I | re.S)
        named = ""
        if title:
            named = " ".join(html.unescape(title.group(1).decode("utf-8", "replace")).split())
            named = f" ({clean_text(named)[:100]!r})" if named else ""
        raise SourceError(
            SOURCE, f"got an HTML page{named} instead of JSON: SMHI may be in a service window"
        )
    try:
        return loads(body.decode("utf-8-sig"))
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


def _item(
    area: Area, region: Region, now: datetime, stored: Item | None, warnings: list[str]
) -> Item:
    item_id = area.item_id
    ranking = for_smhi(area.level_code)
    if area.level_code.upper() not in LEVEL_PREFIX:
        warnings.append(f"{item_id}: {ranking.reason}")
    # This version's publication time; without one (only a start given), the stored one, else
    # the start, never later than this poll.
    updated = area.published or (stored.updated if stored is not None else None) or min(
        area.starts or now, now)
    first = area.created or updated
    if area.created is None and stored is not None:
        first = min(first, stored.published)
    effective = min(updated, now)
    if stored is not None and stored.effective is not None:
        effective = min(effective, stored.effective)

    kind = (plain_text(area.kind_sv) or plain_text(area.event_sv)
            or area.kind_code or area.event_code)  # never an empty title
    fire = area.event_code.upper() == FIRE_EVENT or area.kind_code.upper() in FIRE_KINDS
    if fire:
        if area.kind_code.upper() not in FIRE_KINDS:
            warnings.append(f"{item_id}: fire-risk sub-type {area.kind_code!r} is unknown;"
                            " titled from its Swedish name")
        title = f"{kind} i {region.name}"
    else:
        prefix = (LEVEL_PREFIX.get(area.level_code.upper()) or plain_text(area.level_sv)
                  or "Varning")
        place = plain_text(area.area_name) or region.name
        title = f"{prefix}: {kind} – {place}"

    sections = area.sections
    summary = next((text for code, _, text in sections if code == SUMMARY_CODE), "")
    if not summary and sections:
        summary = sections[0][2]
    return Item(
        id=item_id,
        source=SOURCE,
        level=ranking.level,
        level_reason=ranking.reason,
        title=title,
        body=_body(sections, area.starts or effective, area.ends),
        summary=summary.strip(),
        url=WARNINGS_PAGE,
        credit=CREDIT,
        published=min(first, updated),
        updated=updated,
        effective=effective,
        onset=area.starts,
        expires=area.ends,
        areas=(),
    )


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


def _kind(value: object) -> str:
    return {
        dict: "an object", list: "an array", str: "a string", int: "a number",
        float: "a number", bool: "a boolean", type(None): "null",
    }.get(type(value), type(value).__name__)


# --------------------------------------------------------------------------------- polling


@dataclass(frozen=True)
class _Seen:
    body: bytes
    """The last body parsed (compared byte for byte: faster than hashing it, and exact)."""
    hashes: dict[str, str]
    """id → content hash of the items it gave."""
    warnings: list[str]
    still_listed: list[str]
    """The ids of broken areas it listed (kept as stored, not ended)."""


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
                warnings=list(seen.warnings), still_listed=list(seen.still_listed),
            )
        parsed = parse(response.body, ctx.parse_context(response.url))
        with self._lock:
            self._memo[key] = _Seen(response.body,
                                    {i.id: i.content_hash() for i in parsed.items},
                                    list(parsed.warnings), list(parsed.still_listed))
        return PollResult(
            items=parsed.items,
            complete=True,
            etag=response.etag,
            last_modified=response.last_modified,
            warnings=list(parsed.warnings),
            still_listed=list(parsed.still_listed),
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
        if (item.id not in seen.hashes and item.id not in seen.still_listed
                and not state_of(item, now).over):
            return False  # a full poll would end it
    return True
