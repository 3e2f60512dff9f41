"""The static outputs (feeder.publish.assets): what is published, the size and safety rules of
banner.js, and feed.xsl's rendering (lxml runs the same libxslt that Chromium uses)."""

from __future__ import annotations

import gzip
import re
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from lxml import etree

from feeder.ladder import SWEDISH_NAMES
from feeder.model import SOURCE_NAMES
from feeder.publish import assets
from feeder.timeutil import STOCKHOLM, swedish

ASSETS = Path(assets.__file__).resolve().parent.parent / "assets"
BANNER_JS = (ASSETS / "banner.js").read_text(encoding="utf-8")
GZIP_BUDGET = 8 * 1024


def code_only(js: str) -> str:
    """banner.js without its comments (they may name what the code must not do)."""
    js = re.sub(r"/\*.*?\*/", "", js, flags=re.S)
    return re.sub(r"(?m)^\s*//.*$", "", js)


def test_outputs_are_the_package_files_byte_for_byte() -> None:
    out = assets.outputs()
    assert sorted(out) == ["banner.js", "feed.xsl"]
    for name, body in out.items():
        assert body == (ASSETS / name).read_bytes()
    assert assets.outputs() == out  # deterministic
    out["banner.js"] = b"changed"
    assert assets.outputs()["banner.js"] != b"changed"  # callers get their own dict


def test_stylesheet_href_is_relative_to_the_feed() -> None:
    assert assets.stylesheet_href("feed") == "feed.xsl"
    assert assets.stylesheet_href("alerts") == "feed.xsl"
    assert assets.stylesheet_href("topics/handlingsplan-mot-vald") == "../feed.xsl"


def test_banner_js_is_small() -> None:
    size = len(gzip.compress(BANNER_JS.encode(), compresslevel=9))
    assert size <= GZIP_BUDGET, f"banner.js is {size} bytes gzipped (budget {GZIP_BUDGET})"


@pytest.mark.parametrize("pattern", [
    r"\.innerHTML", r"\.outerHTML", r"insertAdjacentHTML", r"document\.write",
    r"\beval\s*\(", r"new\s+Function", r"setTimeout\(\s*['\"]", r"setInterval\(\s*['\"]",
    r"setAttribute\(\s*['\"]on", r"\.on[a-z]+\s*=", r"createContextualFragment", r"DOMParser",
    r"setAttribute\(\s*['\"](?:href|src|style)",
])
def test_banner_js_never_turns_data_into_markup_or_code(pattern: str) -> None:
    assert not re.search(pattern, code_only(BANNER_JS)), pattern


def test_banner_js_is_plain_strict_javascript() -> None:
    code = code_only(BANNER_JS)
    assert code.lstrip().startswith("(function () {\n  'use strict';")
    assert not re.search(r"\b(import|export|require)\b", code)
    assert "attachShadow" in code and "textContent" in code


def _js_object(name: str) -> dict[str, str]:
    body = re.search(r"var " + name + r" = \{(.*?)\};", BANNER_JS, re.S)
    assert body, name
    return dict(re.findall(r"(\w+): '([^']*)'", body.group(1)))


def test_banner_js_speaks_the_ladder_and_source_names() -> None:
    assert _js_object("LEVELS") == {str(int(k)): v for k, v in SWEDISH_NAMES.items()}
    assert _js_object("SOURCE_NAMES") == SOURCE_NAMES


# -- feed.xsl ----------------------------------------------------------------------------------

XSLT = etree.XSLT(etree.parse(str(ASSETS / "feed.xsl")))
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="sv">
  <id>urn:uuid:00000000-0000-4000-8000-000000000000</id>
  <title>Aktuellt</title>
  <updated>{updated}</updated>
  <link href="https://feeder.example.se/feed.atom" rel="self" type="application/atom+xml"/>
  <link href="https://feeder.example.se/" rel="alternate" type="text/html"/>
  {entries}
</feed>"""
ENTRY = """<entry><id>urn:uuid:{n}</id><title>{title}</title><updated>{updated}</updated>
  <author><name>SMHI</name></author><content type="html">{content}</content>
  <link href="{link}"/><category term="notice" label="Nivå 2 – Meddelande"/>
  <published>{updated}</published></entry>"""
RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"
  xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
  <title>Aktuellt</title><link>https://feeder.example.se/</link><description>D</description>
  <atom:link href="https://feeder.example.se/feed.rss" rel="self" type="application/rss+xml"/>
  <lastBuildDate>{date}</lastBuildDate>
  <item><title>T</title><link>https://x.se/</link><description>&lt;p&gt;x&lt;/p&gt;</description>
  <pubDate>{date}</pubDate><dc:creator>SMHI</dc:creator></item>
</channel></rss>"""


def render(xml: str) -> etree._Element:
    result = XSLT(etree.fromstring(xml.encode()))
    return etree.fromstring(str(result).encode(), etree.HTMLParser())


def text_of(page: etree._Element) -> str:
    return " ".join(" ".join(page.itertext()).split())


def atom(updated: str, content: str = "&lt;p&gt;Text&lt;/p&gt;", title: str = "Rubrik",
         link: str = "https://www.smhi.se/") -> str:
    entry = ENTRY.format(n="1", title=title, updated=updated, content=content, link=link)
    return ATOM.format(updated=updated, entries=entry)


# UTC instants around both summer-time changes, a leap day and the turn of a year.
MOMENTS = [
    datetime(2026, 3, 29, 0, 59, tzinfo=UTC), datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
    datetime(2026, 10, 25, 0, 59, tzinfo=UTC), datetime(2026, 10, 25, 1, 0, tzinfo=UTC),
    datetime(2028, 2, 29, 23, 30, tzinfo=UTC), datetime(2026, 12, 31, 23, 5, tzinfo=UTC),
    datetime(2027, 3, 28, 1, 0, tzinfo=UTC), datetime(2030, 10, 27, 0, 30, tzinfo=UTC),
    datetime(2026, 6, 12, 10, 0, 3, tzinfo=UTC), datetime(2035, 1, 1, 0, 0, tzinfo=UTC),
]


@pytest.mark.parametrize("moment", MOMENTS, ids=lambda m: m.isoformat())
def test_times_are_shown_in_stockholm_time_like_the_rest_of_feeder(moment: datetime) -> None:
    want = swedish(moment)
    for stamp in (moment.isoformat(), moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
                  moment.astimezone(STOCKHOLM).isoformat()):
        assert f"Senast uppdaterat {want}." in text_of(render(atom(stamp))), stamp
    for date in (format_datetime(moment), format_datetime(moment.astimezone(STOCKHOLM)),
                 format_datetime(moment.astimezone(STOCKHOLM))[5:]):  # without the weekday
        assert f"Senast uppdaterat {want}." in text_of(render(RSS.format(date=date))), date


def test_every_hour_of_a_year_matches_timeutil() -> None:
    start = datetime(2027, 1, 1, tzinfo=UTC)
    hours = [start + timedelta(hours=h, minutes=7 * h % 60) for h in range(0, 24 * 365, 13)]
    entries = "".join(
        ENTRY.format(n=i, title=f"t{i}", updated=m.isoformat(), content="", link="https://x.se/")
        for i, m in enumerate(hours)
    )
    page = render(ATOM.format(updated=hours[0].isoformat(), entries=entries))
    shown = [" ".join("".join(p.itertext()).split()).split(" · ")[0] for p in page.iter("p")
             if p.get("class") == "meta"][1:]
    assert shown == [swedish(m) for m in hours]


def test_bodies_are_text_never_markup() -> None:
    content = (
        "&lt;p&gt;Torrt &amp;amp; varmt, &lt;strong&gt;eldningsförbud&lt;/strong&gt;.&lt;/p&gt;"
        "&lt;p&gt;&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;&lt;/p&gt;"
        "&lt;ul&gt;&lt;li&gt;ett&lt;/li&gt;&lt;li&gt;två&lt;/li&gt;&lt;/ul&gt;"
    )
    page = render(atom("2026-06-12T10:00:00Z", content=content,
                       title="&lt;img src=x onerror=alert(1)&gt;", link="javascript:alert(1)"))
    paragraphs = [" ".join("".join(p.itertext()).split()) for p in page.iter("p")
                  if p.getparent().get("class") == "text"]
    assert paragraphs == ["Torrt & varmt, eldningsförbud.", "<script>alert(1)</script>",
                          "ett två"]
    assert not page.xpath("//script | //img | //strong | //ul")
    assert not page.xpath("//a[starts-with(@href, 'javascript')]")
    assert "<img src=x onerror=alert(1)>" in text_of(page)  # the title, as text


def test_page_is_swedish_with_subscribe_instructions_and_links() -> None:
    page = render(atom("2026-06-12T10:00:00Z"))
    assert page.get("lang") == "sv"
    text = text_of(page)
    assert "Det här är ett nyhetsflöde" in text and "Så här prenumererar du" in text
    field = page.xpath("//input[@id='feed-address']")[0]
    assert field.get("value") == "https://feeder.example.se/feed.atom"
    assert page.xpath("//label[@for='feed-address']")
    links = {a.text: a.get("href") for a in page.iter("a")}
    assert links["RSS"] == "https://feeder.example.se/feed.rss"
    assert links["JSON Feed"] == "https://feeder.example.se/feed.json"
    assert links["Till startsidan"] == "https://feeder.example.se/"
    assert links["Rubrik"] == "https://www.smhi.se/"
    empty = render(ATOM.format(updated="2026-06-12T10:00:00Z", entries=""))
    assert "Flödet är tomt just nu." in text_of(empty)
