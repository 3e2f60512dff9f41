"""A stored title is plain text, published exactly as stored in every output: never HTML-decoded
or stripped a second time (``<Höga kusten>`` stays, a literal ``&amp;`` stays), and escaped
correctly for each format (XML, JSON, HTML)."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

from lxml import etree

from feeder.config import Config
from feeder.ladder import Level
from feeder.publish import publish
from feeder.store import Store
from tests.builders import NOW, make_item

TITLE = "Vägarbete vid <Höga kusten> &amp; E4 – 'slut' \"snart\""
ATOM = "{http://www.w3.org/2005/Atom}"


class Texts(HTMLParser):
    """The text of every element of one tag name."""

    def __init__(self, tag: str) -> None:
        super().__init__()
        self.tag, self.depth, self.found = tag, 0, []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == self.tag:
            self.depth += 1
            self.found.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == self.tag:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.found[-1] += data


def texts(path: Path, tag: str) -> list[str]:
    parser = Texts(tag)
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.found


def test_a_stored_title_is_published_as_it_is_in_every_output(
    db: Store, cfg: Config, out: Path
) -> None:
    db.upsert([make_item("notice:kust", level=Level.WARNING, title=TITLE, updated=NOW)], NOW)
    db.record_success("smhi", NOW)
    publish(db, cfg, NOW)
    for name in ("feed.rss", "alerts.rss"):
        rss = etree.fromstring((out / name).read_bytes())
        assert [t.text for t in rss.iter("title")][-1] == TITLE, name
    for name in ("feed.atom", "alerts.atom"):
        atom = etree.fromstring((out / name).read_bytes())
        assert atom.find(f"{ATOM}entry/{ATOM}title").text == TITLE, name
    for name in ("feed.json", "alerts.json"):
        (item,) = json.loads((out / name).read_bytes())["items"]
        assert item["title"] == TITLE, name
    banner = json.loads((out / "banner.json").read_bytes())
    assert banner["alert"]["title"] == TITLE
    assert texts(out / "banner.html", "h2") == [f"Gul varning {TITLE}"]  # the level first
    assert TITLE in texts(out / "index.html", "h3")
    for name in ("banner.html", "index.html"):
        raw = (out / name).read_text(encoding="utf-8")
        assert "&lt;Höga kusten&gt; &amp;amp; E4" in raw and "<Höga" not in raw, name
