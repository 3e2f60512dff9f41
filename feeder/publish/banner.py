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
from html import escape
from typing import Any

from ..lifecycle import is_upcoming
from ..model import SourceStatus
from ..status import Condition, condition, state_since
from ..timeutil import iso_z, swedish
from .entry import Entry, weekday_time
from .notes import gaps, unknown_lead
from .plan import Plan

CSS = """
*{box-sizing:border-box}
html,body{margin:0;padding:0;background:#fff;color:#1b1b1b;
 font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
.banner{padding:0}
.sr{position:absolute;width:1px;height:1px;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);
 white-space:nowrap;border:0}
.alert{margin:0;padding:.6rem .9rem;border-left:.5rem solid #1d4f91;background:#e8f0fa;
 color:#0d223d}
.alert h2{margin:.1rem 0 .2rem;font-size:1.0625rem;line-height:1.3}
.alert p{margin:.2rem 0}
.level{display:inline-block;padding:0 .45rem;border-radius:.25rem;font-size:.875rem;
 font-weight:700;background:#1d4f91;color:#fff}
.meta{font-size:.9375rem}
a{color:inherit;text-decoration:underline;text-underline-offset:.15em}
a:focus-visible,summary:focus-visible{outline:3px solid #1b1b1b;outline-offset:2px;
 box-shadow:0 0 0 5px #fff}
.level-3{border-left-color:#8a6d00;background:#fff3b8;color:#1b1b1b}
.level-3 .level{background:#ffd42a;color:#1b1b1b;box-shadow:inset 0 0 0 1px #8a6d00}
.level-4{border-left-color:#a33c00;background:#ffe4d1;color:#1b1b1b}
.level-4 .level{background:#a33c00;color:#fff}
.level-5{border-left-color:#5c0010;background:#a8001c;color:#fff}
.level-5 .level{background:#fff;color:#a8001c}
.level-5 a:focus-visible{outline-color:#fff;box-shadow:0 0 0 5px #1b1b1b}
details{margin:0;background:#f4f4f4;border-top:1px solid #cfcfcf}
summary{display:inline-block;margin:.35rem .9rem;padding:.3rem .9rem;min-height:2.5rem;
 border:2px solid currentColor;border-radius:.3rem;background:#fff;color:#1b1b1b;cursor:pointer;
 font-size:.9375rem;list-style:none}
summary::-webkit-details-marker{display:none}
summary::after{content:"";display:inline-block;margin-left:.5em;width:.45em;height:.45em;
 border:solid currentColor;border-width:0 2px 2px 0;transform:translateY(-.2em) rotate(45deg)}
details[open] summary::after{transform:translateY(.1em) rotate(-135deg)}
details .alert{border-top:1px solid #cfcfcf}
.empty{margin:0;padding:.6rem .9rem;background:#f4f4f4}
.stale{margin:0;padding:.4rem .9rem;font-size:.9375rem;background:#f4f4f4;
 border-top:1px solid #cfcfcf}
.unknown{margin:0;padding:.6rem .9rem;background:#fff8e1;border-left:.5rem solid #6b4e00}
@media (forced-colors:active){.alert,.level,summary{border:1px solid CanvasText}}
"""


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
        "url": entry.url,
        "source": entry.source,
        "starts": iso_z(it.onset or it.effective or it.published),
        "upcoming": is_upcoming(it, now),
        "expires": iso_z(it.expires),
        "updated": iso_z(it.updated),
        "areas": list(it.areas),
    }


def document(
    region: str,
    alerts: Sequence[Entry],
    statuses: Mapping[str, SourceStatus],
    now: datetime,
    banner_sources: Sequence[str] = (),
    state: Condition = Condition.OK,
) -> dict[str, Any]:
    """banner.json with ``generated`` still None."""
    shown = [alert(entry, now) for entry in alerts]
    return {
        "region": region,
        "generated": None,
        "stale": any(s.stale for s in statuses.values()),
        "state": str(state),
        "sources": {name: _source(s, name in banner_sources) for name, s in statuses.items()},
        "alert": shown[0] if shown else None,
        "alerts": shown,
    }


def _dump(doc: Mapping[str, Any]) -> bytes:
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def render_json(plan: Plan, previous: bytes | None = None) -> bytes:
    """banner.json. ``previous`` (the file as it is) is returned unchanged when only its
    ``generated`` differs from the new content; otherwise ``generated`` is the plan's instant."""
    doc = document(plan.region, plan.banner, plan.statuses, plan.now, plan.banner_sources,
                   plan.banner_state)
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


def _article(entry: Entry, now: datetime) -> str:
    it = entry.item
    meta = [f"Källa: {escape(entry.source)}"]
    if entry.upcoming and it.onset is not None:
        meta.insert(0, f"Från {escape(weekday_time(it.onset, now))}")
    if it.expires is not None:
        meta.append(f"Gäller till {escape(swedish(it.expires))}")
    if entry.url is not None:
        meta.append(
            f'<a href="{escape(entry.url)}" target="_top">Läs mer'
            f'<span class="sr"> om {escape(entry.title)}</span></a>'
        )
    text = f"<p>{escape(entry.text)}</p>" if entry.text else ""
    return (
        f'<article class="alert level-{int(it.level)}">'
        f'<p><span class="level">{escape(entry.level_text)}</span></p>'
        f"<h2>{escape(entry.title)}</h2>{text}"
        f'<p class="meta">{" · ".join(meta)}</p></article>'
    )


def render_html(plan: Plan) -> bytes:
    """A small, complete, accessible page (no script) showing the banner alerts."""
    region, alerts = plan.region, plan.banner
    heading = f"Varningar och meddelanden för {region}"
    body = [f'<h1 class="sr">{escape(heading)}</h1>']
    if alerts:
        body.append(_article(alerts[0], plan.now))
        if len(alerts) > 1:  # the others behind "N till", as in banner.js (no script needed)
            body.append(f"<details><summary>{len(alerts) - 1} till</summary>")
            body.extend(_article(entry, plan.now) for entry in alerts[1:])
            body.append("</details>")
    elif plan.banner_state is Condition.OK:
        body.append(
            f'<p class="empty">Inga aktuella varningar eller meddelanden för {escape(region)}.</p>'
        )
    else:
        body.append(f'<p class="unknown">{escape(unknown_lead(region))}</p>')
    body.extend(f'<p class="stale">{gap.html()}</p>' for gap in gaps(plan.missing))
    page = (
        '<!DOCTYPE html>\n<html lang="sv">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{escape(heading)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f'<section class="banner" aria-label="{escape(heading)}">\n'
        + "\n".join(body)
        + "\n</section>\n</body>\n</html>\n"
    )
    return page.encode("utf-8")
