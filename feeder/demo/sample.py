"""The demo's sample data: what each upstream answers, moved to "now" when it is first served.

The files in ``feeder/demo/data/`` are cut down from the test fixtures (``tests/fixtures/``):
SMHI warnings (one piece per warning: the fire-risk message for county 22, its update, a yellow
wind warning issued ahead for tomorrow), the county board's news list and its four articles (the
seed article "Kraftsamling mot våldet i Västernorrland" among them), Krisinformation's news, and
Sveriges Radio's VMA messages (an alert for Sundsvall and its cancel). Their times are written
around :data:`~feeder.demo.timeshift.REFERENCE`.

A piece is shifted once, at its first use, by the offset from the reference to that moment, and
keeps those times: a piece listed again (the wind warning at every step of the scenario) is the
same bytes, so an unchanged upstream stays unchanged, and a piece first used later (the fire
risk's update) carries that later moment, as the real service's next version would. As SMHI
does, an update keeps the ``created`` of the warning area's first version.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from importlib import resources
from typing import Any

from ..timeutil import iso_z, utcnow
from .timeshift import offset_to, shift

__all__ = ["ARTICLES", "JSON", "PATHS", "Sample", "data_file"]

PATHS: Mapping[str, str] = {
    "smhi": "/ibww/api/version/1/warning.json",
    "lansstyrelsen": "/vasternorrland/om-oss/nyheter-och-press/nyheter---vasternorrland.html",
    "vma": "/api/v3/alerts",
    "krisinformation": "/v3/news",
}
"""Where each source is served on the demo's upstream (the real services' paths)."""

ARTICLES: Mapping[str, str] = {
    "2026-06-11-ansok-om-bidrag-till-lokala-naturvardsprojekt.html": "article_naturvard.html",
    "2026-06-10-kraftsamling-mot-valdet-i-vasternorrland.html": "article_kraftsamling.html",
    "2026-06-08-inventering-av-jarv-i-lanet-klar.html": "article_jarv.html",
    "2026-06-05-nya-regler-for-strandskydd.html": "article_strandskydd.html",
}
"""The news list's articles (their addresses before the shift) and their files."""

HTML = "text/html; charset=utf-8"
JSON = "application/json; charset=utf-8"


def data_file(name: str) -> bytes:
    """One file of ``feeder/demo/data/`` (package data: there after a plain ``pip install``)."""
    return resources.files(__package__).joinpath("data", name).read_bytes()


class Sample:
    """The documents the demo's upstream serves, each piece moved to "now" at its first use."""

    def __init__(self, clock: Callable[[], datetime] = utcnow) -> None:
        self._clock = clock
        self._pieces: dict[str, bytes] = {}
        self._offsets: dict[str, timedelta] = {}
        self._created: dict[tuple[object, object], object] = {}
        self._vma: dict[tuple[str, ...], bytes] = {}

    def piece(self, name: str) -> bytes:
        """A data file, shifted to the moment of its first use (and kept so)."""
        if name not in self._pieces:
            self._offsets[name] = offset_to(self._clock())
            self._pieces[name] = shift(data_file(name), self._offsets[name])
        return self._pieces[name]

    def _json(self, name: str) -> Any:
        return json.loads(self.piece(name))

    # ------------------------------------------------------------------------- sources

    def smhi(self, warnings: Sequence[str]) -> bytes:
        """SMHI's ``warning.json``: a bare array of the warnings named (``[]`` for none)."""
        listed = [self._json(name) for name in warnings]
        for warning in listed:
            for area in warning.get("warningAreas", []):
                key = (warning.get("id"), area.get("id"))
                area["created"] = self._created.setdefault(key, area.get("created"))
        return _dump(listed)

    def vma(self, messages: Sequence[str]) -> bytes:
        """Sveriges Radio's ``api/v3/alerts``: ``{"timestamp", "alerts": [...]}`` (the same
        bytes for the same messages)."""
        key = tuple(messages)
        if key not in self._vma:
            alerts = [self._json(name) for name in messages]
            self._vma[key] = _dump({"timestamp": iso_z(self._clock()), "alerts": alerts})
        return self._vma[key]

    def krisinformation(self) -> bytes:
        """Krisinformation's ``/v3/news`` (the source asks for the county: any query is fine)."""
        return self.piece("krisinformation_news.json")

    def news(self) -> dict[str, tuple[bytes, str]]:
        """The county board's news list and its articles, by path."""
        folder = PATHS["lansstyrelsen"].removesuffix(".html")
        pages = {PATHS["lansstyrelsen"]: (self.piece("news_list.html"), HTML)}
        moved = self._offsets["news_list.html"]  # the addresses in the list, as it was shifted
        for address, name in ARTICLES.items():
            path = shift(f"{folder}/{address}".encode(), moved).decode()
            pages[path] = (self.piece(name), HTML)
        return pages


def _dump(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
