"""What the outputs say about sources without current data, in Swedish; part of step 3 of a
publish (load → select → **render** → write).

Unknown is not all-clear (:mod:`feeder.status`): when a source that can put an alert in the
banner has never answered, or has not answered for its ``stale_after``, banner.html and
index.html do not say "inga varningar". They say which source has no current data since when,
and link to the authority's own page. banner.js builds the same sentences from banner.json (a
test holds the two to the same words).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..model import SourceStatus
from ..status import Condition, condition, unknown_since
from ..timeutil import swedish
from .entry import source_label

AUTHORITIES: Mapping[str, tuple[str, str]] = {
    "smhi": ("SMHI:s varningar och meddelanden",
             "https://www.smhi.se/vader/varningar-och-brandrisk/varningar-och-meddelanden"),
    "krisinformation": ("krisinformation.se", "https://www.krisinformation.se/"),
    # VMA are also published on krisinformation.se, where MSB sends the public for more.
    "vma": ("krisinformation.se", "https://www.krisinformation.se/"),
}
"""Where people find a banner source's current warnings themselves: (link text, URL)."""


def unknown_lead(region: str) -> str:
    """What an empty banner says instead of "inga varningar" when a banner source has no
    current data."""
    return f"Just nu går det inte att säga om det finns varningar för {region}."


@dataclass(frozen=True, slots=True)
class Gap:
    """One banner source without current data, as people are told."""

    name: str
    sentence: str
    """``Inga nya uppgifter från SMHI sedan 12 juni 2026 kl. 09.58.``"""
    link: tuple[str, str] | None
    """(text, URL) of the authority's own page, when we know one."""


def gap(status: SourceStatus) -> Gap:
    name = source_label(status.name)
    if condition(status) is Condition.UNKNOWN:
        since = unknown_since(status)
        if since is None:
            sentence = f"Inga uppgifter från {name} har hämtats än."
        else:
            sentence = f"Inga uppgifter från {name} har kunnat hämtas sedan {swedish(since)}."
    else:
        last = status.last_success
        sentence = (f"Inga nya uppgifter från {name} sedan {swedish(last)}." if last is not None
                    else f"Inga nya uppgifter från {name}.")
    return Gap(status.name, sentence, AUTHORITIES.get(status.name))


def gaps(missing: Sequence[SourceStatus]) -> list[Gap]:
    return [gap(status) for status in missing]
