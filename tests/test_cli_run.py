"""``feeder run --host H --port P``: the options override ``server.*`` (and the public URL when it
was the one derived from them), in-process and as a real daemon."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from feeder.cli import build_parser, with_server
from tests.common import make_config, run_cli
from tests.demo.support import free_port


def test_without_options_the_config_is_kept(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    assert with_server(config, None, None) is config


def test_the_derived_public_url_follows_the_new_address(tmp_path: Path) -> None:
    config = make_config(tmp_path, server={"host": "127.0.0.1", "port": 8080})
    moved = with_server(config, "0.0.0.0", 9000)
    assert (moved.server.host, moved.server.port) == ("0.0.0.0", 9000)
    assert moved.server.public_url == "http://0.0.0.0:9000/"
    only_port = with_server(config, None, 9001)
    assert (only_port.server.host, only_port.server.public_url) == (
        "127.0.0.1", "http://127.0.0.1:9001/")
    assert moved.sources == config.sources and moved.storage == config.storage


def test_a_public_url_of_its_own_is_kept(tmp_path: Path) -> None:
    config = make_config(tmp_path, server={"host": "127.0.0.1", "port": 8080,
                                           "public_url": "https://varningar.example.se/"})
    moved = with_server(config, None, 9000)
    assert moved.server.port == 9000
    assert moved.server.public_url == "https://varningar.example.se/"


def test_the_options_are_parsed() -> None:
    args = build_parser().parse_args(["run", "--host", "::1", "--port", "8123"])
    assert (args.host, args.port) == ("::1", 8123)
    args = build_parser().parse_args(["run"])
    assert (args.host, args.port) == (None, None)


@pytest.mark.parametrize("args", [["--port", "0"], ["--port", "65536"], ["--port", "x"],
                                  ["--host", " "]])
def test_bad_values_are_usage_errors(tmp_path: Path, args: list[str]) -> None:
    code, out, err = run_cli(tmp_path / "config.yaml", "run", *args)
    assert code == 2
    assert out == ""
    assert err.startswith("feeder run: error: argument"), err


def test_run_serves_on_the_port_given(tmp_path: Path) -> None:
    configured, given = free_port(), free_port()
    data = {
        "storage": {"database": "var/feeder.sqlite3", "output_dir": "var/public"},
        "server": {"host": "127.0.0.1", "port": configured},
        "sources": {"smhi": {"enabled": False}, "lansstyrelsen": {"enabled": False}},
    }
    config_path = tmp_path / "config.yaml"
    config_path.write_text(yaml.safe_dump(data), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("FEEDER_")}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
    log = tmp_path / "run.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "feeder", "--config", str(config_path), "run",
             "--port", str(given)], cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT, env=env)
        try:
            feed = _wait_for(f"http://127.0.0.1:{given}/feed.atom", proc, log)
            assert f'href="http://127.0.0.1:{given}/feed.atom"' in feed
            with pytest.raises(OSError):
                urllib.request.urlopen(f"http://127.0.0.1:{configured}/feed.atom", timeout=2)
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(30) == 0, log.read_text()
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)


def _wait_for(url: str, proc: subprocess.Popen[bytes], log: Path) -> str:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text()
        try:
            request = urllib.request.Request(url, headers={"Accept": "application/atom+xml"})
            with urllib.request.urlopen(request, timeout=2) as response:
                return str(response.read().decode("utf-8"))
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    raise AssertionError(f"{url} not served in 20 s:\n{log.read_text()}")
