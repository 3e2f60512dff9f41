"""What goes where: pure selection and ordering of items for every output.

No I/O and no clock: everything that depends on time takes ``now``. An item's state and banner
membership are :mod:`feeder.lifecycle`'s; the rules here (PRODUCT.md):

- drafts (``status != "published"``) never appear anywhere;
- an item whose ``starts`` is still in the future appears nowhere until then;
- the banner holds the *active* items at or above ``banner.min_level``, by level (highest first),
  then most recently updated, then id;
- feeds put the active alerts first (same order), then everything else by date, newest first;
- ended, withdrawn and expired items stay in the feeds, marked as ended, never in the banner.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from ..ladder import ALERT_MIN, Level
from ..lifecycle import effective_updated, in_banner, is_visible
from ..model import Item


def visible(items: Iterable[Item], now: datetime) -> list[Item]:
    return [item for item in items if is_visible(item, now)]


def _by_priority(item: Item) -> tuple[int, float, str]:
    return (-int(item.level), -item.updated.timestamp(), item.id)


def banner_alerts(items: Iterable[Item], min_level: Level, now: datetime) -> list[Item]:
    """The banner: :func:`~feeder.lifecycle.in_banner` items; by level desc, updated desc, id."""
    chosen = [item for item in items if in_banner(item, min_level, now)]
    return sorted(chosen, key=_by_priority)


def feed_order(items: Iterable[Item], now: datetime) -> list[Item]:
    """Visible items in feed order: active alerts first (as in the banner), then the rest by date
    (when last changed, newest first, then id)."""
    shown = visible(items, now)
    alerts = [item for item in shown if in_banner(item, ALERT_MIN, now)]
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
