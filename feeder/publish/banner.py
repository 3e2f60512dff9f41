"""The banner: ``banner.json`` (PRODUCT.md shape) and ``banner.html`` (no-JS page for an iframe),
from the plan's banner alerts and source statuses; part of step 3 of a publish (load → select →
**render** → write).

Both are pure. ``generated`` in banner.json is when the content last changed: when the new
content equals the previous file's (apart from ``generated``), the previous bytes are kept.

Unknown is not all-clear: banner.json carries each source's ``state`` (ok, failing, stale,
unknown) and whether it can put an alert in the banner (``banner``), and the top-level ``state``
over those sources; banner.html says "Inga aktuella varningar" only when that state is ``ok``,
and otherwise which source has no current data since when, with a link to its authority
(:mod:`.notes`). An upcoming alert says "Från <weekday, date and time>".
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from ..lifecycle import is_upcoming
from ..model import SourceStatus
from ..status import Condition, condition, state_since
from ..timeutil import iso_z
from . import views
from .entry import Entry
from .notes import gaps, unknown_lead
from .plan import Plan


def _source(status: SourceStatus, feeds_banner: bool) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "state": str(condition(status)),
        "banner": feeds_banner,
        "ok": status.ok,
        "stale": status.stale,
        "since": iso_z(state_since(status)),
    }
    if status.stale:  # the last good update, for the banner's stale note (only while stale)
        doc["last_success"] = iso_z(status.last_success)
    return doc


def alert(entry: Entry, now: datetime) -> dict[str, Any]:
    it = entry.item
    return {
        "id": it.id,
        "level": int(it.level),
        "level_name": it.level.label,
        "title": entry.title,
        "text": entry.text,
        "lead": entry.lead,
        "blocks": [block.as_json() for block in entry.blocks],
        "url": entry.url,
        "url_text": entry.read_more or None,
        "source": entry.source,
        "starts": iso_z(it.onset or it.effective or it.published),
        "upcoming": is_upcoming(it, now),
        "expires": iso_z(it.expires),
        "updated": iso_z(it.updated),
        "areas": list(it.areas),
        "area_names": list(entry.area_names),
    }


def document(
    region: str,
    alerts: Sequence[Entry],
    statuses: Mapping[str, SourceStatus],
    now: datetime,
    banner_sources: Sequence[str] = (),
    state: Condition = Condition.OK,
    municipalities: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """banner.json with ``generated`` still None. ``municipalities``: ``region.municipalities``
    (code → name), which banner.js matches ``data-kommun`` against."""
    shown = [alert(entry, now) for entry in alerts]
    return {
        "region": region,
        "generated": None,
        "stale": any(s.stale for s in statuses.values()),
        "state": str(state),
        "sources": {name: _source(s, name in banner_sources) for name, s in statuses.items()},
        "municipalities": dict(municipalities or {}),
        "alert": shown[0] if shown else None,
        "alerts": shown,
    }


def _dump(doc: Mapping[str, Any]) -> bytes:
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def render_json(plan: Plan, previous: bytes | None = None) -> bytes:
    """banner.json. ``previous`` (the file as it is) is returned unchanged when only its
    ``generated`` differs from the new content; otherwise ``generated`` is the plan's instant."""
    doc = document(plan.region, plan.banner, plan.statuses, plan.now, plan.banner_sources,
                   plan.banner_state, plan.municipalities)
    if previous is not None and _same_content(doc, previous):
        return previous
    doc["generated"] = iso_z(plan.now)
    return _dump(doc)


def _same_content(doc: dict[str, Any], previous: bytes) -> bool:
    try:
        old = json.loads(previous)
    except ValueError:
        return False
    if not isinstance(old, dict) or _dump(old) != previous:
        return False
    old["generated"] = None
    return _dump(old) == _dump(doc)


def render_html(plan: Plan) -> bytes:
    """A small, complete, accessible page showing the banner alerts, collapsed as banner.js
    shows them ("Visa mer" and "N till" are native disclosures: no script needed). Its one
    script only tells an embedding page its height (docs/embed.md)."""
    return views.render(
        "banner.html",
        heading=f"Varningar och meddelanden för {plan.region}",
        region=plan.region,
        alerts=plan.banner,
        now=plan.now,
        state_ok=plan.banner_state is Condition.OK,
        unknown_lead=unknown_lead(plan.region),
        gaps=gaps(plan.missing),
    )
