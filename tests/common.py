"""Constants and helpers shared by the whole suite (a plain module: import it, not conftest)."""

from __future__ import annotations

import io
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from feeder import config as config_mod
from feeder.cli import main
from feeder.config import Config

if TYPE_CHECKING:
    from playwright.sync_api import Browser

FIXTURES = Path(__file__).parent / "fixtures"
NOW = datetime(2026, 6, 12, 10, 0, 0, tzinfo=UTC)
"""A fixed "now" that suits the SMHI fixtures (see tests/fixtures/smhi/README.md)."""

CHROMIUM = "/usr/bin/chromium"
"""Debian's Chromium, driven by Playwright (which cannot download its own browsers here)."""
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = Path(__file__).resolve().parents[1] / ".ci/node/node_modules/axe-core/axe.min.js"
"""Installed by .ci/run (``npm install --prefix .ci/node axe-core@4.10``)."""

TOPIC = {
    "id": "handlingsplan-mot-vald",
    "title": "Handlingsplan mot våld",
    "match": ["handlingsplan mot våld", "mäns våld mot kvinnor", "våld i nära relationer"],
}


def make_config(tmp_path: Path, **overrides: object) -> Config:
    """A valid config with storage in tmp_path; ``overrides`` replace top-level sections."""
    data: dict[str, object] = {
        "region": {"name": "Västernorrlands län", "county_id": 22},
        "storage": {"database": "db.sqlite3", "output_dir": "public"},
        "server": {"host": "127.0.0.1", "port": 8080},
        "topics": [TOPIC],
    }
    data.update(overrides)
    path = tmp_path / "config.yaml"
    return config_mod.from_dict(data, path)


def run_cli(cfg: Path, *args: str, stdin: str = "") -> tuple[int, str, str]:
    """``feeder --config cfg ARGS`` in-process: (exit code, stdout, stderr); argparse's exit
    counts as one."""
    out, err = io.StringIO(), io.StringIO()
    old = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(stdin), out, err
    try:
        code = main(["--config", str(cfg), *args])
    except SystemExit as exc:
        code = int(exc.code or 0)
    finally:
        sys.stdin, sys.stdout, sys.stderr = old
    return code, out.getvalue(), err.getvalue()


def wait_until(done: Callable[[], bool], timeout: float, what: str = "condition") -> None:
    """Until ``done()`` holds (looked at every 50 ms); AssertionError after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, f"{what} not met in {timeout} s"
        time.sleep(0.05)


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium through Playwright, for one test module (the folders' ``browser``
    fixtures; Playwright's sync API allows one running instance per thread)."""
    from playwright.sync_api import sync_playwright  # only where a browser is wanted

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (see .ci/run)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
