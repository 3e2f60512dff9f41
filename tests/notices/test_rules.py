"""validate (feeder.notices.rules): clean values of the fields given, rules across fields against
the stored notice, and NoticeChanges.apply."""

from __future__ import annotations

from datetime import timedelta

import pytest

from feeder.config import Config
from feeder.errors import InputError
from feeder.ladder import Level
from feeder.model import Item, NoticeStatus
from feeder.notices import UNSET, NoticeChanges, NoticeInput, validate
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
