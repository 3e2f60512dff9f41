from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from feeder.cli import main
from feeder.store import Store, db
from tests.common import TOPIC


@pytest.fixture
def cfg_path(tmp_path: Path) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "region": {"name": "Västernorrlands län", "county_id": 22},
                "storage": {"database": "db.sqlite3", "output_dir": "public"},
                "sources": {"smhi": {"url": "http://127.0.0.1:9/warning.json"},
                            "lansstyrelsen": {"enabled": False}},
                "topics": [TOPIC],
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    return path


def run(cfg: Path, *args: str) -> int:
    return main(["--config", str(cfg), *args])


def test_check_ok(cfg_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(cfg_path, "check") == 0
    assert "ok" in capsys.readouterr().out


def test_check_bad_config_exits_2_naming_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("server:\n  port: eighty\n", encoding="utf-8")
    assert main(["--config", str(bad), "check"]) == 2
    assert "server.port" in capsys.readouterr().err


def test_check_uses_feeder_config_env(
    cfg_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FEEDER_CONFIG", str(cfg_path))
    assert main(["check"]) == 0
    assert str(cfg_path) in capsys.readouterr().out


def test_notice_add_prints_the_id_alone_and_publishes(
    cfg_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(cfg_path, "notice", "add", "--title", "Kokvattenrekommendation",
               "--body", "Koka vattnet", "--level", "notice", "--area", "2281",
               "--expires", "2099-01-01T00:00") == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    notice_id = out.strip()
    assert re.fullmatch(r"notice:[0-9a-f]{12}", notice_id)  # the id banner.json shows too
    banner = json.loads((cfg_path.parent / "public" / "banner.json").read_text(encoding="utf-8"))
    assert banner["alert"]["title"] == "Kokvattenrekommendation"
    assert banner["alert"]["areas"] == ["2281"]
    assert banner["alert"]["id"] == notice_id

    assert run(cfg_path, "notice", "list", "--json") == 0
    listed = json.loads(capsys.readouterr().out)
    assert [n["id"] for n in listed] == [notice_id]

    bare = notice_id.partition(":")[2]  # the form handed out before is still accepted
    assert run(cfg_path, "notice", "update", bare, "--level", "warning") == 0
    assert capsys.readouterr().out.strip() == notice_id
    banner = json.loads((cfg_path.parent / "public" / "banner.json").read_text(encoding="utf-8"))
    assert banner["alert"]["level_name"] == "warning"

    assert run(cfg_path, "notice", "withdraw", notice_id) == 0
    assert capsys.readouterr().out.startswith(f"{notice_id} withdrawn at ")
    banner = json.loads((cfg_path.parent / "public" / "banner.json").read_text(encoding="utf-8"))
    assert banner["alert"] is None
    with Store(cfg_path.parent / "db.sqlite3") as store:
        assert [e.action for e in store.audit_log()] == ["withdraw", "update", "create"]
        assert store.audit_log()[0].actor.startswith("cli")


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--title", ""], "title"),
        (["--title", "T", "--level", "loud"], "level"),
        (["--title", "T", "--starts", "2099-01-02T00:00", "--expires", "2099-01-01T00:00"],
         "expires"),
        (["--title", "T", "--body", "x" * 20_001], "body"),
        (["--title", "T", "--topic", "nope"], "topics"),
        (["--title", "T", "--expires", "next week"], "expires"),
    ],
)
def test_notice_add_errors_exit_2_naming_the_field(
    cfg_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], field: str
) -> None:
    assert run(cfg_path, "notice", "add", *args) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"error: {field}:" in captured.err
    assert not (cfg_path.parent / "db.sqlite3").exists() or not Store(
        cfg_path.parent / "db.sqlite3").items()


def test_notice_update_unknown_id_exits_2(
    cfg_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(cfg_path, "notice", "update", "nope", "--title", "x") == 2
    assert "no notice with id 'nope'" in capsys.readouterr().err


def test_notice_list_plain(cfg_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(cfg_path, "notice", "add", "--title", "Utkast", "--draft")
    capsys.readouterr()
    assert run(cfg_path, "notice", "list") == 0
    line = capsys.readouterr().out.strip()
    assert "draft" in line and "Utkast" in line
    assert line.startswith("notice:")


def test_poll_unknown_source_exits_2(cfg_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(cfg_path, "poll", "twitter") == 2
    assert "unknown source" in capsys.readouterr().err


def test_poll_failure_exits_1_and_still_publishes(
    cfg_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # port 9 (discard) on loopback: connection refused, a failed poll
    assert run(cfg_path, "poll") == 1
    out = capsys.readouterr().out
    assert "smhi: FAILED" in out
    banner = json.loads((cfg_path.parent / "public" / "banner.json").read_text(encoding="utf-8"))
    assert banner["sources"]["smhi"]["ok"] is False


def test_publish_twice_changes_nothing(cfg_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(cfg_path, "publish") == 0
    assert "feed.atom" in capsys.readouterr().out
    assert run(cfg_path, "publish") == 0
    assert "nothing changed" in capsys.readouterr().out


def test_console_script_runs(cfg_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "feeder", "--config", str(cfg_path), "check"],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "ok" in done.stdout


def test_poll_backs_off_after_failures_unless_forced(
    cfg_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(cfg_path, "poll") == 1
    assert run(cfg_path, "poll") == 1  # second failure: backoff starts
    capsys.readouterr()
    assert run(cfg_path, "poll") == 1
    assert "smhi: SKIPPED: backing off until" in capsys.readouterr().out
    with Store(cfg_path.parent / "db.sqlite3") as store:
        assert store.source_state("smhi").failures == 2
    assert run(cfg_path, "poll", "--force") == 1
    assert "smhi: FAILED" in capsys.readouterr().out
    with Store(cfg_path.parent / "db.sqlite3") as store:
        assert store.source_state("smhi").failures == 3


def test_notice_add_prints_the_id_even_when_publishing_fails_and_exits_3(
    cfg_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (cfg_path.parent / "public").write_text("a file where the output folder should be")
    assert run(cfg_path, "notice", "add", "--title", "Viktigt") == 3
    captured = capsys.readouterr()
    notice_id = captured.out.strip()
    assert f"stored as {notice_id}, but not published: FeederError: cannot publish" in (
        captured.err)
    assert "Traceback" not in captured.err
    with Store(cfg_path.parent / "db.sqlite3") as store:
        assert store.get(notice_id).title == "Viktigt"


def test_a_locked_database_is_a_clear_error_not_a_traceback(
    cfg_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run(cfg_path, "publish") == 0  # creates the database
    capsys.readouterr()
    monkeypatch.setattr(db, "BUSY_TIMEOUT", 0.05)
    holder = sqlite3.connect(cfg_path.parent / "db.sqlite3", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        assert run(cfg_path, "notice", "add", "--title", "Viktigt") == 1
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("feeder: error: database ")
    assert "is busy (another process holds a lock): try again in a moment" in captured.err
    assert "Traceback" not in captured.err
