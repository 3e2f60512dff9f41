from __future__ import annotations

from pathlib import Path

import pytest

from feeder.config import Topic
from feeder.ladder import Level
from feeder.model import Item
from feeder.topics import Matcher, matches, topics_for
from tests.common import NOW, TOPIC

SEED = Path(__file__).resolve().parent / "fixtures" / "seed.txt"
PLAN = Topic(TOPIC["id"], TOPIC["title"], tuple(TOPIC["match"]))  # type: ignore[arg-type]


def news(title: str, body: str = "", topics: tuple[str, ...] = ()) -> Item:
    return Item(id="https://x/a.html", source="lansstyrelsen", level=Level.INFO, title=title,
                body=body, published=NOW, updated=NOW, topics=topics)


def test_seed_article_is_in_the_action_plan_topic() -> None:
    text = SEED.read_text(encoding="utf-8")
    item = news("Kraftsamling mot våldet i Västernorrland", "<p>" + text + "</p>")
    assert topics_for(item, [PLAN]) == ("handlingsplan-mot-vald",)


@pytest.mark.parametrize(
    ("title", "body", "hit"),
    [("MÄNS VÅLD MOT KVINNOR", "", True),
     ("Konferens", "<p>om våld i\n nära relationer</p>", True),
     ("Handlingsplan mot våldet", "", True),
     ("Strandskydd", "<p>Nya regler för strandskydd</p>", False),
     ("Ovåld", "<p>kvinnovåld</p>", False)],
)
def test_matching_is_case_insensitive_from_word_start(title: str, body: str, hit: bool) -> None:
    assert matches(PLAN, news(title, body)) is hit


def test_explicit_topic_on_a_notice() -> None:
    other = Topic("vatten", "Vatten", ())
    item = news("Vattenavstängning", topics=("vatten",))
    assert topics_for(item, [PLAN, other]) == ("vatten",)


def test_words_split_by_inline_markup_are_one_word() -> None:
    spring = Topic("kraft", "Kraftsamling", ("kraftsamling",))
    item = news("Våren", "<p>Nu börjar vår <strong>kraft</strong>samling.</p>")
    assert matches(spring, item)
    assert topics_for(item, [spring]) == ("kraft",)
    assert not matches(spring, news("Våren", "<p>vår kraft<br>samling</p>"))  # a break is a space


WATER = Topic("vatten", "Vatten", ("vattenbrist", "koka vattnet"))
EMPTY = Topic("tom", "Utan ord", ())


@pytest.mark.parametrize(
    "item",
    [news("Vattenbrist i Ånge"),
     news("Råd", "<p>Koka &nbsp;vattnet och om <em>våld</em> i nära relationer</p>"),
     news("Strandskydd", topics=("tom",)),
     news("Strandskydd", "<p>&lt;vattenbrist&gt;</p>"),
     news("Inget")],
)
def test_the_matcher_is_the_rule(item: Item) -> None:
    topics = [PLAN, WATER, EMPTY]
    expected = tuple(t.id for t in topics if t.id in item.topics or matches(t, item))
    assert Matcher(topics)(item) == expected == topics_for(item, topics)


def test_a_topic_without_words_matches_nothing() -> None:
    assert not matches(EMPTY, news("Vad som helst", "<p>text</p>"))
    assert Matcher([EMPTY])(news("Vad som helst")) == ()
