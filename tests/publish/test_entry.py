from __future__ import annotations

import uuid
from datetime import UTC, datetime

from feeder.ladder import Level
from feeder.publish import entry
from feeder.timeutil import swedish
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


def test_a_stored_title_is_plain_text_used_exactly_once() -> None:
    # The store holds plain text (markup was stripped where it entered): nothing is decoded or
    # stripped again, so "<Höga kusten>" and a literal "&amp;" stay what they are.
    built = entry.build(make_item(title="Vägarbete vid <Höga kusten> &amp; E4", summary=" <b> "),
                        NOW)
    assert built.title == "Vägarbete vid <Höga kusten> &amp; E4"
    assert built.summary == "<b>"
    assert entry.build(make_item(title=" Två\n rader "), NOW).title == "Två rader"
    assert entry.build(make_item(title="  "), NOW).title == "(utan rubrik)"


def test_issued_ahead_says_when_it_begins_in_swedish_time() -> None:
    # Published on a Friday for Saturday 00.00 Stockholm time (22.00 UTC in summer).
    onset = datetime(2026, 9, 18, 22, 0, tzinfo=UTC)
    item = fire_risk(published=NOW, updated=NOW, onset=onset, expires=onset + 24 * HOUR)
    ahead = entry.build(item, NOW)
    assert ahead.starts == "lördag 19 september kl. 00.00"
    assert "<p><strong>Gäller från lördag 19 september kl. 00.00.</strong></p>" in ahead.content
    assert ahead.upcoming
    begun = entry.build(item, onset + HOUR)  # the same words once it has begun: no new version
    assert begun.starts == ahead.starts and begun.content == ahead.content
    assert not begun.upcoming
    # Begun before it was published (the usual case), or no onset: nothing to say.
    assert entry.build(fire_risk(), NOW).starts == ""
    assert entry.build(make_item(), NOW).starts == ""
    # Another year than the publication's: the year is said too.
    new_year = fire_risk(published=NOW, onset=datetime(2027, 1, 1, 6, 0, tzinfo=UTC))
    assert entry.build(new_year, NOW).starts == "fredag 1 januari 2027 kl. 07.00"


def test_a_scheduled_notice_is_dated_from_its_start() -> None:
    notice = make_item(published=NOW - 5 * HOUR, updated=NOW - 5 * HOUR,
                       effective=NOW + HOUR, onset=NOW + HOUR)
    shown = entry.build(notice, NOW + 2 * HOUR)
    assert shown.published == shown.updated == NOW + HOUR
    assert shown.starts == ""  # it appears when it begins: nothing to announce


def test_weekday_time_at_the_edges_of_the_calendar() -> None:
    assert swedish(datetime(9999, 12, 31, 23, 59, tzinfo=UTC), weekday=True).startswith(
        "fredag 31")
    assert swedish(datetime(1, 1, 1, tzinfo=UTC), weekday=True).startswith(
        "måndag 1 januari 1 kl.")


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
