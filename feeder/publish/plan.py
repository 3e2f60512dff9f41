"""Step 2 of a publish (load → **select** → render → write): the :class:`Plan`, one value holding
everything the outputs show, selected once from the loaded items and source statuses.

:func:`make` is pure: the same items, statuses, config and instant give the same plan. It orders
the items once (:func:`.select.order`), tags them with the one topic rule
(:class:`feeder.topics.Matcher`, each item's plain text matched once, and only for the items it
must decide about), chooses what each output holds (capped at ``feeds.max_items``), builds one
:class:`~.entry.Entry` per item shown anywhere, dates every feed from data, and finds the next
moment at which the outputs would change with no new data. The renderers (:mod:`.feeds`,
:mod:`.jsonfeed`, :mod:`.banner`, :mod:`.index`) only turn parts of the plan into bytes.

An item whose entry cannot be built (or whose topics cannot be matched) is left out of every
output, logged with its id and listed in :attr:`Plan.left_out`; every other item is planned.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ..config import Config, Topic
from ..ladder import ALERT_MIN
from ..lifecycle import next_change
from ..model import Item, SourceStatus
from ..status import Condition, banner_sources, banner_state, missing
from ..timeutil import swedish
from ..topics import Matcher
from . import select
from .entry import Entry, build, source_label
from .spec import FeedSpec

log = logging.getLogger("feeder.publish")

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
"""``updated`` of a feed when there is nothing at all to date it by (no item, no poll yet)."""

INDEX_LATEST = 20
"""How many of the main feed's entries index.html lists under "Senaste"."""


@dataclass(frozen=True, slots=True)
class Plan:
    """What every output shows at one instant. Entries are shared: an item shown in several
    outputs is one :class:`~.entry.Entry` in all of them."""

    now: datetime
    region: str
    municipalities: Mapping[str, str]
    """``region.municipalities``: code → name."""
    title: str
    """The main feed's title (``feeds.title``), also index.html's."""
    description: str
    """The main feed's description (``feeds.description``), without the stale note."""
    statuses: Mapping[str, SourceStatus]
    """Every enabled source, in config order."""
    stale_note: str
    """One Swedish sentence naming the stale sources, or ""."""
    topics: tuple[Topic, ...]
    feed: FeedSpec
    """``feed.*``: everything visible, the active alerts first."""
    alerts: FeedSpec
    """``alerts.*``: the items at or above ``notice``, in the same order."""
    topic_feeds: tuple[FeedSpec, ...]
    """``topics/<id>.*``, one per configured topic, in config order: each topic's members."""
    banner: tuple[Entry, ...]
    """The banner's alerts (``banner.min_level`` and up), in banner order."""
    banner_sources: tuple[str, ...]
    """The enabled sources that can put an alert in the banner
    (:func:`feeder.status.banner_sources`)."""
    banner_state: Condition
    """``ok``, ``unknown`` or ``stale`` over the banner's sources: only ``ok`` lets an output
    say that there are no warnings."""
    missing: tuple[SourceStatus, ...]
    """The banner's sources without current data (never succeeded, or stale), in config order."""
    current: tuple[Entry, ...]
    """index.html's current alerts: the active alerts at or above ``notice`` and the upcoming
    ones within ``banner.lookahead``, in banner order."""
    latest: tuple[Entry, ...]
    """index.html's latest items: the first of the main feed's entries."""
    entries: Mapping[str, Entry]
    """Every entry shown anywhere, by item id."""
    next_change: datetime | None
    """The next instant after ``now`` at which the outputs change with no new data: an item
    starts or expires, a source turns stale. None when nothing is due."""
    left_out: Mapping[str, str] = field(default_factory=dict)
    """Items left out of every output because their entry could not be built: id → error."""

    @property
    def feeds(self) -> tuple[FeedSpec, ...]:
        """Every feed: ``feed``, ``alerts``, then the topic feeds."""
        return (self.feed, self.alerts, *self.topic_feeds)


def stale_note(statuses: Mapping[str, SourceStatus]) -> str:
    """One Swedish sentence naming the stale sources, or "" when none is stale."""
    stale = [s for s in statuses.values() if s.stale]
    if not stale:
        return ""
    parts = []
    for status in stale:
        name = source_label(status.name)
        if status.last_success is not None:
            parts.append(f"{name} (senast hämtat {swedish(status.last_success)})")
        else:
            parts.append(f"{name} (aldrig hämtat)")
    return (
        "Obs! Uppgifterna från " + ", ".join(parts)
        + " kunde inte uppdateras och kan vara inaktuella."
    )


class _Entries:
    """Topic tags and entries, each made at most once per item and only when asked for."""

    def __init__(
        self, topics: Sequence[Topic], now: datetime, municipalities: Mapping[str, str]
    ) -> None:
        self.now = now
        self.municipalities = municipalities
        self._match = Matcher(topics)
        self._tags: dict[str, tuple[str, ...]] = {}
        self.built: dict[str, Entry] = {}
        self.failed: dict[str, str] = {}

    def _fail(self, item: Item, what: str, exc: Exception) -> None:
        if item.id not in self.failed:
            log.error("item %s left out of every output: its %s failed: %s: %s",
                      item.id, what, type(exc).__name__, exc)
            self.failed[item.id] = f"{what}: {type(exc).__name__}: {exc}"

    def tags(self, item: Item) -> tuple[str, ...]:
        found = self._tags.get(item.id)
        if found is None:
            try:
                found = self._match(item)
            except Exception as exc:  # one item's text never stops the plan
                self._fail(item, "topic matching", exc)
                found = ()
            self._tags[item.id] = found
        return found

    def __call__(self, items: Sequence[Item]) -> tuple[Entry, ...]:
        out = []
        for item in items:
            entry = self.built.get(item.id)
            if entry is None:
                if item.id in self.failed:
                    continue
                try:
                    entry = build(item, self.now, self.tags(item), self.municipalities)
                except Exception as exc:  # left out, never the whole publish
                    self._fail(item, "entry", exc)
                    continue
                if item.id in self.failed:
                    continue
                self.built[item.id] = entry
            out.append(entry)
        return tuple(out)


def _updated(entries: Sequence[Entry], statuses: Mapping[str, SourceStatus]) -> datetime:
    """From data only: the latest entry change, or the moment a source shown as stale went
    stale; an empty feed gets a fixed date, so that changes elsewhere do not rewrite it."""
    moments = [e.updated for e in entries]
    moments += [s.since for s in statuses.values() if s.stale and s.since is not None]
    return max(moments, default=EPOCH)


def _next_change(
    items: Sequence[Item], statuses: Mapping[str, SourceStatus], now: datetime, lookahead: int
) -> datetime | None:
    moments = [next_change(items, now, lookahead), *(s.stale_at for s in statuses.values())]
    return min((m for m in moments if m is not None and m > now), default=None)


def make(
    items: Sequence[Item],
    statuses: Mapping[str, SourceStatus],
    config: Config,
    now: datetime,
) -> Plan:
    """The plan of every output at ``now``. ``items``: every stored item (any order);
    ``statuses``: :func:`feeder.status.statuses` at ``now``."""
    entries = _Entries(config.topics, now, config.region.municipalities)
    cap = config.feeds.max_items
    region = config.region.name
    note = stale_note(statuses)
    feeding = tuple(banner_sources(config))
    topic_titles = {t.id: t.title for t in config.topics}

    def spec(name: str, title: str, description: str, chosen: Sequence[Item]) -> FeedSpec:
        shown = entries(chosen)
        return FeedSpec(
            name=name,
            title=title,
            description=f"{description} {note}" if note else description,
            base_url=config.server.public_url,
            entries=shown,
            updated=_updated(shown, statuses),
            region=region,
            topic_titles=topic_titles,
            hub=config.feeds.websub_hub,
        )

    order = select.order(items, now)
    ordered = order.items
    members = select.by_topic(ordered, list(topic_titles), entries.tags, cap)
    feed = spec("feed", config.feeds.title, config.feeds.description, ordered[:cap])
    alerts = spec(
        "alerts",
        f"Varningar och meddelanden – {region}",
        f"Varningar och meddelanden (nivå {int(ALERT_MIN)} och högre) för {region}, "
        "de aktuella först.",
        select.alerts_only(ordered)[:cap],
    )
    topic_feeds = tuple(
        spec(
            f"topics/{topic.id}",
            f"{topic.title} – {region}",
            f"Nyheter och meddelanden om {topic.title} för {region}.",
            members[topic.id],
        )
        for topic in config.topics
    )
    return Plan(
        now=now,
        region=region,
        municipalities=config.region.municipalities,
        title=config.feeds.title,
        description=config.feeds.description,
        statuses=statuses,
        stale_note=note,
        topics=config.topics,
        feed=feed,
        alerts=alerts,
        topic_feeds=topic_feeds,
        banner=entries(select.banner_alerts(
            order.items, config.banner.min_level, now, config.banner.lookahead)),
        banner_sources=feeding,
        banner_state=banner_state(statuses, feeding),
        missing=tuple(missing(statuses, feeding)),
        current=entries(select.banner_alerts(
            order.items, ALERT_MIN, now, config.banner.lookahead)[:cap]),
        latest=feed.entries[:INDEX_LATEST],
        entries=entries.built,
        next_change=_next_change(items, statuses, now, config.banner.lookahead),
        left_out=entries.failed,
    )
