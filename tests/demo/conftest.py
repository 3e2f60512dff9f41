"""Fixtures of the ``feeder demo`` tests: demo processes stopped after each test, and Chromium."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.common import chromium
from tests.demo.support import DemoProcess


@pytest.fixture
def demos(tmp_path: Path) -> Iterator[Callable[..., DemoProcess]]:
    """``demos(*args, port=..., audit=...)`` starts ``feeder demo``; each is killed at the end
    if a test left it running."""
    started: list[DemoProcess] = []

    def start(*args: str, port: int | None = None, audit: bool = False) -> DemoProcess:
        folder = tmp_path / f"demo{len(started)}"
        folder.mkdir()
        process = DemoProcess(folder, *args, port=port, audit=audit)
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as b:
        yield b
