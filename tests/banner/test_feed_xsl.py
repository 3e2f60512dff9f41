"""feed.xsl applied by libxslt (lxml): the readable feed page is checked even where a browser
no longer runs XSLT (tests/banner/test_published.py checks it in Chromium)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from feeder.publish import publish
from feeder.store import Store
from tests.builders import fire_risk, news
from tests.common import NOW, TOPIC, make_config

XSL = Path(__file__).resolve().parents[2] / "feeder" / "assets" / "feed.xsl"


@pytest.mark.parametrize("name", ["feed.atom", "feed.rss", f"topics/{TOPIC['id']}.atom"])
def test_feed_xsl_renders_each_feed_as_a_swedish_page(tmp_path: Path, name: str) -> None:
    config = make_config(tmp_path)
    with Store(config.storage.database) as store:
        store.upsert([fire_risk(), news()], NOW)
        publish(store, config, NOW)
    feed = etree.parse(str(config.storage.output_dir / name))
    page = etree.XSLT(etree.parse(str(XSL)))(feed)
    html = etree.tostring(page, encoding="unicode", method="html")
    text = " ".join(page.getroot().itertext())
    assert "Det här är ett nyhetsflöde" in text
    assert "Kraftsamling mot våldet i Västernorrland" in text
    if not name.startswith("topics/"):
        assert "Risk för skogsbrand i Västernorrlands län" in text
    assert "<script" not in html.lower()
