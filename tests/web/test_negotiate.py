"""A feed's address answers a browser with the feed's page and a feed reader with the feed:
the pure choice (feeder.web.negotiate), ``feeder run`` over real HTTP, and nginx with
docs/nginx-feeder.conf on the same published folder."""

from __future__ import annotations

import http.client
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from feeder.app import Feeder
from feeder.config import Config
from feeder.publish import publish
from feeder.server import BackgroundServer
from feeder.store import Store
from feeder.web import create_app
from feeder.web.negotiate import choose, page_of
from tests.builders import scenario
from tests.common import NOW, TOPIC, make_config
from tests.web.nginx import readable, run_nginx
from tests.web.support import Reply, Site

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
READER = "application/atom+xml, application/rss+xml, application/xml;q=0.9, */*;q=0.8"
FEEDS = ["feed.rss", "feed.atom", "alerts.rss", "alerts.atom",
         f"topics/{TOPIC['id']}.rss", f"topics/{TOPIC['id']}.atom"]


# -- the choice ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("path", "page"), [
    ("/feed.rss", "/feed.html"), ("/feed.atom", "/feed.html"), ("/alerts.atom", "/alerts.html"),
    ("/topics/handlingsplan-mot-vald.rss", "/topics/handlingsplan-mot-vald.html"),
    ("/feed.json", None), ("/banner.json", None), ("/banner.rss", None), ("/index.html", None),
    ("/feed.rss/x", None), ("/topics/../banner.rss", None), ("/topics/a/b.atom", None),
])
def test_only_the_rss_and_atom_addresses_of_feeds_have_a_page(path: str, page: str | None) -> None:
    assert page_of(path) == page


@pytest.mark.parametrize(("accept", "chosen"), [
    (BROWSER, "/feed.html"),
    ("text/html", "/feed.html"),
    (READER, "/feed.atom"),
    ("*/*", "/feed.atom"),
    ("application/atom+xml, text/html;q=0.5", "/feed.atom"),  # a reader naming HTML lower
    ("text/html;q=0.5, application/atom+xml;q=0.5", "/feed.atom"),  # a tie: the feed
    (None, "/feed.atom"),
])
def test_a_browser_gets_the_page_and_everyone_else_the_feed(
    accept: str | None, chosen: str
) -> None:
    headers = [(b"host", b"x")] + ([(b"accept", accept.encode())] if accept else [])
    assert choose("/feed.atom", headers) == chosen
    assert choose("/banner.json", headers) == "/banner.json"


# -- feeder run ---------------------------------------------------------------------------------

def _publish(config: Config) -> None:
    with Store(config.storage.database) as store:
        store.upsert(scenario(), NOW)
        store.record_success("smhi", NOW)
        publish(store, config, NOW)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Site]:
    config = make_config(tmp_path)
    _publish(config)
    with Feeder(config) as feeder, BackgroundServer(create_app(feeder)) as server:
        yield Site(feeder, server)


@pytest.mark.parametrize("name", FEEDS)
def test_feeder_run_answers_a_feed_address_by_accept(served: Site, name: str) -> None:
    out = served.root
    page = (out / page_of(f"/{name}")[1:]).read_bytes()  # type: ignore[index]
    browser = served.get(f"/{name}", accept=BROWSER)
    assert browser.status == 200 and browser.body == page
    assert browser.header("content-type") == "text/html; charset=utf-8"
    assert browser.header("vary") == "Accept, Accept-Encoding"
    reader = served.get(f"/{name}", accept=READER)
    assert reader.body == (out / name).read_bytes()
    assert reader.header("content-type").startswith(  # type: ignore[union-attr]
        "application/rss+xml" if name.endswith(".rss") else "application/atom+xml")
    assert reader.header("vary") == "Accept, Accept-Encoding"
    assert served.get(f"/{name}").body == reader.body  # no Accept: the feed
    # The page revalidates as itself, gzip included.
    again = served.get(f"/{name}", accept=BROWSER, if_none_match=browser.header("etag") or "")
    assert again.status == 304
    zipped = served.get(f"/{name}", accept=BROWSER, accept_encoding="gzip")
    assert zipped.header("content-encoding") == "gzip"


def test_the_pages_are_served_at_their_own_names_too(served: Site) -> None:
    reply = served.get("/feed.html")
    assert reply.status == 200 and reply.header("content-type") == "text/html; charset=utf-8"
    assert b"Det h\xc3\xa4r \xc3\xa4r ett nyhetsfl\xc3\xb6de" in reply.body
    assert served.get(f"/topics/{TOPIC['id']}.html").status == 200
    assert served.get("/topics/nope.html").status == 404
    assert served.get("/feed.xsl").status == 404  # no stylesheet any more


def test_without_a_published_page_a_browser_still_gets_the_feed(served: Site) -> None:
    (served.root / "alerts.html").unlink()
    (served.root / "alerts.html.gz").unlink()
    reply = served.get("/alerts.atom", accept=BROWSER)
    assert reply.status == 200 and reply.body == (served.root / "alerts.atom").read_bytes()


# -- nginx with docs/nginx-feeder.conf ----------------------------------------------------------

def _get(port: int, path: str, **headers: str) -> Reply:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest("GET", path, skip_accept_encoding=True)
        for name, value in headers.items():
            conn.putheader(name.replace("_", "-"), value)
        conn.endheaders()
        resp = conn.getresponse()
        return Reply(resp.status, resp.getheaders(), resp.read())
    finally:
        conn.close()


@pytest.fixture
def nginx() -> Iterator[tuple[int, Path]]:
    # A folder nginx's workers (nobody, when run as root) can reach: not under pytest's 0700 one.
    tmp_path = Path(tempfile.mkdtemp(prefix="feeder-nginx-"))
    try:
        config = make_config(tmp_path)
        _publish(config)
        readable(tmp_path)
        with run_nginx(config.storage.output_dir, tmp_path) as port:
            yield port, config.storage.output_dir
    finally:
        shutil.rmtree(tmp_path, ignore_errors=True)


@pytest.mark.parametrize("name", FEEDS)
def test_nginx_answers_a_feed_address_by_accept(nginx: tuple[int, Path], name: str) -> None:
    port, out = nginx
    page = (out / page_of(f"/{name}")[1:]).read_bytes()  # type: ignore[index]
    browser = _get(port, f"/{name}", accept=BROWSER)
    assert browser.status == 200 and browser.body == page
    assert browser.header("content-type") == "text/html; charset=utf-8"
    assert "Accept" in (browser.header("vary") or "")
    zipped = _get(port, f"/{name}", accept=BROWSER, accept_encoding="gzip")
    assert zipped.header("content-encoding") == "gzip"
    reader = _get(port, f"/{name}", accept=READER)
    assert reader.status == 200 and reader.body == (out / name).read_bytes()
    assert (reader.header("content-type") or "").startswith(
        "application/rss+xml" if name.endswith(".rss") else "application/atom+xml")
    assert _get(port, f"/{name}").body == reader.body
    assert _get(port, page_of(f"/{name}") or "").body == page
    assert _get(port, "/feed.xsl").status == 404
