"""Helpers for the VMA tests (a plain module: import it, not conftest): the fixtures, the times
of the Sundsvall VMA in them, a config for Västernorrland and CAP-like messages built in code."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from feeder.config import Config, Region, from_dict
from feeder.model import Item
from feeder.sources import vma
from feeder.sources.base import ParseContext, Parsed
from tests.common import FIXTURES as ALL_FIXTURES

FIXTURES = ALL_FIXTURES / "krisinformation"
SR_PATH = "/api/v3/alerts"
KI_PATH = "/v3/vmas"


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def body(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def region_config(tmp_path: Path, **vma_source: object) -> Config:
    return from_dict(
        {
            "region": {"name": "Västernorrlands län", "county_id": 22},
            "storage": {"database": "db.sqlite3", "output_dir": "public"},
            "sources": {"vma": {"url": "https://vmaapi.sr.se/api/v3/alerts", **vma_source}},
        },
        tmp_path / "config.yaml",
    )


def parse(data: bytes, region: Region, now: datetime,
          known: dict[str, Item] | None = None) -> Parsed[Item]:
    """:func:`feeder.sources.vma.parse` with a context of those parts."""
    return vma.parse(data, ParseContext(region, now, known=known or {}))


# Times of the Sundsvall VMA in sr_vma_alerts_cap.json / sr_vma_update.json / sr_vma_cancel.json
SENT = utc("2022-06-01T09:41:00+02:00")
EXPIRES = utc("2022-06-01T21:41:00+02:00")
UPDATE_SENT = utc("2022-06-01T11:30:00+02:00")
UPDATE_EXPIRES = utc("2022-06-02T09:41:00+02:00")
CANCEL_AT = utc("2022-06-01T13:20:00+02:00")
SUNDSVALL = "vma:SR-VMA-2022-0601-0001"


def cap(identifier: str, kind: str, sent: str, *, refs: object = None,
         headline: str = "VMA i Sundsvall", description: str = "Gå inomhus.",
         area: object = None) -> dict[str, Any]:
    return {
        "identifier": identifier, "sender": "MSB", "status": "Actual", "msgType": kind,
        "scope": "Public", "references": refs, "sent": sent,
        "info": [{
            "language": "sv-SE", "headline": headline, "description": description,
            "instruction": "", "expires": "2022-06-01T21:00:00+02:00",
            "area": area if area is not None else [
                {"areaDesc": "Sundsvall", "geocode": [{"valueName": "Kommun", "value": "2281"}]}
            ],
        }],
    }


def dumps(doc: object) -> bytes:
    return json.dumps(doc).encode()
