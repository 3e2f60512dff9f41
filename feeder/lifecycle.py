"""An item's lifecycle, in one place: its state at an instant, how it ended, and whether it
belongs in the banner. Pure: every answer depends on the item and ``now`` only (and the banner's
settings), so the same data at the same instant always gives the same outputs.

States (PRODUCT.md, "Item lifecycle"):

=============  =====================================================================
``draft``      an editor's notice saved as a draft: nowhere
``scheduled``  published, but its *effective* time lies ahead: nowhere yet (an editor's
               notice before its start)
``upcoming``   published and effective, but its *onset* lies ahead (SMHI's warning issued
               today for tomorrow): in the feeds, and in the banner once the onset is within
               ``banner.lookahead``
``active``     begun, not yet expired, not ended or withdrawn
``expired``    past its end time
``ended``      gone from its source's list (or a VMA cancelled) before its end time
``withdrawn``  withdrawn by an editor
=============  =====================================================================

``expired``, ``ended`` and ``withdrawn`` are *over*: out of the banner, kept in the feeds marked
as ended.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from .ladder import Level
from .model import Item


class State(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    UPCOMING = "upcoming"
    ACTIVE = "active"
    EXPIRED = "expired"
    ENDED = "ended"
    WITHDRAWN = "withdrawn"

    @property
    def over(self) -> bool:
        return self in (State.EXPIRED, State.ENDED, State.WITHDRAWN)


@dataclass(frozen=True, slots=True)
class End:
    """Why and since when an item is over."""

    reason: State
    """``withdrawn`` (by an editor), ``ended`` (gone upstream) or ``expired`` (past its end)."""
    at: datetime


def end_of(item: Item, now: datetime) -> End | None:
    """How the item is over at ``now``, or None while it is not.

    Only the ``expired`` case depends on ``now``, and only through ``expires`` (data), so the
    answer changes at a known instant (see :func:`next_change`).
    """
    if item.withdrawn:
        return End(State.WITHDRAWN, item.updated)
    if item.ended is not None:
        return End(State.ENDED, item.ended)
    if item.expires is not None and item.expires <= now:
        return End(State.EXPIRED, item.expires)
    return None


def state_of(item: Item, now: datetime) -> State:
    """The item's state at ``now``. A withdrawn draft is withdrawn; an ended item whose start
    never came is ended."""
    end = end_of(item, now)
    if end is not None:
        return end.reason
    if item.status != "published":
        return State.DRAFT
    if item.effective is not None and item.effective > now:
        return State.SCHEDULED
    if item.onset is not None and item.onset > now:
        return State.UPCOMING
    return State.ACTIVE


def is_visible(item: Item, now: datetime) -> bool:
    """Whether the item appears in the feeds at ``now``: published and effective (an upcoming
    item is listed before it begins; an item that is over stays, marked as ended)."""
    if item.status != "published":
        return False
    return item.effective is None or item.effective <= now


def is_upcoming(item: Item, now: datetime) -> bool:
    """Published and effective, not over, and not begun yet."""
    return state_of(item, now) is State.UPCOMING


def in_banner(item: Item, min_level: Level, now: datetime, lookahead: int = 0) -> bool:
    """Whether the item belongs in the banner at ``now``: at or above ``min_level``, and active,
    or upcoming with its onset at most ``lookahead`` seconds ahead."""
    if item.level < min_level:
        return False
    state = state_of(item, now)
    if state is State.ACTIVE:
        return True
    return (
        state is State.UPCOMING
        and item.onset is not None
        and item.onset - now <= timedelta(seconds=lookahead)
    )


def effective_published(item: Item, now: datetime) -> datetime:
    """When the item was first shown: its ``published``, or its *effective* time when that came
    later (an editor's notice scheduled ahead is listed from its start, not from when it was
    written)."""
    if item.effective is not None and item.published < item.effective <= now:
        return item.effective
    return item.published


def effective_updated(item: Item, now: datetime) -> datetime:
    """When the item last changed as published: its ``updated``, or when it became effective or
    ended, whichever is latest."""
    latest = max(item.updated, effective_published(item, now))
    end = end_of(item, now)
    if end is not None and end.at > latest:
        return end.at
    return latest


def next_change(items: Iterable[Item], now: datetime, lookahead: int = 0) -> datetime | None:
    """The next instant after ``now`` at which some item's part of the outputs changes by itself:
    a scheduled item becomes effective, an upcoming one comes within ``lookahead`` of its onset
    (it enters the banner) or begins, or a running item expires."""
    ahead = timedelta(seconds=lookahead)
    moments: list[datetime] = []
    for item in items:
        if item.status != "published":
            continue
        if item.effective is not None and item.effective > now:
            moments.append(item.effective)
        if item.withdrawn or item.ended is not None:
            continue
        if item.onset is not None:
            moments += [m for m in (_before(item.onset, ahead), item.onset) if m > now]
        if item.expires is not None and item.expires > now:
            moments.append(item.expires)
    return min(moments, default=None)


def _before(moment: datetime, span: timedelta) -> datetime:
    """``moment - span``, or the earliest datetime at the calendar's edge (a stored year-1 onset
    must not stop publishing with an OverflowError)."""
    try:
        return moment - span
    except OverflowError:
        return datetime.min.replace(tzinfo=moment.tzinfo)
