"""Krisinformation's news for the county (``https://api.krisinformation.se/v3/news``).

A JSON array of news entries (``Identifier``, ``Headline``, ``Preamble``, ``BodyText`` as HTML,
``Links``, ``Area: [{"Type", "Description"}]``, ``Web``, ``Published``, ``Updated``,
``IsTest``). Fixtures and notes: ``tests/fixtures/krisinformation/README.md``.

- The poll asks for ``counties=<county_id>`` and ``language=sv`` (added to the configured URL
  unless it already has them) and still checks every entry's ``Area`` itself: an entry is kept
  when it names the county, one of its municipalities or all of Sweden
  (:mod:`feeder.sources.areas`). An entry without any area is not known to concern the county
  and is left out.
- Areas: ``Country`` (all of Sweden) counts only when no county or municipality is named beside
  it; real entries carry ``Country: Sverige`` *and* the county they concern, and then concern
  that county alone (:func:`feeder.sources.areas.match`).
- Items are ranked at ``sources.krisinformation.level`` (default ``info``); the id is
  ``krisinformation:<Identifier>``, the link is ``Web``; the title is plain text, the body
  sanitised HTML (the preamble, the body text and the entry's links); Krisinformation is
  credited as the source. ``effective`` (CAP's) is ``Published``, never later than the poll.
- ``{0}``, ``{1}`` ... in ``BodyText`` are filled with links from ``BodyLinks[n]`` (its text and
  URL); a placeholder whose link is missing is dropped: no ``{n}`` is ever published. The
  ``BodyLinks`` no placeholder used follow the text, as the ``Links`` do. Relative links
  (``/nyheter/...``) are made absolute against ``https://www.krisinformation.se/``.
- Every string has passed the hygiene step (:func:`feeder.sources.jsonapi.clean_tree`); a time
  that is given but unreadable or outside the years 1970–2999 makes the entry unreadable.
- Test entries (``IsTest``) are never published.
- News is history: the result is not complete, so an entry that drops out of the list stays.
- Not JSON or not an array: :class:`SourceError` naming ``krisinformation``; an entry that
  cannot be read is skipped with a warning, and if none of a non-empty list can be read the
  poll fails (the layout changed). An empty array is a valid "no news".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..errors import LayoutChangedError
from ..ladder import Level
from ..model import Item
from ..text import body_html, paragraphs, plain_text, sanitize_html, shorten
from . import areas as area_rules
from .base import ParseContext, Parsed, PollContext, PollResult, Setting, SourceBase, SourceSpec
from .jsonapi import (
    BrokenTime,
    decode,
    fill_placeholders,
    http_url,
    links_html,
    read_time,
    truthy,
    with_query,
)

if TYPE_CHECKING:
    from ..config import Region

__all__ = ["LEVEL", "SPEC", "KrisinformationSource", "parse", "request_url"]

SOURCE = "krisinformation"
CREDIT = "Krisinformation"
SUMMARY_LIMIT = 300
SITE = "https://www.krisinformation.se/"
"""The base of relative links in Krisinformation's texts (``/nyheter/...``)."""

LEVEL = Setting(
    key="level",
    kind=Level,
    default=Level.INFO,
    doc="the level its news items get",
    accepts=(str, int),
    convert=Level.parse,
)
SPEC = SourceSpec(
    name=SOURCE,
    title="Krisinformation's news for the county",
    display_name=CREDIT,
    url="https://api.krisinformation.se/v3/news",
    interval=300,
    settings=(LEVEL,),
)


class _Skip(Exception):
    """An entry that cannot be read: skipped with a warning."""


def parse(body: bytes, ctx: ParseContext) -> Parsed[Item]:
    """The news entries in ``body`` that concern ``ctx.region``, as items ranked at the
    ``level`` setting, and the entries that could not be read (as warnings)."""
    region, level = ctx.region, ctx.get(LEVEL)
    warnings: list[str] = []
    data = decode(body, SOURCE)
    if not isinstance(data, list):
        raise LayoutChangedError(SOURCE, f"expected a JSON array of news, got {_kind(data)}")
    items: dict[str, Item] = {}
    skipped: list[str] = []
    for index, raw in enumerate(data):
        try:
            item = _item(raw, index, region, level, ctx)
        except _Skip as exc:
            skipped.append(str(exc))
            continue
        if item is not None and (item.id not in items or item.updated > items[item.id].updated):
            items[item.id] = item
    warnings.extend(skipped)
    if data and len(skipped) == len(data):
        raise LayoutChangedError(
            SOURCE, f"none of the {len(data)} news entries could be read: {skipped[0]}"
        )
    return Parsed([items[key] for key in sorted(items)], warnings)


def _kind(data: Any) -> str:
    return "an object" if isinstance(data, dict) else type(data).__name__


def _item(
    raw: Any, index: int, region: Region, level: Level, ctx: ParseContext
) -> Item | None:
    if not isinstance(raw, dict):
        raise _Skip(f"news entry {index} is not an object")
    if "Headline" not in raw and "Identifier" not in raw:
        raise _Skip(f"news entry {index} has neither 'Identifier' nor 'Headline'")
    if truthy(raw.get("IsTest")):
        return None
    identifier = _identifier(raw)
    if identifier is None:
        raise _Skip(f"news entry {index}: no 'Identifier' (nor 'ContentId' or 'Web' to use)")
    links = raw.get("BodyLinks")
    headline, _ = fill_placeholders(str(raw.get("Headline") or ""), links, markup=False,
                                    base_url=SITE)
    title = plain_text(headline)
    if not title:
        raise _Skip(f"news entry {identifier}: 'Headline' is missing or empty")
    try:
        published = read_time(raw, "Published")
        updated = read_time(raw, "Updated")
    except BrokenTime as exc:
        raise _Skip(f"news entry {identifier}: {exc}; skipped") from exc
    if published is None and updated is None:
        raise _Skip(f"news entry {identifier}: no 'Published' or 'Updated' time")
    published = published or updated
    assert published is not None
    updated = max(updated or published, published)

    places = area_rules.from_named_areas(raw.get("Area"))
    where = area_rules.match(places, region)
    if not where.concerns:
        return None

    stored = ctx.known.get(f"{SOURCE}:{identifier}")
    effective = min(published, ctx.now)
    if stored is not None and stored.effective is not None:
        effective = min(effective, stored.effective)
    preamble_raw, _ = fill_placeholders(str(raw.get("Preamble") or ""), links, markup=False,
                                        base_url=SITE)
    preamble = plain_text(preamble_raw)
    body_text, used = fill_placeholders(str(raw.get("BodyText") or ""), links, markup=True,
                                        base_url=SITE)
    parts = [paragraphs(preamble)] if preamble else []
    if body_text.strip():
        parts.append(body_html(body_text))
    parts.append(links_html(links, SITE, skip=used))
    parts.append(links_html(raw.get("Links"), SITE))
    push, _ = fill_placeholders(str(raw.get("PushMessage") or ""), links, markup=False)
    summary = preamble or plain_text(push) or plain_text(body_text)
    return Item(
        id=f"{SOURCE}:{identifier}",
        source=SOURCE,
        level=level,
        level_reason=f"Krisinformation news → {level.label} (sources.krisinformation.level)",
        title=title,
        body=sanitize_html("".join(parts), SITE),
        summary=shorten(summary, SUMMARY_LIMIT),
        url=http_url(raw.get("Web"), SITE),
        credit=CREDIT,
        published=published,
        updated=updated,
        effective=effective,
        areas=where.areas,
    )


def _identifier(raw: Mapping[str, Any]) -> str | None:
    """``Identifier``; failing that the ``ContentId`` or the ``Web`` address, which are stable."""
    value = raw.get("Identifier")
    if isinstance(value, str) and value.strip():
        return value.strip()
    content_id = raw.get("ContentId")
    if isinstance(content_id, int | str) and not isinstance(content_id, bool) and str(content_id):
        return f"content-{content_id}"
    return http_url(raw.get("Web"), SITE)


def request_url(url: str, region: Region) -> str:
    """The configured URL with ``counties=<county_id>`` and ``language=sv`` added."""
    return with_query(url, {"counties": f"{region.county_id:02d}", "language": "sv"})


class KrisinformationSource(SourceBase):
    """Krisinformation's news for the county. News is history: the result is not complete."""

    spec = SPEC

    def poll(self, ctx: PollContext) -> PollResult:
        url = request_url(ctx.source.url, ctx.config.region)
        response = ctx.conditional_get(url, accept="application/json")
        if response.not_modified:
            # 304: nothing to store; the stored validators stay (a 304 need not repeat them).
            return PollResult([], complete=False, not_modified=True)
        parsed = parse(response.body, ctx.parse_context(response.url))
        return PollResult(parsed.items, complete=False, etag=response.etag,
                          last_modified=response.last_modified, warnings=parsed.warnings)
