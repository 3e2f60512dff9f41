"""Polling (feeder.poll) with the SMHI source over real HTTP on 127.0.0.1, the real Fetcher and a
real SQLite store: every failure is recorded with its reason and keeps stored items untouched;
backoff and Retry-After; stale marking (feeder.status)."""

from __future__ import annotations

import random
import socket
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from feeder.config import SourceConfig
from feeder.errors import SourceError
from feeder.ladder import Level
from feeder.model import Item
from feeder.poll import backoff_delay, poll_source, poll_sources
from feeder.sources import PollContext, PollResult, SourceSpec, smhi
from feeder.status import statuses
from tests.sources.support import NOW, SMHI_PATH, RawServer, SmhiEnv, fixture_bytes

LATER = NOW + timedelta(minutes=2)


@pytest.fixture
def env(tmp_path: Path, httpserver: HTTPServer) -> Iterator[SmhiEnv]:
    e = SmhiEnv(tmp_path, httpserver)
    yield e
    e.close()


def _stored(env: SmhiEnv) -> tuple[object, ...]:
    return (env.items(), env.store.data_version())


# --------------------------------------------------------------------------------- failures


def _slow(_request: Request) -> Response:
    time.sleep(0.8)  # read_timeout is 0.5 s
    return Response(fixture_bytes("ibww_mixed_levels.json"), content_type="application/json")


HTML_PAGE = (
    "<!DOCTYPE html><html lang=\"sv\"><head><title>SMHI – Servicefönster</title></head>"
    "<body><p>Tjänsten är tillfälligt otillgänglig.</p></body></html>"
).encode()


def _serve(body: bytes, **kw: object) -> Callable[[SmhiEnv], None]:
    return lambda env: env.serve(body, **kw)  # type: ignore[arg-type]


def _handler(env: SmhiEnv) -> None:
    env.server.expect_oneshot_request(SMHI_PATH).respond_with_handler(_slow)


FAILURES: list[tuple[str, Callable[[SmhiEnv], None], str]] = [
    ("http 500", _serve(b"oops", status=500), "HTTP 500 Internal Server Error"),
    ("http 404", _serve(b"gone", status=404), "HTTP 404 Not Found"),
    ("timeout", _handler, "timed out after 0.5 s"),
    ("not json", _serve(b"Service temporarily unavailable", content_type="text/plain"),
     "response is not valid JSON"),
    ("truncated json", _serve(fixture_bytes("ibww_mixed_levels.json")[:6000]),
     "truncated JSON"),
    ("wrong shape: object", _serve(b'{"warnings": []}'),
     "expected a JSON array of warnings, got an object"),
    ("wrong shape: not a list of warnings", _serve(b'{"0": {"id": 3411}}'),
     "expected a JSON array of warnings, got an object"),
    ("html page with 200", _serve(HTML_PAGE, content_type="text/html; charset=utf-8"),
     "got an HTML page ('SMHI – Servicefönster') instead of JSON"),
    ("oversized", _serve(b"[" + b" " * 100_000 + b"]"),
     "response larger than 100000 bytes (Content-Length 100002)"),
    ("empty 200", _serve(b""), "empty response"),
]


@pytest.mark.parametrize(("label", "setup", "reason"), FAILURES, ids=[f[0] for f in FAILURES])
def test_failure_is_recorded_and_keeps_stored_items(
    env: SmhiEnv, label: str, setup: Callable[[SmhiEnv], None], reason: str
) -> None:
    env.serve("ibww_mixed_levels.json")
    assert env.poll().ok
    before = _stored(env)
    assert len(env.items()) == 2

    setup(env)
    outcome = env.poll(now=LATER)

    assert not outcome.ok and not outcome.skipped
    assert outcome.error is not None and reason in outcome.error
    assert (outcome.inserted, outcome.updated, outcome.ended) == ([], [], [])
    assert _stored(env) == before
    state = env.store.source_state("smhi")
    assert state.state == "failing"
    assert state.last_error == outcome.error
    assert (state.failures, state.last_attempt, state.last_success) == (1, LATER, NOW)
    assert state.retry_at is None  # the first failure is retried at the next regular poll
    assert state.since == LATER


def test_transport_truncation_is_a_failure(tmp_path: Path, httpserver: HTTPServer) -> None:
    raw = RawServer()
    env = SmhiEnv(tmp_path, httpserver, url=raw.url)
    try:
        body = fixture_bytes("ibww_fire_message_vasternorrland.json")
        head = b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: %d\r\n\r\n" % len(body)
        raw.payload = head + body
        assert env.poll().inserted == ["smhi:3411-10470"]
        before = _stored(env)
        raw.payload = head + body[:3000]  # the connection closes 3457 bytes early
        outcome = env.poll(now=LATER)
        assert not outcome.ok
        assert outcome.error is not None
        assert outcome.error.startswith("truncated response: the body ended early")
        assert _stored(env) == before
    finally:
        env.close()
        raw.close()


def test_unreachable_upstream_is_a_failure(tmp_path: Path, httpserver: HTTPServer) -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    env = SmhiEnv(tmp_path, httpserver, url=f"http://127.0.0.1:{port}{SMHI_PATH}")
    try:
        outcome = env.poll()
        assert outcome.error == "cannot connect to 127.0.0.1: Connection refused"
        assert env.store.source_state("smhi").state == "failing"
        assert env.items() == {}
    finally:
        env.close()


def test_a_bug_in_the_parser_is_a_recorded_failure(
    env: SmhiEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    env.serve("ibww_mixed_levels.json")
    env.poll()
    before = _stored(env)

    def boom(*_args: object) -> object:
        raise RuntimeError("boom")

    monkeypatch.setattr(smhi, "parse", boom)
    env.serve("ibww_updated.json")
    outcome = env.poll(now=LATER)
    assert outcome.error == "internal error: RuntimeError: boom"
    assert _stored(env) == before


def test_failures_then_success(env: SmhiEnv) -> None:
    env.serve("ibww_fire_message_vasternorrland.json")
    env.poll()
    env.serve(b"oops", status=500)
    env.poll(now=LATER)
    env.serve("ibww_updated.json")
    outcome = env.poll(now=LATER + timedelta(minutes=2))
    assert outcome.ok and outcome.updated == ["smhi:3411-10470"]
    state = env.store.source_state("smhi")
    assert (state.state, state.failures, state.retry_at, state.last_error) == ("ok", 0, None, None)
    assert state.since == LATER + timedelta(minutes=2)


# --------------------------------------------------------------------------------- backoff


def test_repeated_failures_back_off(env: SmhiEnv) -> None:
    env.serve(b"oops", status=500)
    env.poll()
    assert env.store.source_state("smhi").retry_at is None
    env.serve(b"oops", status=500)
    second = NOW + timedelta(minutes=1)
    env.poll(now=second)
    retry_at = env.store.source_state("smhi").retry_at
    assert retry_at is not None
    assert second + timedelta(seconds=60) <= retry_at <= second + timedelta(seconds=120)
    made = env.requests_made()
    skipped = env.poll(now=retry_at - timedelta(seconds=1))
    assert skipped.skipped and not skipped.ok
    assert skipped.error is not None and "backing off until" in skipped.error
    assert "HTTP 500" in skipped.error
    assert env.requests_made() == made  # no request while backing off
    assert env.store.source_state("smhi").failures == 2  # a skip is not another failure
    env.serve("ibww_empty.json")
    assert env.poll(now=retry_at).ok


def test_backoff_delay_grows_with_jitter_and_is_capped() -> None:
    rng = random.Random(7)
    for failures, low, high in [(1, 60, 60), (2, 60, 120), (3, 120, 240), (4, 240, 480)]:
        for _ in range(20):
            assert low <= backoff_delay(failures, 60, 3600, rng) <= high
    assert all(backoff_delay(30, 60, 900, rng) <= 900 for _ in range(20))
    assert len({backoff_delay(5, 60, 3600, rng) for _ in range(20)}) > 1  # jitter


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_is_honoured(env: SmhiEnv, status: int) -> None:
    env.serve("ibww_fire_message_vasternorrland.json")
    env.poll()
    before = _stored(env)
    env.serve(b"slow down", status=status, headers={"Retry-After": "300"})
    outcome = env.poll(now=LATER)
    assert outcome.error is not None and "(retry after 300 s)" in outcome.error
    assert env.store.source_state("smhi").retry_at == LATER + timedelta(seconds=300)
    made = env.requests_made()
    skipped = env.poll(now=LATER + timedelta(seconds=299))
    assert skipped.skipped and env.requests_made() == made
    assert _stored(env) == before
    env.serve("ibww_fire_message_vasternorrland.json")
    assert env.poll(now=LATER + timedelta(seconds=300)).ok
    assert env.requests_made() == made + 1


def test_retry_after_as_a_date(env: SmhiEnv) -> None:
    when = datetime.now(UTC) + timedelta(seconds=600)
    env.serve(b"", status=503, headers={"Retry-After": format_datetime(when, usegmt=True)})
    env.poll()
    retry_at = env.store.source_state("smhi").retry_at
    assert retry_at is not None
    assert NOW + timedelta(seconds=590) <= retry_at <= NOW + timedelta(seconds=600)


def test_retry_after_is_capped_at_backoff_max(env: SmhiEnv) -> None:
    env.serve(b"", status=429, headers={"Retry-After": "86400"})
    env.poll()
    assert env.store.source_state("smhi").retry_at == NOW + timedelta(seconds=900)


# --------------------------------------------------------------------------------- clock steps


def _fail_twice(env: SmhiEnv, at: datetime) -> datetime:
    """Two failed polls at ``at`` (the second sets a retry_at); that retry_at."""
    for _ in range(2):
        env.serve(b"oops", status=500)
        env.poll(now=at)
    retry_at = env.store.source_state("smhi").retry_at
    assert retry_at is not None and retry_at > at
    return retry_at


def test_a_clock_stepped_back_does_not_stop_polling(env: SmhiEnv) -> None:
    _fail_twice(env, NOW)
    env.serve("ibww_empty.json")
    made = env.requests_made()
    outcome = env.poll(now=NOW - timedelta(hours=1))  # the wall clock stepped back an hour
    assert outcome.ok and not outcome.skipped and env.requests_made() == made + 1


def test_a_retry_at_set_while_the_clock_was_ahead_is_not_waited_for(env: SmhiEnv) -> None:
    _fail_twice(env, NOW + timedelta(days=30))  # the clock had jumped a month ahead
    env.serve("ibww_empty.json")
    assert env.poll(now=NOW + timedelta(minutes=1)).ok


def test_a_stored_retry_at_is_clamped_to_backoff_max(env: SmhiEnv) -> None:
    env.store.record_failure("smhi", NOW, "HTTP 503", retry_at=NOW + timedelta(days=30))
    env.serve("ibww_empty.json")
    skipped = env.poll(now=NOW + timedelta(seconds=899))
    assert skipped.skipped and skipped.error is not None
    assert "backing off until 2026-06-12T10:15:00Z" in skipped.error  # NOW + backoff_max
    assert env.poll(now=NOW + timedelta(seconds=900)).ok


def test_retry_at_is_never_further_than_backoff_max(tmp_path: Path, httpserver: HTTPServer
                                                    ) -> None:
    """Even when the interval is longer than backoff_max."""
    env = SmhiEnv(tmp_path, httpserver, interval=3600, stale_after=7200)
    try:
        retry_at = _fail_twice(env, NOW)
        assert retry_at <= NOW + timedelta(seconds=900)
    finally:
        env.close()


# --------------------------------------------------------------------------------- staleness


def test_stale_after_stale_after_without_success(env: SmhiEnv) -> None:
    env.serve("ibww_fire_message_vasternorrland.json")
    env.poll()
    status = statuses(env.config, env.store.source_states(), NOW)["smhi"]
    assert (status.ok, status.stale, status.since) == (True, False, NOW)
    for minutes in (2, 4, 6):
        env.serve(b"oops", status=500)
        env.poll(now=NOW + timedelta(minutes=minutes), respect_backoff=False)
    states = env.store.source_states()
    failing = statuses(env.config, states, NOW + timedelta(seconds=599))["smhi"]
    assert (failing.ok, failing.stale) == (False, False)
    assert failing.since == NOW + timedelta(minutes=2)
    assert failing.last_error == "HTTP 500 Internal Server Error"
    stale = statuses(env.config, states, NOW + timedelta(seconds=600))["smhi"]
    assert (stale.ok, stale.stale, stale.since) == (False, True, NOW + timedelta(seconds=600))
    # The items are still there, untouched.
    assert list(env.items()) == ["smhi:3411-10470"]


def test_not_modified_keeps_the_source_fresh(env: SmhiEnv) -> None:
    env.serve("ibww_fire_message_vasternorrland.json", headers={"ETag": '"1"'})
    env.poll()
    env.serve(b"", status=304)
    env.poll(now=NOW + timedelta(seconds=500))
    status = statuses(env.config, env.store.source_states(), NOW + timedelta(seconds=700))
    assert status["smhi"].ok and not status["smhi"].stale


def test_never_succeeded_is_stale_after_its_first_failure(env: SmhiEnv) -> None:
    env.serve(b"oops", status=500)
    env.poll()
    states = env.store.source_states()
    assert not statuses(env.config, states, NOW + timedelta(seconds=599))["smhi"].stale
    assert statuses(env.config, states, NOW + timedelta(seconds=600))["smhi"].stale


def test_poll_sources_runs_each_source_given(env: SmhiEnv) -> None:
    env.serve("ibww_mixed_levels.json")
    [outcome] = poll_sources([env.source], env.store, env.config, env.fetcher, now=NOW)
    assert outcome.source == "smhi" and outcome.ok and len(outcome.inserted) == 2


class _Listed:
    """A source that is not one of feeder's: anything with the Source protocol can be polled."""

    spec = SourceSpec(name="smhi", title="t", display_name="SMHI", url="https://x.se/", interval=60)

    def __init__(self, config: SourceConfig, result: PollResult | Exception) -> None:
        self._config = config
        self.result = result
        self.contexts: list[PollContext] = []

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def config(self) -> SourceConfig:
        return self._config

    def poll(self, ctx: PollContext) -> PollResult:
        self.contexts.append(ctx)
        if isinstance(self.result, Exception):
            raise self.result
        return self.result


def test_poll_source_needs_only_the_source_protocol(env: SmhiEnv) -> None:
    item = Item(id="smhi:1-2", source="smhi", level=Level.NOTICE, title="T", body="<p>B</p>",
                published=NOW, updated=NOW)
    source = _Listed(env.config.sources["smhi"], PollResult([item], complete=True, etag='"e"'))
    outcome = poll_source(source, env.store, env.config, env.fetcher, now=NOW)
    assert outcome.ok and outcome.inserted == ["smhi:1-2"]
    [ctx] = source.contexts
    assert (ctx.source, ctx.now, ctx.known) == (env.config.sources["smhi"], NOW, {})
    assert env.store.source_state("smhi").etag == '"e"'
    source.result = SourceError("smhi", "upstream says no")
    failed = poll_source(source, env.store, env.config, env.fetcher, now=LATER)
    assert failed.error == "upstream says no" and not failed.ok
    assert source.contexts[-1].known == {"smhi:1-2": env.store.get("smhi:1-2")}
