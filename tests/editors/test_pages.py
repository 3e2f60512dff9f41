"""The admin pages' Swedish wording of input errors: chosen by the error's code, filled from its
params (never read from the English message)."""

from __future__ import annotations

import pytest

from feeder import notices
from feeder.config import Config
from feeder.editors.pages import SWEDISH, swedish_error
from feeder.errors import InputError
from feeder.notices import NoticeInput
from tests.common import NOW

CASES: list[tuple[dict[str, object], str]] = [
    ({}, "Rubrik: måste fyllas i."),
    ({"title": "<b> </b>"},
     "Rubrik: får inte vara tomt (markering och osynliga tecken räknas inte)."),
    ({"title": "\u200b\x0b\ufffe"},  # only invisible characters
     "Rubrik: får inte vara tomt (markering och osynliga tecken räknas inte)."),
    ({"title": "x" * 1001}, "Rubrik: har 1001 tecken; högst 200 är tillåtet."),
    ({"title": "å" * 201}, "Rubrik: har 201 tecken; högst 200 är tillåtet."),
    ({"title": "t", "body": "x" * 20_001}, "Text: har 20001 tecken; högst 20000 är tillåtet."),
    ({"title": "t", "level": "loud"}, "Nivå: okänd nivå."),
    ({"title": "t", "starts": "i morgon"}, "Börjar: är ingen giltig tidpunkt."),
    ({"title": "t", "expires": "2020-01-01T00:00Z"}, "Upphör: ligger redan i det förflutna."),
    ({"title": "t", "starts": "2030-01-02T00:00", "expires": "2030-01-01T00:00"},
     "Upphör: måste ligga efter starttiden."),
    ({"title": "t", "expires": "9999-12-31T23:30"},
     "Upphör: måste ligga mellan åren 1970 och 2999."),
    ({"title": "t", "url": "ftp://x"},
     "Länk: måste vara en webbadress som börjar med https:// eller http://, utan mellanslag,"
     " citattecken, <, > eller `."),
    ({"title": "t", "topics": ["x"] * 101}, "Ämnen: har 101 val; högst 100 är tillåtet."),
    ({"title": "t", "topics": ["nope"]}, "Ämnen: okänt ämne ”nope”."),
    ({"title": "t", "areas": ["0180"]}, "Kommuner: ”0180” är ingen kommun i länet."),
    ({"title": "t", "status": "live"}, "Status: okänd status."),
    ({"title": "t", "colour": "red"}, "colour: okänt fält."),
    ({"title": 5}, "Rubrik: har fel typ av värde."),
]


@pytest.mark.parametrize(("fields", "swedish"), CASES)
def test_every_rule_of_validation_has_swedish_words(
    config: Config, fields: dict[str, object], swedish: str
) -> None:
    with pytest.raises(InputError) as info:
        notices.validate(NoticeInput.from_mapping(fields), config, now=NOW)
    assert info.value.code in SWEDISH
    assert swedish_error(info.value) == swedish


def test_an_error_without_swedish_words_keeps_its_message() -> None:
    assert swedish_error(InputError("Content-Length is not a number")) == (
        "Content-Length is not a number")
    assert swedish_error(InputError("is odd", "title", code="odd")) == "Rubrik: is odd"
