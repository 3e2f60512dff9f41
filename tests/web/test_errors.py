"""Error answers of the web app: a browser gets a short Swedish HTML page, an API client JSON,
with the same status and headers."""

from __future__ import annotations

import json

import pytest

from feeder.web.errors import wants_html
from tests.web.support import Site

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


@pytest.mark.parametrize(("accept", "html"), [
    (BROWSER, True),
    ("text/html", True),
    ("application/json", False),
    ("application/json, text/html;q=0.5", False),
    ("*/*", False),
    ("", False),
    ("text/html;q=0", False),
    ("text/html," * 500, False),  # nothing a browser sends: not parsed
])
def test_who_is_a_browser(accept: str, html: bool) -> None:
    assert wants_html(accept) is html


def test_an_unknown_path_is_a_swedish_page_for_a_browser(site: Site) -> None:
    reply = site.get("/finns-inte", accept=BROWSER)
    assert reply.status == 404
    assert reply.header("content-type") == "text/html; charset=utf-8"
    page = reply.body.decode()
    assert '<html lang="sv">' in page and "<h1>Sidan finns inte</h1>" in page
    assert reply.header("cache-control") == "no-store"


def test_an_unknown_path_is_json_for_anyone_else(site: Site) -> None:
    for accept in ("application/json", "*/*"):
        reply = site.get("/finns-inte", accept=accept)
        assert reply.status == 404
        assert json.loads(reply.body) == {"error": "Not Found", "field": None}


def test_a_post_to_a_published_file_is_a_swedish_405_for_a_browser(site: Site) -> None:
    reply = site.request("POST", "/banner.json", {"Accept": BROWSER, "Content-Length": "0"})
    assert reply.status == 405 and reply.header("allow") == "GET, HEAD"
    assert "<h1>Metoden stöds inte</h1>" in reply.body.decode()
    reply = site.request("POST", "/banner.json", {"Content-Length": "0"})
    assert reply.status == 405 and json.loads(reply.body)["error"] == "method not allowed"


def test_the_api_answers_json_even_to_a_browser(site: Site) -> None:
    reply = site.get("/api/notices", accept=BROWSER)
    assert reply.status == 401
    assert reply.header("content-type") == "application/json"
