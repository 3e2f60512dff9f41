"""Benchmark of the Länsstyrelsen news source: parse speed, and what an unchanged poll fetches.

    python bench/bench_news.py [--rounds N]

1. Parses the fixture list page and 20 article pages (the two article fixtures, ten times each,
   at 20 distinct URLs, without their ``rel=canonical``, which would make them the same two
   articles) and prints milliseconds per list page and per article (median of the rounds).
2. Serves a list of those 20 articles from a real HTTP server on 127.0.0.1, polls it through
   :func:`feeder.poll.poll_source` (real Fetcher, SQLite in a temporary folder) and counts the
   requests: the first poll fetches the list and 20 articles; an unchanged poll fetches only the
   list page (a 304 with ETag, or a 200 without validators). Exits 1 if it fetched more.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from feeder.config import from_dict  # noqa: E402
from feeder.fetch import Fetcher  # noqa: E402
from feeder.poll import poll_source  # noqa: E402
from feeder.sources import build_sources  # noqa: E402
from feeder.sources.base import ParseContext  # noqa: E402
from feeder.sources.news_parser import parse, parse_article  # noqa: E402
from feeder.store import Store  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "lansstyrelsen"
ORIGIN = "https://www.lansstyrelsen.se"
LIST_PATH = "/vasternorrland/om-oss/nyheter-och-press/nyheter---vasternorrland.html"
ARTICLES = LIST_PATH.removesuffix(".html") + "/"
PAGES = [  # (fixture, its h1)
    ("article_kraftsamling.html", "Kraftsamling mot v&#xE5;ldet i V&#xE4;sternorrland"),
    ("article_strandskydd.html", "Nya regler f&#xF6;r strandskydd"),
]
COUNT = 20


def article_paths() -> list[str]:
    return [f"{ARTICLES}2022-03-{1 + i:02d}-artikel-{i + 1}.html" for i in range(COUNT)]


def list_page(origin: str) -> bytes:
    """news_list.html with its entries replaced by the 20 benchmark articles."""
    items = []
    for i, path in enumerate(article_paths()):
        title = PAGES[i % 2][1]
        items.append(
            f'<li class="sv-channel-item"><h2><a href="{path}">{title}</a></h2>'
            f'<time datetime="2022-03-{1 + i:02d}T09:00:00+01:00">{1 + i} mars 2022</time>'
            f"<p>Ingress {i + 1}.</p></li>"
        )
    page = (FIXTURES / "news_list.html").read_text(encoding="utf-8")
    page = re.sub(r"(<ul class=\"sv-channel[^\"]*\">).*?(</ul>)",
                  lambda m: m[1] + "\n".join(items) + m[2], page, flags=re.S)
    return page.replace(ORIGIN, origin).encode()


def article_page(index: int, origin: str) -> bytes:
    """The fixture of article ``index``, as an article of its own at ``origin``: without the
    fixture's ``rel=canonical`` (every copy would otherwise be the fixture's one article)."""
    body = (FIXTURES / PAGES[index % 2][0]).read_bytes()
    body = re.sub(rb'<link rel="canonical"[^>]*>', b"", body)
    return body.replace(ORIGIN.encode(), origin.encode())


def timed(fn: Callable[[], object], rounds: int) -> float:
    """Median seconds of ``rounds`` calls."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_parse(rounds: int) -> None:
    list_body = (FIXTURES / "news_list.html").read_bytes()
    list_url = ORIGIN + LIST_PATH
    bodies = [article_page(i, ORIGIN) for i in range(COUNT)]
    urls = [ORIGIN + p for p in article_paths()]
    region = from_dict({}).region
    now = datetime.now(UTC)
    list_context = ParseContext(region, now, list_url)
    entries = parse(list_page(ORIGIN), list_context).items
    contexts = [ParseContext(region, now, url) for url in urls]

    def articles() -> None:
        for body, context, entry in zip(bodies, contexts, entries, strict=True):
            parse_article(body, context, entry)

    per_list = timed(lambda: parse(list_body, list_context), rounds)
    per_batch = timed(articles, rounds)
    size = sum(len(b) for b in bodies) / COUNT
    print(f"parse list page ({len(list_body)} bytes, 8 entries): {per_list * 1000:.2f} ms")
    print(f"parse {COUNT} articles (mean {size:.0f} bytes): {per_batch * 1000:.1f} ms"
          f" = {per_batch * 1000 / COUNT:.2f} ms per article")


class Site(BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, bytes]] = {}
    etag: ClassVar[str | None] = None
    log: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.log.append(self.path)
        body = self.routes.get(self.path)
        if body is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.etag and self.path == LIST_PATH and self.headers.get("If-None-Match") == self.etag:
            self.send_response(304)
            self.send_header("ETag", self.etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        if self.etag and self.path == LIST_PATH:
            self.send_header("ETag", self.etag)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def bench_poll(etag: str | None) -> bool:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    origin = f"http://127.0.0.1:{server.server_port}"
    Site.routes = {LIST_PATH: list_page(origin)}
    for i, path in enumerate(article_paths()):
        Site.routes[path] = article_page(i, origin)
    Site.etag, Site.log = etag, []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        config = from_dict(
            {
                "storage": {"database": "db.sqlite3", "output_dir": "public"},
                "sources": {
                    "smhi": {"enabled": False},
                    "lansstyrelsen": {"url": origin + LIST_PATH, "max_articles": COUNT,
                                      "article_delay": 0},
                },
            },
            Path(tmp) / "config.yaml",
        )
        with Store(config.storage.database) as store, Fetcher(config.http) as fetcher:
            source = build_sources(config)["lansstyrelsen"]
            label = f"ETag {etag}" if etag else "no validators"
            for name in ("first poll", "unchanged poll"):
                Site.log = []
                start = time.perf_counter()
                out = poll_source(source, store, config, fetcher, sleep=lambda s: None)
                took = (time.perf_counter() - start) * 1000
                articles = [p for p in Site.log if p != LIST_PATH]
                state = "304" if out.not_modified else "200"
                print(f"{name} ({label}): list {state}, {len(articles)} article requests,"
                      f" {len(out.inserted)} new, {len(out.updated)} updated, {took:.1f} ms"
                      f"{' — error: ' + str(out.error) if not out.ok else ''}")
                if name == "first poll":
                    ok &= out.ok and len(out.inserted) == COUNT
                else:
                    only_list = Site.log == [LIST_PATH]
                    ok &= out.ok and only_list and not out.changed
                    print(f"  unchanged poll fetched only the list page: {only_list}")
    server.shutdown()
    server.server_close()
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="timing rounds (median)")
    args = parser.parse_args()
    bench_parse(max(1, args.rounds))
    ok = bench_poll('"v1"') & bench_poll(None)
    print("OK" if ok else "FAILED: an unchanged poll fetched more than the list page")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
