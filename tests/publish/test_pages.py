"""The published HTML pages' shared parts (feeder.publish.views) and the feeds' pages
(feeder.publish.feedpage): templates that escape every value, the words an alert is shown with,
and a page per feed that says what a feed is and lists its items."""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest

from feeder.config import Config
from feeder.ladder import Level
from feeder.publish import entry, feedpage, plan, publish, views
from feeder.publish.spec import FeedSpec
from feeder.store import Store
from feeder.templating import Templates
from tests.builders import HOUR, NOW, PUBLIC, TOPIC_ID, fire_risk, make_item, scenario

NAMES = {"2281": "Sundsvall", "2262": "Timrå"}


def test_templates_escape_every_value() -> None:
    page = views.templates.render("feed_page.html", spec=_spec('<b>"Län"</b> & <script>'),
                                  now=NOW)
    assert "<b>" not in page and "<script>" not in page
    assert "&lt;b&gt;&#34;Län&#34;&lt;/b&gt; &amp; &lt;script&gt;" in page


def _spec(title: str) -> FeedSpec:
    return FeedSpec(name="feed", title=title, description="d", base_url=PUBLIC, entries=(),
                    updated=NOW, region="Län")


def test_an_undefined_value_is_an_error_not_an_empty_string() -> None:
    with pytest.raises(Exception, match="'spec' is undefined"):
        views.templates.render("feed_page.html", now=NOW)
    assert Templates({"x": str}).render("site.css").startswith("*{box-sizing")


@pytest.mark.parametrize(("fields", "words"), [
    ({}, "Gäller till fredag 12 juni kl. 20.00"),
    ({"areas": ("2281", "2262")}, "Gäller: Sundsvall, Timrå, till fredag 12 juni kl. 20.00"),
    ({"expires": None}, ""),
    ({"expires": None, "areas": ("2262",)}, "Gäller: Timrå"),
    ({"onset": NOW + 2 * HOUR}, "Från fredag 12 juni kl. 14.00 till fredag 12 juni kl. 20.00"),
    ({"onset": NOW + 2 * HOUR, "expires": None}, "Från fredag 12 juni kl. 14.00"),
    ({"onset": NOW + 2 * HOUR, "areas": ("2281",)},
     "Gäller: Sundsvall, från fredag 12 juni kl. 14.00 till fredag 12 juni kl. 20.00"),
    ({"expires": NOW + 400 * 24 * HOUR}, "Gäller till lördag 17 juli 2027 kl. 12.00"),
])
def test_where_and_when_an_alert_applies(fields: dict[str, object], words: str) -> None:
    item = fire_risk(**{"areas": (), "published": NOW - HOUR, **fields})
    assert views.applies(entry.build(item, NOW, (), NAMES), NOW) == words


def test_visa_mer_only_when_there_is_more_than_the_collapsed_banner_shows() -> None:
    def more(body: str = "<p>Koka vattnet.</p>", **fields: object) -> bool:
        return views.has_more(entry.build(make_item(body=body, **fields), NOW, (), NAMES), NOW)

    assert not more()
    assert more("<p>" + "x" * (views.LEAD_FITS + 1) + "</p>")
    assert more("<p>Kort.</p><p>Mer.</p>")
    assert more("<h3>Rubrik</h3><p>Kort.</p>")
    # what a phone may cut: a long title, a long where-and-when, a long source line
    assert not more(title="x" * views.TITLE_FITS)
    assert more(title="x" * (views.TITLE_FITS + 1))
    assert not more(areas=("2281",))
    assert more(areas=("2281", "2262") * 20)
    assert not more(url="https://www.timra.se/")
    assert more(url="https://www.en-mycket-lang-kommunadress.se/")


class Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids += [v or "" for k, v in attrs if k == "id"]

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def test_each_feed_has_its_page(db: Store, cfg: Config, out: Path) -> None:
    ahead = fire_risk("smhi:5-22", title="Gul varning för kraftig vind", level=Level.WARNING,
                      published=NOW - HOUR, updated=NOW - HOUR, onset=NOW + 5 * HOUR)
    db.upsert([*scenario(), ahead], NOW - HOUR)
    db.record_success("smhi", NOW - timedelta(minutes=1))
    publish(db, cfg, NOW)
    for name in ("feed", "alerts", f"topics/{TOPIC_ID}"):
        raw = (out / f"{name}.html").read_text(encoding="utf-8")
        parser = Text()
        parser.feed(raw)
        text = " ".join(" ".join(parser.parts).split())
        assert raw.startswith("<!DOCTYPE html>") and '<html lang="sv">' in raw
        assert "Det här är ett nyhetsflöde" in text and "Så här prenumererar du" in text
        assert f'value="{PUBLIC}{name}.rss"' in raw  # the address to copy
        for ext, kind in (("rss", "rss+xml"), ("atom", "atom+xml"), ("json", "feed+json")):
            assert f'href="{PUBLIC}{name}.{ext}" type="application/{kind}"' in raw
        assert "json-feed" in parser.ids  # the JSON Feed extension's "about"
        assert "<script" not in raw.lower() and "javascript:" not in raw
    page = (out / "feed.html").read_text(encoding="utf-8")
    assert "Kraftsamling mot våldet i Västernorrland" in page
    assert "Avslutad: meddelandet återkallades" in page  # an ended item says so
    assert 'Från <time datetime="2026-06-12T15:00:00Z">fredag 12 juni kl. 17.00</time>' in page
    assert "Gäller: Sundsvall" in page
    assert "Utkast: utrym" not in page
    assert "Senast uppdaterat" in page


def test_the_plan_renders_the_same_page_twice(cfg: Config) -> None:
    shown = plan.make(scenario(), {}, cfg, NOW)
    assert feedpage.render(shown.feed, NOW) == feedpage.render(shown.feed, NOW)
