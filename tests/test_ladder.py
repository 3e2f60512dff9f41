from __future__ import annotations

import pytest

from feeder import ladder
from feeder.ladder import Level


def test_the_ladder_is_exactly_as_in_product() -> None:
    assert [(int(lv), lv.label) for lv in Level] == [
        (1, "info"), (2, "notice"), (3, "warning"), (4, "severe"), (5, "critical"),
    ]
    assert ladder.DEFAULT_BANNER_MIN is Level.NOTICE


@pytest.mark.parametrize(
    ("code", "level"),
    [("RED", Level.CRITICAL), ("ORANGE", Level.SEVERE), ("YELLOW", Level.WARNING),
     ("MESSAGE", Level.NOTICE), ("message", Level.NOTICE)],
)
def test_smhi_codes(code: str, level: Level) -> None:
    ranking = ladder.for_smhi(code)
    assert ranking.level is level
    assert level.label in ranking.reason


def test_unknown_smhi_code_is_kept_at_warning_with_reason() -> None:
    ranking = ladder.for_smhi("PURPLE")
    assert ranking.level is Level.WARNING
    assert "unknown" in ranking.reason and "PURPLE" in ranking.reason


def test_news_editor_and_vma() -> None:
    assert ladder.for_news().level is Level.INFO
    assert ladder.for_vma().level is Level.CRITICAL
    assert ladder.for_editor(Level.SEVERE).level is Level.SEVERE


@pytest.mark.parametrize(
    ("text", "level"),
    [("notice", Level.NOTICE), (" Critical ", Level.CRITICAL), ("3", Level.WARNING),
     (1, Level.INFO)],
)
def test_parse(text: str | int, level: Level) -> None:
    assert Level.parse(text) is level


@pytest.mark.parametrize("bad", ["loud", "", 0, 6, True, "7"])
def test_parse_rejects(bad: object) -> None:
    with pytest.raises(ValueError, match="unknown level"):
        Level.parse(bad)  # type: ignore[arg-type]


def test_ordering_is_numeric() -> None:
    assert sorted([Level.INFO, Level.CRITICAL, Level.NOTICE], reverse=True) == [
        Level.CRITICAL, Level.NOTICE, Level.INFO]
