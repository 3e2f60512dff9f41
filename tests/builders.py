"""Items and configs built directly, for tests of everything that reads items (publishing, the
lifecycle, the banner). A plain module: import it (``from tests.builders import ...``), never
conftest; the pytest fixtures built on it live in ``tests/publish/conftest.py``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from feeder.config import Config
from feeder.ladder import Level
from feeder.model import Item
from tests.common import NOW

__all__ = [
    "HOSTILE", "HOUR", "NEWS_URL", "NOW", "PUBLIC", "TOPIC_ID", "ConfigFactory", "fire_risk",
    "make_item", "news", "scenario",
]

HOUR = timedelta(hours=1)
PUBLIC = "https://feeder.example.se/lan/"
TOPIC_ID = "handlingsplan-mot-vald"
NEWS_URL = "https://www.lansstyrelsen.se/vasternorrland/om-oss/nyheter-och-press/nyheter---vasternorrland/2026-06-10-kraftsamling-mot-valdet.html"

ConfigFactory = Callable[..., Config]
"""The ``make_config`` fixture: a valid config whose top-level sections the keywords replace."""


def make_item(item_id: str = "notice:n1", **fields: Any) -> Item:
    """An item with sensible defaults; ``fields`` override any attribute."""
    values: dict[str, Any] = {
        "source": "notice",
        "level": Level.INFO,
        "title": "Ett meddelande",
        "body": "<p>Text.</p>",
        "published": NOW - 2 * HOUR,
        "updated": fields.get("published", NOW - 2 * HOUR),
    }
    values.update(fields)
    return Item(id=item_id, **values)


def fire_risk(item_id: str = "smhi:100-22", **fields: Any) -> Item:
    """SMHI's fire-risk message for the county, as the SMHI source stores it."""
    values: dict[str, Any] = {
        "source": "smhi",
        "level": Level.NOTICE,
        "title": "Risk för skogsbrand i Västernorrlands län",
        "body": "<p>Det är mycket torrt i skog och mark och risken för brand är stor.</p>",
        "url": "https://www.smhi.se/vader/varningar-och-brandrisk/varningar-och-meddelanden",
        "published": NOW - 3 * HOUR,
        "updated": NOW - 3 * HOUR,
        "onset": NOW - 3 * HOUR,
        "expires": NOW + 8 * HOUR,
        "areas": ("2281",),
    }
    values.update(fields)
    return Item(id=item_id, **values)


def news(**fields: Any) -> Item:
    """The seed article: its id is its canonical URL."""
    url = fields.pop("url", NEWS_URL)
    values: dict[str, Any] = {
        "source": "lansstyrelsen",
        "level": Level.INFO,
        "title": "Kraftsamling mot våldet i Västernorrland",
        "body": "<p>Länsstyrelsen antar en regional handlingsplan mot våld i nära relationer.</p>",
        "url": url,
        "published": NOW - 48 * HOUR,
        "updated": NOW - 48 * HOUR,
    }
    values.update(fields)
    return Item(id=url, **values)


HOSTILE = (
    '<p>Storm i kväll.<img src=x onerror="alert(1)"></p><script>alert(2)</script>'
    '<a href="javascript:alert(3)">klicka</a>'
)


def scenario() -> list[Item]:
    """A county's morning: one of each kind of item the outputs must handle."""
    return [
        fire_risk(),
        make_item("notice:storm", level=Level.WARNING, title="Storm Hans närmar sig",
                  body=HOSTILE, updated=NOW - HOUR, url="javascript:alert(4)"),
        news(),
        fire_risk("smhi:99-22", title="Risk för gräsbrand i Västernorrlands län",
                  published=NOW - 30 * HOUR, updated=NOW - 30 * HOUR, onset=NOW - 30 * HOUR,
                  expires=NOW - 5 * HOUR),
        make_item("notice:water", level=Level.NOTICE, title="Vattenbrist i Ånge",
                  withdrawn=True, updated=NOW - 4 * HOUR, published=NOW - 50 * HOUR),
        make_item("notice:draft", level=Level.CRITICAL, title="Utkast: utrym", status="draft"),
        make_item("notice:future", level=Level.SEVERE, title="Planerat avbrott",
                  effective=NOW + 2 * HOUR, onset=NOW + 2 * HOUR,
                  expires=NOW + 6 * HOUR),
        make_item("notice:meeting", title="Möte om länets arbete", topics=(TOPIC_ID,),
                  published=NOW - 20 * HOUR, updated=NOW - 20 * HOUR),
    ]
