"""``index.html``: a readable Swedish page for people who open the feed address in a browser;
part of step 3 of a publish (load → select → **render** → write), from the plan.

Current alerts (the upcoming ones marked "Från ..."), the latest items, links to subscribe to
every feed, and how each source is doing (ok, failing, stale or not read yet, since when, in
Europe/Stockholm time). "Just nu finns inga varningar" only when every source that can put an
alert in the banner has current data; otherwise the page says which has none since when, with a
link to the authority (:mod:`.notes`). Every value is escaped; the only HTML taken from items is
their sanitised body.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

from ..config import Topic
from ..model import SourceStatus
from ..status import Condition, condition, state_since
from ..timeutil import iso_z, swedish
from .entry import Entry, source_label, weekday_time
from .notes import gaps, unknown_lead
from .plan import Plan, stale_note

CSS = """
body{margin:0 auto;max-width:48rem;padding:1rem;color:#1b1b1b;background:#fff;
 font:17px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
a{color:#0b3f78}
h1{font-size:1.6rem}h2{font-size:1.3rem;margin-top:2rem}h3{font-size:1.1rem;margin:.2rem 0}
.alert{margin:.6rem 0;padding:.6rem .8rem;border-left:.5rem solid #1f5fa8;background:#e8f1fb}
.level-3{border-left-color:#8a6d00;background:#fff3b0}
.level-4{border-left-color:#b34700;background:#ffe3cc}
.level-5{border-left-color:#4d0000;background:#ffe5e5}
.level{font-weight:700}
.meta{font-size:.9rem;color:#3d3d3d}
.stale,.unknown{padding:.5rem .8rem;border:1px solid #6b4e00;background:#fff8e1}
ul.items{padding-left:1.2rem}ul.items li{margin:.5rem 0}
table{border-collapse:collapse}th,td{padding:.3rem .6rem;border:1px solid #bbb;text-align:left}
"""

STATE_TEXT = {
    Condition.OK: "I drift",
    Condition.FAILING: "Fel vid senaste hämtning",
    Condition.STALE: "Inaktuell",
    Condition.UNKNOWN: "Inga uppgifter än",
}


def _time(value: datetime) -> str:
    return f'<time datetime="{iso_z(value)}">{escape(swedish(value))}</time>'


def _title(entry: Entry, tag: str) -> str:
    title = escape(entry.title)
    if entry.url is not None:
        title = f'<a href="{escape(entry.url)}">{title}</a>'
    return f"<{tag}>{title}</{tag}>"


def _meta(entry: Entry) -> str:
    return (
        f'<p class="meta"><span class="level">{escape(entry.level_text)}</span> · '
        f"Källa: {escape(entry.source)} · {_time(entry.updated)}</p>"
    )


def _alert(entry: Entry, now: datetime) -> str:
    onset = entry.item.onset
    starts = ""
    if entry.upcoming and onset is not None:
        starts = (f'<p class="starts"><strong>Från <time datetime="{iso_z(onset)}">'
                  f"{escape(weekday_time(onset, now))}</time></strong></p>")
    return (
        f'<article class="alert level-{int(entry.item.level)}">'
        f"{_title(entry, 'h3')}{starts}{_meta(entry)}{entry.body}</article>"
    )


def _state(status: SourceStatus) -> str:
    moment = state_since(status)
    since = _time(moment) if moment is not None else "–"
    return (
        f"<tr><th scope=\"row\">{escape(source_label(status.name))}</th>"
        f"<td>{escape(STATE_TEXT[condition(status)])}</td><td>{since}</td></tr>"
    )


JSON_FEED_NOTE = (
    '<h3 id="json-feed">Om JSON-flödena</h3>'
    "<p>Varje post i JSON-flödena (JSON Feed 1.1) har ett objekt <code>_feeder</code> med: "
    "<code>id</code> (postens stabila id), <code>level</code> och <code>level_name</code> "
    "(prioritet 1–5: info, notice, warning, severe, critical), <code>source</code> (källan), "
    "<code>level_text</code> (nivån i text), <code>starts</code> och <code>expires</code> "
    "(UTC), <code>ended</code>, <code>ended_at</code> och <code>end_reason</code> (om och när "
    "posten upphörde, och varför) och <code>areas</code> "
    "(kommunkoder; tom lista betyder hela länet).</p>"
)


def _subscribe(topics: Sequence[Topic]) -> str:
    feeds = [("Allt", "feed"), ("Varningar och meddelanden", "alerts")]
    feeds += [(t.title, f"topics/{t.id}") for t in topics]
    rows = []
    for label, name in feeds:
        links = ", ".join(
            f'<a href="{escape(name)}.{ext}" type="{mime}">{text}</a>'
            for ext, text, mime in (
                ("rss", "RSS", "application/rss+xml"),
                ("atom", "Atom", "application/atom+xml"),
                ("json", "JSON Feed", "application/feed+json"),
            )
        )
        rows.append(f"<li>{escape(label)}: {links}</li>")
    rows.append(
        '<li>Banner för webbplatser: <a href="banner.html">HTML</a>, '
        '<a href="banner.json">JSON</a></li>'
    )
    return "<ul>" + "".join(rows) + "</ul>"


def render(plan: Plan) -> bytes:
    """The page: the plan's current alerts, its latest items, every feed, every source."""
    title, region = plan.title, plan.region
    parts = [f"<h1>{escape(title)}</h1>", f"<p>{escape(plan.description)}</p>"]
    said = {s.name for s in plan.missing}  # said below, with the alerts
    others = stale_note({n: s for n, s in plan.statuses.items() if n not in said})
    if others:
        parts.append(f'<p class="stale">{escape(others)}</p>')
    parts.append("<h2>Aktuella varningar och meddelanden</h2>")
    if plan.current:
        parts.extend(_alert(entry, plan.now) for entry in plan.current)
    elif plan.banner_state is Condition.OK:
        parts.append(f"<p>Just nu finns inga varningar eller meddelanden för {escape(region)}.</p>")
    else:
        parts.append(f'<p class="unknown"><strong>{escape(unknown_lead(region))}</strong></p>')
    parts.extend(f'<p class="stale">{gap.html()}</p>' for gap in gaps(plan.missing))
    parts.append("<h2>Senaste</h2>")
    if plan.latest:
        items = "".join(
            f"<li>{_title(entry, 'h3')}{_meta(entry)}"
            + (f"<p>{escape(entry.summary)}</p>" if entry.summary else "")
            + "</li>"
            for entry in plan.latest
        )
        parts.append(f'<ul class="items">{items}</ul>')
    else:
        parts.append("<p>Inget publicerat än.</p>")
    parts.append("<h2>Prenumerera</h2>")
    parts.append("<p>Lägg in en av adresserna i din flödesläsare.</p>")
    parts.append(_subscribe(plan.topics))
    parts.append(JSON_FEED_NOTE)
    parts.append("<h2>Källor</h2>")
    rows = "".join(_state(s) for s in plan.statuses.values())
    parts.append(
        '<table><thead><tr><th scope="col">Källa</th><th scope="col">Läge</th>'
        f'<th scope="col">Sedan</th></tr></thead><tbody>{rows}</tbody></table>'
    )
    page = (
        '<!DOCTYPE html>\n<html lang="sv">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n"
        f'<link rel="alternate" type="application/atom+xml" href="feed.atom" '
        f'title="{escape(title)} (Atom)">\n'
        f'<link rel="alternate" type="application/rss+xml" href="feed.rss" '
        f'title="{escape(title)} (RSS)">\n'
        f'<link rel="alternate" type="application/feed+json" href="feed.json" '
        f'title="{escape(title)} (JSON Feed)">\n'
        f"<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(parts)
        + "\n</main>\n</body>\n</html>\n"
    )
    return page.encode("utf-8")
