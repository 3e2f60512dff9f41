"""Topic tagging: an item belongs to a topic when a notice names it or a rule matches."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .config import Topic
from .model import Item
from .text import plain_text


def _pattern(phrase: str) -> re.Pattern[str]:
    # Whole words at the start; a phrase may end inside a word ("våld" matches "våldet").
    words = [re.escape(w) for w in phrase.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words), re.IGNORECASE)


def matches(topic: Topic, item: Item) -> bool:
    """Case-insensitive match of any of the topic's words or phrases in title, summary or text."""
    haystack = f"{item.title}\n{item.summary}\n{plain_text(item.body)}"
    return any(_pattern(phrase).search(haystack) for phrase in topic.match)


def topics_for(item: Item, topics: Sequence[Topic]) -> tuple[str, ...]:
    """The ids of the topics the item belongs to, in config order."""
    explicit = set(item.topics)
    return tuple(t.id for t in topics if t.id in explicit or matches(t, item))
