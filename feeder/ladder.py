"""The priority ladder, in one place (PRODUCT.md, "The priority ladder").

| level | name     | from SMHI | from editors | in the banner by default |
|-------|----------|-----------|--------------|--------------------------|
| 5     | critical | RED       | critical     | yes |
| 4     | severe   | ORANGE    | severe       | yes |
| 3     | warning  | YELLOW    | warning      | yes |
| 2     | notice   | MESSAGE   | notice       | yes |
| 1     | info     | (news)    | info         | no  |

Every item carries its level and a short reason saying why it ranks there; every output that
carries priority carries both the name and the number.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class Level(IntEnum):
    INFO = 1
    NOTICE = 2
    WARNING = 3
    SEVERE = 4
    CRITICAL = 5

    @property
    def label(self) -> str:
        """The ladder name: ``info`` .. ``critical``."""
        return self.name.lower()

    @property
    def swedish(self) -> str:
        return SWEDISH_NAMES[self]

    @classmethod
    def parse(cls, value: str | int) -> Level:
        """A level from its name (``notice``) or number (``2``); ``ValueError`` otherwise."""
        if isinstance(value, bool):
            raise ValueError(f"unknown level {value!r}")
        if isinstance(value, int):
            try:
                return cls(value)
            except ValueError as exc:
                raise ValueError(f"unknown level {value!r}; use 1-5") from exc
        text = str(value).strip().lower()
        if text.isdigit():
            return cls.parse(int(text))
        for level in cls:
            if level.label == text:
                return level
        names = ", ".join(level.label for level in cls)
        raise ValueError(f"unknown level {value!r}; use one of {names}")


SWEDISH_NAMES = {
    Level.INFO: "Information",
    Level.NOTICE: "Meddelande",
    Level.WARNING: "Gul varning",
    Level.SEVERE: "Orange varning",
    Level.CRITICAL: "Röd varning / VMA",
}

DEFAULT_BANNER_MIN = Level.NOTICE
ALERT_MIN = Level.NOTICE
"""Items at or above this level are alerts: they go into ``alerts.*`` and may reach the banner."""

SMHI_LEVELS = {
    "RED": Level.CRITICAL,
    "ORANGE": Level.SEVERE,
    "YELLOW": Level.WARNING,
    "MESSAGE": Level.NOTICE,
}


@dataclass(frozen=True, slots=True)
class Ranking:
    level: Level
    reason: str


def for_smhi(code: str) -> Ranking:
    """The rank of an SMHI warning area from its ``warningLevel.code``.

    An unknown code is kept at ``warning`` (never dropped, never silently downgraded to info),
    and the reason says so, so that the caller can log it.
    """
    level = SMHI_LEVELS.get(code.upper())
    if level is None:
        return Ranking(Level.WARNING, f"SMHI warningLevel {code!r} is unknown: ranked as warning")
    return Ranking(level, f"SMHI warningLevel {code.upper()} → {level.label}")


def for_editor(level: Level) -> Ranking:
    return Ranking(level, f"set by an editor as {level.label}")


def for_news() -> Ranking:
    return Ranking(Level.INFO, "news article → info")


def for_vma() -> Ranking:
    return Ranking(Level.CRITICAL, "VMA (Viktigt meddelande till allmänheten) → critical")
