"""Golden outputs: every file one publish writes for a mixed scenario, byte for byte.

The scenario holds one of each kind of item (active, upcoming, scheduled, expired, ended,
withdrawn, draft; each level; tagged by an editor, matched by a topic's words, matched through
an HTML entity; two warning areas of the same second; a warning issued ahead, in the banner as
upcoming; a stored title with ``<`` and a literal ``&amp;``), a stale source and one that never
succeeded, two topics, and a cap that cuts some feeds (that case with a WebSub hub: its links).
A change in any published byte fails here; when the change is deliberate, regenerate the files
and review their diff:

    FEEDER_UPDATE_GOLDEN=1 python3 -m pytest -q tests/publish/test_golden.py
"""

from __future__ import annotations

import difflib
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from feeder import __version__
from feeder.ladder import Level
from feeder.model import Item
from feeder.publish import publish
from feeder.publish.assets import STATIC_NAMES
from feeder.store import Store
from tests.builders import HOUR, NOW, TOPIC_ID, ConfigFactory, fire_risk, make_item, news, scenario

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("FEEDER_UPDATE_GOLDEN") == "1"
VERSION = f'version="{__version__}"'.encode()
"""feedgen writes our version into the feeds' generator element: not pinned here."""

TOPICS = [
    {"id": TOPIC_ID, "title": "Handlingsplan mot våld",
     "match": ["handlingsplan mot våld", "våld i nära relationer"]},
    {"id": "vatten", "title": "Vatten", "match": ["vattenbrist", "kokningsrekommendation"]},
]

SOURCES = {"vma": {}}  # smhi and lansstyrelsen are on by default
CASES: dict[str, dict[str, Any]] = {
    "mixed": {"topics": TOPICS, "sources": SOURCES},
    "capped": {"topics": TOPICS, "sources": SOURCES,
               "feeds": {"max_items": 3, "websub_hub": "https://hub.example.se/websub?a=1&b=2"},
               "banner": {"min_level": "warning"}},
}


def mixed() -> list[Item]:
    return [
        *scenario(),
        fire_risk("smhi:100-2280", areas=("2280",)),  # the same warning, same second
        fire_risk("smhi:101-22", level=Level.SEVERE, title="Orange varning för kraftig vind",
                  ended=NOW - 30 * timedelta(minutes=1), updated=NOW - 2 * HOUR),
        make_item("vma:1", source="vma", level=Level.CRITICAL,
                  title="Viktigt meddelande till allmänheten", body="<p>Gå inomhus.</p>",
                  url="https://vma.sr.se/1", published=NOW - 10 * timedelta(minutes=1),
                  expires=NOW + 3 * HOUR, areas=("2281", "2282")),
        make_item("notice:boil", level=Level.WARNING, title="Kokningsrekommendation i Timrå",
                  body="<p>Koka vattnet &amp; spara det.</p>", summary="Koka vattnet.",
                  updated=NOW - 90 * timedelta(minutes=1), expires=NOW + 24 * HOUR),
        fire_risk("smhi:102-22", level=Level.WARNING,
                  title="Gul varning för höga vattenstånd vid <Höga kusten> &amp; Ådalen",
                  published=NOW - HOUR, updated=NOW - HOUR, onset=NOW + 14 * HOUR,
                  expires=NOW + 30 * HOUR, areas=()),
        news(url="https://www.lansstyrelsen.se/vasternorrland/nyheter/2026-06-11-entity.html",
             title="Samverkan i länet",
             body="<p>Om v&aring;ld i n&auml;ra relationer och &quot;trygghet&quot;.</p>",
             published=NOW - 26 * HOUR, updated=NOW - 25 * HOUR),
        news(url="https://www.lansstyrelsen.se/vasternorrland/nyheter/2026-06-01-strandskydd.html",
             title="Nya regler för strandskydd", body="<p>Strandskyddet ändras.</p>",
             published=NOW - 11 * 24 * HOUR, updated=NOW - 11 * 24 * HOUR),
        news(url="https://www.lansstyrelsen.se/vasternorrland/nyheter/2026-05-20-konferens.html",
             title="Konferens om handlingsplan mot våld", body="<p>Välkommen.</p>",
             published=NOW - 23 * 24 * HOUR, updated=NOW - 23 * 24 * HOUR),
    ]


def published_files(out: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(out)): path.read_bytes().replace(VERSION, b'version="VERSION"')
        for path in sorted(out.rglob("*"))
        if path.is_file() and not path.name.startswith(".") and path.suffix != ".gz"
        and path.name not in STATIC_NAMES  # copied byte for byte: tests/banner/test_assets.py
    }


@pytest.mark.parametrize("case", sorted(CASES))
def test_published_bytes_match_the_golden_files(make_config: ConfigFactory, case: str) -> None:
    cfg = make_config(**CASES[case])
    with Store(cfg.storage.database) as db:
        db.upsert(mixed(), NOW - HOUR)
        db.record_success("smhi", NOW - timedelta(minutes=2))
        db.record_success("lansstyrelsen", NOW - 3 * HOUR)  # stale since NOW - 2 h
        db.record_failure("vma", NOW - 20 * timedelta(minutes=1), "HTTP 503")
        result = publish(db, cfg, NOW)
    assert result.rendered
    assert result.next_change == NOW + timedelta(minutes=8)  # smhi turns stale (600 s)
    files = published_files(cfg.storage.output_dir)
    folder = GOLDEN / case
    if UPDATE:
        for name, data in files.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(data)
        pytest.skip(f"golden files written to {folder}")
    expected = {str(p.relative_to(folder)): p.read_bytes()
                for p in sorted(folder.rglob("*")) if p.is_file()}
    assert sorted(files) == sorted(expected)
    for name, data in files.items():
        if data != expected[name]:
            diff = difflib.unified_diff(
                expected[name].decode().splitlines(), data.decode().splitlines(),
                f"golden/{case}/{name}", "published", lineterm="", n=1,
            )
            pytest.fail("\n".join(list(diff)[:60]))
