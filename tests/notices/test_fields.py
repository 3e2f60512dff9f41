"""NoticeInput (feeder.notices.fields): from untyped data, with "not given" told from
"cleared", and every value of the wrong type refused by field name."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from feeder.errors import InputError
from feeder.notices import UNSET, NoticeInput


def test_from_mapping_tells_null_from_absent() -> None:
    data = NoticeInput.from_mapping({"title": None, "url": None, "expires": None})
    assert data.title is UNSET  # a null title is no change
    assert data.url is None and data.expires is None  # a null url or time clears it
    assert data.starts is UNSET and data.given() == ["expires", "url"]


def test_from_mapping_keeps_what_it_is_given() -> None:
    when = datetime(2026, 6, 12, 8, tzinfo=UTC)
    data = NoticeInput.from_mapping({
        "title": "T", "body": "", "level": 3, "starts": when, "url": "",
        "topics": ["a", 1], "areas": "2281", "status": "draft"})
    assert data == NoticeInput(title="T", body="", level=3, starts=when, url="",
                               topics=("a", "1"), areas=("2281",), status="draft")
    assert NoticeInput().given() == []


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        ({"colour": "red", "title": "t"}, "colour", "unknown-field"),
        ({"title": 5}, "title", "wrong-type"),
        ({"body": ["x"]}, "body", "wrong-type"),
        ({"level": True}, "level", "wrong-type"),
        ({"level": 2.0}, "level", "wrong-type"),
        ({"starts": 1781251200}, "starts", "wrong-type"),
        ({"url": 5}, "url", "wrong-type"),
        ({"topics": {"a": 1}}, "topics", "wrong-type"),
        ({"areas": [{"x": 1}]}, "areas", "wrong-type"),
        ({"status": 1}, "status", "unknown-status"),
    ],
)
def test_wrong_types_name_the_field(data: dict[str, object], field: str, code: str) -> None:
    with pytest.raises(InputError) as info:
        NoticeInput.from_mapping(data)
    assert (info.value.field, info.value.code, info.value.status) == (field, code, 400)
