"""Fixtures of the source tests. Helpers live in plain modules: :mod:`tests.sources.support`
(SMHI, raw HTTP), :mod:`tests.sources.news_support` (the county's news site) and
:mod:`tests.sources.parse_cases` (the parser cases)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.sources.support import SmhiEnv


@pytest.fixture
def env(tmp_path: Path, httpserver: HTTPServer) -> Iterator[SmhiEnv]:
    """One county's feeder against one fake SMHI (see :class:`SmhiEnv`)."""
    e = SmhiEnv(tmp_path, httpserver)
    yield e
    e.close()
    httpserver.check_assertions()  # no request went unanswered (e.g. a missing header)
