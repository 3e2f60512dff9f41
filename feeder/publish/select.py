"""What goes where: the pure rules that choose and order the items of every output.

Part of step 2 of a publish (load → **select** → render → write): :func:`feeder.publish.plan.make`
calls these once per publish and keeps the answers in its :class:`~feeder.publish.plan.Plan`.

No I/O and no clock: everything that depends on time takes ``now``. An item's state and banner
membership are :mod:`feeder.lifecycle`'s and topic membership is :mod:`feeder.topics`'s; the
rules here (PRODUCT.md):

- drafts (``status != "published"``) never appear anywhere;
- an item whose *effective* time is still in the future appears nowhere until then;
- the banner holds the *active* items at or above ``banner.min_level`` and the *upcoming* ones
  whose onset is within ``banner.lookahead``, by level (highest first), then active before
  upcoming, then most recently updated, then id;
- feeds put the active alerts first (same order), then everything else by date, newest first;
- ended, withdrawn and expired items stay in the feeds, marked as ended, never in the banner.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from ..ladder import ALERT_MIN, Level
from ..lifecycle import effective_updated, in_banner, is_upcoming, is_visible
from ..model import Item


def _by_priority(item: Item) -> tuple[int, float, str]:
    return (-int(item.level), -item.updated.timestamp(), item.id)


def banner_alerts(
    items: Iterable[Item], min_level: Level, now: datetime, lookahead: int = 0
) -> list[Item]:
    """The banner: :func:`~feeder.lifecycle.in_banner` items (active, and upcoming within
    ``lookahead`` seconds); by level desc, then active before upcoming, then updated desc, id."""
    chosen = [item for item in items if in_banner(item, min_level, now, lookahead)]
    return sorted(
        chosen,
        key=lambda item: (-int(item.level), is_upcoming(item, now),
                          -item.updated.timestamp(), item.id),
    )


@dataclass(frozen=True, slots=True)
class Order:
    """The visible items in feed order, in two parts."""

    alerts: tuple[Item, ...]
    """The active alerts (``notice`` and up), in banner order: every feed starts with them."""
    rest: tuple[Item, ...]
    """Every other visible item, by when it last changed (newest first), then id."""

    @property
    def items(self) -> tuple[Item, ...]:
        return self.alerts + self.rest


def order(items: Iterable[Item], now: datetime) -> Order:
    """Visible items in feed order: active alerts first (as in the banner), then the rest by date
    (when last changed, newest first, then id)."""
    alerts: list[Item] = []
    rest: list[Item] = []
    for item in items:
        if is_visible(item, now):
            (alerts if in_banner(item, ALERT_MIN, now) else rest).append(item)
    rest.sort(key=lambda item: item.id)
    rest.sort(key=lambda item: effective_updated(item, now), reverse=True)
    return Order(tuple(sorted(alerts, key=_by_priority)), tuple(rest))


def alerts_only(ordered: Iterable[Item]) -> list[Item]:
    """The alerts feed: items at or above ``notice``, keeping the order given."""
    return [item for item in ordered if item.is_alert]


def by_topic(
    ordered: Iterable[Item],
    topic_ids: Sequence[str],
    tags: Callable[[Item], tuple[str, ...]],
    limit: int,
) -> dict[str, list[Item]]:
    """Each topic's first ``limit`` items, keeping the order given; ``tags`` is the topic rule
    (:class:`feeder.topics.Matcher`). Stops reading as soon as every topic is full."""
    members: dict[str, list[Item]] = {topic_id: [] for topic_id in topic_ids}
    open_topics = sum(1 for chosen in members.values() if len(chosen) < limit)
    for item in ordered:
        if open_topics == 0:
            break
        for topic_id in tags(item):
            chosen = members.get(topic_id)
            if chosen is not None and len(chosen) < limit:
                chosen.append(item)
                if len(chosen) == limit:
                    open_topics -= 1
    return members
