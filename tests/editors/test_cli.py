"""``feeder editor add|list|remove|token|password``."""

from __future__ import annotations

import io
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from starlette.testclient import TestClient

from feeder import config as config_mod
from feeder.app import Feeder
from feeder.cli import main
from tests.editors.support import make_app

TOKEN = re.compile(r"fdr_[A-Za-z0-9_-]{43}")


@pytest.fixture
def cfg_path(tmp_path: Path) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump({
        "storage": {"database": "db.sqlite3", "output_dir": "public"},
        "sources": {"smhi": {"enabled": False}, "lansstyrelsen": {"enabled": False}},
    }), encoding="utf-8")
    return path


def run(cfg: Path, *args: str, stdin: str = "") -> tuple[int, str, str]:
    """main() in-process with ``stdin``; returns (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    old = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(stdin), out, err
    try:
        code = main(["--config", str(cfg), *args])
    finally:
        sys.stdin, sys.stdout, sys.stderr = old
    return code, out.getvalue(), err.getvalue()


def _feeder(cfg: Path) -> Feeder:
    return Feeder(config_mod.load(cfg))


def test_add_prints_the_token_alone_on_one_line(cfg_path: Path) -> None:
    code, out, err = run(cfg_path, "editor", "add", "anna", "--role", "publisher",
                         "--password-stdin", stdin="anna-lösenord-1\n")
    assert code == 0
    assert TOKEN.fullmatch(out.rstrip("\n")) and out.count("\n") == 1
    assert "anna" in err and "only now" in err
    with _feeder(cfg_path) as feeder:
        editor = feeder.by_token(out.strip())
        assert editor is not None and editor.name == "anna" and editor.role == "publisher"
        assert feeder.login("anna", "anna-lösenord-1") == editor


def test_add_without_password_is_api_only_and_defaults_to_editor(cfg_path: Path) -> None:
    code, out, err = run(cfg_path, "editor", "add", "tore")
    assert code == 0 and TOKEN.fullmatch(out.strip())
    assert "API only" in err
    with _feeder(cfg_path) as feeder:
        editor = feeder.editor("tore")
        assert editor.role == "editor" and not editor.has_password


def test_token_rotates_and_the_old_one_stops_working(cfg_path: Path) -> None:
    _, first, _ = run(cfg_path, "editor", "add", "anna")
    code, second, err = run(cfg_path, "editor", "token", "anna")
    assert "no longer works" in err
    assert code == 0 and TOKEN.fullmatch(second.strip()) and second.count("\n") == 1
    assert second != first
    with _feeder(cfg_path) as feeder:
        assert feeder.by_token(first.strip()) is None
        assert feeder.editor("anna") == feeder.by_token(second.strip())
        # and through the API
        with TestClient(make_app(feeder)) as client:
            old = {"Authorization": f"Bearer {first.strip()}"}
            new = {"Authorization": f"Bearer {second.strip()}"}
            assert client.get("/api/notices", headers=old).status_code == 401
            assert client.get("/api/notices", headers=new).status_code == 200


def test_list_and_remove(cfg_path: Path) -> None:
    run(cfg_path, "editor", "add", "anna", "--password-stdin", stdin="anna-lösenord-1\n")
    _, token, _ = run(cfg_path, "editor", "add", "bo", "--role", "publisher")
    code, out, _ = run(cfg_path, "editor", "list")
    assert code == 0
    lines = [line.split("\t") for line in out.splitlines()]
    assert [(f[0], f[1], f[2]) for f in lines] == [
        ("anna", "editor", "password"), ("bo", "publisher", "no-password")]
    assert token.strip() not in out
    code, out, _ = run(cfg_path, "editor", "list", "--json")
    assert [(e["name"], e["role"], e["password"]) for e in json.loads(out)] == [
        ("anna", "editor", True), ("bo", "publisher", False)]
    code, out, err = run(cfg_path, "editor", "remove", "bo")
    assert code == 0 and out == "" and "removed" in err
    with _feeder(cfg_path) as feeder:
        assert feeder.by_token(token.strip()) is None
    assert run(cfg_path, "editor", "list")[1].startswith("anna\t")


def test_password_sets_a_new_password(cfg_path: Path) -> None:
    run(cfg_path, "editor", "add", "tore")
    code, out, err = run(cfg_path, "editor", "password", "tore", stdin="ett-nytt-lösen\n")
    assert "sessions have ended" in err
    assert code == 0 and out == ""
    with _feeder(cfg_path) as feeder:
        assert feeder.login("tore", "ett-nytt-lösen") is not None


@pytest.mark.parametrize(
    ("args", "stdin", "code", "words"),
    [
        (("editor", "add", "anna"), "", 2, "exists already"),
        (("editor", "add", "två ord"), "", 2, "name:"),
        (("editor", "add", "ny", "--password-stdin"), "", 2, "password: no password on stdin"),
        (("editor", "add", "ny", "--password-stdin"), "kort\n", 2, "password: is too short"),
        (("editor", "remove", "nobody"), "", 2, "no editor named 'nobody'"),
        (("editor", "token", "nobody"), "", 2, "no editor named 'nobody'"),
        (("editor", "password", "nobody"), "x" * 20, 2, "no editor named 'nobody'"),
    ],
)
def test_errors_are_clear_and_store_nothing_new(
    cfg_path: Path, args: tuple[str, ...], stdin: str, code: int, words: str
) -> None:
    run(cfg_path, "editor", "add", "anna")
    got, out, err = run(cfg_path, *args, stdin=stdin)
    assert got == code
    assert out == ""
    assert words in err
    with _feeder(cfg_path) as feeder:
        assert [e.name for e in feeder.editors()] == ["anna"]


def test_the_installed_command(cfg_path: Path, tmp_path: Path) -> None:
    """The real entry point in a subprocess, with the production scrypt cost."""
    env = {**os.environ, "FEEDER_CONFIG": str(cfg_path)}
    add = subprocess.run(
        [sys.executable, "-m", "feeder", "editor", "add", "anna", "--password-stdin"],
        input="anna-lösenord-1\n", capture_output=True, text=True, env=env, timeout=60,
    )
    assert add.returncode == 0, add.stderr
    assert TOKEN.fullmatch(add.stdout.rstrip("\n")) and add.stdout.count("\n") == 1
    rotate = subprocess.run([sys.executable, "-m", "feeder", "editor", "token", "anna"],
                            capture_output=True, text=True, env=env, timeout=60)
    assert rotate.returncode == 0 and TOKEN.fullmatch(rotate.stdout.strip())
    with _feeder(cfg_path) as feeder:
        assert feeder.by_token(add.stdout.strip()) is None
        assert feeder.by_token(rotate.stdout.strip()) is not None
        with sqlite3.connect(feeder.store.path) as db:
            row = db.execute("SELECT password_hash FROM editors").fetchone()[0]
        assert row.startswith("scrypt$131072$8$1$")


def test_run_stops_at_start_when_editors_exist_without_a_session_key(cfg_path: Path) -> None:
    assert run(cfg_path, "editor", "add", "anna")[0] == 0
    env = {k: v for k, v in os.environ.items()
           if k not in ("FEEDER_SECRET_KEY", "CREDENTIALS_DIRECTORY")}
    done = subprocess.run([sys.executable, "-m", "feeder", "--config", str(cfg_path), "run"],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 2  # a configuration error (ConfigError.exit_code)
    assert "config error: FEEDER_SECRET_KEY" in done.stderr
    assert "CREDENTIALS_DIRECTORY" in done.stderr and "Traceback" not in done.stderr
    assert "editors exist but no session key is set" in done.stderr
