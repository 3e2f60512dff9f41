"""The published files over real HTTP: bytes, gzip, conditional GETs, HEAD, types, CORS, 404s."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import time
from datetime import timedelta
from email.utils import formatdate, parsedate_to_datetime

import pytest

from feeder.timeutil import utcnow
from tests.builders import fire_risk
from tests.web.support import TOPIC_ID, Site, write_output

FEEDS = ["feed.rss", "feed.atom", "feed.json", "alerts.rss", "alerts.atom", "alerts.json",
         f"topics/{TOPIC_ID}.rss", f"topics/{TOPIC_ID}.atom", f"topics/{TOPIC_ID}.json"]
BANNER = ["banner.json", "banner.js", "banner.html"]

READER_ACCEPT = "application/atom+xml, application/rss+xml, application/xml;q=0.9, */*;q=0.8"
BROWSER_ACCEPT = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
)

TYPES = {
    "feed.rss": "application/rss+xml; charset=utf-8",
    "feed.atom": "application/atom+xml; charset=utf-8",
    "feed.json": "application/feed+json; charset=utf-8",
    "alerts.rss": "application/rss+xml; charset=utf-8",
    "alerts.atom": "application/atom+xml; charset=utf-8",
    "alerts.json": "application/feed+json; charset=utf-8",
    f"topics/{TOPIC_ID}.rss": "application/rss+xml; charset=utf-8",
    f"topics/{TOPIC_ID}.atom": "application/atom+xml; charset=utf-8",
    f"topics/{TOPIC_ID}.json": "application/feed+json; charset=utf-8",
    "banner.json": "application/json; charset=utf-8",
    "banner.js": "text/javascript; charset=utf-8",
    "banner.html": "text/html; charset=utf-8",
    "index.html": "text/html; charset=utf-8",
    "extra.css": "text/css; charset=utf-8",
}


@pytest.mark.parametrize("name", sorted(TYPES))
def test_every_published_file_is_served_at_its_path(
    site: Site, published: dict[str, bytes], name: str
) -> None:
    reply = site.get(f"/{name}")
    assert reply.status == 200
    assert reply.body == published[name]
    assert reply.header("content-type") == TYPES[name]
    assert reply.header("content-length") == str(len(published[name]))
    assert reply.header("content-encoding") is None
    etag = reply.header("etag")
    assert etag and etag.startswith('"') and not etag.startswith("W/")
    mtime = os.stat(site.root / name).st_mtime
    assert reply.header("last-modified") == formatdate(int(mtime), usegmt=True)
    assert reply.header("x-content-type-options") == "nosniff"


def test_root_is_the_index_page(site: Site, published: dict[str, bytes]) -> None:
    reply = site.get("/")
    assert reply.status == 200
    assert reply.body == published["index.html"]
    assert reply.header("content-type") == "text/html; charset=utf-8"
    assert reply.header("etag") == site.get("/index.html").header("etag")


def test_etag_comes_from_the_content(site: Site, published: dict[str, bytes]) -> None:
    before = site.get("/feed.atom").header("etag")
    os.utime(site.root / "feed.atom", ns=(time.time_ns(), time.time_ns() + 5_000_000_000))
    assert site.get("/feed.atom").header("etag") == before  # touched: same bytes, same tag
    write_output(site.root, "feed.atom", published["feed.atom"] + b"<!-- changed -->")
    assert site.get("/feed.atom").header("etag") != before


@pytest.mark.parametrize("name", ["feed.atom", "banner.json", "index.html", "banner.js"])
def test_gzip_is_the_precompressed_file(site: Site, published: dict[str, bytes], name: str) -> None:
    reply = site.get(f"/{name}", accept_encoding="gzip, deflate, br")
    assert reply.status == 200
    assert reply.header("content-encoding") == "gzip"
    assert reply.body == (site.root / f"{name}.gz").read_bytes()
    assert gzip.decompress(reply.body) == published[name]
    assert reply.header("content-length") == str(len(reply.body))
    assert "Accept-Encoding" in (reply.header("vary") or "")
    plain = site.get(f"/{name}")
    assert plain.header("etag") != reply.header("etag")  # one strong tag per representation


@pytest.mark.parametrize("accept_encoding, gzipped", [
    ("gzip", True), ("x-gzip", True), ("*", True), ("br;q=1.0, gzip;q=0.5", True),
    ("gzip;q=0", False), ("identity", False), ("br", False), ("*;q=0", False),
    ("*, gzip;q=0", False),
])
def test_accept_encoding_is_honoured(site: Site, accept_encoding: str, gzipped: bool) -> None:
    reply = site.get("/feed.atom", accept_encoding=accept_encoding)
    assert (reply.header("content-encoding") == "gzip") is gzipped


def test_a_stale_gz_beside_a_new_file_is_never_served(
    site: Site, published: dict[str, bytes]
) -> None:
    new = published["banner.json"].replace(b'"alerts": []', b'"alerts": [1]')
    # Caught between two renames: the .gz still holds the old bytes.
    write_output(site.root, "banner.json", new, gz=gzip.compress(published["banner.json"]))
    reply = site.get("/banner.json", accept_encoding="gzip")
    assert gzip.decompress(reply.body) == new


def test_vary_and_cache_control(site: Site) -> None:
    for name in FEEDS:
        reply = site.get(f"/{name}")
        cache = reply.header("cache-control") or ""
        assert "max-age=300" in cache and "stale-if-error" in cache, name
    for name in BANNER:
        cache = site.get(f"/{name}").header("cache-control") or ""
        assert "max-age=60" in cache and "stale-if-error" in cache, name
    assert site.get("/feed.atom").header("vary") == "Accept, Accept-Encoding"
    assert site.get("/banner.json").header("vary") == "Accept-Encoding"


def test_cors_on_the_banner_and_the_feeds_only(site: Site) -> None:
    for name in FEEDS + BANNER:
        assert site.get(f"/{name}").header("access-control-allow-origin") == "*", name
    for name in ("index.html", "extra.css"):
        assert site.get(f"/{name}").header("access-control-allow-origin") is None, name


@pytest.mark.parametrize("name", ["feed.atom", "feed.rss", "alerts.atom", f"topics/{TOPIC_ID}.rss"])
def test_browsers_get_feeds_as_xml_and_readers_as_feeds(site: Site, name: str) -> None:
    feed_type = TYPES[name]
    assert site.get(f"/{name}", accept=BROWSER_ACCEPT).header("content-type") == (
        "application/xml; charset=utf-8"
    )
    assert site.get(f"/{name}", accept=READER_ACCEPT).header("content-type") == feed_type
    assert site.get(f"/{name}", accept="*/*").header("content-type") == feed_type
    assert site.get(f"/{name}").header("content-type") == feed_type
    # A reader that also names text/html, but lower, is a reader.
    mixed = "application/atom+xml, application/rss+xml, text/html;q=0.5"
    assert site.get(f"/{name}", accept=mixed).header("content-type") == feed_type
    # The browser's representation is the same bytes, gzip included.
    browser = site.get(f"/{name}", accept=BROWSER_ACCEPT, accept_encoding="gzip")
    assert browser.header("content-encoding") == "gzip"


def test_json_feeds_and_banner_ignore_the_browser_accept(site: Site) -> None:
    assert site.get("/feed.json", accept=BROWSER_ACCEPT).header("content-type") == TYPES[
        "feed.json"]
    assert site.get("/banner.json", accept=BROWSER_ACCEPT).header("content-type") == TYPES[
        "banner.json"]


def test_if_none_match_gives_304(site: Site) -> None:
    first = site.get("/banner.json")
    etag = first.header("etag")
    assert etag
    reply = site.get("/banner.json", if_none_match=etag)
    assert reply.status == 304
    assert reply.body == b""
    assert reply.header("etag") == etag
    assert reply.header("cache-control") == first.header("cache-control")
    assert reply.header("access-control-allow-origin") == "*"
    assert reply.header("content-length") in (None, "0")
    # Lists, weak prefixes and * all match; another tag does not.
    assert site.get("/banner.json", if_none_match=f'"other", W/{etag}').status == 304
    assert site.get("/banner.json", if_none_match="*").status == 304
    assert site.get("/banner.json", if_none_match='"other"').status == 200


def test_if_none_match_with_the_gzip_tag(site: Site) -> None:
    gz = site.get("/feed.atom", accept_encoding="gzip")
    reply = site.get("/feed.atom", accept_encoding="gzip", if_none_match=gz.header("etag") or "")
    assert reply.status == 304
    assert reply.header("etag") == gz.header("etag")


def test_changed_file_no_longer_matches_its_old_etag(
    site: Site, published: dict[str, bytes]
) -> None:
    etag = site.get("/banner.json").header("etag") or ""
    write_output(site.root, "banner.json", published["banner.json"] + b" ")
    assert site.get("/banner.json", if_none_match=etag).status == 200


def test_if_modified_since(site: Site) -> None:
    last_modified = site.get("/feed.rss").header("last-modified") or ""
    assert site.get("/feed.rss", if_modified_since=last_modified).status == 304
    later = formatdate(parsedate_to_datetime(last_modified).timestamp() + 3600, usegmt=True)
    assert site.get("/feed.rss", if_modified_since=later).status == 304
    earlier = formatdate(parsedate_to_datetime(last_modified).timestamp() - 3600, usegmt=True)
    assert site.get("/feed.rss", if_modified_since=earlier).status == 200
    assert site.get("/feed.rss", if_modified_since="not a date").status == 200
    # If-None-Match takes precedence (RFC 9110 13.2.2).
    assert site.get("/feed.rss", if_modified_since=later, if_none_match='"x"').status == 200


@pytest.mark.parametrize("headers", [{}, {"Accept-Encoding": "gzip"}, {"Accept": BROWSER_ACCEPT}])
def test_head_has_the_get_headers_and_no_body(site: Site, headers: dict[str, str]) -> None:
    get = site.request("GET", "/feed.atom", headers)
    head = site.request("HEAD", "/feed.atom", headers)
    assert head.status == 200
    assert head.body == b""
    strip = {"date"}
    assert [(k, v) for k, v in head.headers if k not in strip] == [
        (k, v) for k, v in get.headers if k not in strip
    ]


def test_other_methods_are_refused(site: Site) -> None:
    reply = site.request("POST", "/banner.json")
    assert reply.status == 405
    assert reply.header("allow") == "GET, HEAD"
    assert site.request("DELETE", "/feed.atom").status == 405


def test_query_strings_are_ignored(site: Site, published: dict[str, bytes]) -> None:
    assert site.get("/banner.json?v=12345").body == published["banner.json"]


@pytest.mark.parametrize("path", [
    "/../config.yaml",
    "/%2e%2e/config.yaml",
    "/%2E%2E%2Fconfig.yaml",
    "/..%2fconfig.yaml",
    "/topics/../../config.yaml",
    "/topics/%2e%2e/%2e%2e/config.yaml",
    "/var/",
    "/public/",
    "/topics/",
    "/topics",
    "/db.sqlite3",
    "/feed.atom.gz",
    "/.publish.lock",
    "/feed.atom/",
    "//etc/passwd",
    "/etc/passwd",
    "/topics/unknown.atom",
    "/secret.txt",
    "/index.htm",
])
def test_unknown_paths_and_traversal_are_404(site: Site, path: str) -> None:
    (site.root.parent / "config.yaml").write_text("secret: do-not-serve\n")
    (site.root / "secret.txt").write_text("do-not-serve\n")
    (site.root / "topics" / "unknown.atom").write_text("do-not-serve\n")
    (site.root / ".publish.lock").write_text("")
    reply = site.get(path)
    assert reply.status == 404, path
    assert b"do-not-serve" not in reply.body
    assert reply.header("content-type") == "application/json"


def test_a_file_not_published_yet_is_404_then_served(site: Site) -> None:
    os.remove(site.root / "alerts.json")
    assert site.get("/alerts.json").status == 404
    write_output(site.root, "alerts.json", b'{"new": true}')
    reply = site.get("/alerts.json")
    assert reply.status == 200 and reply.body == b'{"new": true}'


def test_a_file_replaced_by_another_process_is_served_at_once(site: Site) -> None:
    before = site.get("/banner.json", accept_encoding="gzip")
    new = ('{"region": "Västernorrlands län", "alerts": ["%s"]}' % ("ny " * 100)).encode()
    code = (
        "import sys; from pathlib import Path; from tests.web.support import write_output; "
        "write_output(Path(sys.argv[1]), 'banner.json', sys.argv[2].encode())"
    )
    subprocess.run([sys.executable, "-c", code, str(site.root), new.decode()], check=True,
                   cwd=os.getcwd())
    after = site.get("/banner.json", accept_encoding="gzip")
    assert gzip.decompress(after.body) == new
    assert after.header("etag") != before.header("etag")
    assert site.get("/banner.json", if_none_match=before.header("etag") or "").status == 200


def test_two_changes_within_one_second_get_two_last_modified(site: Site) -> None:
    """A cache that revalidates with If-Modified-Since alone still sees the second change."""
    now = utcnow()
    started = time.monotonic()
    times = {"published": now - timedelta(hours=1), "onset": now - timedelta(hours=1),
             "expires": now + timedelta(hours=1)}
    site.store.upsert([fire_risk(updated=now, **times)], now)
    site.feeder.publish(now)
    first = site.get("/banner.json")
    site.store.upsert([fire_risk(title="Risk för gräsbrand i Västernorrlands län",
                                 updated=now + timedelta(seconds=1), **times)], now)
    site.feeder.publish(now + timedelta(seconds=1))
    second = site.get("/banner.json")
    assert time.monotonic() - started < 1.5  # (whatever the clock: the rule holds anyway)
    assert first.body != second.body
    first_lm, second_lm = first.header("last-modified"), second.header("last-modified")
    assert first_lm and second_lm
    assert parsedate_to_datetime(second_lm) > parsedate_to_datetime(first_lm)
    again = site.get("/banner.json", if_modified_since=first_lm)
    assert again.status == 200 and again.body == second.body
    assert again.header("last-modified") == second_lm
    assert site.get("/banner.json", if_modified_since=second_lm).status == 304
    zipped = site.get("/banner.json", accept_encoding="gzip")
    assert zipped.header("last-modified") == second_lm  # the twin has the file's mtime
    assert os.stat(site.root / "banner.json.gz").st_mtime_ns == os.stat(
        site.root / "banner.json").st_mtime_ns
