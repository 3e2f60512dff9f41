"""``feeder demo`` as a subprocess, for the tests of tests/demo (a plain module: import it).

:class:`DemoProcess` runs ``python -m feeder demo`` with this worktree on ``PYTHONPATH``, its
own empty working folder and its own empty ``TMPDIR`` (so that what it leaves behind can be
seen), stdout and stderr to files. With ``audit=True`` the process runs under an audit hook that
writes every socket connect, bind and name lookup to a file (:data:`AUDIT`), so a test can check
that nothing but loopback was ever contacted.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

AUDIT = """
import sys
log = open(sys.argv[1], "a", encoding="utf-8", buffering=1)
def hook(event, args):
    if event in ("socket.connect", "socket.bind", "socket.sendto"):
        log.write(f"{event} {args[1]!r}\\n")
    elif event == "socket.getaddrinfo":
        log.write(f"{event} {args[0]!r}\\n")
    elif event == "socket.gethostbyname":
        log.write(f"{event} {args[0]!r}\\n")
sys.addaudithook(hook)
from feeder.cli import main
sys.exit(main(sys.argv[2:]))
"""
"""``python -c AUDIT LOGFILE ARGS...``: ``feeder ARGS`` with every network call logged."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def demo_env(tmpdir: Path) -> dict[str, str]:
    """The environment of a demo process: this worktree's code, ``TMPDIR`` given, and nothing
    of the caller's feeder settings."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("FEEDER_") and k not in ("JOURNAL_STREAM", "CREDENTIALS_DIRECTORY")}
    env["PYTHONPATH"] = str(ROOT)
    env["TMPDIR"] = str(tmpdir)
    return env


class DemoProcess:
    """``feeder demo --port PORT ARGS...`` (see the module docstring)."""

    def __init__(self, tmp_path: Path, *args: str, port: int | None = None,
                 audit: bool = False) -> None:
        self.port = port if port is not None else free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.cwd = tmp_path / "cwd"
        self.tmpdir = tmp_path / "tmp"
        self.cwd.mkdir()
        self.tmpdir.mkdir()
        self.stdout_path = tmp_path / "demo.out"
        self.stderr_path = tmp_path / "demo.err"
        self.audit_path = tmp_path / "audit.log"
        feeder_args = ["demo", "--port", str(self.port), *args]
        if audit:
            command = [sys.executable, "-c", AUDIT, str(self.audit_path), *feeder_args]
        else:
            command = [sys.executable, "-m", "feeder", *feeder_args]
        self._out = open(self.stdout_path, "wb")  # noqa: SIM115 - closed in stop()
        self._err = open(self.stderr_path, "wb")  # noqa: SIM115 - closed in stop()
        self.started = time.monotonic()
        self.proc = subprocess.Popen(command, cwd=self.cwd, stdout=self._out, stderr=self._err,
                                     env=demo_env(self.tmpdir))

    # ------------------------------------------------------------------------- reading

    def stdout(self) -> str:
        self._out.flush()
        return self.stdout_path.read_text(encoding="utf-8", errors="replace")

    def stderr(self) -> str:
        self._err.flush()
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def output(self) -> str:
        return f"stdout:\n{self.stdout()}\nstderr:\n{self.stderr()}"

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        request = urllib.request.Request(self.base + path, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return int(response.status), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def json(self, path: str) -> Any:
        status, body = self.get(path)
        if status != 200:
            raise ValueError(f"{path}: HTTP {status}")
        return json.loads(body)

    def wait_until(self, check: Callable[[], bool], deadline: float) -> None:
        """Until ``check()`` holds, at most until ``deadline`` (``time.monotonic()``)."""
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"feeder demo exited early:\n{self.output()}"
            try:
                if check():
                    return
            except (OSError, ValueError, KeyError):
                pass
            time.sleep(0.1)
        raise AssertionError(
            f"not met {deadline - self.started:.1f} s after start;\n{self.output()}")

    # ------------------------------------------------------------------------- stopping

    def terminate(self, timeout: float = 30) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self._out.close()
        self._err.close()

    def leftovers(self) -> list[str]:
        """Whatever the demo left in its working folder and its TMPDIR."""
        return sorted(str(p) for folder in (self.cwd, self.tmpdir) for p in folder.rglob("*"))
