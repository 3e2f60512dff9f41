"""banner.json documents in PRODUCT.md's shape, and the real-clock scenario the published
banner tests run on. A plain module: import it, not conftest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from feeder import config as config_mod
from feeder.config import Config
from feeder.ladder import Level
from feeder.model import Item

GENERATED = "2026-06-12T10:00:03Z"
MUNICIPALITIES = {
    "2260": "Ånge", "2262": "Timrå", "2280": "Härnösand", "2281": "Sundsvall",
    "2282": "Kramfors", "2283": "Sollefteå", "2284": "Örnsköldsvik",
}
"""``municipalities`` of banner.json: Västernorrland's, as config.yaml's default."""


def alert(
    alert_id: str,
    level: int,
    title: str,
    *,
    text: str = "",
    url: str | None = None,
    source: str = "Länsstyrelsen",
    updated: str = "2026-06-12T09:00:00Z",
    expires: str | None = None,
    areas: tuple[str, ...] = (),
) -> dict[str, Any]:
    return {
        "id": alert_id,
        "level": level,
        "level_name": Level(level).label,
        "title": title,
        "text": text,
        "url": url,
        "source": source,
        "starts": "2026-06-12T08:00:00Z",
        "expires": expires,
        "updated": updated,
        "areas": list(areas),
    }


def banner_doc(
    *alerts: dict[str, Any],
    stale: bool = False,
    sources: dict[str, Any] | None = None,
    generated: str = GENERATED,
    state: str | None = None,
    municipalities: dict[str, str] | None = MUNICIPALITIES,
) -> dict[str, Any]:
    """banner.json; ``municipalities=None``: without them, as an older feeder wrote it."""
    doc: dict[str, Any] = {
        "region": "Västernorrlands län",
        "generated": generated,
        "stale": stale,
        "state": state or ("stale" if stale else "ok"),
        "sources": sources if sources is not None else {
            "smhi": {"state": "ok", "banner": True, "ok": True, "stale": False,
                     "since": "2026-06-12T09:58:01Z"}
        },
        "alert": alerts[0] if alerts else None,
        "alerts": list(alerts),
    }
    if municipalities is not None:
        doc["municipalities"] = municipalities
    return doc


FIRE = alert(
    "smhi:100-22",
    2,
    "Risk för skogsbrand i Västernorrlands län",
    text="Det är mycket torrt i skog och mark. Var försiktig med eld.",
    url="https://www.smhi.se/vader/varningar-och-brandrisk/varningar-och-meddelanden",
    source="SMHI",
)


# -- the published banner's scenario, on the real clock --------------------------------------

TOPIC = {"id": "handlingsplan-mot-vald", "title": "Handlingsplan mot våld",
         "match": ["handlingsplan mot våld"]}
HOUR = timedelta(hours=1)


def real_now() -> datetime:
    """Real time: the browser compares ``expires`` with its own clock."""
    return datetime.now(UTC).replace(microsecond=0)


def alert_item(item_id: str, level: Level, title: str, now: datetime, **fields: Any) -> Item:
    values: dict[str, Any] = {
        "source": "notice", "level": level, "title": title, "body": "<p>Mer information.</p>",
        "published": now - 2 * HOUR, "updated": now - 2 * HOUR, "expires": now + 6 * HOUR,
    }
    values.update(fields)
    return Item(id=item_id, **values)


def alerts_scenario(now: datetime) -> list[Item]:
    return [
        alert_item("smhi:100-22", Level.NOTICE, "Risk för skogsbrand i Västernorrlands län",
                   now, source="smhi", url="https://www.smhi.se/varningar",
                   body="<p>Det är mycket torrt i skog och mark.</p>"),
        alert_item("notice:sundsvall", Level.WARNING, "Kokningsrekommendation i Sundsvall", now,
                   areas=("2281",), body="<p>Koka vattnet före användning.</p>"),
        alert_item("notice:harnosand", Level.SEVERE, "Vattenläcka i Härnösand", now,
                   areas=("2280",)),
        alert_item("https://www.lansstyrelsen.se/nyheter/kraftsamling.html", Level.INFO,
                   "Kraftsamling mot våldet i Västernorrland", now, source="lansstyrelsen",
                   url="https://www.lansstyrelsen.se/nyheter/kraftsamling.html", expires=None,
                   body="<p>Länsstyrelsen antar en handlingsplan mot våld i nära relationer.</p>"),
    ]


def make_config(tmp_path: Path, public_url: str) -> Config:
    data = {
        "region": {"name": "Västernorrlands län", "county_id": 22},
        "storage": {"database": "db.sqlite3", "output_dir": "public"},
        "server": {"host": "127.0.0.1", "port": 8080, "public_url": public_url},
        "topics": [TOPIC],
    }
    return config_mod.from_dict(data, tmp_path / "config.yaml")
