"""Signed session values, cross-origin decisions and the throttle, without a web app."""

from __future__ import annotations

import pytest
from starlette.datastructures import Headers

from feeder.editors import sessions
from feeder.editors.security import cross_origin_refusal
from feeder.editors.throttle import Throttle, Throttled

KEY = b"k" * 32


def test_sign_and_verify() -> None:
    signer = sessions.Signer(KEY)
    value = signer.sign(7, 3, 1_000_000)
    session = signer.verify(value, 1_000_000 + 60)
    assert session == sessions.Session(7, 3, 1_000_000 + sessions.MAX_AGE)
    assert signer.sign(7, 3, 1_000_000) != value  # a nonce in each


def test_expiry() -> None:
    signer = sessions.Signer(KEY)
    value = signer.sign(7, 3, 1_000_000)
    assert signer.verify(value, 1_000_000 + sessions.MAX_AGE - 1) is not None
    assert signer.verify(value, 1_000_000 + sessions.MAX_AGE) is None


@pytest.mark.parametrize("change", ["editor", "gen", "expiry", "mac", "key"])
def test_any_change_breaks_the_signature(change: str) -> None:
    signer = sessions.Signer(KEY)
    value = signer.sign(7, 3, 1_000_000)
    editor, gen, expires, nonce, mac = value.split(".")
    if change == "editor":
        value = ".".join(["8", gen, expires, nonce, mac])
    elif change == "gen":
        value = ".".join([editor, "4", expires, nonce, mac])
    elif change == "expiry":
        value = ".".join([editor, gen, str(int(expires) + 10**6), nonce, mac])
    elif change == "mac":
        value = ".".join([editor, gen, expires, nonce, mac[:-1] + ("A" if mac[-1] != "A" else "B")])
    else:
        signer = sessions.Signer(b"j" * 32)
    assert signer.verify(value, 1_000_000) is None


@pytest.mark.parametrize("junk", ["", ".", "a.b.c.d.e", "1.2.3.4", "x" * 300, "1.2.3.4.5.6"])
def test_junk_is_no_session(junk: str) -> None:
    assert sessions.Signer(KEY).verify(junk, 0) is None


# ------------------------------------------------------------------------------- cross-origin

HOST = {"host": "feeder.example:8080"}


@pytest.mark.parametrize(
    ("method", "headers", "refused"),
    [
        ("GET", {"sec-fetch-site": "cross-site"}, False),
        ("HEAD", {"origin": "https://evil.example"}, False),
        ("OPTIONS", {"sec-fetch-site": "cross-site"}, False),
        ("POST", {}, False),  # not a browser
        ("POST", {"sec-fetch-site": "same-origin"}, False),
        ("POST", {"sec-fetch-site": "none"}, False),
        ("POST", {"sec-fetch-site": "same-site"}, True),
        ("POST", {"sec-fetch-site": "cross-site"}, True),
        ("POST", {"sec-fetch-site": "cross-site", "origin": "http://feeder.example:8080"}, True),
        ("PATCH", {"origin": "http://feeder.example:8080"}, False),
        ("DELETE", {"origin": "http://feeder.example:8081"}, True),
        ("PUT", {"origin": "http://evil.example:8080"}, True),
        ("POST", {"origin": "null"}, True),
        ("POST", {"origin": "file://"}, True),
    ],
)
def test_cross_origin_decisions(method: str, headers: dict[str, str], refused: bool) -> None:
    reason = cross_origin_refusal(method, Headers({**HOST, **headers}), "http")
    assert (reason is not None) is refused, reason


def test_default_ports_match() -> None:
    h = Headers({"host": "feeder.example", "origin": "https://feeder.example:443"})
    assert cross_origin_refusal("POST", h, "https") is None
    h = Headers({"host": "feeder.example", "origin": "https://feeder.example:8443"})
    assert cross_origin_refusal("POST", h, "https") is not None
    h = Headers({"host": "FEEDER.example", "origin": "http://feeder.EXAMPLE"})
    assert cross_origin_refusal("POST", h, "http") is None


# ------------------------------------------------------------------------------- throttle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_throttle_after_the_limit_within_the_window() -> None:
    clock = Clock()
    throttle = Throttle(limit=3, window=60, clock=clock)
    for _ in range(3):
        throttle.check("10.0.0.1")
        throttle.fail("10.0.0.1", "test")
        clock.now += 10
    with pytest.raises(Throttled) as err:
        throttle.check("10.0.0.1")
    assert err.value.status == 429
    assert err.value.retry_after == 30  # the first failure (t=1000) leaves at t=1060; now 1030
    throttle.check("10.0.0.2")  # other addresses are not affected
    clock.now = 1060.0
    throttle.check("10.0.0.1")  # the oldest failure has left the window
    throttle.fail("10.0.0.1", "test")
    with pytest.raises(Throttled):
        throttle.check("10.0.0.1")
    clock.now = 1000.0 + 60 * 3
    throttle.check("10.0.0.1")


def test_throttle_memory_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from feeder.editors import throttle as mod

    monkeypatch.setattr(mod, "MAX_ADDRESSES", 5)
    t = Throttle(limit=1, window=60, clock=Clock())
    for i in range(20):
        t.fail(f"10.0.0.{i}", "test")
    assert len(t._failures) == 5
    with pytest.raises(Throttled):
        t.check("10.0.0.19")
