"""How soon a change upstream reaches residents (issue 17), on loopback with a real Chromium.

A real ``feeder run`` (a subprocess, SMHI polled every ``--interval`` seconds, a WebSub hub
configured) polls a fake SMHI on 127.0.0.1. The benchmark makes ``--changes`` changes, one every
``--spacing`` seconds (change *j*: *j* yellow warnings for the county), and times each from **the
poll's response** (the moment the fake SMHI finished sending the body with change *j*) to:

- ``banner.json`` on disk holding it (target: 1 s);
- a page with ``banner.js`` loaded from ``feeder run`` showing it, over ``/banner/events``
  (target: 2 s);
- a page with ``banner.js`` loaded from the same folder served by a plain static server (no
  events offered: the polling fallback, every 60 s; expect about 30 s at the median);
- the WebSub hub notified of every feed the change touched (the last notification; target: 2 s).

The poll interval is not part of these figures (a change waits up to ``interval`` for its poll:
120 s for SMHI by default). Pages record ``Date.now()`` at each ``feeder-banner`` event (one per
document applied) with the number of alerts shown; the machine's one clock serves both sides.

Run: ``python3 bench/bench_latency.py [--changes 20] [--spacing 6]`` (about three minutes with
the defaults: the polling page needs up to a minute after the last change). Needs Chromium at
/usr/bin/chromium (Playwright drives it).
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import yaml
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "tests" / "fixtures" / "smhi" / "ibww_mixed_levels.json"
CHROMIUM = "/usr/bin/chromium"
SMHI_PATH = "/ibww/api/version/1/warning.json"

RECORD = """
window.__marks = [];
document.addEventListener('feeder-banner', function (e) {
  window.__marks.push([Date.now() / 1000, e.detail.shown]);
});
"""


def stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def warnings(count: int, now: datetime) -> bytes:
    """``count`` yellow warnings for county 22, each its own id (change *j* adds one)."""
    wind = json.loads(TEMPLATE.read_bytes())[1]
    out = []
    for n in range(count):
        w = copy.deepcopy(wind)
        w["id"] = 7000 + n
        area = w["warningAreas"][0]
        del w["warningAreas"][1:]
        area["id"] = 30000 + n
        area["affectedAreas"] = [{"id": 22, "sv": "Västernorrlands län", "en": "Vasternorrland"}]
        area["warningLevel"] = {"sv": "Gul", "en": "Yellow", "code": "YELLOW"}
        area["approximateStart"] = stamp(now - timedelta(hours=1))
        area["approximateEnd"] = stamp(now + timedelta(hours=6))
        area["published"] = stamp(now)
        out.append(w)
    return json.dumps(out, ensure_ascii=False).encode()


class Server:
    """A threaded loopback HTTP server around a handler function."""

    def __init__(self, handle: Callable[[BaseHTTPRequestHandler], None]) -> None:
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                handle(self)

            def do_POST(self) -> None:
                handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self) -> None:
        self.httpd.shutdown()


def send(h: BaseHTTPRequestHandler, status: int, body: bytes, **headers: str) -> None:
    h.send_response(status)
    for name, value in headers.items():
        h.send_header(name.replace("_", "-"), value)
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    if h.command != "HEAD":
        h.wfile.write(body)
    h.wfile.flush()


class Smhi:
    """The fake SMHI: version *j* of the warnings; the time each version was first sent."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.version = 0
        self.body = warnings(0, datetime.now(UTC))
        self.sent: dict[int, float] = {}
        self.server = Server(self.handle)

    def put(self, version: int) -> None:
        with self.lock:
            self.version, self.body = version, warnings(version, datetime.now(UTC))

    def handle(self, h: BaseHTTPRequestHandler) -> None:
        with self.lock:
            version, body = self.version, self.body
        tag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if h.headers.get("If-None-Match") == tag:
            send(h, 304, b"", ETag=tag)
            return
        send(h, 200, body, Content_Type="application/json", ETag=tag)
        with self.lock:
            self.sent.setdefault(version, time.time())


class Hub:
    """A WebSub hub that notes when each publish notification arrived."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pings: list[tuple[float, str]] = []
        self.server = Server(self.handle)

    def handle(self, h: BaseHTTPRequestHandler) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        form = parse_qs(h.rfile.read(length).decode())
        if form.get("hub.mode") == ["publish"]:
            with self.lock:
                self.pings.append((time.time(), form.get("hub.url", ["?"])[0]))
        send(h, 204, b"")


class Folder:
    """``output_dir`` served as a plain static server would (no events offered): the fallback."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.server = Server(self.handle)

    def handle(self, h: BaseHTTPRequestHandler) -> None:
        path = h.path.split("?")[0].lstrip("/")
        file = self.root / path
        if path not in ("banner.js", "banner.json") or not file.is_file():
            send(h, 404, b"not found")
            return
        body = file.read_bytes()
        tag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        kind = "application/json" if path.endswith(".json") else "text/javascript"
        if h.headers.get("If-None-Match") == tag:
            send(h, 304, b"", ETag=tag, Access_Control_Allow_Origin="*")
        else:
            send(h, 200, body, ETag=tag, Content_Type=f"{kind}; charset=utf-8",
                 Access_Control_Allow_Origin="*", Cache_Control="public, max-age=60")


class Pages:
    """The embedding site (another origin): one page per banner.js address."""

    def __init__(self) -> None:
        self.pages: dict[str, bytes] = {}
        self.server = Server(self.handle)

    def add(self, name: str, script: str) -> str:
        self.pages[f"/{name}"] = (
            f'<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>{name}</title>'
            f'<script src="{script}" defer></script></head><body><h1>Kommunen</h1></body></html>'
        ).encode()
        return f"{self.server.url}/{name}"

    def handle(self, h: BaseHTTPRequestHandler) -> None:
        body = self.pages.get(h.path)
        send(h, 200 if body else 404, body or b"", Content_Type="text/html; charset=utf-8")


class Watch:
    """banner.json on disk, looked at every 2 ms: when it first held each number of alerts."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.seen: dict[int, float] = {}
        self.stop = threading.Event()
        threading.Thread(target=self.run, daemon=True).start()

    def run(self) -> None:
        last = None
        while not self.stop.is_set():
            try:
                st = self.path.stat()
                key = (st.st_ino, st.st_mtime_ns)
                if key != last:
                    last = key
                    count = len(json.loads(self.path.read_bytes())["alerts"])
                    self.seen.setdefault(count, time.time())
            except (OSError, ValueError, KeyError):
                pass
            time.sleep(0.002)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def first_at_least(marks: list[tuple[float, int]], j: int) -> float | None:
    return next((t for t, n in marks if n >= j), None)


def summary(name: str, values: list[float], target: str) -> str:
    if not values:
        return f"{name:<38} no data"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (f"{name:<38} n={len(values):>3}  p50 {statistics.median(values):7.3f} s  "
            f"p95 {p95:7.3f} s  max {ordered[-1]:7.3f} s  (target {target})")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--changes", type=int, default=20)
    ap.add_argument("--spacing", type=float, default=6.0, help="seconds between two changes")
    ap.add_argument("--interval", type=int, default=1, help="SMHI's poll interval (seconds)")
    args = ap.parse_args()

    smhi, hub, pages = Smhi(), Hub(), Pages()
    work = Path(tempfile.mkdtemp(prefix="feeder-latency-"))
    port = free_port()
    config = {
        "storage": {"database": "var/feeder.sqlite3", "output_dir": "var/public"},
        "server": {"host": "127.0.0.1", "port": port},
        "feeds": {"websub_hub": hub.server.url + "/hub"},
        "sources": {
            "smhi": {"url": smhi.server.url + SMHI_PATH, "interval": args.interval,
                     "stale_after": 3600},
            "lansstyrelsen": {"enabled": False},
        },
    }
    (work / "config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    out = work / "var" / "public"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    daemon = subprocess.Popen(
        [sys.executable, "-m", "feeder", "--config", str(work / "config.yaml"), "run"],
        env=env, stdout=subprocess.DEVNULL, stderr=(work / "feeder.log").open("wb"))
    folder = Folder(out)
    try:
        deadline = time.monotonic() + 30
        while not (out / "banner.json").is_file() or 0 not in smhi.sent:
            if daemon.poll() is not None or time.monotonic() > deadline:
                print((work / "feeder.log").read_text(), file=sys.stderr)
                raise SystemExit("feeder run did not publish")
            time.sleep(0.05)
        watch = Watch(out / "banner.json")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM,
                                        args=["--no-sandbox", "--disable-gpu"])
            context = browser.new_context()
            context.add_init_script(RECORD)
            live = context.new_page()
            live.goto(pages.add("live", f"http://127.0.0.1:{port}/banner.js"))
            polled = context.new_page()
            polled.goto(pages.add("polled", folder.server.url + "/banner.js"))
            for page in (live, polled):
                page.wait_for_function("window.__marks.length > 0")
            time.sleep(1.0)  # the live page's stream is open
            print(f"{args.changes} changes, one every {args.spacing:g} s; SMHI polled every"
                  f" {args.interval} s; Chromium {browser.version}")
            for j in range(1, args.changes + 1):
                smhi.put(j)
                time.sleep(args.spacing)
            end = time.monotonic() + 75  # the polling page: its next read, at most a minute
            while time.monotonic() < end:
                shown = polled.evaluate("window.__marks.map(m => m[1])")
                if shown and max(shown) >= args.changes:
                    break
                time.sleep(0.5)
            live_marks = [tuple(m) for m in live.evaluate("window.__marks")]
            polled_marks = [tuple(m) for m in polled.evaluate("window.__marks")]
            browser.close()
        watch.stop.set()
    finally:
        daemon.terminate()
        daemon.wait(30)

    changes = range(1, args.changes + 1)
    polls = {j: smhi.sent[j] for j in changes if j in smhi.sent}
    missing = [j for j in changes if j not in polls]
    if missing:
        print(f"never polled: changes {missing}")
    rows: dict[str, list[float]] = {"json": [], "live": [], "polled": [], "hub": []}
    pings = sorted(hub.pings)
    for j, at in polls.items():
        following = polls.get(j + 1, float("inf"))
        if j in watch.seen:
            rows["json"].append(watch.seen[j] - at)
        for key, marks in (("live", live_marks), ("polled", polled_marks)):
            shown = first_at_least(marks, j)
            if shown is not None:
                rows[key].append(max(0.0, shown - at))
        mine = [t for t, _ in pings if at <= t < following]
        if mine:
            rows["hub"].append(max(mine) - at)
    print(summary("poll → banner.json changed", rows["json"], "≤ 1 s"))
    print(summary("poll → page redrawn over /banner/events", rows["live"], "≤ 2 s"))
    print(summary("poll → page redrawn by polling (60 s)", rows["polled"], "≈ 30 s median"))
    print(summary("poll → WebSub hub told of every feed", rows["hub"], "≤ 2 s"))
    feeds = sorted({url.rsplit("/", 1)[-1] for _, url in pings})
    print(f"hub notifications: {len(pings)} for feeds {', '.join(feeds) or 'none'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
