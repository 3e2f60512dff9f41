"""The JSON sources' shared steps: the hygiene step on every string, checked times, and
Krisinformation's ``{n}`` placeholders."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from feeder.errors import SourceError
from feeder.sources.jsonapi import (
    BrokenTime,
    clean_tree,
    decode,
    fill_placeholders,
    links_html,
    loads,
    read_time,
)


def test_every_string_of_the_tree_is_cleaned_keys_too() -> None:
    tree = {"a\x01": ["x\ud800", 1, 2.5, None, True, {"k\ufffe": "Rad\x0bett", "e": "e\u0301"}]}
    assert clean_tree(tree) == {"a": ["x", 1, 2.5, None, True, {"k": "Rad\nett", "e": "é"}]}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ('["a\x01b"]', ["ab"]),  # a raw control character: invalid strict JSON, read anyway
        ('["a\\u0001b", "\\ud800x", "\\f"]', ["ab", "x", "\n"]),
        ('["e\\u0301"]', ["é"]),
        ('{"id": 1, "x": [1.5, 2]}', {"id": 1, "x": [1.5, 2]}),
    ],
)
def test_loads_reads_and_cleans(text: str, value: object) -> None:
    assert loads(text) == value


def test_decode_names_the_source() -> None:
    with pytest.raises(SourceError, match="not JSON"):
        decode(b"<html>", "vma")
    assert decode(b'\xef\xbb\xbf{"a": "\\u000b"}', "vma") == {"a": "\n"}


def test_read_time_tells_absent_from_broken() -> None:
    assert read_time({"t": "2022-06-01T09:00:00+02:00"}, "t") == datetime(2022, 6, 1, 7,
                                                                            tzinfo=UTC)
    assert read_time({}, "t") is None and read_time({"t": None}, "t") is None
    assert read_time({"t": " "}, "t") is None
    for broken in ("igår", "9999-01-01T00:00:00Z", "0999-01-01T00:00:00Z", 1654070400):
        with pytest.raises(BrokenTime) as caught:
            read_time({"t": broken}, "t")
        assert caught.value.key == "t" and "'t'" in str(caught.value)


LINKS = [{"Text": "P4 Västernorrland", "Url": "https://sverigesradio.se/p4"},
         {"Text": "Kartan", "Url": "/karta"}, {"Text": "Bara text", "Url": "javascript:x"}]


def test_placeholders_in_markup() -> None:
    text, used = fill_placeholders('<p>{0}, <a href="{1}">här</a>, {2}, {7} och {{0}}.</p>',
                                   LINKS, markup=True, base_url="https://www.krisinformation.se/")
    assert text == ('<p><a href="https://sverigesradio.se/p4">P4 Västernorrland</a>,'
                    ' <a href="https://www.krisinformation.se/karta">här</a>, Bara text,  och'
                    " {0}.</p>")
    assert used == {0, 1, 2}


def test_placeholders_in_plain_text_and_without_links() -> None:
    assert fill_placeholders("Lyssna på {0}.", LINKS, markup=False) == (
        "Lyssna på P4 Västernorrland.", {0})
    assert fill_placeholders("Se {0} och {1}.", None, markup=False) == ("Se  och .", set())
    assert fill_placeholders("Inga", LINKS, markup=True) == ("Inga", set())


def test_links_html_leaves_out_used_and_unusable_links() -> None:
    html = links_html(LINKS, "https://www.krisinformation.se/", skip={0})
    assert html == ('<ul><li><a href="https://www.krisinformation.se/karta">Kartan</a></li>'
                    "</ul>")
