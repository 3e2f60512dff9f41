"""A sanitised body as a few plain-text blocks (headings, paragraphs, lists): what the banner
shows when "Visa mer" is opened, and the one line it shows before (:func:`lead`).

Part of building an :class:`~.entry.Entry` (step 2 of load → select → render → write). Pure: the
body is HTML that :func:`feeder.text.sanitize_html` made (a small allow-list of tags), read with
the standard library's tokenizer; no text is changed, only the markup is read for its structure.
Inline markup (links, bold) is left out: the banner takes text only and links only its "Läs mer".

SMHI's body is its own sections in its order (a heading, its paragraphs); the first section's
text is the event description, which the collapsed banner shows on one line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
LISTS = frozenset({"ul", "ol", "dl"})
ITEMS = frozenset({"li", "dt", "dd"})
PARAGRAPHS = frozenset({"p", "blockquote", "pre", "div"})
_SPACE = re.compile(r"[^\S\n]+")


@dataclass(frozen=True, slots=True)
class Block:
    kind: str
    """``heading``, ``paragraph`` or ``list``."""
    text: str = ""
    """A heading's or a paragraph's text (a line break where the body had ``<br>``)."""
    items: tuple[str, ...] = ()
    """A list's items, as text."""

    def as_json(self) -> dict[str, Any]:
        if self.kind == "list":
            return {"type": self.kind, "items": list(self.items)}
        return {"type": self.kind, "text": self.text}

    @property
    def plain(self) -> str:
        return " ".join(self.items) if self.kind == "list" else self.text


def _fold(text: str) -> str:
    lines = (_SPACE.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.text: list[str] = []
        self.kind = "paragraph"
        self.items: list[str] | None = None  # inside a list: its items so far
        self.depth = 0  # lists inside lists: their items belong to the outer item

    def _flush(self) -> None:
        text = _fold("".join(self.text))
        self.text = []
        if not text:
            return
        if self.items is not None:
            self.items.append(text)
        else:
            self.blocks.append(Block(self.kind, text))
        self.kind = "paragraph"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.text.append("\n")
        elif tag in LISTS:
            if self.depth == 0:
                self._flush()
                self.items = []
            else:
                self.text.append(" ")
            self.depth += 1
        elif tag in ITEMS:
            if self.depth <= 1:
                self._flush()
            else:
                self.text.append(" ")
        elif tag in HEADINGS or tag in PARAGRAPHS:
            if self.depth == 0:
                self._flush()
                self.kind = "heading" if tag in HEADINGS else "paragraph"
            else:
                self.text.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in LISTS and self.depth:
            self.depth -= 1
            if self.depth == 0:
                self._flush()
                if self.items:
                    self.blocks.append(Block("list", items=tuple(self.items)))
                self.items = None
        elif self._closes_block(tag):
            self._flush()

    def _closes_block(self, tag: str) -> bool:
        if tag in ITEMS:
            return self.depth <= 1
        return (tag in HEADINGS or tag in PARAGRAPHS) and self.depth == 0

    def handle_data(self, data: str) -> None:
        self.text.append(data.replace("\n", " "))

    def finish(self) -> tuple[Block, ...]:
        self.close()
        if self.items is not None:  # an unclosed list
            self._flush()
            if self.items:
                self.blocks.append(Block("list", items=tuple(self.items)))
            self.items = None
        self._flush()
        return tuple(self.blocks)


def blocks(body: str) -> tuple[Block, ...]:
    """The blocks of a sanitised body, in order; text outside any block is a paragraph."""
    if not body:
        return ()
    reader = _Reader()
    reader.feed(body)
    return reader.finish()


def lead(found: tuple[Block, ...]) -> str:
    """The first section's text (its first block that is not a heading), or ""."""
    for block in found:
        if block.kind != "heading":
            return block.plain.replace("\n", " ")
    return ""
