"""The sample municipal page: both embeddings pointing at the published files, served by the
demo's extra route and nowhere else."""

from __future__ import annotations

import html
import re
from pathlib import Path

from starlette.testclient import TestClient

from feeder.app import Feeder
from feeder.demo.pages import KOMMUN_PATH, RESIZE_SNIPPET, kommun_page, routes
from feeder.web import create_app
from tests.common import make_config


def test_the_page_embeds_the_banner_by_script_and_by_iframe() -> None:
    page = kommun_page("http://127.0.0.1:8181/", scenario=False).decode()
    script = '<script src="http://127.0.0.1:8181/banner.js" data-kommun="2281" defer></script>'
    iframe = re.search(r'<iframe id="lansvarningar" src="http://127.0.0.1:8181/banner.html"'
                       r'[^>]*></iframe>', page)
    assert iframe and 'title="Varningar och meddelanden' in iframe[0]
    assert page.count(script) == 1
    assert "<div data-feeder-banner></div>" in page
    # the page shows the very markup it uses
    assert html.escape(script, quote=False) in page
    assert html.escape(iframe[0], quote=False) in page
    assert 'http-equiv="refresh"' not in page
    assert "$" not in page  # every placeholder filled


def test_the_iframe_is_the_one_docs_embed_md_gives_webmasters() -> None:
    embed = (Path(__file__).resolve().parents[2] / "docs" / "embed.md").read_text(encoding="utf-8")
    section = embed.split("## 2. The iframe", 1)[1].split("\n## ", 1)[0]
    documented = re.findall(r"```html\n(.*?)```", section, re.S)
    page = kommun_page("http://127.0.0.1:8181/", scenario=False).decode()
    assert documented[1].strip() == RESIZE_SNIPPET  # the resizing snippet, as documented
    frame = documented[0].strip().replace("https://varningar.example.se/", "http://127.0.0.1:8181/")
    assert frame in page and RESIZE_SNIPPET in page


def test_with_the_scenario_it_reloads_itself_and_says_why() -> None:
    page = kommun_page("http://127.0.0.1:8181/", scenario=True).decode()
    assert '<meta http-equiv="refresh" content="5">' in page
    assert "Scenariot spelas upp" in page


def test_the_public_url_is_escaped() -> None:
    page = kommun_page('http://x/"><script>alert(1)</script>/', scenario=False).decode()
    assert "<script>alert(1)" not in page
    assert "&quot;&gt;&lt;script&gt;" in page


def test_the_page_is_served_only_with_the_demo_routes(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    with Feeder(config) as feeder:
        demo = create_app(feeder, route_modules=(), extra_routes=routes(
            config.server.public_url, scenario=False))
        with TestClient(demo) as client:
            answer = client.get(KOMMUN_PATH)
            assert answer.status_code == 200
            assert answer.headers["content-type"].startswith("text/html")
            assert "Sundsvalls kommun" in answer.text
            assert client.get("/demo/", follow_redirects=False).headers["location"] == KOMMUN_PATH
        plain = create_app(feeder, route_modules=())
        with TestClient(plain) as client:
            assert client.get(KOMMUN_PATH).status_code == 404
