from __future__ import annotations

import uuid

from feeder.ladder import Level
from feeder.publish import entry
from tests.builders import HOUR, NEWS_URL, NOW, fire_risk, make_item, news


def test_news_id_is_its_url_and_other_ids_are_real_uuids() -> None:
    article = entry.build(news(), NOW)
    assert article.id == NEWS_URL and article.permalink
    smhi = entry.build(fire_risk(), NOW)
    assert smhi.id.startswith("urn:uuid:") and not smhi.permalink
    assert uuid.UUID(smhi.id.removeprefix("urn:uuid:")).version == 5
    assert smhi.id == entry.build(fire_risk(title="Ny text"), NOW).id  # stable across changes
    assert smhi.id != entry.build(fire_risk("smhi:101-22"), NOW).id


def test_a_shared_url_is_not_used_as_id() -> None:
    a = entry.build(fire_risk("smhi:1-1"), NOW)
    b = entry.build(fire_risk("smhi:2-2"), NOW)
    assert a.url == b.url and a.id != b.id


def test_title_markup_is_stripped_not_escaped() -> None:
    built = entry.build(make_item(title="Hej <b>alla</b> &amp; <script>x()</script>du"), NOW)
    assert built.title == "Hej alla & du"


def test_hostile_body_and_links_are_neutralised() -> None:
    item = make_item(
        body='<p onclick="x()">Hej<img src=x onerror="alert(1)"></p><script>alert(2)</script>'
        '<a href="javascript:alert(3)">länk</a><iframe src="https://evil.example"></iframe>',
        url="javascript:alert(4)",
    )
    built = entry.build(item, NOW)
    for bad in ("<script", "onerror", "onclick", "javascript:", "<iframe", "<img"):
        assert bad not in built.content.lower()
    assert "Hej" in built.content and "länk" in built.content
    assert built.url is None


def test_safe_url() -> None:
    assert entry.safe_url("https://www.smhi.se/a?b=1") == "https://www.smhi.se/a?b=1"
    for bad in ("javascript:alert(1)", "data:text/html,x", "/relative", "https://x.se/\"><b>",
                "", None, "ftp://x.se/"):
        assert entry.safe_url(bad) is None


def test_content_carries_level_and_source_credit() -> None:
    built = entry.build(fire_risk(), NOW)
    assert built.level_text == "Nivå 2 – Meddelande"
    assert "Nivå 2 – Meddelande. Källa: SMHI" in built.content
    assert "Det är mycket torrt i skog och mark och risken för brand är stor." in built.text
    assert built.source == "SMHI"


def test_ended_items_are_marked() -> None:
    expired = entry.build(fire_risk(expires=NOW - HOUR), NOW)
    assert expired.title == "Avslutad: Risk för skogsbrand i Västernorrlands län"
    assert "Avslutad: gällde till 12 juni 2026 kl. 11.00." in expired.content  # Stockholm time
    assert expired.updated == NOW - HOUR
    withdrawn = entry.build(make_item(level=Level.NOTICE, withdrawn=True), NOW)
    assert withdrawn.title.startswith("Avslutad: ") and "återkallades" in withdrawn.content
    running = entry.build(fire_risk(), NOW)
    assert not running.title.startswith("Avslutad") and running.end is None


def test_entry_text_keeps_blocks_apart() -> None:
    item = make_item(body="<p>Ett.</p><p>Två.</p><ul><li>x</li></ul>s<b>ko</b>g &amp; mark")
    assert entry.build(item, NOW).text == "Ett. Två. x skog & mark"


def test_urn_ids_never_change() -> None:
    # Golden value: a changed namespace or name scheme would make every feed reader see every
    # SMHI warning, notice and VMA as new. Never update this value.
    assert entry.urn("item:smhi:3411-10470") == "urn:uuid:c1382bbd-0d58-50b3-b47f-05ffb5b43a80"
