"""Benchmark: the SMHI source with a warning.json of 200 warnings, over real HTTP on 127.0.0.1.

Target (issue 3): parse + store + publish a 200-warning list; an unchanged poll (304, or the
same body again) costs <= 5 ms of work after the response and writes no item.

Prints, for the generated list (size, areas for the county):
- parse alone;
- first poll (fetch + parse + store) and the publish after it;
- unchanged polls: 304; same body (remembered by this process); same body parsed again (as a
  fresh process would), each as the median / p95 of the work after the response arrived
  (poll_source's time after Fetcher.get returned), the whole poll, item rows written and
  whether the following publish rendered anything.

    python bench/bench_smhi.py [--warnings 200] [--points 300] [--repeat 50]
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from feeder import config as config_mod
from feeder.fetch import Fetcher, Response
from feeder.poll import poll_source
from feeder.sources import build_sources, smhi
from feeder.sources.base import ParseContext
from feeder.store import Store

NOW = datetime(2026, 6, 12, 10, 0, tzinfo=UTC)
FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "smhi"
COUNTIES = [1, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 17, 18, 19, 20, 21, 23, 24, 25]
SEA = list(range(28, 46))


def warning_list(count: int, points: int) -> bytes:
    """``count`` warnings, one area each; every 20th for county 22, the rest elsewhere."""
    templates = json.loads((FIXTURES / "ibww_mixed_levels.json").read_bytes())
    fire, wind = templates[0], templates[1]
    out: list[dict[str, Any]] = []
    for n in range(count):
        warning = copy.deepcopy(fire if n % 3 == 0 else wind)
        warning["id"] = 5000 + n
        area = warning["warningAreas"][0]
        del warning["warningAreas"][1:]
        area["id"] = 20000 + n
        county = 22 if n % 20 == 0 else (COUNTIES + SEA)[n % (len(COUNTIES) + len(SEA))]
        area["affectedAreas"] = [{"id": county, "sv": f"Område {county}", "en": f"Area {county}"}]
        area["warningLevel"]["code"] = ("MESSAGE", "YELLOW", "ORANGE", "RED")[n % 4]
        ring = [[15.0 + i / points, 62.0 + (i % 7) / 100] for i in range(points)]
        area["area"]["geometry"] = {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}
        out.append(warning)
    return json.dumps(out, ensure_ascii=False, separators=(",", ":")).encode()


class Upstream:
    """A tiny SMHI: serves ``body``; with ``etags`` on, answers If-None-Match with 304."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.etags = True
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                tag = '"' + hashlib.sha256(upstream.body).hexdigest()[:16] + '"'
                if upstream.etags and self.headers.get("If-None-Match") == tag:
                    self.send_response(304)
                    self.send_header("ETag", tag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(upstream.body)))
                if upstream.etags:
                    self.send_header("ETag", tag)
                self.end_headers()
                self.wfile.write(upstream.body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/ibww/api/version/1/warning.json"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class TimedFetcher(Fetcher):
    """The real Fetcher, noting when the response was in hand."""

    got_at = 0.0

    def get(self, url: str, **kwargs: Any) -> Response:
        response = super().get(url, **kwargs)
        self.got_at = time.perf_counter()
        return response


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f} ms"


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--warnings", type=int, default=200)
    parser.add_argument("--points", type=int, default=300, help="polygon points per area")
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()

    body = warning_list(args.warnings, args.points)
    upstream = Upstream(body)
    with tempfile.TemporaryDirectory() as tmp:
        config = config_mod.from_dict(
            {
                "storage": {"database": "db.sqlite3", "output_dir": "public"},
                "sources": {"smhi": {"url": upstream.url}, "lansstyrelsen": {"enabled": False}},
                "http": {"max_bytes": max(5_000_000, 2 * len(body))},
            },
            Path(tmp) / "config.yaml",
        )
        try:
            from feeder.publish import publish
        except ImportError:  # the publishing package is not there yet
            publish = None  # type: ignore[assignment]
        store = Store(config.storage.database)
        fetcher = TimedFetcher(config.http)
        try:
            region = config.region
            context = ParseContext(region, NOW, upstream.url)
            items = smhi.parse(body, context).items
            print(f"warning.json: {args.warnings} warnings, {len(body) / 1e6:.2f} MB, "
                  f"{len(items)} areas for county {region.county_id}")
            parse_times = timed(lambda: smhi.parse(body, context), max(5, args.repeat // 5))
            print(f"{'parse alone':36}median {ms(statistics.median(parse_times))}")

            source = build_sources(config)["smhi"]
            started = time.perf_counter()
            first = poll_source(source, store, config, fetcher, now=NOW)
            total = time.perf_counter() - started
            assert first.ok and len(first.inserted) == len(items), first
            print(f"first poll (fetch + parse + store)         {ms(total)}"
                  f"  ({len(first.inserted)} items inserted)")
            if publish is not None:
                started = time.perf_counter()
                result = publish(store, config, NOW)
                print(f"publish after it                           "
                      f"{ms(time.perf_counter() - started)}  ({len(result.changed)} files)")
            else:
                print("publish: feeder.publish not available")

            def restart() -> None:
                """A new process: a new source, which remembers no body."""
                nonlocal source
                source = build_sources(config)["smhi"]

            def unchanged(label: str, before_each: Callable[[], None]) -> None:
                after: list[float] = []
                whole: list[float] = []
                rows_written = 0
                rendered = 0
                for _ in range(args.repeat):
                    before_each()
                    version = store.data_version()
                    started = time.perf_counter()
                    outcome = poll_source(source, store, config, fetcher, now=NOW)
                    ended = time.perf_counter()
                    assert outcome.ok, outcome.error
                    after.append(ended - fetcher.got_at)
                    whole.append(ended - started)
                    rows_written += len(outcome.inserted) + len(outcome.updated)
                    rows_written += len(outcome.ended)
                    rows_written += store.data_version() != version
                    if publish is not None:
                        rendered += publish(store, config, NOW).rendered
                print(f"{label:36}median {ms(statistics.median(after))}  "
                      f"p95 {ms(p95(after))}  whole poll {ms(statistics.median(whole))}  "
                      f"item rows written {rows_written}  publishes that rendered {rendered}")

            print(f"unchanged polls ({args.repeat} each), work after the response:")
            upstream.etags = True
            unchanged("  304 Not Modified", lambda: None)
            upstream.etags = False
            unchanged("  same body, remembered", lambda: None)
            unchanged("  same body, parsed again", restart)
        finally:
            fetcher.close()
            store.close()
            upstream.close()


if __name__ == "__main__":
    main()
