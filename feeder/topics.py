"""Topic tagging, the one rule: an item belongs to a topic when a notice names the topic, or when
one of the topic's words or phrases occurs in the item's plain text (title, summary and body with
the markup stripped), case-insensitively, starting at the start of a word.

:class:`Matcher` compiles the configured topics once (one pattern per topic) and answers for each
item; the publisher builds one per publish, :func:`topics_for` one per call. Both give the same
answer: there is no other test of topic membership.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from .config import Topic
from .model import Item
from .text import plain_text

__all__ = ["Matcher", "haystack", "matches", "topics_for"]


def _phrase(phrase: str) -> str | None:
    # Whole words at the start; a phrase may end inside a word ("våld" matches "våldet").
    words = [re.escape(w) for w in phrase.split()]
    return r"\s+".join(words) if words else None


def compile_phrases(phrases: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern matching any of the phrases, or None when there is none (a phrase of only
    white space is no phrase: it would match everything)."""
    parts = [p for p in map(_phrase, phrases) if p is not None]
    if not parts:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + ")", re.IGNORECASE)


def haystack(item: Item) -> str:
    """The text a topic's words are looked for in: title, summary and the body's plain text."""
    return f"{item.title}\n{item.summary}\n{plain_text(item.body)}"


class Matcher:
    """The topics' phrases compiled once; ``matcher(item)`` is the ids of the item's topics."""

    __slots__ = ("_rules",)

    def __init__(self, topics: Sequence[Topic]) -> None:
        self._rules = tuple((t.id, compile_phrases(t.match)) for t in topics)

    def __call__(self, item: Item) -> tuple[str, ...]:
        """The ids of the topics the item belongs to, in config order. The plain text is made
        at most once, and only when some topic is not already named by the item."""
        explicit = item.topics
        text: str | None = None
        found: list[str] = []
        for topic_id, pattern in self._rules:
            if topic_id in explicit:
                found.append(topic_id)
            elif pattern is not None:
                if text is None:
                    text = haystack(item)
                if pattern.search(text):
                    found.append(topic_id)
        return tuple(found)


def matches(topic: Topic, item: Item) -> bool:
    """Whether one of the topic's words or phrases occurs in the item (its tags aside)."""
    pattern = compile_phrases(topic.match)
    return pattern is not None and pattern.search(haystack(item)) is not None


def topics_for(item: Item, topics: Sequence[Topic]) -> tuple[str, ...]:
    """The ids of the topics the item belongs to, in config order."""
    return Matcher(topics)(item)
