"""Every output file from the data: pure (items, statuses, config, now) → {path: bytes}."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from ..config import Config
from ..ladder import ALERT_MIN
from ..model import Item, SourceStatus
from ..topics import topics_for
from . import banner, feeds, index, jsonfeed, select
from .entry import Entry, build, stale_note
from .spec import FeedSpec

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
"""``updated`` of a feed when there is nothing at all to date it by (no item, no poll yet)."""


def _description(text: str, note: str) -> str:
    return f"{text} {note}" if note else text


def _updated(entries: Sequence[Entry], statuses: Mapping[str, SourceStatus],
             fallback: datetime) -> datetime:
    """From data only: the latest entry change, or the moment a source shown as stale went stale."""
    moments = [e.updated for e in entries]
    moments += [s.since for s in statuses.values() if s.stale and s.since is not None]
    return max(moments, default=fallback)


def feed_specs(
    entries: Sequence[Entry], statuses: Mapping[str, SourceStatus], config: Config
) -> list[FeedSpec]:
    """The main feed, the alerts feed and one feed per topic; ``entries`` in feed order."""
    region = config.region.name
    note = stale_note(statuses)
    topic_titles = {t.id: t.title for t in config.topics}
    # An empty feed is dated by the latest item anywhere, else by the latest source change.
    since = max((s.since for s in statuses.values() if s.since is not None), default=EPOCH)
    fallback = max((e.updated for e in entries), default=since)
    wanted: list[tuple[str, str, str, list[Entry]]] = [
        ("feed", config.feeds.title, config.feeds.description, list(entries)),
        (
            "alerts",
            f"Varningar och meddelanden – {region}",
            f"Varningar och meddelanden (nivå {int(ALERT_MIN)} och högre) för {region}, "
            "de aktuella först.",
            [e for e in entries if e.item.level >= ALERT_MIN],
        ),
    ]
    for topic in config.topics:
        wanted.append((
            f"topics/{topic.id}",
            f"{topic.title} – {region}",
            f"Nyheter och meddelanden om {topic.title} för {region}.",
            [e for e in entries if topic.id in e.topics],
        ))
    specs = []
    for name, title, description, chosen in wanted:
        capped = tuple(chosen[: config.feeds.max_items])
        specs.append(FeedSpec(
            name=name,
            title=title,
            description=_description(description, note),
            base_url=config.server.public_url,
            entries=capped,
            updated=_updated(capped, statuses, fallback),
            region=region,
            topic_titles=topic_titles,
        ))
    return specs


def entries_for(items: Sequence[Item], config: Config, now: datetime) -> list[Entry]:
    """Every visible item as an :class:`Entry`, in feed order, tagged with its topics."""
    return [build(item, now, topics_for(item, config.topics))
            for item in select.feed_order(items, now)]


def render_all(
    items: Sequence[Item],
    statuses: Mapping[str, SourceStatus],
    config: Config,
    now: datetime,
    previous_banner: bytes | None = None,
) -> dict[str, bytes]:
    """Every output, by path relative to output_dir."""
    entries = entries_for(items, config, now)
    by_id = {e.item.id: e for e in entries}
    region = config.region.name
    files: dict[str, bytes] = {}
    for spec in feed_specs(entries, statuses, config):
        files[f"{spec.name}.rss"] = feeds.render_rss(spec)
        files[f"{spec.name}.atom"] = feeds.render_atom(spec)
        files[f"{spec.name}.json"] = jsonfeed.render(spec)
    shown = [by_id[item.id] for item in select.banner_alerts(items, config.banner.min_level, now)]
    files["banner.json"] = banner.render_json(region, shown, statuses, now, previous_banner)
    files["banner.html"] = banner.render_html(region, shown, statuses)
    active = [e for e in entries if e.item.is_alert and e.item.is_active(now)]
    files["index.html"] = index.render(
        title=config.feeds.title,
        description=config.feeds.description,
        region=region,
        alerts=active,
        latest=entries[: config.feeds.max_items],
        statuses=statuses,
        topics=config.topics,
    )
    return files
