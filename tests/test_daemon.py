"""``feeder run`` as operators run it: a real subprocess, a real SMHI-like upstream on loopback
(pytest-httpserver), a free port, SIGTERM. Plus the systemd unit through systemd-analyze.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.daemon_support import (
    FIRE_TITLE,
    Daemon,
    Upstream,
    alert_titles,
    assert_outputs_consistent,
    db_items,
    fire_warning,
    write_config,
)

ROOT = Path(__file__).resolve().parent.parent
UNIT = ROOT / "systemd" / "feeder.service"


@pytest.fixture
def upstream(httpserver: HTTPServer) -> Iterator[Upstream]:
    up = Upstream(httpserver)
    yield up
    up.hang.set()  # let a hanging handler go before the server stops


@pytest.fixture
def daemons() -> Iterator[Callable[[Path], Daemon]]:
    started: list[Daemon] = []

    def start(config_path: Path) -> Daemon:
        d = Daemon(config_path)
        started.append(d)
        return d

    yield start
    for d in started:
        d.stop()


# ------------------------------------------------------------------------------- tests


def test_run_polls_on_schedule_and_serves_the_change_without_restart(
    tmp_path: Path, upstream: Upstream, daemons: Callable[[Path], Daemon]
) -> None:
    daemon = daemons(write_config(tmp_path, upstream, interval=1))
    daemon.wait_until(lambda: daemon.get("/banner.json")[0] == 200)
    assert daemon.banner()["alerts"] == []
    now = datetime.now(UTC)
    upstream.body = fire_warning(start=now - timedelta(hours=1), end=now + timedelta(days=1),
                                 published=now - timedelta(minutes=5))
    daemon.wait_until(lambda: alert_titles(daemon.banner()) == [FIRE_TITLE])

    status, body = daemon.get("/healthz")
    health = json.loads(body)
    assert status == 200 and health["status"] == "ok"
    assert health["sources"]["smhi"]["ok"] is True
    status, feed = daemon.get("/feed.atom", {"Accept-Encoding": "gzip"})
    assert status == 200 and FIRE_TITLE in gzip.decompress(feed).decode()

    code, _ = daemon.terminate()
    log = daemon.output()
    assert code == 0, log
    polls = re.findall(r"poll source=smhi outcome=(\S+) .*duration=", log)
    assert len(polls) >= 2 and "ok" in polls
    assert re.search(r"poll source=smhi outcome=ok new=1 updated=0 ended=0", log)
    assert "stopped cleanly on SIGTERM" in log
    assert_outputs_consistent(tmp_path / "var" / "public")


def test_an_alert_leaves_the_banner_at_its_end_with_no_poll(
    tmp_path: Path, upstream: Upstream, daemons: Callable[[Path], Daemon]
) -> None:
    now = datetime.now(UTC)
    end = now + timedelta(seconds=6)
    upstream.body = fire_warning(start=now - timedelta(hours=1), end=end,
                                 published=now - timedelta(minutes=5))
    daemon = daemons(write_config(tmp_path, upstream, interval=3600))
    daemon.wait_until(lambda: alert_titles(daemon.banner()) == [FIRE_TITLE])
    assert daemon.banner()["alerts"][0]["expires"] == end.strftime("%Y-%m-%dT%H:%M:%SZ")
    daemon.wait_until(lambda: daemon.banner()["alerts"] == [], timeout=20)
    assert datetime.now(UTC) >= end.replace(microsecond=0)
    assert upstream.requests == 1  # the start-up poll only: the publish at the end did it
    code, _ = daemon.terminate()
    assert code == 0, daemon.output()


def test_an_upcoming_alert_becomes_active_at_its_onset_with_no_poll(
    tmp_path: Path, upstream: Upstream, daemons: Callable[[Path], Daemon]
) -> None:
    now = datetime.now(UTC)
    onset = now + timedelta(seconds=6)
    upstream.body = fire_warning(start=onset, end=now + timedelta(days=1),
                                 published=now - timedelta(minutes=5))
    daemon = daemons(write_config(tmp_path, upstream, interval=3600))
    daemon.wait_until(lambda: alert_titles(daemon.banner()) == [FIRE_TITLE])
    (shown,) = daemon.banner()["alerts"]
    assert shown["upcoming"] is True and shown["starts"] == onset.strftime("%Y-%m-%dT%H:%M:%SZ")
    status, page = daemon.get("/banner.html")
    assert status == 200 and "Från " in page.decode()
    daemon.wait_until(lambda: daemon.banner()["alerts"][0]["upcoming"] is False, timeout=20)
    assert datetime.now(UTC) >= onset.replace(microsecond=0)
    assert "Från " not in daemon.get("/banner.html")[1].decode()
    assert upstream.requests == 1  # the start-up poll only: the publish at the onset did it
    code, _ = daemon.terminate()
    assert code == 0, daemon.output()


def test_the_first_start_offline_says_nothing_is_known(
    tmp_path: Path, daemons: Callable[[Path], Daemon]
) -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        nowhere = f"http://127.0.0.1:{sock.getsockname()[1]}/warning.json"
    # What a kill between a file and its .gz left from an earlier run: checked at start-up.
    public = tmp_path / "var" / "public"
    public.mkdir(parents=True)
    (public / "banner.html").write_bytes(b"<p>new</p>")
    (public / "banner.html.gz").write_bytes(gzip.compress(b"<p>old</p>"))
    daemon = daemons(write_config(tmp_path, nowhere, interval=3600))
    daemon.wait_until(lambda: daemon.banner()["sources"]["smhi"]["since"] is not None)
    assert "gzip twins repaired at start-up: banner.html.gz" in daemon.output()
    banner = daemon.banner()
    assert banner["state"] == "unknown" and banner["alerts"] == []
    status, body = daemon.get("/healthz")
    assert (status, json.loads(body)["status"]) == (503, "starting")
    for name in ("/banner.html", "/index.html"):
        page = daemon.get(name)[1].decode()
        assert not re.search(r"(?i)inga (aktuella )?varningar", page), name
        assert "Inga uppgifter från SMHI har kunnat hämtas sedan" in page, name
    code, _ = daemon.terminate()
    assert code == 0, daemon.output()


def test_sigterm_during_a_slow_upstream_response_exits_0_and_a_restart_resumes(
    tmp_path: Path, upstream: Upstream, daemons: Callable[[Path], Daemon]
) -> None:
    now = datetime.now(UTC)
    upstream.body = fire_warning(start=now - timedelta(hours=1), end=now + timedelta(days=1),
                                 published=now - timedelta(minutes=5))
    upstream.delay = 3.0
    config_path = write_config(tmp_path, upstream, interval=3600, read_timeout=10)
    daemon = daemons(config_path)
    assert upstream.received.wait(20), daemon.output()
    # Serving, and honest: SMHI has never answered, so nothing is known yet.
    daemon.wait_until(lambda: daemon.get("/healthz")[0] == 503
                      and json.loads(daemon.get("/healthz")[1])["status"] == "starting")
    code, took = daemon.terminate()
    log = daemon.output()
    assert code == 0, log
    assert took < 15
    # The poll in flight finished, was stored and published before the exit.
    assert "poll source=smhi outcome=ok new=1" in log
    public = tmp_path / "var" / "public"
    assert_outputs_consistent(public)
    assert alert_titles(json.loads((public / "banner.json").read_bytes())) == [FIRE_TITLE]
    before = db_items(tmp_path / "var" / "feeder.sqlite3")
    assert len(before) == 1
    banner_before = (public / "banner.json").read_bytes()

    # Restart: the same upstream answer again, quickly now.
    upstream.delay = 0.0
    seen = upstream.requests
    again = daemons(config_path)
    again.wait_until(lambda: upstream.requests > seen)
    again.wait_until(lambda: "poll source=smhi outcome=ok" in again.output())
    assert db_items(tmp_path / "var" / "feeder.sqlite3") == before
    assert (public / "banner.json").read_bytes() == banner_before  # nothing new: not rewritten
    code, _ = again.terminate()
    assert code == 0, again.output()
    assert re.search(r"poll source=smhi outcome=ok new=0 updated=0 ended=0 unchanged=1",
                     again.output())


def test_sigterm_while_the_upstream_hangs_stops_within_the_request_timeout(
    tmp_path: Path, upstream: Upstream, daemons: Callable[[Path], Daemon]
) -> None:
    upstream.hanging = True
    daemon = daemons(write_config(tmp_path, upstream, interval=3600, read_timeout=2))
    assert upstream.received.wait(20), daemon.output()
    # Serving, and honest: SMHI has never answered, so nothing is known yet.
    daemon.wait_until(lambda: daemon.get("/healthz")[0] == 503
                      and json.loads(daemon.get("/healthz")[1])["status"] == "starting")
    code, took = daemon.terminate()
    log = daemon.output()
    assert code == 0, log
    assert took < 10, log
    assert "poll source=smhi outcome=failed" in log
    db = sqlite3.connect(tmp_path / "var" / "feeder.sqlite3")
    try:
        state, error = db.execute(
            "SELECT state, last_error FROM source_state WHERE name = 'smhi'").fetchone()
    finally:
        db.close()
    assert state == "failing" and "timed out" in error
    assert_outputs_consistent(tmp_path / "var" / "public")


def test_sigint_also_stops_cleanly(
    tmp_path: Path, upstream: Upstream, daemons: Callable[[Path], Daemon]
) -> None:
    daemon = daemons(write_config(tmp_path, upstream, interval=3600))
    daemon.wait_until(lambda: daemon.get("/banner.json")[0] == 200)
    daemon.proc.send_signal(signal.SIGINT)
    assert daemon.proc.wait(20) == 0, daemon.output()
    assert "stopped cleanly on SIGINT" in daemon.output()


def test_run_fails_clearly_when_the_port_is_taken(
    tmp_path: Path, upstream: Upstream, daemons: Callable[[Path], Daemon]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        daemon = daemons(write_config(tmp_path, upstream, interval=3600, port=port))
        code = daemon.proc.wait(30)
    assert code == 1  # may free up: systemd restarts it (not 2, which it does not)
    assert "address already in use" in daemon.output().lower()
    assert "server.port" in daemon.output() and "Traceback" not in daemon.output()
    assert upstream.requests == 0  # nothing polled before the port was bound
    assert not (tmp_path / "var" / "public").exists()


def test_run_refuses_an_address_not_on_this_machine_as_a_config_error(
    tmp_path: Path, upstream: Upstream, daemons: Callable[[Path], Daemon]
) -> None:
    config = write_config(tmp_path, upstream, interval=3600)
    config.write_text(config.read_text(encoding="utf-8").replace("host: 127.0.0.1",
                                                                 "host: 192.0.2.1"),
                      encoding="utf-8")
    daemon = daemons(config)
    assert daemon.proc.wait(30) == 2  # RestartPreventExitStatus=2: no restart loop
    assert "config error: server.host: cannot listen on 192.0.2.1" in daemon.output()
    assert upstream.requests == 0


# ------------------------------------------------------------------------------- systemd

SYSTEMD_ANALYZE = shutil.which("systemd-analyze")
needs_systemd_analyze = pytest.mark.skipif(
    SYSTEMD_ANALYZE is None, reason="systemd-analyze is not installed"
)


def _unit_for_verify(tmp_path: Path) -> Path:
    """The unit as shipped, except that ExecStart points at the installed ``feeder`` script
    when /usr/local/bin/feeder (the path of a system-wide pip install) is absent here:
    ``verify`` insists that the binary exists."""
    text = UNIT.read_text(encoding="utf-8")
    shipped = "ExecStart=/usr/local/bin/feeder --config /etc/feeder/config.yaml run"
    assert shipped in text
    if not os.access("/usr/local/bin/feeder", os.X_OK):
        script = shutil.which("feeder") or str(Path(sys.executable).parent / "feeder")
        assert os.access(script, os.X_OK), "the feeder console script is not installed"
        text = text.replace("/usr/local/bin/feeder", os.path.realpath(script))
    path = tmp_path / "feeder.service"
    path.write_text(text, encoding="utf-8")
    return path


@needs_systemd_analyze
def test_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    unit = _unit_for_verify(tmp_path)
    done = subprocess.run([SYSTEMD_ANALYZE, "verify", str(unit)], capture_output=True,
                          text=True, cwd=tmp_path, timeout=120)
    about_us = [line for line in (done.stdout + done.stderr).splitlines() if "feeder" in line]
    assert done.returncode == 0 and not about_us, done.stdout + done.stderr


@needs_systemd_analyze
def test_unit_sandbox_exposure_is_at_most_1_5() -> None:
    done = subprocess.run(
        [SYSTEMD_ANALYZE, "security", "--offline=true", "--no-pager", str(UNIT)],
        capture_output=True, text=True, timeout=120,
    )
    match = re.search(r"Overall exposure level for feeder\.service: (\d+\.\d+)", done.stdout)
    assert match, done.stdout + done.stderr
    assert float(match.group(1)) <= 1.5, done.stdout


def test_unit_runs_feeder_as_documented() -> None:
    text = UNIT.read_text(encoding="utf-8")
    settings = dict(
        line.split("=", 1) for line in text.splitlines()
        if "=" in line and not line.startswith("#")
    )
    assert settings["ExecStart"] == "/usr/local/bin/feeder --config /etc/feeder/config.yaml run"
    assert settings["Restart"] == "on-failure"
    assert settings["RestartPreventExitStatus"] == "2"  # a config error does not loop
    from feeder import server as server_mod

    assert int(settings["LimitNOFILE"]) == server_mod.MAX_CONNECTIONS + server_mod.FD_RESERVE
    assert settings["StateDirectory"] == "feeder"
    assert settings["LoadCredential"] == "secret_key:/etc/feeder/secret_key"
    stop = int(settings["TimeoutStopSec"].rstrip("s"))
    # Longer than the longest poll: the default request timeouts (5 s + 20 s) plus a margin.
    assert stop >= 60
    sysusers = (ROOT / "systemd" / "feeder.sysusers").read_text(encoding="utf-8")
    assert re.search(r"^u feeder\b", sysusers, re.M)
    assert settings["User"] == "feeder"
