"""Every output file from the data: pure (items, statuses, config, now) → {path: bytes}.

Only the items an output shows are turned into entries (sanitised, tagged): with the cap on
items per feed, that is a few hundred at most however large the database grows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from ..config import Config, Topic
from ..ladder import ALERT_MIN
from ..lifecycle import in_banner
from ..model import Item, SourceStatus
from ..topics import Matcher
from . import assets, banner, feeds, index, jsonfeed, select
from .entry import Entry, build, stale_note
from .spec import FeedSpec

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
"""``updated`` of a feed when there is nothing at all to date it by (no item, no poll yet)."""


class Entries:
    """Entries and topic tags, made once per item and only when asked for."""

    def __init__(self, topics: Sequence[Topic], now: datetime) -> None:
        self.now = now
        self._match = Matcher(topics)
        self._tags: dict[str, tuple[str, ...]] = {}
        self._entries: dict[str, Entry] = {}

    def tags(self, item: Item) -> tuple[str, ...]:
        found = self._tags.get(item.id)
        if found is None:
            found = self._tags[item.id] = self._match(item)
        return found

    def __call__(self, items: Sequence[Item]) -> tuple[Entry, ...]:
        out = []
        for item in items:
            entry = self._entries.get(item.id)
            if entry is None:
                entry = self._entries[item.id] = build(item, self.now, self.tags(item))
            out.append(entry)
        return tuple(out)


def _updated(entries: Sequence[Entry], statuses: Mapping[str, SourceStatus],
             fallback: datetime) -> datetime:
    """From data only: the latest entry change, or the moment a source shown as stale went stale."""
    moments = [e.updated for e in entries]
    moments += [s.since for s in statuses.values() if s.stale and s.since is not None]
    return max(moments, default=fallback)


def feed_specs(
    ordered: Sequence[Item],
    statuses: Mapping[str, SourceStatus],
    config: Config,
    entries: Entries,
) -> list[FeedSpec]:
    """The main feed, the alerts feed and one feed per topic; ``ordered`` in feed order."""
    region = config.region.name
    cap = config.feeds.max_items
    note = stale_note(statuses)
    # An empty feed gets a fixed date, so that changes elsewhere do not rewrite it.
    fallback = EPOCH
    wanted: list[tuple[str, str, str, Sequence[Item]]] = [
        ("feed", config.feeds.title, config.feeds.description, ordered[:cap]),
        (
            "alerts",
            f"Varningar och meddelanden – {region}",
            f"Varningar och meddelanden (nivå {int(ALERT_MIN)} och högre) för {region}, "
            "de aktuella först.",
            select.alerts_only(ordered)[:cap],
        ),
    ]
    for topic in config.topics:
        chosen: list[Item] = []
        for item in ordered:
            if len(chosen) >= cap:
                break
            if topic.id in entries.tags(item):
                chosen.append(item)
        wanted.append((
            f"topics/{topic.id}",
            f"{topic.title} – {region}",
            f"Nyheter och meddelanden om {topic.title} för {region}.",
            chosen,
        ))
    specs = []
    for name, title, description, chosen_items in wanted:
        shown = entries(chosen_items)
        specs.append(FeedSpec(
            name=name,
            title=title,
            description=f"{description} {note}" if note else description,
            base_url=config.server.public_url,
            entries=shown,
            updated=_updated(shown, statuses, fallback),
            region=region,
            topic_titles={t.id: t.title for t in config.topics},
        ))
    return specs


def render_all(
    items: Sequence[Item],
    statuses: Mapping[str, SourceStatus],
    config: Config,
    now: datetime,
    previous_banner: bytes | None = None,
) -> dict[str, bytes]:
    """Every output, by path relative to output_dir."""
    entries = Entries(config.topics, now)
    ordered = select.feed_order(items, now)
    cap = config.feeds.max_items
    region = config.region.name
    files: dict[str, bytes] = {}
    for spec in feed_specs(ordered, statuses, config, entries):
        files[f"{spec.name}.rss"], files[f"{spec.name}.atom"] = feeds.render_both(spec)
        files[f"{spec.name}.json"] = jsonfeed.render(spec)
    shown = entries(select.banner_alerts(items, config.banner.min_level, now))
    files["banner.json"] = banner.render_json(region, shown, statuses, now, previous_banner)
    files["banner.html"] = banner.render_html(region, shown, statuses)
    files["index.html"] = index.render(
        title=config.feeds.title,
        description=config.feeds.description,
        region=region,
        alerts=entries([i for i in ordered if in_banner(i, ALERT_MIN, now)][:cap]),
        latest=entries(ordered[: min(index.LATEST, cap)]),
        statuses=statuses,
        topics=config.topics,
    )
    files.update(assets.outputs())  # banner.js, feed.xsl
    return files
