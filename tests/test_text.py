from __future__ import annotations

import pytest

from feeder.text import (
    body_html,
    clean_text,
    first_sentence,
    plain_text,
    sanitize_html,
    shorten,
)

HOSTILE = [
    '<script>alert(1)</script><p>ok</p>',
    '<img src=x onerror="alert(1)"><p>ok</p>',
    '<a href="javascript:alert(1)">ok</a>',
    '<iframe src="https://evil.example/"></iframe><p>ok</p>',
    '<p onclick="alert(1)" style="x">ok</p>',
    '<svg><script>alert(1)</script></svg><p>ok</p>',
]


@pytest.mark.parametrize("raw", HOSTILE)
def test_sanitize_removes_script_vectors(raw: str) -> None:
    clean = sanitize_html(raw)
    lowered = clean.lower()
    for bad in ("<script", "onerror", "onclick", "javascript:", "<iframe", "alert(1)", "style="):
        assert bad not in lowered
    assert "ok" in clean


def test_sanitize_keeps_structure_and_safe_links() -> None:
    clean = sanitize_html('<p>A <a href="https://smhi.se/x">länk</a></p><ul><li>B</li></ul>')
    assert '<a href="https://smhi.se/x" rel="noopener noreferrer">länk</a>' in clean
    assert "<ul><li>B</li></ul>" in clean


@pytest.mark.parametrize(
    ("raw", "text"),
    [("<b>Risk</b> för &amp; <i>brand</i>", "Risk för & brand"),
     ("Vatten<script>x()</script>avstängning", "Vattenavstängning"),
     ("  många \n  mellanrum ", "många mellanrum"),
     ("a < b > c", "a < b > c"),
     ("Pris &lt;100 kr&gt;", "Pris <100 kr>")],
)
def test_plain_text_strips_markup(raw: str, text: str) -> None:
    assert plain_text(raw) == text


def test_body_html_from_plain_text_escapes() -> None:
    assert body_html("Rad 1\nRad 2\n\n<3 & mer") == "<p>Rad 1<br>Rad 2</p><p>&lt;3 &amp; mer</p>"


def test_shorten() -> None:
    assert shorten("kort", 10) == "kort"
    assert shorten("ett två tre fyra", 10) == "ett två…"


def test_plain_text_keeps_sentences_apart() -> None:
    assert plain_text("<p>Ett.</p><p>Två.<br>Tre</p><ul><li>a</li><li>b</li></ul>") == (
        "Ett. Två. Tre a b")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Rad 1\x0bRad 2", "Rad 1\nRad 2"),  # Word's line break
        ("Sida\x0cNästa", "Sida\nNästa"),
        ("a\x00b\x01c\x1fd\x7fe\x9ff", "abcdef"),
        ("tab\tlf\ncr\r", "tab\tlf\ncr\r"),  # kept
        ("x\ufffey\uffffz\U0010fffe", "xyz"),
        ("lone \ud800 surrogate", "lone  surrogate"),
        ("e\u0301", "\u00e9"),  # NFC
        ("Höga kusten", "Höga kusten"),
        ("plain ascii", "plain ascii"),
    ],
)
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


def test_clean_text_leaves_nothing_xml_cannot_carry() -> None:
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF or c % 97 == 0)
    cleaned = clean_text(every)
    allowed = {0x9, 0xA, 0xD}
    for char in cleaned:
        c = ord(char)
        assert c in allowed or 0x20 <= c <= 0x7E or 0xA0 <= c <= 0xD7FF or (
            0xE000 <= c <= 0xFFFD and not 0xFDD0 <= c <= 0xFDEF
        ) or (0x10000 <= c <= 0x10FFFF and c & 0xFFFE != 0xFFFE), hex(c)


def test_outputs_of_plain_text_and_sanitize_are_clean_even_from_entities() -> None:
    assert plain_text("<p>a&#11;b&#1;c</p>") == "a bc"
    assert sanitize_html("<p>a&#11;b\x01c</p>") == "<p>a\nbc</p>"


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("&lt;Höga kusten&gt;", "<Höga kusten>"),  # decoded once ...
        ("<Höga kusten>", "<Höga kusten>"),  # ... and kept: it is text, not markup
        ("&amp;lt;Höga kusten&amp;gt;", "&lt;Höga kusten&gt;"),  # never twice
        ("Vägen <b>stängs</b> vid <Höga kusten> & <E4>", "Vägen stängs vid <Höga kusten> & <E4>"),
        ("<3 och <= 5", "<3 och <= 5"),
        ("<x-ruta>inne</x-ruta>", "inne"),  # a custom element is markup
        ("<IMG SRC=x onerror=y>bild", "bild"),
        ("<!-- kommentar -->text", "text"),
    ],
)
def test_plain_text_is_decoded_exactly_once(raw: str, text: str) -> None:
    assert plain_text(raw) == text


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        ("Viktigt meddelande till allmänheten i Sundsvall i Västernorrlands län.\r\n\r\n"
         "Det brinner i ett fartyg i hamnen.",
         "Viktigt meddelande till allmänheten i Sundsvall i Västernorrlands län"),
        ("Det brinner. Gå inomhus.", "Det brinner"),
        ("Gå inomhus kl. 14.00 och stäng fönster! Lyssna på P4.",
         "Gå inomhus kl. 14.00 och stäng fönster!"),
        ("Rad ett\nRad två", "Rad ett"),
        ("  ", ""),
    ],
)
def test_first_sentence(text: str, sentence: str) -> None:
    assert first_sentence(text) == sentence


def test_sanitize_makes_relative_links_absolute_against_a_base() -> None:
    raw = '<p><a href="/nyheter/x">x</a> <a href="y.html">y</a> <a href="https://a.se/">a</a></p>'
    assert sanitize_html(raw, "https://www.krisinformation.se/") == (
        '<p><a href="https://www.krisinformation.se/nyheter/x" rel="noopener noreferrer">x</a>'
        ' <a href="https://www.krisinformation.se/y.html" rel="noopener noreferrer">y</a>'
        ' <a href="https://a.se/" rel="noopener noreferrer">a</a></p>')


def test_clean_text_is_quick_on_long_clean_texts_and_still_exact() -> None:
    long = "Västernorrland " * 100_000
    assert clean_text(long) is long  # nothing to change: the text itself
    assert clean_text(long + "\U0001fffe\U0001f600") == long + "\U0001f600"


def test_markup_detection_on_unclosed_tags() -> None:
    """``<a<a<a...`` with no ``>`` is not markup (the patterns stop at the next ``<``, which also
    keeps them linear: 20,000 such characters once took a quarter of a second)."""
    from feeder import text

    assert not text.looks_like_html("<a" * 10_000)
    assert text.looks_like_html("x <p class='a'>y</p>")
    assert text.plain_text("a<p>b" + "<a" * 5 + "c") == "a b<a<a<a<a<ac"
