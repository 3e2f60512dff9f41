from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from feeder.app import Feeder
from feeder.cli import main
from feeder.store import Store, db
from tests.common import TOPIC
from tests.common import run_cli as cli
from tests.notices.hostile import CASES, IDS, TITLE, Hostile, fields, outputs_whole


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


# ------------------------------------------------------------------------------- bad input


def add_args(data: dict[str, str]) -> list[str]:
    return [arg for name, value in data.items() for arg in (f"--{name}", value)]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_hostile_input_exits_2_naming_the_field_or_is_stored_clean(
    cfg_path: Path, case: Hostile
) -> None:
    out = cfg_path.parent / "public"
    code, stdout, stderr = cli(cfg_path, "notice", "add", *add_args(fields(case)))
    if case.refused:
        assert code == 2
        assert stdout == ""
        assert stderr.startswith(f"feeder: error: {case.field}: lies outside the years 1970–2999")
        assert stderr.count("\n") == 1  # one line, no traceback
        assert not (cfg_path.parent / "db.sqlite3").exists() or not Store(
            cfg_path.parent / "db.sqlite3").items()
        return
    assert code == 0, stderr
    notice_id = stdout.strip()
    with Store(cfg_path.parent / "db.sqlite3") as store:
        assert getattr(store.get(notice_id), case.field) == case.stored
    assert [a["title"] for a in outputs_whole(out)["alerts"]] == [TITLE]
    assert cli(cfg_path, "publish")[0] == 0
    outputs_whole(out)
    assert cli(cfg_path, "notice", "withdraw", notice_id)[0] == 0
    assert outputs_whole(out)["alerts"] == []


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["notice", "add"], "feeder notice add: error: the following arguments are required:"
                            " --title (see: feeder notice add --help)"),
        (["notice", "add", "--title", "T", "--expires", "9999-12-31T23:30"],
         "feeder: error: expires: lies outside the years 1970–2999"),
        (["notice", "add", "--title", "T", "--starts", "0001-01-01T00:30"],
         "feeder: error: starts: lies outside the years 1970–2999"),
        (["notice", "add", "--title", "\udcff"], "feeder: error: title: must not be empty"),
        (["notice", "add", "--title", "T", "--url", "https://a.se/a b"], "feeder: error: url:"),
        (["notice", "add", "--title", "x" * 70_000], "feeder: error: title: is 70000 characters"),
        (["notice", "add", "--title", "T", "--level", "9" * 5000], "feeder: error: level:"),
        (["notice", "update"], "feeder notice update: error: the following arguments"),
        (["notice", "update", "notice:000000000000", "--title", "x"],
         "feeder: error: no notice with id 'notice:000000000000'"),
        (["notice", "update", "\udcff", "--title", "x"],
         "feeder: error: no notice with id '\\udcff'"),
        (["notice", "update", "abc"], "feeder: error: options: nothing to change"),
        (["notice", "withdraw", "x" * 5000], "feeder: error: no notice with id 'xxxx"),
        (["notice", "withdraw", ""], "feeder: error: no notice with id ''"),
        (["notice", "list", "--xml"], "feeder: error: unrecognized arguments: --xml"),
        (["poll", "twitter"], "feeder: error: SOURCE: unknown source 'twitter'"),
        (["publish", "now"], "feeder: error: unrecognized arguments: now"),
        (["editor", "add", "\udcff"], "feeder: error: name: is not valid text"),
        (["editor", "add", "anna bertil"], "feeder: error: name: may hold letters"),
        (["editor", "remove", "\udcff"], "feeder: error: no editor named '\\udcff'"),
        (["editor", "token", "nobody"], "feeder: error: no editor named 'nobody'"),
        (["editor", "password", "x" * 5000], "feeder: error: no editor named 'xxxx"),
        (["editor", "add", "anna", "--role", "boss"], "feeder editor add: error: argument"),
        (["frobnicate"], "feeder: error: argument COMMAND: invalid choice: 'frobnicate'"),
    ],
)
def test_every_command_with_bad_input_exits_2_with_one_line(
    cfg_path: Path, args: list[str], words: str
) -> None:
    code, stdout, stderr = cli(cfg_path, *args)
    assert code == 2, stderr
    assert stdout == ""
    assert stderr.startswith(words), stderr
    assert stderr.count("\n") == 1 and "Traceback" not in stderr


def test_a_password_that_is_not_text_exits_2(cfg_path: Path) -> None:
    code, _, stderr = cli(cfg_path, "editor", "add", "anna", "--password-stdin",
                          stdin="\udcff\udcfe-lösenord-1\n")
    assert code == 2
    assert stderr == "feeder: error: password: is not valid text (is the terminal's encoding" \
                     " UTF-8?)\n"


def test_bytes_that_are_not_utf8_on_the_command_line_are_no_traceback(cfg_path: Path) -> None:
    env = {**os.environ, "LC_ALL": "C.UTF-8", "LOGNAME": "op\udcff"}  # the byte 0xff
    for args in ([b"notice", b"add", b"--title", b"Kokvatten\xff i Timr\xc3\xa5"],
                 [b"notice", b"withdraw", b"\xff"], [b"editor", b"remove", b"\xff"]):
        done = subprocess.run(
            [sys.executable.encode(), b"-m", b"feeder", b"--config", str(cfg_path).encode(),
             *args], capture_output=True, timeout=60, env=env,
        )
        assert b"Traceback" not in done.stderr, done.stderr.decode("utf-8", "replace")
        assert done.returncode in (0, 2), done.stderr
    with Store(cfg_path.parent / "db.sqlite3") as store:
        [item] = store.items("notice")
    assert item.title == "Kokvatten i Timrå"  # the stray byte removed by hygiene
    assert item.author == "cli:op"


@pytest.mark.parametrize(
    "command",
    [["add", "--title", "Viktigt", "--level", "warning"],
     ["update", "{id}", "--title", "Ändrat"],
     ["withdraw", "{id}"]],
    ids=["add", "update", "withdraw"],
)
def test_stored_but_not_published_exits_3_and_the_next_publish_puts_it_out(
    cfg_path: Path, command: list[str]
) -> None:
    out = cfg_path.parent / "public"
    assert cli(cfg_path, "notice", "add", "--title", "Först", "--level", "warning")[0] == 0
    with Store(cfg_path.parent / "db.sqlite3") as store:
        [first] = store.items("notice")
    shutil.rmtree(out)
    out.write_text("a file where the output folder should be")
    args = [a.replace("{id}", first.id) for a in command]
    code, stdout, stderr = cli(cfg_path, "notice", *args)
    assert code == 3
    notice_id = stdout.strip()
    assert stderr.startswith(f"feeder: error: stored as {notice_id}, but not published: ")
    assert stderr.count("\n") == 1 and "Traceback" not in stderr
    out.unlink()  # the operator fixes the folder; the next publish retries
    assert cli(cfg_path, "publish")[0] == 0
    alerts = sorted(a["title"] for a in outputs_whole(out)["alerts"])
    assert alerts == {"add": ["Först", "Viktigt"], "update": ["Ändrat"], "withdraw": []}[
        command[0]]


@pytest.mark.parametrize(
    "args",
    [["notice", "add", "--title", "Viktigt"], ["notice", "update", "{id}", "--title", "Nytt"],
     ["notice", "withdraw", "{id}"], ["editor", "add", "bertil"], ["editor", "token", "anna"],
     ["editor", "remove", "anna"]],
)
def test_a_locked_database_is_one_clear_line_for_every_change(
    cfg_path: Path, args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli(cfg_path, "editor", "add", "anna")[0] == 0
    code, stdout, _ = cli(cfg_path, "notice", "add", "--title", "Först")
    assert code == 0
    args = [a.replace("{id}", stdout.strip()) for a in args]
    monkeypatch.setattr(db, "BUSY_TIMEOUT", 0.05)
    holder = sqlite3.connect(cfg_path.parent / "db.sqlite3", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        code, stdout, stderr = cli(cfg_path, *args)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert code == 1 and stdout == ""
    assert stderr.startswith("feeder: error: database ")
    assert "is busy (another process holds a lock): try again in a moment" in stderr
    assert stderr.count("\n") == 1


def test_an_unexpected_error_is_one_line_and_its_traceback_only_with_v(
    cfg_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(Feeder, "notices", broken)
    code, _, stderr = cli(cfg_path, "notice", "list")
    assert (code, stderr) == (1, "feeder: internal error: RuntimeError: a bug (a bug; -v shows"
                                 " where)\n")
    code, _, stderr = cli(cfg_path, "-v", "notice", "list")
    assert code == 1 and "Traceback" in stderr and "RuntimeError: a bug" in stderr


def test_publish_lists_what_it_left_out_and_exits_1(cfg_path: Path) -> None:
    from feeder import config as config_mod
    from feeder.store import Store
    from feeder.timeutil import iso_z
    from tests.common import NOW, run_cli

    config = config_mod.load(cfg_path)
    with Store(config.storage.database):
        pass
    db = sqlite3.connect(config.storage.database)
    with db:
        db.execute(
            "INSERT INTO items (id, source, level, title, body, published, updated,"
            " content_hash, first_seen) VALUES (?, 'notice', 9, 'Nio', '', ?, ?, 'x', ?)",
            ("notice:nine", iso_z(NOW), iso_z(NOW), iso_z(NOW)),
        )
    db.close()
    code, out, _ = run_cli(cfg_path, "publish")
    assert code == 1
    assert "LEFT OUT (cannot be rendered, see the log): notice:nine" in out
    assert (config.storage.output_dir / "banner.json").is_file()  # everything else published
