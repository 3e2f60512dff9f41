"""What goes where: pure selection and ordering of items for every output.

No I/O and no clock: everything that depends on time takes ``now``. The rules (PRODUCT.md):

- drafts (``status != "published"``) never appear anywhere;
- an item whose ``starts`` is still in the future appears nowhere until then;
- the banner holds the *active* items at or above ``banner.min_level``, by level (highest first),
  then most recently updated, then id;
- feeds put the active alerts first (same order), then everything else by date, newest first;
- ended, withdrawn and expired items stay in the feeds, marked as ended, never in the banner.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from ..ladder import ALERT_MIN, Level
from ..model import Item


@dataclass(frozen=True, slots=True)
class End:
    """Why and since when an item is over."""

    reason: str
    """``withdrawn`` (by an editor), ``ended`` (gone upstream) or ``expired`` (past its end)."""
    at: datetime


def is_visible(item: Item, now: datetime) -> bool:
    """Published (not a draft) and already started: may appear in the feeds."""
    if item.status != "published":
        return False
    return item.starts is None or item.starts <= now


def visible(items: Iterable[Item], now: datetime) -> list[Item]:
    return [item for item in items if is_visible(item, now)]


def end_of(item: Item, now: datetime) -> End | None:
    """How the item is over at ``now``, or None while it runs.

    Only the ``expired`` case depends on ``now``, and only through ``expires`` (data), so the
    answer changes at a known instant (see :func:`next_change`).
    """
    if item.withdrawn:
        return End("withdrawn", item.updated)
    if item.ended is not None:
        return End("ended", item.ended)
    if item.expires is not None and item.expires <= now:
        return End("expired", item.expires)
    return None


def effective_updated(item: Item, now: datetime) -> datetime:
    """When the item last changed as published: its ``updated``, or when it ended if later."""
    end = end_of(item, now)
    if end is not None and end.at > item.updated:
        return end.at
    return item.updated


def _by_priority(item: Item) -> tuple[int, float, str]:
    return (-int(item.level), -item.updated.timestamp(), item.id)


def banner_alerts(items: Iterable[Item], min_level: Level, now: datetime) -> list[Item]:
    """The banner: active items with level >= ``min_level``; by level desc, updated desc, id."""
    chosen = [item for item in items if item.level >= min_level and item.is_active(now)]
    return sorted(chosen, key=_by_priority)


def feed_order(items: Iterable[Item], now: datetime) -> list[Item]:
    """Visible items in feed order: active alerts first (as in the banner), then the rest by date
    (when last changed, newest first, then id)."""
    shown = visible(items, now)
    alerts = [item for item in shown if item.is_alert and item.is_active(now)]
    alert_ids = {item.id for item in alerts}
    rest = [item for item in shown if item.id not in alert_ids]
    rest.sort(key=lambda item: item.id)
    rest.sort(key=lambda item: effective_updated(item, now), reverse=True)
    return sorted(alerts, key=_by_priority) + rest


def alerts_only(ordered: Sequence[Item]) -> list[Item]:
    """The alerts feed: items at or above ``notice``, keeping the order given."""
    return [item for item in ordered if item.level >= ALERT_MIN]


def in_topic(
    ordered: Sequence[Item], topic_id: str, topics: Mapping[str, tuple[str, ...]]
) -> list[Item]:
    """Items tagged with ``topic_id`` (``topics`` maps item id to its topic ids), in order."""
    return [item for item in ordered if topic_id in topics.get(item.id, ())]


def cap(ordered: Sequence[Item], max_items: int) -> list[Item]:
    """The first ``max_items`` items (``feeds.max_items``)."""
    return list(ordered[:max_items])


def next_change(items: Iterable[Item], now: datetime) -> datetime | None:
    """The next instant after ``now`` at which the items' part of the outputs changes by itself:
    a scheduled item starts, or a running item expires. (Stale sources: see publish.)"""
    moments: list[datetime] = []
    for item in items:
        if item.status != "published":
            continue
        if item.starts is not None and item.starts > now:
            moments.append(item.starts)
        if (
            item.expires is not None
            and item.expires > now
            and not item.withdrawn
            and item.ended is None
        ):
            moments.append(item.expires)
    return min(moments, default=None)
