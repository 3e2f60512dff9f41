"""Set-up for the banner tests: real headless Chromium (Debian's, through Playwright) and the two
loopback origins of :mod:`tests.banner.site` (the banner's and the embedding site's)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from feeder.publish import assets
from tests.banner.documents import make_config
from tests.banner.live import LiveSite
from tests.banner.site import COUNT_READS, Published, Site
from tests.common import chromium


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Chromium for one test module. Module scope, not session: Playwright's sync API allows one
    running instance per thread, and other test folders start their own (tests/editors)."""
    with chromium() as b:
        yield b


@pytest.fixture
def assets_site() -> Iterator[Site]:
    """The banner's origin: banner.js as published, and whatever banner.json a test puts."""
    site = Site(cors=True)
    for name, body in assets.outputs().items():
        site.put("/" + name, body)
    yield site
    site.close()


@pytest.fixture
def published(tmp_path: Path) -> Iterator[Published]:
    """A static server (CORS on, as for feeder run and the nginx example) over output_dir."""
    site = Site(cors=True)
    config = make_config(tmp_path, site.origin + "/")
    site.folder = config.storage.output_dir
    yield Published(site, config)
    site.close()


@pytest.fixture
def live_site(tmp_path: Path) -> Iterator[LiveSite]:
    """``feeder run``'s web app over output_dir: banner.json offers the live events."""
    site = LiveSite(tmp_path)
    yield site
    site.close()


@pytest.fixture
def host_site() -> Iterator[Site]:
    """The embedding web site: another origin (another port)."""
    site = Site(cors=False)
    yield site
    site.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    ctx = browser.new_context(locale="sv-SE", timezone_id="Europe/Stockholm")
    ctx.set_default_timeout(10_000)
    ctx.add_init_script(COUNT_READS)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    """A page that records uncaught script errors and dialogs; the test fails on either."""
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))

    def on_dialog(dialog: Any) -> None:
        errors.append(f"dialog opened: {dialog.message}")
        dialog.dismiss()

    pg.on("dialog", on_dialog)
    yield pg
    assert not errors, errors


