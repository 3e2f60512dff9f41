"""A body as headings, paragraphs and lists (feeder.publish.blocks), its first line, and the
source's credit named once (feeder.publish.entry)."""

from __future__ import annotations

import pytest

from feeder.publish.blocks import Block, blocks, lead
from feeder.publish.entry import area_names, read_more, where, without_credit
from feeder.text import sanitize_html

SMHI = (
    "<h3>Händelsebeskrivning</h3><p>Skogsbrandsrisken är stor till mycket stor.</p>"
    "<h3>Vad ska jag tänka på?</h3><p>Var försiktig.</p><ul><li>Grilla inte.</li>"
    "<li>Ha vatten &amp; hink.</li></ul><p>Giltighetstid (ungefärlig): från 11 juni.</p>"
)


def test_smhis_sections_keep_their_structure_and_words() -> None:
    found = blocks(SMHI)
    assert found == (
        Block("heading", "Händelsebeskrivning"),
        Block("paragraph", "Skogsbrandsrisken är stor till mycket stor."),
        Block("heading", "Vad ska jag tänka på?"),
        Block("paragraph", "Var försiktig."),
        Block("list", items=("Grilla inte.", "Ha vatten & hink.")),
        Block("paragraph", "Giltighetstid (ungefärlig): från 11 juni."),
    )
    assert lead(found) == "Skogsbrandsrisken är stor till mycket stor."  # the event description
    assert [b.as_json()["type"] for b in found] == [
        "heading", "paragraph", "heading", "paragraph", "list", "paragraph"]
    assert found[4].as_json() == {"type": "list", "items": ["Grilla inte.", "Ha vatten & hink."]}


@pytest.mark.parametrize(("body", "expected"), [
    ("", ()),
    ("Bara text", (Block("paragraph", "Bara text"),)),
    ("Rad ett<br>rad  två", (Block("paragraph", "Rad ett\nrad två"),)),
    ("<p><b>Fet</b> och <a href='https://x.se/'>länk</a></p>",
     (Block("paragraph", "Fet och länk"),)),
    ("före<ul><li>ett<ul><li>inre</li></ul></li><li>två</li></ul>efter",
     (Block("paragraph", "före"), Block("list", items=("ett inre", "två")),
      Block("paragraph", "efter"))),
    ("<ol><li>utan slut", (Block("list", items=("utan slut",)),)),
    ("<blockquote><p>citat</p></blockquote>", (Block("paragraph", "citat"),)),
    ("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>",
     (Block("paragraph", "<script>alert(1)</script>"),)),  # text, to be escaped where shown
])
def test_blocks_of_any_sanitised_body(body: str, expected: tuple[Block, ...]) -> None:
    assert blocks(sanitize_html(body) if body else body) == expected


def test_the_first_line_skips_headings_and_folds_lists() -> None:
    assert lead(blocks("<h3>Rubrik</h3>")) == ""
    assert lead(blocks("<h3>R</h3><ul><li>a</li><li>b</li></ul>")) == "a b"
    assert lead(blocks("<p>ett<br>två</p>")) == "ett två"


def test_the_sources_own_credit_is_left_to_the_outputs() -> None:
    smhi = SMHI + '<p>Källa: <a href="https://www.smhi.se/x" rel="noopener noreferrer">SMHI</a></p>'
    assert without_credit(smhi, "SMHI") == SMHI
    assert without_credit(SMHI + "<p>Källa: SMHI</p>", "SMHI") == SMHI
    # Only a last paragraph that credits this very source.
    assert without_credit(SMHI + "<p>Källa: Polisen</p>", "SMHI").endswith("Polisen</p>")
    kept = "<p>Källa: SMHI</p><p>Mer text.</p>"
    assert without_credit(kept, "SMHI") == kept
    amp = "<p>Text</p><p>Källa: A &amp; B</p>"
    assert without_credit(amp, "A & B") == "<p>Text</p>"


@pytest.mark.parametrize(("url", "words"), [
    ("https://www.smhi.se/vader/varningar", "Läs mer på SMHI:s webbplats"),
    ("https://opendata.smhi.se/x", "Läs mer på SMHI:s webbplats"),
    ("https://www.krisinformation.se/nyheter/1", "Läs mer på krisinformation.se"),
    ("https://vma.sr.se/1", "Läs mer på Sveriges Radios webbplats"),
    ("https://www.lansstyrelsen.se/x.html", "Läs mer på Länsstyrelsens webbplats"),
    ("https://www.timra.se/vatten", "Läs mer på timra.se"),
    ("https://notsmhi.se/", "Läs mer på notsmhi.se"),
    (None, ""),
])
def test_read_more_says_where_it_leads(url: str | None, words: str) -> None:
    assert read_more(url) == words


def test_municipalities_by_name() -> None:
    names = area_names(("2281", "2262", "9999"), {"2281": "Sundsvall", "2262": "Timrå"})
    assert names == ("Sundsvall", "Timrå", "9999")  # an unknown code as it is
    assert where(names) == "Gäller: Sundsvall, Timrå, 9999"
    assert where(()) == ""
