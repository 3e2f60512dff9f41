"""Benchmark: `feeder run` serving the published files, side by side with nginx; and its memory.

Requests per second for /banner.json and /feed.atom, "200 gzip" (Accept-Encoding: gzip) and
"304" (If-None-Match with the server's own ETag), from `feeder run` (one process, one worker)
and from nginx (one worker, the site of docs/nginx-feeder.conf) serving the same output_dir.
Same load tool for both (wrk when installed, else a small Python keep-alive client), same run,
interleaved rounds, medians; also each server's CPU time per request (from /proc), whose ratio
depends less on other work on the machine than the rates do. On a machine with two or more CPUs
the server runs on CPU 1 and the load tool on CPU 0. Target (issue 17): feeder >= 0.5 x nginx
on every row. (`apt-get install wrk`: the Python client is slower than both servers, so its
ratios flatter feeder.)

Memory: the machinery of `feeder run` (its scheduler jobs, store, fetcher, publisher, output cache
and web server, built by feeder.daemon) polls a local SMHI-like upstream 1,000 times (the warning
changes every 5th poll, so publishes and cache reloads happen), with requests for the outputs in
between. RSS after the warm-up (100 polls) and at the end; target: growth <= 10 %.
`--live SECONDS` also samples the RSS of a real `feeder run` subprocess polling every second.

    python bench/bench_http.py [--seconds 5] [--rounds 3] [--connections 32]
                               [--cycles 1000] [--live 0] [--skip-http] [--skip-memory]
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import gc
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml

from feeder import config as config_mod
from feeder import daemon
from feeder.app import Feeder
from feeder.ladder import Level
from feeder.model import Item
from feeder.publish import publish
from feeder.server import BackgroundServer
from feeder.store import Store
from feeder.web import create_app

ROOT = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
WRK = shutil.which("wrk")
FIRE_FIXTURE = ROOT / "tests" / "fixtures" / "smhi" / "ibww_fire_message_vasternorrland.json"
BODY = (
    "<p>Länsstyrelsen i Västernorrland samordnar arbetet med kommunerna, Region Västernorrland "
    "och polisen. Beslutet gäller från och med i dag och till vidare.</p>"
    "<p>Läs mer på <a href=\"https://www.lansstyrelsen.se/vasternorrland\">webbplatsen</a>.</p>"
)
SERVER_CPU, LOAD_CPU = 1, 0
TARGET = 0.5


def pinned(cpu: int) -> Callable[[], None] | None:
    if (os.cpu_count() or 1) < 2 or not hasattr(os, "sched_setaffinity"):
        return None
    return lambda: os.sched_setaffinity(0, {cpu})


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_http(port: int, path: str = "/banner.json", timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            status, _, _ = fetch(port, path)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"nothing answers 200 on port {port}{path}")


def fetch(port: int, path: str, headers: dict[str, str] | None = None
          ) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest("GET", path, skip_accept_encoding=True)
        for key, value in (headers or {}).items():
            conn.putheader(key, value)
        conn.endheaders()
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


# ------------------------------------------------------------------------------- data


def seed_items(count: int = 120) -> list[Item]:
    now = datetime.now(UTC).replace(microsecond=0)
    out = []
    for n in range(count):
        alert = n % 12 == 0
        when = now - timedelta(hours=5 * n)
        out.append(Item(
            id=f"notice:bench-{n}" if alert else f"https://www.lansstyrelsen.se/vasternorrland/"
            f"om-oss/nyheter-och-press/nyheter---vasternorrland/2026-06-{n % 28 + 1:02d}-n{n}.html",
            source="notice" if alert else "lansstyrelsen",
            level=Level.WARNING if alert else Level.INFO,
            title=f"Meddelande {n}: Kraftsamling mot våldet i Västernorrland",
            body=BODY * 3,
            summary="Länsstyrelsen samordnar arbetet mot mäns våld mot kvinnor.",
            published=when, updated=when,
            url=None if alert else "https://www.lansstyrelsen.se/vasternorrland/",
            onset=when if alert else None,
            expires=now + timedelta(days=30) if alert else None,
        ))
    return out


def write_config(folder: Path, port: int, sources: dict[str, Any]) -> Path:
    data = {
        "storage": {"database": "feeder.sqlite3", "output_dir": "public"},
        "server": {"host": "127.0.0.1", "port": port},
        "sources": sources,
        "topics": [{"id": "handlingsplan-mot-vald", "title": "Handlingsplan mot våld",
                    "match": ["våld"]}],
    }
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def fire_payload(published: datetime) -> bytes:
    warnings = json.loads(FIRE_FIXTURE.read_bytes())
    fire = copy.deepcopy(next(w for w in warnings if w["event"]["code"] == "FIRE"))
    for area in fire["warningAreas"]:
        area["approximateStart"] = "2026-01-01T00:00:00.000Z"
        area["approximateEnd"] = "2099-01-01T00:00:00.000Z"
        area["published"] = published.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return json.dumps([fire], ensure_ascii=False).encode()


# ------------------------------------------------------------------------------- servers


@contextmanager
def feeder_run(config_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "feeder", "--config", str(config_path), "run"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=pinned(SERVER_CPU),
    )
    try:
        yield proc
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of the processes, in seconds."""
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
    return total / os.sysconf("SC_CLK_TCK")


def workers(master: int) -> list[int]:
    with open(f"/proc/{master}/task/{master}/children", encoding="ascii") as fh:
        return [int(pid) for pid in fh.read().split()]


@contextmanager
def nginx(folder: Path, output_dir: Path, port: int, feeder_port: int
          ) -> Iterator[subprocess.Popen[bytes]]:
    assert NGINX is not None
    site = (ROOT / "docs" / "nginx-feeder.conf").read_text(encoding="utf-8")
    site = site.replace("/var/cache/feeder/public", str(output_dir))
    site = site.replace("listen 80;", f"listen 127.0.0.1:{port};")
    site = site.replace("listen [::]:80;", "")
    site = site.replace("server 127.0.0.1:8080;", f"server 127.0.0.1:{feeder_port};")
    (folder / "site.conf").write_text(site, encoding="utf-8")
    (folder / "tmp").mkdir(exist_ok=True)
    temp = " ".join(f"{kind}_temp_path {folder / 'tmp'};"
                    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (folder / "nginx.conf").write_text(
        f"worker_processes 1;\ndaemon off;\npid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'};\nevents {{ worker_connections 1024; }}\n"
        f"http {{\n  access_log off;\n  {temp}\n  include {folder / 'site.conf'};\n}}\n",
        encoding="utf-8")
    proc = subprocess.Popen([NGINX, "-c", str(folder / "nginx.conf"), "-p", str(folder)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            preexec_fn=pinned(SERVER_CPU))
    try:
        wait_http(port)
        yield proc
    finally:
        proc.send_signal(signal.SIGQUIT)
        proc.wait(30)


# ------------------------------------------------------------------------------- load


def wrk(port: int, path: str, headers: dict[str, str], seconds: float, connections: int
        ) -> float:
    assert WRK is not None
    cmd = [WRK, "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s"]
    for key, value in headers.items():
        cmd += ["-H", f"{key}: {value}"]
    cmd.append(f"http://127.0.0.1:{port}{path}")
    out = subprocess.run(cmd, capture_output=True, text=True, check=True,
                         preexec_fn=pinned(LOAD_CPU)).stdout
    if "Non-2xx or 3xx" in out or "Socket errors" in out:
        raise RuntimeError(f"errors under load:\n{out}")
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not match:
        raise RuntimeError(out)
    return float(match.group(1))


async def _client(port: int, request: bytes, stop: float, counts: list[int]) -> None:
    while time.monotonic() < stop:  # a new connection when the server closes one (nginx
        reader, writer = await asyncio.open_connection("127.0.0.1", port)  # after 1000)
        try:
            while time.monotonic() < stop:
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                match = re.search(rb"(?i)content-length:\s*(\d+)", head)
                if match and not head.startswith((b"HTTP/1.1 304", b"HTTP/1.0 304")):
                    await reader.readexactly(int(match.group(1)))
                counts[0] += 1
        except (asyncio.IncompleteReadError, ConnectionError):
            continue
        finally:
            writer.close()


def python_load(port: int, path: str, headers: dict[str, str], seconds: float,
                connections: int) -> float:
    """Keep-alive GETs from asyncio (used when wrk is absent; slower than wrk)."""
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1"] + [f"{k}: {v}" for k, v in headers.items()]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode()
    counts = [0]

    async def main() -> None:
        stop = time.monotonic() + seconds
        await asyncio.gather(*(_client(port, request, stop, counts) for _ in range(connections)))

    pin = pinned(LOAD_CPU)
    if pin:
        pin()
    started = time.monotonic()
    asyncio.run(main())
    return counts[0] / (time.monotonic() - started)


def http_bench(args: argparse.Namespace) -> bool:
    if NGINX is None:
        print("nginx is not installed: no side-by-side figures (apt-get install nginx)")
        return False
    load = wrk if WRK else python_load
    print(f"load tool: {'wrk (1 thread)' if WRK else 'Python asyncio keep-alive client'}, "
          f"{args.connections} connections, {args.seconds:g} s per run, {args.rounds} rounds, "
          f"median; CPUs: {os.cpu_count()}; load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    ok = True
    with tempfile.TemporaryDirectory(prefix="feeder-bench-") as tmp:
        folder = Path(tmp)
        os.chmod(folder, 0o755)  # nginx's worker (nobody) reads the outputs
        feeder_port, nginx_port = free_port(), free_port()
        config_path = write_config(folder, feeder_port, {
            "smhi": {"enabled": False}, "lansstyrelsen": {"enabled": False}})
        config = config_mod.load(config_path)
        with Store(config.storage.database) as store:
            store.upsert(seed_items(), datetime.now(UTC))
            publish(store, config)
        out = config.storage.output_dir
        sizes = {n: (out / n).stat().st_size for n in ("banner.json", "feed.atom")}
        print("files: " + ", ".join(f"{n} {s:,} B ({(out / (n + '.gz')).stat().st_size:,} B gzip)"
                                    for n, s in sizes.items()))
        (folder / "nginx").mkdir()
        with feeder_run(config_path) as feeder_proc, \
                nginx(folder / "nginx", out, nginx_port, feeder_port) as nginx_proc:
            wait_http(feeder_port)
            pids = {"feeder": [feeder_proc.pid], "nginx": workers(nginx_proc.pid)}
            rows = []
            for path in ("/banner.json", "/feed.atom"):
                for case in ("200 gzip", "304"):
                    rates: dict[str, list[float]] = {"feeder": [], "nginx": []}
                    costs: dict[str, list[float]] = {"feeder": [], "nginx": []}
                    for _ in range(args.rounds):
                        for name, port in (("feeder", feeder_port), ("nginx", nginx_port)):
                            headers = {"Accept-Encoding": "gzip"}
                            status, got, _ = fetch(port, path, headers)
                            assert status == 200 and got.get("content-encoding") == "gzip", got
                            if case == "304":
                                headers["If-None-Match"] = got["etag"]
                                assert fetch(port, path, headers)[0] == 304, (name, path)
                            cpu = cpu_seconds(pids[name])
                            rate = load(port, path, headers, args.seconds, args.connections)
                            cpu = cpu_seconds(pids[name]) - cpu
                            rates[name].append(rate)
                            costs[name].append(cpu / max(1.0, rate * args.seconds) * 1e6)
                    f, n = statistics.median(rates["feeder"]), statistics.median(rates["nginx"])
                    fc, nc = statistics.median(costs["feeder"]), statistics.median(costs["nginx"])
                    rows.append((path, case, f, n, f / n, fc, nc))
        print(f"\n{'path':<14}{'case':<10}{'feeder run':>12}{'nginx':>12}{'ratio':>8}  target"
              f"    CPU per request: feeder, nginx, ratio")
        for path, case, f, n, ratio, fc, nc in rows:
            verdict = "ok" if ratio >= TARGET else f"BELOW {TARGET}"
            ok = ok and ratio >= TARGET
            print(f"{path:<14}{case:<10}{f:>10,.0f}/s{n:>10,.0f}/s{ratio:>8.2f}  {verdict:<10}"
                  f"{fc:>8.1f} us {nc:>6.1f} us {nc / fc:>6.2f}")
        print("(the CPU ratio, nginx's CPU time per request over feeder's, moves less with other"
              " load on the machine than the rates do)")
    return ok


# ------------------------------------------------------------------------------- memory


class Upstream:
    """A local SMHI: the fire-risk message, re-published (new `published`) every 5th request."""

    def __init__(self) -> None:
        self.requests = 0
        self.body = fire_payload(datetime(2026, 6, 1, tzinfo=UTC))
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.requests += 1
                if outer.requests % 5 == 0:
                    outer.body = fire_payload(
                        datetime(2026, 6, 1, tzinfo=UTC) + timedelta(minutes=outer.requests))
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(outer.body)))
                self.end_headers()
                self.wfile.write(outer.body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/warning.json"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def rss_kib(pid: int | str = "self") -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def memory_bench(args: argparse.Namespace) -> bool:
    from feeder.fetch import Fetcher

    upstream = Upstream()
    try:
        with tempfile.TemporaryDirectory(prefix="feeder-mem-") as tmp:
            folder = Path(tmp)
            config = config_mod.load(write_config(folder, free_port(), {
                "smhi": {"url": upstream.url, "interval": 3600, "stale_after": 7200},
                "lansstyrelsen": {"enabled": False}}))
            store = Store(config.storage.database)
            store.upsert(seed_items(), datetime.now(UTC))
            fetcher = Fetcher(config.http)
            feeder = Feeder(config, store=store, fetcher=fetcher)
            scheduler, cache = daemon.build(feeder)
            app = create_app(feeder, service=None, cache=cache)
            warm = args.cycles // 10
            samples: list[tuple[int, int]] = []
            started = time.perf_counter()
            with BackgroundServer(app) as server:
                for cycle in range(1, args.cycles + 1):
                    scheduler.poll_now("smhi")  # poll, store, publish, refresh the cache
                    for path in ("/banner.json", "/feed.atom", "/healthz"):
                        fetch(server.port, path, {"Accept-Encoding": "gzip"})
                    if cycle == warm or cycle % max(1, args.cycles // 5) == 0:
                        gc.collect()
                        samples.append((cycle, rss_kib()))
            elapsed = time.perf_counter() - started
            fetcher.close()
            store.close()
    finally:
        upstream.close()
    base = next(kib for cycle, kib in samples if cycle == warm)
    end = samples[-1][1]
    growth = (end - base) / base * 100
    print(f"\nmemory, in-process daemon machinery: {args.cycles} poll cycles in {elapsed:.0f} s "
          f"({upstream.requests} upstream requests, {scheduler.publishes} publishes)")
    print("  RSS: " + ", ".join(f"{c} polls {k / 1024:.1f} MiB" for c, k in samples))
    verdict = "ok" if growth <= 10 else "ABOVE 10 %"
    print(f"  growth after warm-up ({warm} polls) to {args.cycles}: {growth:+.1f} %  {verdict}")
    ok = growth <= 10
    if args.live:
        ok = live_memory(args.live) and ok
    return ok


def live_memory(seconds: int) -> bool:
    upstream = Upstream()
    try:
        with tempfile.TemporaryDirectory(prefix="feeder-live-") as tmp:
            folder = Path(tmp)
            port = free_port()
            config_path = write_config(folder, port, {
                "smhi": {"url": upstream.url, "interval": 1, "stale_after": 600},
                "lansstyrelsen": {"enabled": False}})
            with feeder_run(config_path) as proc:
                wait_http(port)
                time.sleep(min(30, seconds / 10))
                base, base_polls = rss_kib(proc.pid), upstream.requests
                deadline = time.monotonic() + seconds
                while time.monotonic() < deadline:
                    fetch(port, "/banner.json", {"Accept-Encoding": "gzip"})
                    time.sleep(0.5)
                end = rss_kib(proc.pid)
    finally:
        upstream.close()
    growth = (end - base) / base * 100
    print(f"memory, real `feeder run` polling every second for {seconds} s "
          f"({upstream.requests - base_polls} polls after warm-up): RSS {base / 1024:.1f} -> "
          f"{end / 1024:.1f} MiB, {growth:+.1f} %  {'ok' if growth <= 10 else 'ABOVE 10 %'}")
    return growth <= 10


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--cycles", type=int, default=1000)
    parser.add_argument("--live", type=int, default=0, help="seconds of a real feeder run")
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args()
    ok = True
    if not args.skip_http:
        ok = http_bench(args) and ok
    if not args.skip_memory:
        ok = memory_bench(args) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
