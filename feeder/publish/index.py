"""``index.html``: the page for residents at the site's address; part of step 3 of a publish
(load → select → **render** → write), from the plan, through the ``index.html`` template.

Subscribe links near the top (each feed's page and its three formats), the current alerts (the
upcoming ones marked "Från ..."), the latest items, and how each source is doing (ok, failing,
stale or not read yet, since when, in Europe/Stockholm time). "Just nu finns inga varningar"
only when every source that can put an alert in the banner has current data; otherwise the page
says which has none since when, with a link to the authority (:mod:`.notes`). Every value is
escaped by the template; the only HTML taken from items is their sanitised body. The JSON
fields are described for developers in docs/embed.md, not here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..status import Condition, condition, state_since
from . import views
from .entry import source_label
from .notes import gaps, unknown_lead
from .plan import Plan, stale_note

STATE_TEXT = {
    Condition.OK: "I drift",
    Condition.FAILING: "Fel vid senaste hämtning",
    Condition.STALE: "Inaktuell",
    Condition.UNKNOWN: "Inga uppgifter än",
}


@dataclass(frozen=True, slots=True)
class FeedLink:
    label: str
    name: str
    """The feed's path without extension (``feed``, ``topics/<id>``)."""

    @property
    def page(self) -> str:
        return f"{self.name}.html"


@dataclass(frozen=True, slots=True)
class SourceRow:
    name: str
    state: str
    since: datetime | None


def feed_links(plan: Plan) -> list[FeedLink]:
    links = [FeedLink("Allt: varningar, meddelanden och nyheter", "feed"),
             FeedLink("Bara varningar och meddelanden", "alerts")]
    links += [FeedLink(t.title, f"topics/{t.id}") for t in plan.topics]
    return links


def render(plan: Plan) -> bytes:
    """The page: subscribe links, the plan's current alerts, its latest items, every source."""
    said = {s.name for s in plan.missing}  # said with the alerts
    return views.render(
        "index.html",
        title=plan.title,
        description=plan.description,
        region=plan.region,
        now=plan.now,
        feeds=feed_links(plan),
        others=stale_note({n: s for n, s in plan.statuses.items() if n not in said}),
        current=plan.current,
        state_ok=plan.banner_state is Condition.OK,
        unknown_lead=unknown_lead(plan.region),
        gaps=gaps(plan.missing),
        latest=plan.latest,
        sources=[SourceRow(source_label(s.name), STATE_TEXT[condition(s)], state_since(s))
                 for s in plan.statuses.values()],
    )
