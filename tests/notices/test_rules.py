"""validate (feeder.notices.rules): clean values of the fields given, rules across fields against
the stored notice, and NoticeChanges.apply."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from feeder.config import Config
from feeder.errors import InputError
from feeder.ladder import Level
from feeder.model import Item, NoticeStatus
from feeder.notices import UNSET, NoticeChanges, NoticeInput, validate
from feeder.publish.entry import safe_url
from tests.common import NOW

STORED = Item(id="notice:abc", source="notice", level=Level.NOTICE, title="Vatten",
              body="<p>Koka</p>", published=NOW, updated=NOW, effective=NOW + timedelta(hours=1),
              onset=NOW + timedelta(hours=1),
              url="https://www.sundsvall.se/", level_reason="set by an editor as notice")


def test_clean_values_of_the_fields_given_only(config: Config) -> None:
    changes = validate(NoticeInput(title=" <b>Ny</b> rubrik ", level="warning",
                                   expires="2026-06-13T18:00", status="draft"),
                       config, existing=STORED, now=NOW)
    assert changes.title == "Ny rubrik" and changes.level is Level.WARNING
    assert changes.expires is not None and changes.expires.isoformat() == (
        "2026-06-13T16:00:00+00:00")  # naive = Europe/Stockholm (CEST)
    assert changes.status is NoticeStatus.DRAFT
    assert changes.body is UNSET and changes.starts is UNSET and changes.url is UNSET


def test_apply_replaces_the_given_fields_and_the_reason_of_a_new_level(config: Config) -> None:
    new = validate(NoticeInput(level="severe", url=None), config, existing=STORED,
                   now=NOW).apply(STORED)
    assert (new.level, new.url, new.title) == (Level.SEVERE, None, "Vatten")
    assert new.level_reason == "set by an editor as severe"
    assert NoticeChanges().apply(STORED) == STORED


def test_expires_is_checked_against_the_stored_start(config: Config) -> None:
    with pytest.raises(InputError) as info:
        validate(NoticeInput(expires=STORED.effective), config, existing=STORED, now=NOW)
    assert (info.value.field, info.value.code) == ("expires", "before-start")
    clear_start = NoticeInput(starts=None, expires=NOW + timedelta(minutes=30))
    assert validate(clear_start, config, existing=STORED, now=NOW).starts is None


def test_a_past_end_is_refused_unless_allowed(config: Config) -> None:
    past = NoticeInput(title="Gammal", expires="2020-01-01T00:00Z")
    with pytest.raises(InputError, match="expires: lies in the past"):
        validate(past, config, now=NOW)
    assert validate(past, config, now=NOW, allow_past=True).expires is not None


def test_title_is_required_for_a_new_notice_only(config: Config) -> None:
    with pytest.raises(InputError) as info:
        validate(NoticeInput(body="x"), config, now=NOW)
    assert (info.value.field, info.value.code) == ("title", "required")
    assert validate(NoticeInput(body="x"), config, existing=STORED, now=NOW).title is UNSET


def test_topics_and_areas_lose_duplicates_and_must_be_known(config: Config) -> None:
    changes = validate(NoticeInput(title="t", areas=("2281", " 2281", "2262"),
                                   topics=("handlingsplan-mot-vald",)), config, now=NOW)
    assert changes.areas == ("2281", "2262")
    with pytest.raises(InputError) as info:
        validate(NoticeInput(title="t", areas=("0180",)), config, now=NOW)
    assert info.value.params == {"value": "0180"}


# ------------------------------------------------------------------------------- hygiene


def test_every_text_field_is_cleaned(config: Config) -> None:
    changes = validate(NoticeInput(
        title="Kokvatten\x00 i A\u030angermanland\ufffe\ud800",  # NUL, a decomposed Å
        body="Rad ett\x0bRad två\x0cRad tre\x7f",
        level=" warning\x01", status="draft\x1b",
        starts="2030-06-12T08:00\x00", url="https://www.sundsvall.se/\x01vatten",
        topics=("handlingsplan-mot-vald\x01\ud800",), areas=("22\x0081",),
    ), config, now=NOW)
    assert changes.title == "Kokvatten i Ångermanland"  # NFC: one character Å
    assert changes.body == "<p>Rad ett<br>Rad två<br>Rad tre</p>"
    assert changes.level is Level.WARNING and changes.status is NoticeStatus.DRAFT
    assert changes.starts is not None and changes.url == "https://www.sundsvall.se/vatten"
    assert changes.areas == ("2281",)


def test_a_line_break_pasted_into_an_html_body_stays_a_line_break(config: Config) -> None:
    changes = validate(NoticeInput(title="t", body="<p>Rad ett\x0bRad två</p>"), config, now=NOW)
    assert changes.body == "<p>Rad ett<br>Rad två</p>"


@pytest.mark.parametrize("title", ["\ud800", "\x00\x01\x1f", "\u200b\u200d\u2060\ufeff\u00ad",
                                   " \x0b\x0c\u2028 ", "<b>\u200b</b>", "&#11;&#xfffe;"])
def test_a_title_of_only_invisible_characters_is_empty(config: Config, title: str) -> None:
    with pytest.raises(InputError) as info:
        validate(NoticeInput(title=title), config, now=NOW)
    assert (info.value.field, info.value.code) == ("title", "empty")


def test_sizes_are_checked_before_any_clean_up(
    config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_work(*args: object) -> str:
        raise AssertionError("clean-up ran before the size check")

    for name in ("clean_text", "plain_text", "body_html", "looks_like_html"):
        monkeypatch.setattr(f"feeder.notices.rules.{name}", no_work)
    too_big: list[tuple[dict[str, object], str]] = [
        ({"title": "<p" * 501}, "title"),
        ({"title": "t", "body": "x" * 20_001}, "body"),
        ({"title": "t", "url": "https://a.se/" + "x" * 2_000}, "url"),
        ({"title": "t", "expires": "2" * 101}, "expires"),
        ({"title": "t", "level": "w" * 101}, "level"),
        ({"title": "t", "status": "d" * 101}, "status"),
        ({"title": "t", "topics": ["x"] * 101}, "topics"),
        ({"title": "t", "areas": ["2281" * 26]}, "areas"),
    ]
    for fields, field in too_big:
        with pytest.raises(InputError) as info:
            validate(NoticeInput.from_mapping(fields), config, now=NOW)
        assert info.value.field == field, fields


def test_a_title_over_200_characters_after_clean_up_is_too_long(config: Config) -> None:
    assert validate(NoticeInput(title="<b>" + "å" * 200 + "</b>"), config,
                    now=NOW).title == "å" * 200
    with pytest.raises(InputError) as info:
        validate(NoticeInput(title="å" * 201), config, now=NOW)
    assert info.value.params == {"length": 201, "limit": 200}


# ------------------------------------------------------------------------------- times


@pytest.mark.parametrize(
    "value",
    ["0999-01-01T00:00", "9999-12-31T23:30", "0001-01-01T00:30", "1969-12-31T12:00Z",
     "3000-01-01T00:00Z", date(999, 1, 1), datetime(9999, 12, 31, 23, 30),
     datetime(1, 1, 1, 0, 30), datetime(9999, 12, 31, 23, 59, tzinfo=UTC)],
)
def test_times_outside_1970_to_2999_are_refused_without_overflow(
    config: Config, value: str | date
) -> None:
    with pytest.raises(InputError) as info:
        validate(NoticeInput(title="t", expires=value), config, now=NOW, allow_past=True)
    assert (info.value.field, info.value.code) == ("expires", "out-of-range")
    assert info.value.params == {"min": 1970, "max": 2999}


def test_a_date_is_its_midnight_in_stockholm_and_a_naive_time_is_stockholm(
    config: Config
) -> None:
    changes = validate(NoticeInput(title="t", starts=date(2030, 1, 15),
                                   expires=datetime(2030, 6, 12, 10, 0)), config, now=NOW)
    assert changes.starts == datetime(2030, 1, 14, 23, 0, tzinfo=UTC)  # CET
    assert changes.expires == datetime(2030, 6, 12, 8, 0, tzinfo=UTC)  # CEST


def test_only_an_empty_time_clears_it(config: Config) -> None:
    assert validate(NoticeInput(expires=""), config, existing=STORED, now=NOW).expires is None
    for value in (" ", "\x00", "\ud800"):
        with pytest.raises(InputError) as info:
            validate(NoticeInput(expires=value), config, existing=STORED, now=NOW)
        assert info.value.code == "not-a-time"


# ------------------------------------------------------------------------------- links


@pytest.mark.parametrize(
    "url",
    ["https://a.se/a b", 'https://a.se/"', "https://a.se/<x>", "https://a.se/`x`",
     "https://a.se/'x'", "https://a.se/\x0bx", "https:/a.se", "a.se/x", "ftp://a.se/",
     "javascript:alert(1)", " ", "\ud800"],
)
def test_a_link_the_outputs_would_not_publish_is_refused(config: Config, url: str) -> None:
    with pytest.raises(InputError) as info:
        validate(NoticeInput(title="t", url=url), config, now=NOW)
    assert (info.value.field, info.value.code) == ("url", "not-a-url")
    assert safe_url(url) is None  # the outputs' own test agrees


def test_a_good_link_is_kept_as_the_outputs_publish_it(config: Config) -> None:
    url = "https://www.länsstyrelsen.se/västernorrland/nyheter?sida=2#lista"
    assert validate(NoticeInput(title="t", url=f"  {url}\n"), config, now=NOW).url == url
    assert safe_url(url) == url
    assert validate(NoticeInput(url=""), config, existing=STORED, now=NOW).url is None
