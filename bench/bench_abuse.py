"""Benchmark: `feeder run` under abuse (issue 14), on loopback, as a real subprocess with the
systemd unit's file limit (LimitNOFILE=1088).

1. Idle connection flood: an attacker opens more connections than the cap and sends nothing.
   Reported: how many were accepted and how many refused at once, the latency of
   requests on an already open keep-alive connection meanwhile, and when the silent connections
   were closed (a new connection is served again).
2. Header flood: clients at once each stream a 200 MB request header. Reported: the server's
   resident memory before and its peak (VmHWM), and that it still answers.
3. Login flood: wrong-password sign-ins from 60 addresses at once (X-Forwarded-For, trusted from
   loopback as from nginx), production scrypt cost. Reported: p50/p95 of a published file,
   /healthz and /api/notices with a valid token while it lasts; target p95 <= 100 ms; and how
   the sign-ins were answered (401, 429).

The server runs on CPU 1 and the load on CPU 0 when there are two CPUs (as bench_http.py);
the machine's load average is printed, since other work on it skews the figures.

    python bench/bench_abuse.py [--idle 1500] [--header-clients 20] [--logins 60] [--skip ...]
"""

from __future__ import annotations

import argparse
import http.client
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_http import free_port, pinned, seed_items, wait_http, write_config

from feeder import config as config_mod
from feeder.publish import publish
from feeder.store import Store

SERVER_CPU, LOAD_CPU = 1, 0
NOFILE = 1088
SECRET = "bench-secret-key-0123456789abcdef"
PASSWORD = "anna-lösenord-1"


def rss(pid: int, field: str = "VmRSS") -> float:
    """MiB."""
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(field)


@contextmanager
def feeder_run(folder: Path) -> Iterator[tuple[subprocess.Popen[bytes], int, str]]:
    """A published folder, an editor with a password, and `feeder run` on it."""
    port = free_port()
    config_path = write_config(folder, port, {
        "smhi": {"enabled": False}, "lansstyrelsen": {"enabled": False}})
    config = config_mod.load(config_path)
    with Store(config.storage.database) as store:
        store.upsert(seed_items(), datetime.now(UTC))
        publish(store, config)
    env = {**os.environ, "FEEDER_SECRET_KEY": SECRET}
    added = subprocess.run(
        [sys.executable, "-m", "feeder", "--config", str(config_path), "editor", "add", "anna",
         "--role", "publisher", "--password-stdin"],
        input=PASSWORD + "\n", capture_output=True, text=True, env=env, check=True)
    token = next(w for w in added.stdout.split() if w.startswith("fdr_"))
    pin = pinned(SERVER_CPU)

    def limits() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (NOFILE, NOFILE))
        if pin:
            pin()

    log = open(folder / "feeder.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen([sys.executable, "-m", "feeder", "--config", str(config_path), "run"],
                            stdout=log, stderr=subprocess.STDOUT, env=env, preexec_fn=limits)
    try:
        wait_http(port)
        yield proc, port, token
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def request(conn: http.client.HTTPConnection, method: str, path: str,
            headers: dict[str, str] | None = None, body: bytes | None = None
            ) -> tuple[int, float]:
    started = time.perf_counter()
    conn.request(method, path, body=body, headers=headers or {})
    resp = conn.getresponse()
    resp.read()
    return resp.status, time.perf_counter() - started


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


# ------------------------------------------------------------------------------- 1. idle flood


def idle_flood(port: int, count: int) -> bool:
    kept = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    request(kept, "GET", "/banner.json")  # open before the flood, as nginx's upstream pool
    held: list[socket.socket] = []
    refused = accepted = 0
    started = time.monotonic()
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        held.append(sock)
    opened = time.monotonic() - started
    time.sleep(0.5)
    for sock in held:
        sock.settimeout(0.001)
        try:
            sock.recv(256)  # a 503, or the end of a closed connection
        except (TimeoutError, BlockingIOError):
            accepted += 1
            continue
        except ConnectionResetError:
            pass
        refused += 1
    during = [request(kept, "GET", "/banner.json", {"Accept-Encoding": "gzip"})[1]
              for _ in range(200)]
    t_flood = time.monotonic()
    while True:  # when is a new connection served again (the silent ones closed)?
        try:
            fresh = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            status, _ = request(fresh, "GET", "/banner.json")
            fresh.close()
            if status == 200:
                break
        except (OSError, http.client.HTTPException):
            pass
        if time.monotonic() - t_flood > 30:
            break
        time.sleep(0.2)
    served_again = time.monotonic() - t_flood
    for sock in held:
        sock.close()
    kept.close()
    print(f"\n1. idle flood: {count} connections opened in {opened:.1f} s; {accepted} accepted "
          f"(the cap), {refused} refused (503 or closed) at once")
    print(f"   a kept-alive client meanwhile: p50 {pct(during, .5):.1f} ms, "
          f"p95 {pct(during, .95):.1f} ms over {len(during)} requests")
    print(f"   a new connection served again after {served_again:.1f} s "
          "(the silent ones closed by the idle timeout)")
    return refused > 0 and pct(during, .95) <= 100 and served_again < 15


# ------------------------------------------------------------------------------- 2. header flood


def header_flood(proc: subprocess.Popen[bytes], port: int, clients: int) -> bool:
    before = rss(proc.pid)
    sent_total = [0]
    lock = threading.Lock()

    def stream() -> None:
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        except OSError:
            return
        chunk = b"a" * 65536
        sent = 0
        try:
            sock.sendall(b"GET /banner.json HTTP/1.1\r\nHost: x\r\nX-Big: ")
            while sent < 200 * 1024 * 1024:
                sock.sendall(chunk)
                sent += len(chunk)
        except OSError:
            pass
        finally:
            sock.close()
            with lock:
                sent_total[0] += sent

    threads = [threading.Thread(target=stream) for _ in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    elapsed = time.monotonic() - started
    peak = rss(proc.pid, "VmHWM")
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    status, _ = request(conn, "GET", "/banner.json")
    conn.close()
    print(f"\n2. header flood: {clients} clients each streaming a 200 MB header; the server "
          f"took {sent_total[0] / 2**20:.1f} MiB in all before closing them ({elapsed:.1f} s)")
    print(f"   RSS before {before:.1f} MiB, peak {peak:.1f} MiB (+{peak - before:.1f}); "
          f"then GET /banner.json: {status}")
    return status == 200 and peak - before < 50


# ------------------------------------------------------------------------------- 3. login flood


def login_flood(port: int, token: str, logins: int) -> bool:
    form = urlencode({"name": "anna", "password": "fel-lösenord-123"}).encode()
    answers: list[int] = []

    def wrong(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            status, _ = request(conn, "POST", "/admin/login", {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Forwarded-For": f"10.1.{n // 250}.{n % 250 + 1}"}, form)
            answers.append(status)
        finally:
            conn.close()

    probes: dict[str, tuple[str, dict[str, str]]] = {
        "published file": ("/banner.json", {"Accept-Encoding": "gzip"}),
        "/healthz": ("/healthz", {}),
        "/api/notices (token)": ("/api/notices", {"Authorization": f"Bearer {token}"}),
    }
    latency: dict[str, list[float]] = {name: [] for name in probes}
    flood = [threading.Thread(target=wrong, args=(n,)) for n in range(logins)]
    started = time.monotonic()
    for t in flood:
        t.start()
    while any(t.is_alive() for t in flood) or time.monotonic() - started < 2:
        for name, (path, headers) in probes.items():
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            latency[name].append(request(conn, "GET", path, headers)[1])
            conn.close()
    for t in flood:
        t.join()
    lasted = time.monotonic() - started
    print(f"\n3. login flood: {logins} wrong sign-ins from {logins} addresses at once "
          f"(lasted {lasted:.1f} s): " + ", ".join(
              f"{answers.count(s)} x {s}" for s in sorted(set(answers))))
    ok = True
    for name, values in latency.items():
        p95 = pct(values, .95)
        ok = ok and p95 <= 100
        print(f"   {name:<22} p50 {pct(values, .5):6.1f} ms  p95 {p95:6.1f} ms  "
              f"({len(values)} requests)  {'ok' if p95 <= 100 else 'ABOVE 100 ms'}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--idle", type=int, default=1500)
    parser.add_argument("--header-clients", type=int, default=20)
    parser.add_argument("--logins", type=int, default=60)
    parser.add_argument("--skip", action="append", default=[],
                        choices=["idle", "header", "login"])
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < args.idle + 100:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, args.idle + 200), hard))
    pin: Callable[[], None] | None = pinned(LOAD_CPU)
    if pin:
        pin()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"CPUs: {os.cpu_count()}; feeder run with LimitNOFILE={NOFILE}")
    ok = True
    with tempfile.TemporaryDirectory(prefix="feeder-abuse-") as tmp, \
            feeder_run(Path(tmp)) as (proc, port, token):
        if "idle" not in args.skip:
            ok = idle_flood(port, args.idle) and ok
        if "header" not in args.skip:
            ok = header_flood(proc, port, args.header_clients) and ok
        if "login" not in args.skip:
            time.sleep(1)
            ok = login_flood(port, token, args.logins) and ok
    print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
