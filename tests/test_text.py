from __future__ import annotations

import pytest

from feeder.text import body_html, plain_text, sanitize_html, shorten

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
