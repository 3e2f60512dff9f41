"""nginx with docs/nginx-feeder.conf, run on loopback for the tests (a plain module): serving a
published folder, and proxying to feeder on ``upstream_port`` (``feeder run`` in the test)."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def readable(folder: Path) -> None:
    """Let nginx's workers (nobody, when run as root) read ``folder`` and everything in it."""
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


@contextmanager
def run_nginx(out: Path, work: Path, upstream_port: int = 8080) -> Iterator[int]:
    """nginx on a free loopback port with the site of docs/nginx-feeder.conf, its root ``out``
    and its upstream 127.0.0.1:``upstream_port``; its own files in ``work``. Yields the port.
    Skips the test where nginx is not installed."""
    if not Path(NGINX).exists():
        pytest.skip("nginx is not installed (apt-get install nginx)")
    port = free_port()
    site = (ROOT / "docs" / "nginx-feeder.conf").read_text(encoding="utf-8")
    site = site.replace("/var/cache/feeder/public", str(out))
    site = site.replace("server 127.0.0.1:8080;", f"server 127.0.0.1:{upstream_port};")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{port};").replace("listen [::]:80;", "")
    folder = work / "nginx"
    (folder / "tmp").mkdir(parents=True)
    (folder / "site.conf").write_text(site, encoding="utf-8")
    temp = " ".join(f"{kind}_temp_path {folder / 'tmp'};"
                    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (folder / "nginx.conf").write_text(
        f"worker_processes 1;\ndaemon off;\npid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'};\nevents {{ worker_connections 64; }}\n"
        f"http {{\n  access_log off;\n  {temp}\n  include {folder / 'site.conf'};\n}}\n",
        encoding="utf-8")
    proc = subprocess.Popen([NGINX, "-c", str(folder / "nginx.conf"), "-p", str(folder)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"nginx did not start: {proc.stderr.read()!r}")  # type: ignore[union-attr]
                time.sleep(0.05)
        yield port
    finally:
        proc.send_signal(signal.SIGQUIT)
        proc.wait(10)
