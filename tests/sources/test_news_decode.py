"""The county's pages decoded as they really are: UTF-8 where they are, windows-1252 where they
only claim UTF-8, never U+FFFD; cleaned before any parser sees them."""

from __future__ import annotations

import pytest

from feeder.sources.news_decode import declared_charset, decode_page

TEXT = "Älgjakt i Västernorrland – “nya” regler, 50 €"


@pytest.mark.parametrize("header", ["utf-8", None])
def test_windows_1252_claiming_utf8_is_read_as_windows_1252(header: str | None) -> None:
    body = f'<meta charset="utf-8"><p>{TEXT}</p>'.encode("cp1252")
    decoded = decode_page(body, header)
    assert decoded.text == f'<meta charset="utf-8"><p>{TEXT}</p>'
    assert "read as windows-1252" in decoded.note and "\ufffd" not in decoded.text


def test_utf8_with_a_few_windows_1252_bytes_keeps_both() -> None:
    body = "<p>Härnösand".encode() + " och Sollefteå</p>".encode("cp1252")
    decoded = decode_page(body, "utf-8")
    assert decoded.text == "<p>Härnösand och Sollefteå</p>" and decoded.note


def test_clean_utf8_has_no_note() -> None:
    decoded = decode_page(f"<p>{TEXT}</p>".encode(), "utf-8")
    assert decoded.text == f"<p>{TEXT}</p>" and decoded.note == ""


@pytest.mark.parametrize(("charset", "codec"), [("iso-8859-1", "latin-1"),
                                               ("windows-1252", "cp1252")])
def test_a_declared_single_byte_set_is_used(charset: str, codec: str) -> None:
    body = "<p>Västernorrland</p>".encode(codec)
    assert decode_page(body, charset).text == "<p>Västernorrland</p>"
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
    assert decode_page(meta.encode() + body).text.endswith("<p>Västernorrland</p>")


def test_the_text_is_cleaned_and_encoded_surrogates_dropped() -> None:
    body = b"<h1>Rad\x0bett\x01 \xef\xbf\xbe och \xed\xa0\x80slut</h1>"
    assert decode_page(body, "utf-8").text == "<h1>Rad\nett  och slut</h1>"


def test_the_declared_charset() -> None:
    assert declared_charset(b"<html>", "UTF-8") == "utf-8"
    assert declared_charset(b"\xef\xbb\xbf<html>", None) == "utf-8"
    assert declared_charset(b"<?xml version='1.0' encoding='ISO-8859-1'?><rss/>", None) == (
        "iso-8859-1")
    assert declared_charset(b"<html><head><title>x</title></head>", None) is None


def test_an_unknown_charset_is_read_as_utf8() -> None:
    assert decode_page("<p>ä</p>".encode(), "x-klingon").text == "<p>ä</p>"
