"""The banner and the readable feeds served by the real web app (``feeder run``'s app on uvicorn),
as a municipal site and a resident's browser meet them: CORS, revalidation, browser content type."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, Response, expect

from feeder.app import Feeder
from feeder.publish import publish
from feeder.server import BackgroundServer
from feeder.store import Store
from feeder.web.app import create_app
from tests.banner.documents import TOPIC, alerts_scenario, make_config, real_now
from tests.banner.site import Site, host_page, wait_marks


class Served:
    def __init__(self, url: str) -> None:
        self.url = url


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """Publish into output_dir, then serve it with the app ``feeder run`` serves."""
    with socket.socket() as probe:  # a free port, to put in public_url before serving
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = make_config(tmp_path, f"http://127.0.0.1:{port}/")
    with Store(config.storage.database) as store:
        store.upsert(alerts_scenario(real_now()), real_now())
        publish(store, config, real_now())
        app = create_app(Feeder(config, store=store), route_modules=())
        with BackgroundServer(app, port=port) as server:
            yield Served(server.url)


def test_banner_from_feeder_run_on_another_site(
    page: Page, served: Served, host_site: Site
) -> None:
    def is_json(response: Response) -> bool:
        return response.url.endswith("/banner.json")

    page.clock.install()
    with page.expect_response(is_json) as first:
        page.goto(host_page(host_site, served.url + "/banner.js", attrs=' data-kommun="2281"'))
    wait_marks(page, "loaded")
    expect(page.locator(".fb-live")).to_contain_text("Kokningsrekommendation i Sundsvall")
    headers = first.value.headers
    assert headers["access-control-allow-origin"] == "*"
    assert "max-age=60" in headers["cache-control"]
    with page.expect_response(is_json) as second:
        page.clock.run_for(61_000)
    wait_marks(page, "loaded", 2)
    # The re-read revalidates with feeder's ETag (which answers 304; Playwright reports the
    # cached 200 the page gets), instead of trusting max-age=60.
    assert second.value.request.all_headers().get("if-none-match") == headers["etag"]
    expect(page.locator(".fb-live")).to_contain_text("Kokningsrekommendation i Sundsvall")


FEED_URLS = [f"{name}.{ext}" for name in ("feed", "alerts", f"topics/{TOPIC['id']}")
             for ext in ("rss", "atom")]


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("name", FEED_URLS)
def test_a_feed_opened_in_the_browser_is_a_page(
    page: Page, served: Served, name: str, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    response = page.goto(f"{served.url}/{name}")
    assert response is not None and response.status == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["vary"] == "Accept, Accept-Encoding"
    # No XSLT, so no browser notice about it; a page of our own, rendered.
    assert page.evaluate("document.querySelector('xslt-warning-banner')") is None
    assert page.evaluate("document.contentType") == "text/html"
    expect(page.locator("h2#about")).to_have_text("Det här är ett nyhetsflöde")
    base = f"{served.url}/{name.rsplit('.', 1)[0]}"
    expect(page.get_by_label("Flödets adress")).to_have_value(base + ".rss")
    if not name.startswith("alerts"):
        expect(page.locator("ol.items")).to_contain_text(
            "Kraftsamling mot våldet i Västernorrland")
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scroll
    # A feed reader at the same address gets the feed.
    reader = page.request.get(f"{served.url}/{name}",
                              headers={"Accept": "application/rss+xml, application/atom+xml"})
    assert reader.headers["content-type"].startswith(
        "application/rss+xml" if name.endswith(".rss") else "application/atom+xml")


def test_the_index_page_links_lead_to_pages_not_to_xml(page: Page, served: Served) -> None:
    page.goto(served.url + "/")
    page.get_by_role("link", name="RSS").first.click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_text("Aktuellt i Västernorrlands län")
    assert page.url.endswith("/feed.rss")
    expect(page.locator("h2#about")).to_be_visible()
